"""Entries of seeded content a differential test names in its variables: of each type one
visible and, where the type has them, draft, scheduled (due and not yet), archived and
translated ones, as global IDs, slugs and paths."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import Asset, Author, ContentStatus, Page, Post, Tag
from masthead.resolvers.core.ids import encode_id


@dataclass(frozen=True)
class Samples:
    """Global IDs per type name, and slugs or paths per field (`post.slug`, `page.path`)."""

    ids: dict[str, list[str]]
    keys: dict[str, list[str]]


def _post_kinds(now: datetime) -> list[sa.ColumnElement[bool]]:
    """Visible, draft, scheduled and due, scheduled and not yet, archived, translated."""
    scheduled = Post.status == ContentStatus.SCHEDULED
    return [
        (Post.status == ContentStatus.PUBLISHED) & (Post.locale == "en"),
        Post.status == ContentStatus.DRAFT,
        scheduled & (Post.published_at <= now),
        scheduled & (Post.published_at > now),
        Post.status == ContentStatus.ARCHIVED,
        Post.locale == "fr-CA",
        Post.locale == "fr",
    ]


def _page_kinds() -> list[sa.ColumnElement[bool]]:
    """A root, a child, a draft, a translation."""
    published = Page.status == ContentStatus.PUBLISHED
    return [
        published & Page.parent_id.is_(None) & (Page.locale == "en"),
        published & Page.parent_id.is_not(None) & (Page.locale == "en"),
        Page.status == ContentStatus.DRAFT,
        Page.locale == "fr",
    ]


async def _first_rows(
    engine: AsyncEngine, model: Any, columns: list[str], kinds: list[sa.ColumnElement[bool]]
) -> list[sa.Row[Any]]:
    """The first row (by id) of each kind that has one."""
    selected = [getattr(model, column) for column in ["id", *columns]]
    rows: list[sa.Row[Any]] = []
    async with engine.connect() as connection:
        for kind in kinds:
            statement = sa.select(*selected).where(kind).order_by(model.id).limit(1)
            rows.extend((await connection.execute(statement)).all())
    return rows


async def _type_rows(engine: AsyncEngine, model: Any, columns: list[str]) -> list[sa.Row[Any]]:
    """The first two and the last entry of a type without a life cycle."""
    selected = [getattr(model, column) for column in ["id", *columns]]
    async with engine.connect() as connection:
        first = await connection.execute(sa.select(*selected).order_by(model.id).limit(2))
        last = await connection.execute(sa.select(*selected).order_by(model.id.desc()).limit(1))
        return [*first.all(), *last.all()]


async def sample_content(engine: AsyncEngine, now: datetime) -> Samples:
    """What the seeded database holds of each kind, `now` telling due from not yet."""
    posts = await _first_rows(engine, Post, ["slug"], _post_kinds(now))
    pages = await _first_rows(engine, Page, ["path"], _page_kinds())
    ids = {"Post": [encode_id("Post", row.id) for row in posts]}
    ids["Page"] = [encode_id("Page", row.id) for row in pages]
    keys = {"post.slug": [row.slug for row in posts], "page.path": [row.path for row in pages]}
    for model, name in ((Author, "Author"), (Tag, "Tag")):
        rows = await _type_rows(engine, model, ["slug"])
        ids[name] = [encode_id(name, row.id) for row in rows]
        keys[f"{name.lower()}.slug"] = [row.slug for row in rows]
    ids["Asset"] = [encode_id("Asset", row.id) for row in await _type_rows(engine, Asset, [])]
    return Samples(ids, keys)
