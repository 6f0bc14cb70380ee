"""Export all content as one document, in a handful of statements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.orm import aliased

from masthead.interchange.entries import (
    ASSET_FIELDS,
    AUTHOR_FIELDS,
    FORMAT_VERSION,
    PAGE_FIELDS,
    POST_FIELDS,
    SEO_FIELDS,
    TAG_FIELDS,
)
from masthead.interchange.fields import Field, format_timestamp
from masthead.interchange.revisions import export_revisions
from masthead.models import RENDERED_COLUMNS, Asset, Author, Page, Post, PostCoAuthor, PostTag, Tag

Row = dict[str, Any]


async def export_document(engine: AsyncEngine, *, revisions: bool = False) -> dict[str, Any]:
    """Every author, tag, asset, post and page, ordered so the same content exports the same.

    With `revisions`, the history of every post, page, author and tag follows.
    """
    async with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # One snapshot across the statements, so references never dangle.
            await connection.execution_options(isolation_level="REPEATABLE READ")
        document = {
            "version": FORMAT_VERSION,
            "authors": await _authors(connection),
            "tags": await _tags(connection),
            "assets": await _rows(
                connection, select(Asset.__table__).order_by(Asset.id), ASSET_FIELDS
            ),
            "posts": await _posts(connection),
            "pages": await _pages(connection),
        }
        if revisions:
            document["revisions"] = await export_revisions(connection)
        return document


async def entry_document(
    connection: AsyncConnection, type_name: str, pk: int
) -> dict[str, Any] | None:
    """One entry in the document's form (references by slug, path and filename)."""
    entries = await EXPORTERS[type_name](connection, pk)
    return entries[0] if entries else None


def render(values: Row, fields: Sequence[Field]) -> Row:
    """An entry in document form: format keys in order, timestamps and enums as strings."""
    return {field.key: _render_value(values[field.name]) for field in fields}


def _render_value(value: object) -> object:
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, Enum):
        return value.value
    return value


async def _mappings(connection: AsyncConnection, statement: Select[Any]) -> list[Row]:
    return [dict(row) for row in (await connection.execute(statement)).mappings()]


async def _rows(
    connection: AsyncConnection, statement: Select[Any], fields: Sequence[Field]
) -> list[Row]:
    return [render(row, fields) for row in await _mappings(connection, statement)]


def _only(statement: Select[Any], column: Any, pk: int | None) -> Select[Any]:
    return statement if pk is None else statement.where(column == pk)


async def _authors(connection: AsyncConnection, pk: int | None = None) -> list[Row]:
    statement = (
        select(*Author.__table__.c, Asset.filename.label("avatar"))
        .outerjoin(Asset, Author.avatar_id == Asset.id)
        .order_by(Author.id)
    )
    return await _rows(connection, _only(statement, Author.id, pk), AUTHOR_FIELDS)


async def _tags(connection: AsyncConnection, pk: int | None = None) -> list[Row]:
    statement = select(Tag.__table__).order_by(Tag.id)
    return await _rows(connection, _only(statement, Tag.id, pk), TAG_FIELDS)


def _seo(row: Row) -> Row:
    return {
        "title": row.pop("seo_title"),
        "description": row.pop("seo_description"),
        "canonical_url": row.pop("seo_canonical_url"),
        "og_image": row.pop("og_image"),
    }


def _with_seo(model: Any, *extra: ColumnElement[Any]) -> Select[Any]:
    """A localized model's stored columns, its extra columns and the SEO image filename.

    What writes render from the body is left out: the document carries Markdown only.
    """
    og_image = aliased(Asset)
    skipped = {"seo_og_image_id", *RENDERED_COLUMNS}
    columns = [column for column in model.__table__.c if column.key not in skipped]
    return select(*columns, *extra, og_image.filename.label("og_image")).outerjoin(
        og_image, model.seo_og_image_id == og_image.id
    )


async def _slugs_by_post(
    connection: AsyncConnection, link: Any, target: Any, key: Any, pk: int | None
) -> dict[int, list[str]]:
    """Each post's related slugs in editor order, in one statement."""
    statement = (
        select(link.post_id, target.slug)
        .join(target, key == target.id)
        .order_by(link.post_id, link.position)
    )
    statement = _only(statement, link.post_id, pk)
    slugs: dict[int, list[str]] = defaultdict(list)
    for post_id, slug in await connection.execute(statement):
        slugs[post_id].append(slug)
    return slugs


async def _posts(connection: AsyncConnection, pk: int | None = None) -> list[Row]:
    cover = aliased(Asset)
    statement = (
        _with_seo(Post, Author.slug.label("author"), cover.filename.label("cover_image"))
        .join(Author, Post.author_id == Author.id)
        .outerjoin(cover, Post.cover_image_id == cover.id)
        .order_by(Post.id)
    )
    statement = _only(statement, Post.id, pk)
    tags = await _slugs_by_post(connection, PostTag, Tag, PostTag.tag_id, pk)
    co_authors = await _slugs_by_post(connection, PostCoAuthor, Author, PostCoAuthor.author_id, pk)
    posts = []
    for row in await _mappings(connection, statement):
        row["tags"] = tags.get(row["id"], [])
        row["co_authors"] = co_authors.get(row["id"], [])
        row["seo"] = render(_seo(row), SEO_FIELDS)
        posts.append(render(row, POST_FIELDS))
    return posts


async def _pages(connection: AsyncConnection, pk: int | None = None) -> list[Row]:
    parent = aliased(Page)
    statement = _with_seo(Page, parent.path.label("parent")).outerjoin(
        parent, Page.parent_id == parent.id
    )
    statement = _only(statement, Page.id, pk)
    pages = []
    for row in await _mappings(connection, statement):
        row["seo"] = render(_seo(row), SEO_FIELDS)
        pages.append(render(row, PAGE_FIELDS))
    # By path: parents precede children, and the order does not depend on ids.
    return sorted(pages, key=lambda page: (page["path"], page["locale"]))


EXPORTERS = {"Author": _authors, "Tag": _tags, "Post": _posts, "Page": _pages}
