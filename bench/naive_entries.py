"""Posts, authors and tags of the naive baseline: each relation is its own query per parent.

Bench-only code in the tutorial style: every relation opens a session and runs one query
for the one parent it is asked about, with no batching and no look-ahead.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

import orjson
import strawberry
from sqlalchemy import ColumnElement, and_, func, or_, select, true

from bench.naive_filters import PostWhere, post_condition
from bench.naive_types import (
    Asset,
    BodyFormat,
    Connection,
    Info,
    Seo,
    connection,
    load_asset,
    visible_posts,
)  # fmt: skip
from bench.shapes import cursor, global_id
from masthead import models


def post_cursor(post: models.Post) -> str:
    """Masthead's cursor for the default post order."""
    return cursor("PUBLISHED_AT_DESC", [post.published_at, post.id])


def cursor_values(after: str) -> list[Any]:
    """The sort-key values inside a Masthead cursor."""
    _, values = orjson.loads(base64.urlsafe_b64decode(after + "=" * (-len(after) % 4)))
    return list(values)


def after_post(after: str | None) -> ColumnElement[bool]:
    """Posts after a cursor in the default order (newest first)."""
    if after is None:
        return true()
    published, pk = cursor_values(after)
    when = datetime.fromisoformat(published)
    post = models.Post
    return or_(post.published_at < when, and_(post.published_at == when, post.id < pk))


def after_author(after: str | None) -> ColumnElement[bool]:
    """Authors after a cursor in the default order (by name)."""
    if after is None:
        return true()
    name, pk = cursor_values(after)
    author = models.Author
    return or_(author.name > name, and_(author.name == name, author.id > pk))


async def post_connection(
    info: Info,
    conditions: list[ColumnElement[bool]],
    first: int,
    after: str | None,
    join: Any = None,
) -> Connection[Post]:
    """A page of visible posts, newest first, and its count query."""
    post = models.Post
    base = select(post)
    if join is not None:
        base = base.join(*join)
    base = base.where(visible_posts(info.context.now), *conditions)
    page = base.where(after_post(after)).order_by(post.published_at.desc(), post.id.desc())
    rows = await info.context.all(page.limit(first + 1))
    count = select(func.count()).select_from(base.subquery())
    return connection(rows, first, Post.from_model, post_cursor, count)


async def author_connection(info: Info, first: int, after: str | None) -> Connection[Author]:
    """A page of authors by name, and its count query."""
    author = models.Author
    page = select(author).where(after_author(after)).order_by(author.name, author.id)
    rows = await info.context.all(page.limit(first + 1))
    count = select(func.count()).select_from(author)
    return connection(rows, first, Author.from_model, author_cursor, count)


def author_cursor(author: models.Author) -> str:
    """Masthead's cursor for the default author order."""
    return cursor("NAME_ASC", [author.name, author.id])


@strawberry.type
class Author:
    """An author."""

    pk: strawberry.Private[int]
    avatar_id: strawberry.Private[int | None]
    id: strawberry.ID
    slug: str
    name: str
    bio: str | None
    website: str | None

    @classmethod
    def from_model(cls, author: models.Author) -> Author:
        """Copy the ORM object's fields."""
        return cls(
            pk=author.id, avatar_id=author.avatar_id,
            id=strawberry.ID(global_id("Author", author.id)), slug=author.slug,
            name=author.name, bio=author.bio, website=author.website,
        )  # fmt: skip

    @strawberry.field
    async def avatar(self, info: Info) -> Asset | None:
        """One query per author."""
        return await load_asset(info, self.avatar_id)

    @strawberry.field
    async def post_count(self, info: Info) -> int:
        """One count query per author."""
        post = models.Post
        count = select(func.count(post.id)).where(
            visible_posts(info.context.now), post.author_id == self.pk
        )
        return int(await info.context.one(count) or 0)

    @strawberry.field
    async def posts(
        self, info: Info, first: int = 20, after: str | None = None, where: PostWhere | None = None
    ) -> Connection[Post]:
        """One page query per author."""
        conditions = [models.Post.author_id == self.pk, post_condition(where)]
        return await post_connection(info, conditions, first, after)


@strawberry.type
class Tag:
    """A tag."""

    pk: strawberry.Private[int]
    id: strawberry.ID
    slug: str
    name: str
    description: str | None

    @classmethod
    def from_model(cls, tag: models.Tag) -> Tag:
        """Copy the ORM object's fields."""
        return cls(
            pk=tag.id, id=strawberry.ID(global_id("Tag", tag.id)), slug=tag.slug, name=tag.name,
            description=tag.description,
        )  # fmt: skip

    @strawberry.field
    async def post_count(self, info: Info) -> int:
        """One count query per tag."""
        post, post_tag = models.Post, models.PostTag
        count = select(func.count(post.id)).join(post_tag, post_tag.post_id == post.id)
        count = count.where(visible_posts(info.context.now), post_tag.tag_id == self.pk)
        return int(await info.context.one(count) or 0)

    @strawberry.field
    async def posts(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> Connection[Post]:
        """One page query per tag."""
        post_tag = models.PostTag
        join = (post_tag, post_tag.post_id == models.Post.id)
        return await post_connection(info, [post_tag.tag_id == self.pk], first, after, join)


@strawberry.type
class Post:
    """A post in the default locale."""

    pk: strawberry.Private[int]
    bodies: strawberry.Private[dict[BodyFormat, str]]
    counts: strawberry.Private[tuple[int, int]]
    author_id: strawberry.Private[int]
    cover_image_id: strawberry.Private[int | None]
    seo_fields: strawberry.Private[tuple[str | None, str | None, str | None, int | None]]
    id: strawberry.ID
    slug: str
    title: str
    excerpt: str | None
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    featured: bool
    locale: str
    version: int

    @classmethod
    def from_model(cls, post: models.Post) -> Post:
        """Copy the ORM object's fields."""
        seo = (post.seo_title, post.seo_description, post.seo_canonical_url, post.seo_og_image_id)
        return cls(
            pk=post.id, author_id=post.author_id,
            bodies={BodyFormat.HTML: post.body_html, BodyFormat.MARKDOWN: post.body,
                    BodyFormat.TEXT: post.body_text},
            counts=(post.word_count, post.reading_time_minutes),
            cover_image_id=post.cover_image_id, seo_fields=seo,
            id=strawberry.ID(global_id("Post", post.id)), slug=post.slug, title=post.title,
            excerpt=post.excerpt, published_at=post.published_at, created_at=post.created_at,
            updated_at=post.updated_at, featured=post.featured, locale=post.locale,
            version=post.version,
        )  # fmt: skip

    @strawberry.field
    def body(self, format: BodyFormat = BodyFormat.HTML) -> str:  # noqa: A002
        """As the write stored it."""
        return self.bodies[format]

    @strawberry.field
    def word_count(self) -> int:
        """Words in the body."""
        return self.counts[0]

    @strawberry.field
    def reading_time_minutes(self) -> int:
        """Minutes to read."""
        return self.counts[1]

    @strawberry.field
    async def author(self, info: Info) -> Author:
        """One query per post."""
        author = await info.context.one(
            select(models.Author).where(models.Author.id == self.author_id)
        )
        return Author.from_model(author)

    @strawberry.field
    async def co_authors(self, info: Info) -> list[Author]:
        """One query per post."""
        link = models.PostCoAuthor
        query = select(models.Author).join(link, link.author_id == models.Author.id)
        query = query.where(link.post_id == self.pk).order_by(link.position)
        return [Author.from_model(author) for author in await info.context.all(query)]

    @strawberry.field
    async def tags(self, info: Info) -> list[Tag]:
        """One query per post."""
        link = models.PostTag
        query = select(models.Tag).join(link, link.tag_id == models.Tag.id)
        query = query.where(link.post_id == self.pk).order_by(link.position)
        return [Tag.from_model(tag) for tag in await info.context.all(query)]

    @strawberry.field
    async def cover_image(self, info: Info) -> Asset | None:
        """One query per post."""
        return await load_asset(info, self.cover_image_id)

    @strawberry.field
    def seo(self) -> Seo:
        """Overrides, or the post's own fields."""
        title, description, canonical_url, og_image_id = self.seo_fields
        return Seo(
            title=title or self.title, description=description or self.excerpt,
            canonical_url=canonical_url, og_image_id=og_image_id or self.cover_image_id,
        )  # fmt: skip

    @strawberry.field
    async def related(self, info: Info, first: int = 5) -> list[Post]:
        """Posts sharing the most tags: one query per post."""
        post, mine, theirs = models.Post, models.PostTag, models.PostTag.__table__.alias("theirs")
        shared = func.count()
        query = (
            select(post).join(theirs, theirs.c.post_id == post.id)
            .join(mine, and_(mine.tag_id == theirs.c.tag_id, mine.post_id == self.pk))
            .where(visible_posts(info.context.now), post.id != self.pk)
            .group_by(post.id)
            .order_by(shared.desc(), post.published_at.desc(), post.id.desc())
            .limit(first)
        )  # fmt: skip
        return [Post.from_model(row) for row in await info.context.all(query)]
