"""The `Tag` type: a label and the visible posts that carry it."""

from __future__ import annotations

from datetime import datetime

import strawberry

from masthead.resolvers.core.ids import encode_id
from masthead.resolvers.core.listing import list_args
from masthead.resolvers.post import POSTS_OF_TAG
from masthead.resolvers.tag import tag_by_id
from masthead.schema.core.connection import Connection, nested_page
from masthead.schema.core.context import Info, from_optional_row
from masthead.schema.core.directives import CONNECTION_SIZE
from masthead.schema.core.node import Node
from masthead.schema.core.prefetch import connections, load_relation, prefetched, relations
from masthead.schema.post.types import (
    After,
    Before,
    First,
    Last,
    Locale,
    OrderBy,
    Post,
    Where,
    post_count_of,
    posts_of,
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
    def posts(  # noqa: PLR0913
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
        """Prefetched with the page of tags, or one statement for every tag of the operation."""
        args = list_args(
            first=first, after=after, last=last, before=before, where=where, order_by=order_by,
            locale=locale,
        )  # fmt: skip
        return nested_page(info, self, "posts", args)

    @strawberry.field(description="How many visible posts carry this tag.")
    def post_count(self, info: Info) -> int:
        """Prefetched with the page of tags, or counted for every tag in one statement."""
        return prefetched(self, "postCount", lambda: load_relation(info, self, TAG_POST_COUNT))


TAG_POST_COUNT = post_count_of(POSTS_OF_TAG)
relations(Tag, postCount=TAG_POST_COUNT)
connections(Tag, posts=posts_of(POSTS_OF_TAG))


async def load_tag(info: Info, pk: int | None) -> Tag | None:
    """A tag by primary key through the operation's loader."""
    return from_optional_row(Tag, await tag_by_id(info.context, pk))
