"""Migration 0005 renders every body stored before it, as writes now do."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.database import create_engine
from masthead.migrations.runner import alembic_config, upgrade
from masthead.models import Page, Post
from tests.stores import empty_store
from tests.test_rendered_bodies import rendered, stored_rows

POSTS = 620  # more than one batch of the backfill
BODIES = ("", "# Title\n\nA *short* body.", "| a | b |\n|---|---|\n| 1 | 2 |", "word " * 450)


def _table(name: str, *columns: str) -> sa.TableClause:
    # The tables as migration 0004 left them: the models already name the new columns.
    return sa.table(name, *(sa.column(column) for column in columns))


async def _content_at_0004(engine: AsyncEngine) -> None:
    entry = ("slug", "title", "status", "locale", "translation_group", "body")
    posts = _table("posts", *entry, "author_id")
    pages = _table("pages", *entry, "path")
    async with engine.begin() as connection:
        author = await connection.scalar(
            sa.insert(_table("authors", "slug", "name"))
            .values(slug="writer", name="Writer")
            .returning(sa.column("id"))
        )
        rows = [{"slug": f"p{n}", "title": f"P{n}", "status": "PUBLISHED", "locale": "en",
                 "translation_group": f"p{n}", "body": BODIES[n % len(BODIES)] + str(n)}
                for n in range(POSTS)]  # fmt: skip
        await connection.execute(sa.insert(posts), [row | {"author_id": author} for row in rows])
        await connection.execute(
            sa.insert(pages), [row | {"path": f"/{row['slug']}"} for row in rows[:5]]
        )


async def _entries(url: str) -> list[dict[str, Any]]:
    engine = create_engine(url=url)
    try:
        return [*await stored_rows(engine, Post), *await stored_rows(engine, Page)]
    finally:
        await engine.dispose()


async def _write_content_at_0004(url: str) -> None:
    engine = create_engine(url=url)
    try:
        await _content_at_0004(engine)
    finally:
        await engine.dispose()


def test_upgrading_from_0004_renders_every_stored_body(tmp_path: Path) -> None:
    # Synchronous: creating a PostgreSQL store and migrating run event loops of their own.
    with empty_store(tmp_path) as url:
        upgrade(url, "0004")
        asyncio.run(_write_content_at_0004(url))
        upgrade(url)
        entries = asyncio.run(_entries(url))

    expected = [{"body": entry["body"], **rendered(entry["body"])} for entry in entries]
    assert len(entries) == POSTS + 5
    assert entries == expected


async def _columns(url: str, table: str) -> list[str]:
    engine = create_engine(url=url)
    try:
        async with engine.connect() as connection:
            found = await connection.run_sync(lambda sync: sa.inspect(sync).get_columns(table))
    finally:
        await engine.dispose()
    return [column["name"] for column in found]


def test_downgrading_to_0004_removes_exactly_the_rendered_columns(tmp_path: Path) -> None:
    with empty_store(tmp_path) as url:
        upgrade(url, "0004")
        before = {table: asyncio.run(_columns(url, table)) for table in ("posts", "pages")}
        upgrade(url)
        command.downgrade(alembic_config(url), "0004")
        after = {table: asyncio.run(_columns(url, table)) for table in ("posts", "pages")}

    assert after == before
