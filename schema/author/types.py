"""The `Author` type: profile, avatar and the posts they wrote as main author."""

from __future__ import annotations

from datetime import datetime
from operator import attrgetter

import strawberry

from masthead.resolvers.asset import assets_by_id
from masthead.resolvers.author import author_by_id
from masthead.resolvers.core.ids import encode_id
from masthead.resolvers.core.listing import list_args
from masthead.resolvers.post import POSTS_OF_AUTHOR
from masthead.schema.asset.types import Asset, build_asset
from masthead.schema.core.connection import Connection, nested_page
from masthead.schema.core.context import Info, from_optional_row
from masthead.schema.core.directives import CONNECTION_SIZE
from masthead.schema.core.node import Node
from masthead.schema.core.prefetch import (
    Relation,
    connections,
    load_relation,
    prefetched,
    relations,
)
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


@strawberry.type(description="A person who writes posts.")
class Author(Node):
    """An author; `posts` are those where they are the main author."""

    pk: strawberry.Private[int]
    avatar_id: strawberry.Private[int | None]
    slug: str = strawberry.field(description="URL segment, unique.")
    name: str = strawberry.field(description="Display name.")
    bio: str | None = strawberry.field(description="Short biography.")
    website: str | None = strawberry.field(description="Personal website.")
    created_at: datetime = strawberry.field(description="When the author was added.")
    updated_at: datetime = strawberry.field(description="When the profile last changed.")
    version: int = strawberry.field(description="Incremented on every update.")

    @strawberry.field(description="Opaque global ID.")
    def id(self) -> strawberry.ID:
        """`Author:<pk>`, encoded."""
        return strawberry.ID(encode_id("Author", self.pk))

    @strawberry.field(description="Profile picture.")
    def avatar(self, info: Info) -> Asset | None:
        """Batched by asset id."""
        return prefetched(self, "avatar", lambda: load_relation(info, self, AUTHOR_AVATAR))

    @strawberry.field(
        description="Visible posts with this main author, paginated per author.",
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
        """Prefetched with the page of authors, or one statement for all the operation's."""
        args = list_args(
            first=first, after=after, last=last, before=before, where=where, order_by=order_by,
            locale=locale,
        )  # fmt: skip
        return nested_page(info, self, "posts", args)

    @strawberry.field(description="How many visible posts have this main author.")
    def post_count(self, info: Info) -> int:
        """Prefetched with the page of authors, or counted for every author in one statement."""
        return prefetched(self, "postCount", lambda: load_relation(info, self, AUTHOR_POST_COUNT))


AUTHOR_AVATAR = Relation(attrgetter("avatar_id"), assets_by_id, build_asset)
AUTHOR_POST_COUNT = post_count_of(POSTS_OF_AUTHOR)
relations(Author, avatar=AUTHOR_AVATAR, postCount=AUTHOR_POST_COUNT)
connections(Author, posts=posts_of(POSTS_OF_AUTHOR))


async def load_author(info: Info, pk: int | None) -> Author | None:
    """An author by primary key through the operation's loader."""
    return from_optional_row(Author, await author_by_id(info.context, pk))
