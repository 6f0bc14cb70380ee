"""The configured database for a command; a database failure told in one line saying what to do."""

from __future__ import annotations

import os
import shlex
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.cli.main import CommandError
from masthead.database import create_engine
from masthead.migrations.runner import schema_is_current
from masthead.settings import get_settings

MISSING_DATABASE = "3D000"
REFUSED_LOGIN = frozenset({"28000", "28P01"})


def first_line(error: BaseException) -> str:
    """An exception's message cut to its first line (driver errors span several)."""
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__


def location(url: URL) -> str:
    """Where a database is: its SQLite file, or PostgreSQL's host and port."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite database; None for PostgreSQL and in-memory databases."""
    if url.get_backend_name() != "sqlite" or url.database in {None, "", ":memory:"}:
        return None
    return Path(url.database or "")


def createdb_command(url: URL) -> str:
    """The `createdb` command line that creates a PostgreSQL URL's database."""
    words = ["createdb"]
    for flag, value in (("-h", url.host), ("-p", url.port), ("-U", url.username)):
        words += [flag, str(value)] if value else []
    return shlex.join([*words, url.database or ""])


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and not any(current is each for each in seen):
        seen.append(current)
        yield current
        current = current.__cause__ or current.__context__


def _unreachable(error: OSError, url: URL) -> str:
    if isinstance(error, socket.gaierror):
        reason = f"unknown host ({error.strerror})"
    elif isinstance(error, TimeoutError):
        reason = "no answer (is the server running there?)"
    elif isinstance(error, ConnectionRefusedError):
        reason = "connection refused (is the server running there?)"
    elif error.errno and error.errno > 0:
        reason = os.strerror(error.errno)
    else:
        reason = first_line(error)
    return f"cannot reach PostgreSQL at {location(url)}: {reason}"


def explain(error: BaseException, url: URL) -> str:
    """One line saying what went wrong with the database at `url` and what to do about it."""
    causes = list(_causes(error))
    state = next((str(each.sqlstate) for each in causes if hasattr(each, "sqlstate")), None)
    if state == MISSING_DATABASE:
        return (
            f'database "{url.database}" does not exist on {location(url)}: run '
            f"`masthead migrate --create-database` (or `{createdb_command(url)}`, "
            "then `masthead migrate`)"
        )
    if state in REFUSED_LOGIN:
        return f"PostgreSQL at {location(url)} refused the login: {first_line(error)}"
    if url.get_backend_name() == "sqlite":
        return f"cannot use the SQLite database {location(url)}: {first_line(error)}"
    os_error = next((each for each in causes if isinstance(each, OSError)), None)
    if os_error is not None:
        return _unreachable(os_error, url)
    return f"database error on {location(url)}: {first_line(error)}"


@contextmanager
def database_errors(url: str | URL) -> Iterator[None]:
    """Turns any failure of the database at `url` inside the block into a CommandError."""
    try:
        yield
    except (OSError, SQLAlchemyError) as error:
        raise CommandError(explain(error, make_url(url))) from error


@asynccontextmanager
async def migrated_engine() -> AsyncIterator[AsyncEngine]:
    """An engine on `MASTHEAD_DATABASE_URL` whose schema is current, disposed afterwards."""
    url = get_settings().database_url
    where = location(make_url(url))
    path = sqlite_file(make_url(url))
    if path is not None and not path.is_file():
        msg = f"there is no SQLite database at {path}: run `masthead migrate` first"
        raise CommandError(msg)
    engine = create_engine(get_settings())
    try:
        with database_errors(url):
            current = await schema_is_current(engine)
        if not current:
            msg = f"the database {where} is not migrated to this version: run `masthead migrate`"
            raise CommandError(msg)
        try:
            yield engine
        except SQLAlchemyError as error:  # the connection dropped, or the database refused
            raise CommandError(explain(error, make_url(url))) from error
    finally:
        await engine.dispose()
