"""The configured database for a command, refused in one line when unreachable or unmigrated."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.cli.main import CommandError
from masthead.database import create_engine
from masthead.migrations.runner import schema_is_current
from masthead.settings import get_settings


def first_line(error: BaseException) -> str:
    """An exception's message cut to its first line (driver errors span several)."""
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__


@asynccontextmanager
async def migrated_engine() -> AsyncIterator[AsyncEngine]:
    """An engine on `MASTHEAD_DATABASE_URL` whose schema is current, disposed afterwards."""
    engine = create_engine(get_settings())
    try:
        try:
            current = await schema_is_current(engine)
        except (OSError, SQLAlchemyError) as error:
            msg = f"cannot reach the database: {first_line(error)}"
            raise CommandError(msg) from error
        if not current:
            msg = "the database schema is not up to date: run `masthead migrate` first"
            raise CommandError(msg)
        yield engine
    finally:
        await engine.dispose()
