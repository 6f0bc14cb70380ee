"""Root queries of authors: `author` and `authors`."""

from __future__ import annotations

from typing import Annotated

import strawberry

from masthead.resolvers.author import AUTHOR_LISTING, author_by_id, author_by_slug
from masthead.resolvers.core.ids import decode_id
from masthead.resolvers.core.listing import list_args
from masthead.resolvers.core.lookup import one_key
from masthead.schema.author.inputs import AuthorOrder, AuthorWhere
from masthead.schema.author.types import Author
from masthead.schema.core.arguments import After, Before, First, Last
from masthead.schema.core.connection import Connection, listed
from masthead.schema.core.context import Info, from_optional_row, from_row
from masthead.schema.core.directives import CONNECTION_SIZE
from masthead.schema.core.prefetch import with_relations


@strawberry.type
class AuthorQueries:
    """`author` and `authors`."""

    @strawberry.field(description="One author by ID or by slug.")
    async def author(
        self,
        info: Info,
        id: strawberry.ID | None = None,  # noqa: A002
        slug: str | None = None,
    ) -> Author | None:
        """Null when no author matches."""
        key, value = one_key(id=id, slug=slug)
        if key == "slug":
            row = await author_by_slug(info.context, value)
        else:
            row = await author_by_id(info.context, decode_id(value, "Author"))
        return await with_relations(info, from_optional_row(Author, row))

    @strawberry.field(
        description="Authors, by name unless `orderBy` says otherwise.",
        directives=[CONNECTION_SIZE],
    )
    async def authors(  # noqa: PLR0913
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Annotated[
            AuthorWhere | None, strawberry.argument(description="Only authors matching.")
        ] = None,
        order_by: Annotated[
            list[AuthorOrder] | None, strawberry.argument(description="Sort keys, in order.")
        ] = None,
    ) -> Connection[Author]:
        """One statement for the page, one more when `totalCount` is read."""
        args = list_args(
            first=first, after=after, last=last, before=before, where=where, order_by=order_by
        )
        return await listed(info, AUTHOR_LISTING, args, lambda row: from_row(Author, row))
