"""Create a database, apply migrations and tell whether a database's schema is current."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.database import create_engine

HERE = Path(__file__).resolve().parent
# Databases every PostgreSQL server has, to connect to while the target does not exist yet.
MAINTENANCE_DATABASES = ("postgres", "template1")
MISSING_DATABASE, DUPLICATE_DATABASE = "3D000", "42P04"


def alembic_config(url: str) -> Config:
    """An Alembic configuration for this project's migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply every migration up to `revision` (blocking; call from a thread or the CLI)."""
    command.upgrade(alembic_config(url), revision)


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def head_revision() -> str | None:
    """The newest migration's revision id."""
    return _scripts().get_current_head()


def is_known_revision(revision: str) -> bool:
    """Whether an id, `head`, `heads`, `base` or an id's prefix names one of our migrations."""
    try:
        _scripts().get_revisions(revision)
    except CommandError:
        return False
    return True


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def schema_is_current(engine: AsyncEngine) -> bool:
    """Whether the database answers and sits at the newest migration."""
    async with engine.connect() as connection:
        current = await connection.run_sync(_current)
    return current is not None and current == head_revision()


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


async def _create_through(maintenance: URL, name: str) -> bool:
    engine = create_engine(url=maintenance.render_as_string(hide_password=False))
    try:
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            query = text("SELECT 1 FROM pg_database WHERE datname = :name")
            if await connection.scalar(query, {"name": name}):
                return False
            quoted = connection.dialect.identifier_preparer.quote_identifier(name)
            try:
                await connection.execute(text(f"CREATE DATABASE {quoted}"))
            except DBAPIError as error:  # another process created it since the query
                if _sqlstate(error) != DUPLICATE_DATABASE:
                    raise
                return False
    finally:
        await engine.dispose()
    return True


async def create_database(url: str) -> bool:
    """Create the PostgreSQL database of `url` (False when it exists already).

    It connects to the server's maintenance database, as `createdb` does.
    """
    target = make_url(url)
    usual, fallback = (target.set(database=name) for name in MAINTENANCE_DATABASES)
    try:
        return await _create_through(usual, target.database or "")
    except DBAPIError as error:
        if _sqlstate(error) != MISSING_DATABASE:
            raise
    return await _create_through(fallback, target.database or "")
