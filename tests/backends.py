"""Test databases: a migrated SQLite template copied per test, or one PostgreSQL database
truncated before each test. `MASTHEAD_TEST_BACKEND` chooses (default sqlite)."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.migrations.runner import head_revision, upgrade
from masthead.models import Base
from soak.store import scratch_postgres
from tests.pg_probe import probe

BACKEND = os.environ.get("MASTHEAD_TEST_BACKEND", "sqlite")
POSTGRES_URL = os.environ.get(
    "MASTHEAD_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


@contextmanager
def sqlite_template(directory: Path) -> Iterator[Path]:
    """A migrated SQLite file to copy for each test."""
    path = directory / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    yield path


def sqlite_copy(template: Path, directory: Path) -> str:
    """A fresh copy of the template; its URL."""
    target = directory / "masthead.db"
    shutil.copyfile(template, target)
    return f"sqlite+aiosqlite:///{target}"


def postgres_reachable() -> bool:
    """Whether the test PostgreSQL server answers."""
    return asyncio.run(probe(POSTGRES_URL))


@contextmanager
def empty_postgres_database() -> Iterator[str]:
    """A new, empty database on the test server (not migrated), dropped afterwards."""
    with scratch_postgres(POSTGRES_URL) as url:
        yield url


@contextmanager
def postgres_database() -> Iterator[str]:
    """A migrated PostgreSQL database for this test session, dropped afterwards."""
    with empty_postgres_database() as url:
        upgrade(url)
        yield url


async def truncate_all(engine: AsyncEngine) -> None:
    """Empty every content table, restart ids and restore the migration stamp a test may
    have changed, so each test starts clean."""
    names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        await connection.execute(
            sa.text("UPDATE alembic_version SET version_num = :head"), {"head": head_revision()}
        )
