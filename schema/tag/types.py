"""The `Tag` type: a label and the visible posts that carry it."""

from __future__ import annotations

from datetime import datetime

import strawberry

from masthead.resolvers.core.ids import encode_id
from masthead.resolvers.core.listing import child_count_loader
from masthead.resolvers.post import POST_LISTING, POSTS_OF_TAG
from masthead.resolvers.tag import tag_by_id
from masthead.schema.core.connection import Connection
from masthead.schema.core.context import Info, from_optional_row
from masthead.schema.core.directives import CONNECTION_SIZE
from masthead.schema.core.node import Node
from masthead.schema.post.types import (
    After,
    Before,
    First,
    Last,
    Locale,
    OrderBy,
    Post,
    Where,
    nested_posts,
)


@strawberry.type(description="A label posts carry.")
class Tag(Node):
    """A tag; `posts` are the visible posts carrying it."""

    pk: strawberry.Private[int]
    slug: str = strawberry.field(description="URL segment, unique.")
    name: str = strawberry.field(description="Display name.")
    description: str | None = strawberry.field(description="What the tag is about.")
    created_at: datetime = strawberry.field(description="When the tag was added.")
    updated_at: datetime = strawberry.field(description="When the tag last changed.")
    version: int = strawberry.field(description="Incremented on every update.")

    @strawberry.field(description="Opaque global ID.")
    def id(self) -> strawberry.ID:
        """`Tag:<pk>`, encoded."""
        return strawberry.ID(encode_id("Tag", self.pk))

    @strawberry.field(
        description="Visible posts carrying this tag, paginated per tag.",
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
        """One statement for every tag of the operation (a window per tag)."""
        return await nested_posts(
            info, POSTS_OF_TAG, self.pk, first=first, after=after, last=last,
            before=before, where=where, order_by=order_by, locale=locale,
        )  # fmt: skip

    @strawberry.field(description="How many visible posts carry this tag.")
    async def post_count(self, info: Info) -> int:
        """Counted for every tag of the operation in one statement."""
        return await child_count_loader(info.context, POST_LISTING, POSTS_OF_TAG)(self.pk)


async def load_tag(info: Info, pk: int | None) -> Tag | None:
    """A tag by primary key through the operation's loader."""
    return from_optional_row(Tag, await tag_by_id(info.context, pk))
