"""The store a soak writes to: a SQLite file or a scratch PostgreSQL database, seeded."""

from __future__ import annotations

import asyncio
import copy
import functools
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.database import create_engine
from masthead.demo.generator import generate_document
from masthead.interchange import import_document
from masthead.migrations.runner import upgrade
from masthead.resolvers.token import create_token

SEED = 1
POSTGRES_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def sqlite_url(path: Path) -> str:
    """The URL of a SQLite file."""
    return f"sqlite+aiosqlite:///{path.resolve()}"


@functools.cache
def _demo_document(posts: int) -> dict[str, Any]:
    return generate_document(posts=posts, seed=SEED)


def demo_document(posts: int) -> dict[str, Any]:
    """The demo content with `posts` posts (the example queries' slugs and tags among them)."""
    return copy.deepcopy(_demo_document(posts))


@asynccontextmanager
async def engine_for(url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on `url`, disposed afterwards."""
    engine = create_engine(url=url)
    try:
        yield engine
    finally:
        await engine.dispose()


async def editor_headers(url: str) -> dict[str, str]:
    """The headers of a new editor token."""
    async with engine_for(url) as engine:
        _info, secret = await create_token(engine, role="editor")
    return {"Authorization": f"Bearer {secret}"}


async def prepare(url: str, posts: int) -> dict[str, str]:
    """Migrate the store and seed its demo content; an editor token's headers."""
    await asyncio.to_thread(upgrade, url)
    async with engine_for(url) as engine:
        await import_document(engine, demo_document(posts))
    return await editor_headers(url)


async def _admin(server_url: str, statement: str) -> None:
    connection = await asyncpg.connect(server_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def scratch_postgres(server_url: str = POSTGRES_SERVER) -> Iterator[str]:
    """A new, empty database on a PostgreSQL server (not migrated), dropped afterwards.

    Called outside any event loop: it runs its own.
    """
    name = f"masthead_scratch_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def integrity_problems(url: str) -> list[str]:
    """What the database's own check finds wrong.

    SQLite: `PRAGMA integrity_check`; PostgreSQL: `amcheck` on every B-tree index, each
    one agreeing with its table.
    """
    async with engine_for(url) as engine, engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            rows = list((await connection.exec_driver_sql("PRAGMA integrity_check")).scalars())
            return [] if rows == ["ok"] else [str(row) for row in rows]
        try:
            await connection.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
            await connection.execute(text(CHECK_INDEXES))
        except DBAPIError as error:
            return [str(error.orig).strip().splitlines()[0]]
        await connection.commit()
    return []


# `bt_index_check` raises at the first corrupt index; `heapallindexed`: every row is in it.
CHECK_INDEXES = """
SELECT bt_index_check(index => c.oid, heapallindexed => true)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE am.amname = 'btree' AND n.nspname = 'public'
"""
