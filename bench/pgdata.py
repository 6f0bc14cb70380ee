"""The PostgreSQL benchmark database: the SQLite benchmark's content, kept per migration head.

`masthead_bench_<posts>` on the server of `--postgres-url` is made once, loaded with
`masthead export` from `bench/.data/bench-<posts>.db` and `masthead import` (the
migrated schema, the same posts, tags, authors and assets), and made again when the
migrations move on. It is built under a `_partial` name and renamed when complete.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from pathlib import Path

import asyncpg

from bench.data import DATA_DIR, HERE, MASTHEAD, database_url
from masthead.migrations.runner import head_revision


def database_name(posts: int) -> str:
    """The kept database's name."""
    return f"masthead_bench_{posts}"


def on_server(server_url: str, name: str) -> str:
    """The SQLAlchemy URL of database `name` on the server of `server_url`."""
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _revision(url: str) -> str | None:
    """The migration a database is at; None when it is missing or has none."""
    try:
        connection = await asyncpg.connect(_dsn(url))
    except asyncpg.InvalidCatalogNameError:
        return None
    try:
        revision = await connection.fetchval("SELECT version_num FROM alembic_version")
    except asyncpg.UndefinedTableError:
        return None
    finally:
        await connection.close()
    return None if revision is None else str(revision)


async def _admin(server_url: str, *statements: str) -> None:
    connection = await asyncpg.connect(_dsn(server_url))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def _masthead(url: str, *arguments: str) -> None:
    print(f"  $ masthead {' '.join(arguments)}", flush=True)
    env = {**os.environ, "MASTHEAD_DATABASE_URL": url}
    subprocess.run([str(MASTHEAD), *arguments], env=env, check=True, stdout=subprocess.DEVNULL)


def _load(server_url: str, sqlite_file: Path, name: str) -> None:
    """Make `name` and fill it with the SQLite file's content, through the migrated schema."""
    partial = f"{name}_partial"
    asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{partial}" WITH (FORCE)',
                       f'CREATE DATABASE "{partial}"'))  # fmt: skip
    document = DATA_DIR / f"{sqlite_file.stem}.json"
    try:
        _masthead(database_url(sqlite_file), "export", str(document))
        _masthead(on_server(server_url, partial), "migrate")
        _masthead(on_server(server_url, partial), "import", str(document))
    finally:
        document.unlink(missing_ok=True)
    asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                       f'ALTER DATABASE "{partial}" RENAME TO "{name}"'))  # fmt: skip


def ensure_postgres(server_url: str, sqlite_file: Path, posts: int) -> str:
    """The URL of the PostgreSQL benchmark database, loaded again when it is not at head.

    Raises OSError or asyncpg.PostgresError when the server cannot be reached.
    """
    name = database_name(posts)
    url = on_server(server_url, name)
    if asyncio.run(_revision(url)) == head_revision():
        print(f"Using PostgreSQL database {name} (drop it to load again)", flush=True)
        return url
    shown = sqlite_file.relative_to(HERE.parent)
    print(f"Loading {shown} into PostgreSQL database {name} (once)", flush=True)
    started = time.monotonic()
    _load(server_url, sqlite_file, name)
    print(f"Loaded in {time.monotonic() - started:.0f} s", flush=True)
    return url
