"""A database that is down, behind on migrations or too busy to write: the 503, and telling it.

Nothing is checked ahead of a request: the errors a request meets say it. Connection
failures mean the database is unavailable; a write that did not get the write lock in
time was refused whole; a missing table or column sends one question to the migration
stamp, which tells a schema behind this version from a bug.
"""

from __future__ import annotations

import enum
import logging
import sqlite3
import traceback
from collections.abc import Iterable, Iterator

from sqlalchemy.exc import DBAPIError, DisconnectionError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.responses import JSONResponse

from masthead.migrations.runner import schema_is_current
from masthead.resolvers.core.write_queue import WriteTimedOut, is_locked

logger = logging.getLogger("masthead.errors")
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
RETRY_AFTER_SECONDS = 5
# A queue of writes drains in well under a second once its burst is over.
WRITE_RETRY_AFTER_SECONDS = 1
# PostgreSQL's SQLSTATEs for a server that cannot take work: connection exceptions (08),
# unknown database (3D000), refused login (28), shutting down or starting up (57P0x),
# no connection slot left (53300).
POSTGRES_UNAVAILABLE = ("08", "3D000", "28", "57P01", "57P02", "57P03", "53300")
# Undefined table, column, or type (an enum): what a schema behind the code lacks.
POSTGRES_SCHEMA_MISSING = frozenset({"42P01", "42703", "42704"})
# PostgreSQL's lock_not_available: a wait for a lock ran past `lock_timeout`.
POSTGRES_LOCK_TIMEOUT = "55P03"
SQLITE_UNAVAILABLE = ("unable to open database file", "disk i/o error")
SQLITE_SCHEMA_MISSING = ("no such table", "no such column")
DRIVER_MODULES = ("sqlalchemy.", "asyncpg", "aiosqlite", "sqlite3")


class Outage(enum.StrEnum):
    """Why the database cannot answer; `extensions.reason` of a 503."""

    DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"
    MIGRATIONS_PENDING = "MIGRATIONS_PENDING"
    WRITE_TIMEOUT = "WRITE_TIMEOUT"

    @property
    def message(self) -> str:
        """What the reader of the answer can do about it."""
        if self is Outage.MIGRATIONS_PENDING:
            return "the database schema is behind: run `masthead migrate`"
        if self is Outage.WRITE_TIMEOUT:
            return (
                "other writes kept the database busy longer than MASTHEAD_WRITE_TIMEOUT_S: "
                "nothing was written; send the request again after Retry-After"
            )
        return "the database is not reachable: try again shortly"

    @property
    def retry_after(self) -> int:
        """Seconds a client should wait before asking again."""
        return WRITE_RETRY_AFTER_SECONDS if self is Outage.WRITE_TIMEOUT else RETRY_AFTER_SECONDS


class DatabaseUnavailable(Exception):
    """Raised at the edge to answer 503 instead of a result."""

    def __init__(self, outage: Outage) -> None:
        super().__init__(outage.message)
        self.outage = outage


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, what it wraps (`orig`) and what caused it, each once."""
    pending, seen = [error], set()
    while pending:
        cause = pending.pop()
        if id(cause) in seen:
            continue
        seen.add(id(cause))
        yield cause
        pending.extend(
            each
            for each in (getattr(cause, "orig", None), cause.__cause__, cause.__context__)
            if isinstance(each, BaseException)
        )


def _raised_by_driver(error: OSError) -> bool:
    """Whether an OS error came from a database connection, not from, say, an upload.

    Refused, reset, timed out or an unknown host: raised inside the driver's code.
    """
    frames = traceback.walk_tb(error.__traceback__)
    return any(
        str(frame.f_globals.get("__name__")).startswith(DRIVER_MODULES) for frame, _ in frames
    )


def _unreachable(cause: BaseException) -> bool:
    if isinstance(cause, DBAPIError) and cause.connection_invalidated:
        return True
    if isinstance(cause, DisconnectionError | PoolTimeout):
        return True
    if isinstance(cause, OSError):
        return _raised_by_driver(cause)
    if isinstance(cause, sqlite3.OperationalError):
        return str(cause).lower().startswith(SQLITE_UNAVAILABLE)
    return str(getattr(cause, "sqlstate", "") or "").startswith(POSTGRES_UNAVAILABLE)


def _write_timed_out(cause: BaseException) -> bool:
    """A write refused whole: no turn in time, or a lock held elsewhere past the timeout.

    SQLite's lock held by another process, or a PostgreSQL lock wait past `lock_timeout`.
    """
    if isinstance(cause, WriteTimedOut):
        return True
    if isinstance(cause, sqlite3.OperationalError):
        return is_locked(cause)
    return getattr(cause, "sqlstate", None) == POSTGRES_LOCK_TIMEOUT


def _schema_missing(cause: BaseException) -> bool:
    if isinstance(cause, sqlite3.OperationalError):
        return str(cause).lower().startswith(SQLITE_SCHEMA_MISSING)
    return getattr(cause, "sqlstate", None) in POSTGRES_SCHEMA_MISSING


async def _migrations_pending(engine: AsyncEngine) -> Outage | None:
    """MIGRATIONS_PENDING when the stamp is behind; the check's own failure decides if not."""
    try:
        current = await schema_is_current(engine)
    except (SQLAlchemyError, OSError) as error:
        return Outage.DATABASE_UNAVAILABLE if _kind(error) is Outage.DATABASE_UNAVAILABLE else None
    return None if current else Outage.MIGRATIONS_PENDING


def _kind(error: BaseException) -> Outage | None:
    """The outage an error suggests: no connection, no write turn, or no table or column.

    MIGRATIONS_PENDING here is still to be confirmed by the migration stamp.
    """
    causes = list(_causes(error))
    if any(_unreachable(cause) for cause in causes):
        return Outage.DATABASE_UNAVAILABLE
    if any(_write_timed_out(cause) for cause in causes):
        return Outage.WRITE_TIMEOUT
    if any(_schema_missing(cause) for cause in causes):
        return Outage.MIGRATIONS_PENDING
    return None


async def outage_behind(errors: Iterable[BaseException], engine: AsyncEngine) -> Outage | None:
    """The outage behind any of a request's errors; None when they are something else.

    A missing table or column is an outage only while the schema is behind: with the
    schema current it is a bug, and stays an internal error.
    """
    kinds = {_kind(error): error for error in errors}
    if Outage.DATABASE_UNAVAILABLE in kinds:
        outage: Outage | None = Outage.DATABASE_UNAVAILABLE
    elif Outage.WRITE_TIMEOUT in kinds:
        outage = Outage.WRITE_TIMEOUT
    elif Outage.MIGRATIONS_PENDING in kinds:
        outage = await _migrations_pending(engine)
    else:
        return None
    if outage is not None:  # the answer hides the cause; the operator reads it here
        cause = kinds.get(outage) or next(iter(kinds.values()))
        logger.warning("answering 503 %s: %s", outage.value, _first_line(cause))
    return outage


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0] if lines else ''}"


def unavailable_response(outage: Outage, media_type: str) -> JSONResponse:
    """503 with the GraphQL error and when to ask again, in `media_type`; nothing ran: no `data`."""
    extensions = {"code": SERVICE_UNAVAILABLE, "reason": outage.value}
    return JSONResponse(
        {"errors": [{"message": outage.message, "extensions": extensions}]},
        status_code=503,
        headers={"Retry-After": str(outage.retry_after)},
        media_type=media_type,
    )
