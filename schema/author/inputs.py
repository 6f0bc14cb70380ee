"""Filter and order inputs of authors."""

from __future__ import annotations

from enum import Enum

import strawberry

from masthead.schema.core.filters import DateTimeFilter, IDFilter, StringFilter


@strawberry.input(description="Conditions on authors; all given fields must hold.")
class AuthorWhere:
    """Author filter: fields combine with AND; `AND`, `OR` and `NOT` nest."""

    and_: list[AuthorWhere] | None = strawberry.field(
        default=None, name="AND", description="All of."
    )
    or_: list[AuthorWhere] | None = strawberry.field(default=None, name="OR", description="Any of.")
    not_: AuthorWhere | None = strawberry.field(default=None, name="NOT", description="Not this.")
    id: IDFilter | None = strawberry.field(default=None, description="By ID.")
    slug: StringFilter | None = strawberry.field(default=None, description="By slug.")
    name: StringFilter | None = strawberry.field(default=None, description="By name.")
    bio: StringFilter | None = strawberry.field(default=None, description="By biography.")
    website: StringFilter | None = strawberry.field(default=None, description="By website.")
    created_at: DateTimeFilter | None = strawberry.field(default=None, description="By creation.")


@strawberry.enum(description="Orders of authors; ties break by ID.")
class AuthorOrder(Enum):
    """Author orderings."""

    NAME_ASC = strawberry.enum_value("NAME_ASC", description="Name A→Z.")
    NAME_DESC = strawberry.enum_value("NAME_DESC", description="Name Z→A.")
    SLUG_ASC = strawberry.enum_value("SLUG_ASC", description="Slug A→Z.")
    CREATED_AT_DESC = strawberry.enum_value("CREATED_AT_DESC", description="Newest first.")
