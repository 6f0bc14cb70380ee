"""The PostgreSQL benchmark database: the SQLite benchmark's content, kept per migration head.

`masthead_bench_<posts>` on the server of `--postgres-url` is made once, loaded with
`masthead export` from `bench/.data/bench-<posts>.db` and `masthead import` (the
migrated schema, the same posts, tags, authors and assets), and made again when its
migration or its number of posts differs from the SQLite file's (the file is seeded
again when the migrations move on). It is built under a `_partial` name and renamed
when complete.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import time
from pathlib import Path

import asyncpg

from bench.data import MASTHEAD, database_url


def database_name(posts: int) -> str:
    """The kept database's name."""
    return f"masthead_bench_{posts}"


def on_server(server_url: str, name: str) -> str:
    """The SQLAlchemy URL of database `name` on the server of `server_url`."""
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


STATE = "SELECT (SELECT version_num FROM alembic_version), (SELECT count(*) FROM posts)"


async def state(url: str) -> tuple[str, int] | None:
    """The migration a database is at and its posts; None when it is missing or empty."""
    try:
        connection = await asyncpg.connect(_dsn(url))
    except asyncpg.InvalidCatalogNameError:
        return None
    try:
        row = await connection.fetchrow(STATE)
    except asyncpg.UndefinedTableError:
        return None
    finally:
        await connection.close()
    return None if row is None else (str(row[0]), int(row[1]))


def sqlite_state(path: Path) -> tuple[str, int]:
    """The same of the SQLite file: the PostgreSQL copy is current when both agree."""
    connection = sqlite3.connect(path)
    try:
        row = connection.execute(STATE).fetchone()
    finally:
        connection.close()
    return str(row[0]), int(row[1])


async def _admin(server_url: str, *statements: str) -> None:
    connection = await asyncpg.connect(_dsn(server_url))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def drop(server_url: str, name: str) -> None:
    """Drop database `name` (and its partial copy) if it exists."""
    await _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                 f'DROP DATABASE IF EXISTS "{name}_partial" WITH (FORCE)')  # fmt: skip


def _masthead(url: str, *arguments: str) -> None:
    print(f"  $ masthead {' '.join(arguments)}", flush=True)
    env = {**os.environ, "MASTHEAD_DATABASE_URL": url}
    subprocess.run([str(MASTHEAD), *arguments], env=env, check=True, stdout=subprocess.DEVNULL)


def _load(server_url: str, sqlite_file: Path, name: str) -> None:
    """Make `name` and fill it with the SQLite file's content, through the migrated schema."""
    partial = f"{name}_partial"
    asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{partial}" WITH (FORCE)',
                       f'CREATE DATABASE "{partial}"'))  # fmt: skip
    document = sqlite_file.with_suffix(".json")
    try:
        _masthead(database_url(sqlite_file), "export", str(document))
        _masthead(on_server(server_url, partial), "migrate")
        _masthead(on_server(server_url, partial), "import", str(document))
    finally:
        document.unlink(missing_ok=True)
    asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                       f'ALTER DATABASE "{partial}" RENAME TO "{name}"'))  # fmt: skip


def ensure_postgres(server_url: str, sqlite_file: Path, name: str) -> str:
    """The URL of database `name`, loaded again unless it has the SQLite file's content.

    Raises OSError or asyncpg.PostgresError when the server cannot be reached.
    """
    url = on_server(server_url, name)
    if asyncio.run(state(url)) == sqlite_state(sqlite_file):
        print(f"Using PostgreSQL database {name} (drop it to load again)", flush=True)
    else:
        print(f"Loading {sqlite_file.name} into PostgreSQL database {name} (once)", flush=True)
        started = time.monotonic()
        _load(server_url, sqlite_file, name)
        print(f"Loaded in {time.monotonic() - started:.0f} s", flush=True)
    # What autovacuum does on a production server (a test server may run without it):
    # the visibility map lets index-only scans skip the table, for Masthead and the floor.
    asyncio.run(_admin(url, "VACUUM (ANALYZE)"))
    return url
