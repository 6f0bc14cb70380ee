"""The GraphQL cost directives (`@cost`, `@listSize`) that the cost analysis reads."""

from __future__ import annotations

import strawberry
from strawberry.schema_directive import Location

from masthead.resolvers.core.pagination import DEFAULT_PAGE_SIZE

# Lists with no argument bounding them (tags, co-authors, translations, children): what an
# editor puts on one entry, generously.
ASSUMED_LIST_SIZE = 10


@strawberry.schema_directive(
    name="cost",
    locations=[
        Location.ARGUMENT_DEFINITION,
        Location.ENUM,
        Location.FIELD_DEFINITION,
        Location.INPUT_FIELD_DEFINITION,
        Location.OBJECT,
        Location.SCALAR,
    ],
    description="The weight of a field or type in the cost of an operation (a number).",
)
class Cost:
    """`@cost(weight: String!)`, as the GraphQL cost-directive convention defines it."""

    weight: str


@strawberry.schema_directive(
    name="listSize",
    locations=[Location.FIELD_DEFINITION],
    description=(
        "How many items a list field returns: the largest of its slicing arguments, "
        "else `assumedSize`; `sizedFields` are the lists inside a connection it sizes."
    ),
)
class ListSize:
    """`@listSize(...)`, as the GraphQL cost-directive convention defines it."""

    assumed_size: int | None = strawberry.UNSET
    slicing_arguments: list[str] | None = strawberry.UNSET
    sized_fields: list[str] | None = strawberry.UNSET
    require_one_slicing_argument: bool | None = True


# Every connection: `first` or `last` items in `edges` and `nodes`, the default page size
# when neither is given.
CONNECTION_SIZE = ListSize(
    assumed_size=DEFAULT_PAGE_SIZE,
    slicing_arguments=["first", "last"],
    sized_fields=["edges", "nodes"],
    require_one_slicing_argument=False,
)
LIST_SIZE = ListSize(assumed_size=ASSUMED_LIST_SIZE, require_one_slicing_argument=False)
# `totalCount` runs a statement of its own (a count over the whole list).
COUNT_COST = Cost(weight="1")
