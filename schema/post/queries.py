"""Root queries of posts: `post` and `posts`."""

from __future__ import annotations

from typing import Any

import strawberry

from masthead.resolvers.core.ids import decode_id
from masthead.resolvers.core.listing import list_args
from masthead.resolvers.core.lookup import one_key
from masthead.resolvers.post import POST_LISTING, post_by_id, post_by_slug, post_in_locale
from masthead.schema.core.arguments import After, Before, First, Last, Locale
from masthead.schema.core.connection import Connection, listed
from masthead.schema.core.context import Info, from_optional_row, from_row
from masthead.schema.core.directives import CONNECTION_SIZE
from masthead.schema.core.prefetch import with_relations
from masthead.schema.post.types import OrderBy, Post, Where


async def _post_row(info: Info, key: str, value: str, locale: str | None) -> Any | None:
    if key == "slug":
        return await post_by_slug(info.context, value, locale)
    row = await post_by_id(info.context, decode_id(value, "Post"))
    if row is None or locale is None:
        return row
    return await post_in_locale(info.context, row.translation_group, locale)


@strawberry.type
class PostQueries:
    """`post` and `posts`."""

    @strawberry.field(description="One visible post by ID or by slug, in the best locale.")
    async def post(
        self,
        info: Info,
        id: strawberry.ID | None = None,  # noqa: A002
        slug: str | None = None,
        locale: Locale = None,
    ) -> Post | None:
        """Null when no visible post matches."""
        key, value = one_key(id=id, slug=slug)
        row = await _post_row(info, key, value, locale)
        return await with_relations(info, from_optional_row(Post, row))

    @strawberry.field(
        description="Visible posts, newest first unless `orderBy` says otherwise.",
        directives=[CONNECTION_SIZE],
    )
    async def posts(  # noqa: PLR0913
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Where = None,
        order_by: OrderBy = None,
        locale: Locale = None,
    ) -> Connection[Post]:
        """One statement for the page, one more when `totalCount` is read."""
        args = list_args(
            first=first, after=after, last=last, before=before, where=where,
            order_by=order_by, locale=locale,
        )  # fmt: skip
        return await listed(info, POST_LISTING, args, lambda row: from_row(Post, row))
