"""Test helpers over the content tables: row counts, emptying, a small valid document."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import Asset, Author, Page, Post, PostCoAuthor, PostTag, Tag

CONTENT_TABLES: tuple[Table, ...] = tuple(
    model.__table__  # type: ignore[misc]
    for model in (PostTag, PostCoAuthor, Post, Page, Author, Tag, Asset)
)


async def row_counts(engine: AsyncEngine) -> dict[str, int]:
    """Rows per content table."""
    async with engine.connect() as connection:
        return {
            table.name: (await connection.scalar(select(func.count()).select_from(table))) or 0
            for table in CONTENT_TABLES
        }


async def delete_all_content(engine: AsyncEngine) -> None:
    """Empty every content table, children first."""
    async with engine.begin() as connection:
        await connection.execute(update(Page).values(parent_id=None))
        for table in CONTENT_TABLES:
            await connection.execute(table.delete())


NO_SEO = {"title": None, "description": None, "canonicalUrl": None, "ogImage": None}


def _post(slug: str) -> dict[str, Any]:
    return {
        "slug": slug,
        "locale": "en",
        "translationGroup": f"post-{slug}",
        "title": slug.replace("-", " ").capitalize(),
        "excerpt": "A short excerpt.",
        "body": "## Markdown\n\nSome *text*.",
        "status": "PUBLISHED",
        "publishedAt": "2024-05-24T19:37:01+00:00",
        "createdAt": "2024-05-11T22:13:02+00:00",
        "updatedAt": "2024-07-08T10:00:52+00:00",
        "featured": False,
        "author": "donald-knuth",
        "coAuthors": ["barbara-liskov"],
        "tags": ["music", "python"],
        "coverImage": "cover-1.webp",
        "seo": dict(NO_SEO),
        "version": 3,
    }


def _page(path: str, title: str) -> dict[str, Any]:
    parent, _, slug = path.rpartition("/")
    return {
        "path": path,
        "slug": slug,
        "locale": "en",
        "translationGroup": "page" + path.replace("/", "-"),
        "title": title,
        "body": "About us.",
        "status": "PUBLISHED",
        "publishedAt": "2024-01-02T00:00:00+00:00",
        "createdAt": "2024-01-01T00:00:00+00:00",
        "updatedAt": "2024-01-03T00:00:00+00:00",
        "parent": parent or None,
        "seo": dict(NO_SEO),
        "version": 1,
    }


def small_document() -> dict[str, Any]:
    """A valid import document with every section; `posts[3]` is "weekly-notes"."""
    author = {"bio": "Writes.", "avatar": "cover-1.webp", "website": "https://knuth.example.com"}
    return {
        "version": 1,
        "authors": [
            {"slug": "donald-knuth", "name": "Donald Knuth"} | author | {"version": 2},
            {"slug": "barbara-liskov", "name": "Barbara Liskov", "bio": None}
            | {"avatar": None, "website": None, "version": 1},
        ],
        "tags": [
            {"slug": "python", "name": "Python", "description": "The language.", "version": 4},
            {"slug": "music", "name": "Music", "description": None, "version": 1},
        ],
        "assets": [
            {
                "filename": "cover-1.webp",
                "mimeType": "image/webp",
                "size": 42714,
                "width": 1600,
                "height": 900,
                "alt": "A cover",
                "caption": None,
                "createdAt": "2023-01-01T00:00:00+00:00",
            }
        ],
        "posts": [_post(slug) for slug in ("first-post", "second-post", "third-post")]
        + [_post("weekly-notes")],
        "pages": [
            _page("/about", "About"),
            _page("/about/team", "Our team"),
            _page("/contact", "Contact"),
        ],
    }
