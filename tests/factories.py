"""Content factories: each call inserts one entry with realistic defaults and returns it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import Asset, Author, ContentStatus, Page, Post, PostCoAuthor, PostTag, Tag
from masthead.resolvers.core.markdown import rendered_body

EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def _rendered(values: dict[str, Any]) -> dict[str, Any]:
    """What a write stores beside the body (unless a test sets it itself)."""
    return rendered_body(values["body"]) | values


@dataclass
class Factory:
    """Inserts content through one engine; sequence numbers keep slugs unique."""

    engine: AsyncEngine
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def _insert(self, model: type[Any], values: dict[str, Any]) -> dict[str, Any]:
        async with self.engine.begin() as connection:
            result = await connection.execute(insert(model).values(**values).returning(model.id))
            values["id"] = result.scalar_one()
        return values

    async def asset(self, **values: Any) -> dict[str, Any]:
        """An image asset."""
        n = next(self.counter)
        defaults = {"filename": f"image-{n}.png", "mime_type": "image/png", "size": 1000 + n}
        defaults |= {"width": 800, "height": 600, "alt": f"Image {n}"}
        return await self._insert(Asset, defaults | values)

    async def author(self, **values: Any) -> dict[str, Any]:
        """An author."""
        n = next(self.counter)
        defaults = {"slug": f"author-{n}", "name": f"Author {n}", "bio": f"Bio of author {n}."}
        return await self._insert(Author, defaults | values)

    async def tag(self, **values: Any) -> dict[str, Any]:
        """A tag."""
        n = next(self.counter)
        return await self._insert(Tag, {"slug": f"tag-{n}", "name": f"Tag {n}"} | values)

    async def post(
        self,
        *,
        tags: list[dict[str, Any]] = (),  # type: ignore[assignment]
        co_authors: list[dict[str, Any]] = (),  # type: ignore[assignment]
        **values: Any,
    ) -> dict[str, Any]:
        """A published post (a new author unless `author_id` is given), with tags in order."""
        n = next(self.counter)
        if "author_id" not in values:
            values["author_id"] = (await self.author())["id"]
        defaults: dict[str, Any] = {
            "slug": f"post-{n}",
            "title": f"Post number {n}",
            "excerpt": f"Excerpt of post {n}.",
            "body": f"# Post {n}\n\nSome *body* text for post {n}.",
            "status": ContentStatus.PUBLISHED,
            "published_at": EPOCH + timedelta(hours=n),
            "locale": "en",
            "translation_group": f"post-{n}",
        }
        post = await self._insert(Post, _rendered(defaults | values))
        async with self.engine.begin() as connection:
            for position, tag in enumerate(tags):
                await connection.execute(
                    insert(PostTag).values(post_id=post["id"], tag_id=tag["id"], position=position)
                )
            for position, author in enumerate(co_authors):
                await connection.execute(
                    insert(PostCoAuthor).values(
                        post_id=post["id"], author_id=author["id"], position=position
                    )
                )
        return post

    async def page(self, **values: Any) -> dict[str, Any]:
        """A published page at `path` (default `/page-N`)."""
        n = next(self.counter)
        path = values.pop("path", f"/page-{n}")
        defaults: dict[str, Any] = {
            "path": path,
            "slug": path.rsplit("/", 1)[-1],
            "title": f"Page {n}",
            "body": f"Body of page {n}.",
            "status": ContentStatus.PUBLISHED,
            "published_at": EPOCH + timedelta(hours=n),
            "locale": "en",
            "translation_group": f"page-{n}",
        }
        return await self._insert(Page, _rendered(defaults | values))
