"""The `Post` type: fields, relations and nested post connections."""

from __future__ import annotations

from datetime import datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from masthead.resolvers.asset import assets_by_id
from masthead.resolvers.author import authors_by_id
from masthead.resolvers.core.content import stored_body
from masthead.resolvers.core.ids import encode_id
from masthead.resolvers.core.listing import Children, child_counts, child_page_loader
from masthead.resolvers.core.pagination import check_page_size
from masthead.resolvers.post import (
    POST_LISTING,
    co_authors_by_post,
    posts_by_translation_group,
    related_posts,
)
from masthead.resolvers.revision import POST_REVISIONS, check_revision_reader
from masthead.resolvers.tag import tags_by_post
from masthead.schema.asset.types import Asset, build_asset
from masthead.schema.core.arguments import After, Before, First, Last, Locale
from masthead.schema.core.connection import Connection, nested
from masthead.schema.core.context import Info, from_row
from masthead.schema.core.directives import CONNECTION_SIZE, LIST_SIZE, ListSize
from masthead.schema.core.enums import BodyFormat, ContentStatusEnum
from masthead.schema.core.node import Node
from masthead.schema.core.prefetch import (
    NestedConnection,
    Relation,
    load_relation,
    prefetched,
    relations,
)
from masthead.schema.core.revision import Revision, revisions_of
from masthead.schema.core.seo import Seo
from masthead.schema.post.inputs import PostOrder, PostWhere

if TYPE_CHECKING:
    from masthead.schema.author.types import Author
    from masthead.schema.tag.types import Tag

AuthorType = Annotated["Author", strawberry.lazy("masthead.schema.author.types")]
TagType = Annotated["Tag", strawberry.lazy("masthead.schema.tag.types")]
Where = Annotated[PostWhere | None, strawberry.argument(description="Only posts matching.")]
OrderBy = Annotated[
    list[PostOrder] | None,
    strawberry.argument(description="Sort keys, in order; default `PUBLISHED_AT_DESC`."),
]


@strawberry.type(description="An article in one locale.")
class Post(Node):
    """A post; `translations` lists its other locales."""

    pk: strawberry.Private[int]
    markdown: strawberry.Private[str]
    body_html: strawberry.Private[str]
    body_text: strawberry.Private[str]
    words: strawberry.Private[int]
    reading_minutes: strawberry.Private[int]
    translation_group: strawberry.Private[str]
    author_id: strawberry.Private[int]
    cover_image_id: strawberry.Private[int | None]
    seo_title: strawberry.Private[str | None]
    seo_description: strawberry.Private[str | None]
    seo_canonical_url: strawberry.Private[str | None]
    seo_og_image_id: strawberry.Private[int | None]
    slug: str = strawberry.field(description="URL segment, unique per locale.")
    title: str = strawberry.field(description="Headline.")
    excerpt: str | None = strawberry.field(description="Short summary.")
    status: ContentStatusEnum = strawberry.field(description="Life-cycle status.")  # type: ignore[valid-type]
    published_at: datetime | None = strawberry.field(description="When it went (or goes) live.")
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it was last changed.")
    featured: bool = strawberry.field(description="Highlighted by the editors.")
    locale: str = strawberry.field(description="BCP 47 locale of this translation.")
    version: int = strawberry.field(description="Incremented on every update.")

    @strawberry.field(description="Opaque global ID.")
    def id(self) -> strawberry.ID:
        """`Post:<pk>`, encoded."""
        return strawberry.ID(encode_id("Post", self.pk))

    @strawberry.field(description="The body: sanitized HTML, Markdown source or plain text.")
    def body(
        self,
        format: Annotated[  # noqa: A002
            BodyFormat, strawberry.argument(description="Output format.")
        ] = BodyFormat.HTML,
    ) -> str:
        """The body in the requested format, as the last write rendered it."""
        return stored_body(self, format.name)

    @strawberry.field(description="Words in the body.")
    def word_count(self) -> int:
        """Counted on the plain-text body when it was written."""
        return self.words

    @strawberry.field(description="Minutes to read at 200 words a minute, rounded up.")
    def reading_time_minutes(self) -> int:
        """From the word count, when the body was written."""
        return self.reading_minutes

    @strawberry.field(description="Main author.")
    def author(self, info: Info) -> AuthorType:
        """Prefetched for the whole page, or loaded in the operation's batch."""
        return prefetched(self, "author", lambda: load_relation(info, self, POST_AUTHOR))

    @strawberry.field(description="Co-authors in the editor's order.", directives=[LIST_SIZE])
    def co_authors(self, info: Info) -> list[AuthorType]:
        """Batched through the co-author join table."""
        return prefetched(self, "coAuthors", lambda: load_relation(info, self, POST_CO_AUTHORS))

    @strawberry.field(description="Tags in the editor's order.", directives=[LIST_SIZE])
    def tags(self, info: Info) -> list[TagType]:
        """Batched through the post-tag join table."""
        return prefetched(self, "tags", lambda: load_relation(info, self, POST_TAGS))

    @strawberry.field(description="Cover image.")
    def cover_image(self, info: Info) -> Asset | None:
        """Batched by asset id."""
        return prefetched(self, "coverImage", lambda: load_relation(info, self, POST_COVER))

    @strawberry.field(description="The other visible locales of this post.", directives=[LIST_SIZE])
    def translations(self, info: Info) -> list[Post]:
        """Same translation group, other locales."""
        return prefetched(
            self, "translations", lambda: load_relation(info, self, POST_TRANSLATIONS)
        )

    @strawberry.field(description="SEO metadata with fallbacks to title, excerpt and cover.")
    def seo(self) -> Seo:
        """Overrides where set, the post's own fields otherwise."""
        return Seo(
            title=self.seo_title or self.title,
            description=self.seo_description or self.excerpt,
            canonical_url=self.seo_canonical_url,
            og_image_id=self.seo_og_image_id or self.cover_image_id,
        )

    @strawberry.field(
        description="Saved versions, newest first: for authors of the post, editors and admins.",
        directives=[CONNECTION_SIZE],
    )
    async def revisions(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Revision] | None:
        """Refused (null, with a FORBIDDEN error) for anyone who may not edit the post."""
        check_revision_reader(info.context.viewer, self.author_id)
        return await revisions_of(info, POST_REVISIONS, self.pk, first, after)

    @strawberry.field(
        description="Other visible posts, most shared tags first.",
        directives=[ListSize(slicing_arguments=["first"], require_one_slicing_argument=False)],
    )
    async def related(
        self,
        info: Info,
        first: Annotated[int, strawberry.argument(description="How many, at most 100.")] = 5,
    ) -> list[Post]:
        """Ranked by shared tags, then newest first."""
        check_page_size("first", first)
        rows = await related_posts(info.context, self, first)
        return [from_row(Post, row) for row in rows]


def _author(_post: Post, row: Any) -> Author:
    from masthead.schema.author.types import Author  # noqa: PLC0415 (the two types refer to each other)

    return from_row(Author, row)


def _co_authors(_post: Post, rows: list[Any]) -> list[Author]:
    from masthead.schema.author.types import Author  # noqa: PLC0415

    return [from_row(Author, row) for row in rows]


def _tags(_post: Post, rows: list[Any]) -> list[Tag]:
    from masthead.schema.tag.types import Tag  # noqa: PLC0415

    return [from_row(Tag, row) for row in rows]


def _translations(post: Post, rows: list[Any]) -> list[Post]:
    return [from_row(Post, row) for row in rows if row.pk != post.pk]


POST_AUTHOR = Relation(attrgetter("author_id"), authors_by_id, _author)
POST_CO_AUTHORS = Relation(attrgetter("pk"), co_authors_by_post, _co_authors)
POST_TAGS = Relation(attrgetter("pk"), tags_by_post, _tags)
POST_COVER = Relation(attrgetter("cover_image_id"), assets_by_id, build_asset)
POST_TRANSLATIONS = Relation(
    attrgetter("translation_group"), posts_by_translation_group, _translations
)
relations(
    Post,
    author=POST_AUTHOR,
    coAuthors=POST_CO_AUTHORS,
    tags=POST_TAGS,
    coverImage=POST_COVER,
    translations=POST_TRANSLATIONS,
)


def posts_of(children: Children) -> NestedConnection:
    """A nested connection of posts (an author's, a tag's): pages from one statement."""
    return nested(
        attrgetter("pk"),
        lambda ctx, args: child_page_loader(ctx, POST_LISTING, children, args),
        lambda row: from_row(Post, row),
    )


def post_count_of(children: Children) -> Relation[int]:
    """How many visible posts a parent has (`postCount`), counted for all in one statement."""
    return Relation(
        attrgetter("pk"),
        lambda ctx: child_counts(ctx, POST_LISTING, children),
        lambda _parent, count: count,
    )


__all__ = ["After", "Before", "First", "Last", "Locale", "OrderBy", "Post", "Where"]
