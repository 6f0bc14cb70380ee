"""Root queries of tags: `tag` and `tags`."""

from __future__ import annotations

from typing import Annotated

import strawberry

from masthead.resolvers.core.ids import decode_id
from masthead.resolvers.core.listing import list_args
from masthead.resolvers.core.lookup import one_key
from masthead.resolvers.tag import TAG_LISTING, tag_by_id, tag_by_slug
from masthead.schema.core.arguments import After, Before, First, Last
from masthead.schema.core.connection import Connection, listed
from masthead.schema.core.context import Info, from_optional_row, from_row
from masthead.schema.core.directives import CONNECTION_SIZE
from masthead.schema.core.prefetch import with_relations
from masthead.schema.tag.inputs import TagOrder, TagWhere
from masthead.schema.tag.types import Tag


@strawberry.type
class TagQueries:
    """`tag` and `tags`."""

    @strawberry.field(description="One tag by ID or by slug.")
    async def tag(
        self,
        info: Info,
        id: strawberry.ID | None = None,  # noqa: A002
        slug: str | None = None,
    ) -> Tag | None:
        """Null when no tag matches."""
        key, value = one_key(id=id, slug=slug)
        if key == "slug":
            row = await tag_by_slug(info.context, value)
        else:
            row = await tag_by_id(info.context, decode_id(value, "Tag"))
        return await with_relations(info, from_optional_row(Tag, row))

    @strawberry.field(
        description="Tags, by name unless `orderBy` says otherwise.", directives=[CONNECTION_SIZE]
    )
    async def tags(  # noqa: PLR0913
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Annotated[
            TagWhere | None, strawberry.argument(description="Only tags matching.")
        ] = None,
        order_by: Annotated[
            list[TagOrder] | None, strawberry.argument(description="Sort keys, in order.")
        ] = None,
    ) -> Connection[Tag]:
        """One statement for the page, one more when `totalCount` is read."""
        args = list_args(
            first=first, after=after, last=last, before=before, where=where, order_by=order_by
        )
        return await listed(info, TAG_LISTING, args, lambda row: from_row(Tag, row))
