"""SQLAlchemy's aiosqlite adapter with one trip to the connection's thread per statement.

aiosqlite runs each call on its connection's own thread, and SQLAlchemy's adapter makes
four calls a statement (open a cursor, execute, fetch, close), each a hand-over between
threads and a wake-up of the event loop. This adapter's cursor does all four in one call,
and a read's connection goes back to the pool without a trip for a rollback.
The statement, the rows, the errors and the transaction are SQLite's and SQLAlchemy's
own; only the number of hand-overs changes.
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT

Outcome = tuple[Any, list[Any], int, int | None]


def _run(connection: sqlite3.Connection, operation: str, parameters: Any) -> Outcome:
    """On the connection's thread: the statement, its rows, what the cursor tells of it."""
    cursor = connection.cursor()
    try:
        cursor.execute(operation, () if parameters is None else parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor whose `execute` is one call on the connection's thread.

    `executemany` (bulk writes) opens and closes a driver cursor the usual way.
    """

    __slots__ = ("_outcome",)

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        # No driver cursor yet: the base class would open one, a trip of its own.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection  # noqa: SLF001
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._cursor = None  # type: ignore[assignment]
        self._outcome: Outcome | None = None

    @property
    def description(self) -> Any:
        """The executed statement's columns (None for a write)."""
        return None if self._outcome is None else self._outcome[0]

    @property
    def rowcount(self) -> int:
        """Rows a write changed."""
        return -1 if self._outcome is None else self._outcome[2]

    @property
    def lastrowid(self) -> int:
        """The row id an insert gave."""
        return 0 if self._outcome is None else (self._outcome[3] or 0)

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        async with self._adapt_connection._execute_mutex:  # noqa: SLF001
            connection = self._connection
            self._outcome = await connection._execute(  # noqa: SLF001
                _run,
                connection._conn,  # noqa: SLF001
                operation,
                parameters,
            )
            self._rows = collections.deque(self._outcome[1])
            return self

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        async with self._adapt_connection._execute_mutex:  # noqa: SLF001
            cursor = await cast("aiosqlite.Connection", self._connection).cursor()
            try:
                await cursor.executemany(operation, seq_of_parameters)
                self._outcome = (cursor.description, [], cursor.rowcount, cursor.lastrowid)
            finally:
                await cursor.close()
            return self

    async def _async_soft_close(self) -> None:
        """Nothing to close: the driver cursor closed on its thread."""

    def close(self) -> None:
        """Forget the rows; the driver cursor is already closed."""
        self._rows.clear()


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """SQLAlchemy's aiosqlite connection, handing out one-trip cursors.

    Ending a transaction that never began (every read: SQLite begins one only to write)
    makes no trip: the driver's commit and rollback do nothing then anyway.
    """

    __slots__ = ()
    _cursor_cls = OneTripCursor  # type: ignore[assignment]

    def _in_transaction(self) -> bool:
        driver: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        return bool(driver._conn.in_transaction)  # noqa: SLF001 (a flag, read in any thread)

    def rollback(self) -> None:
        """Undo the transaction, if one began."""
        if self._in_transaction():
            super().rollback()

    def commit(self) -> None:
        """Commit the transaction, if one began."""
        if self._in_transaction():
            super().commit()


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DB-API module SQLAlchemy's aiosqlite dialect is given (`module=`)."""

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        """SQLAlchemy's connection, with its cursors swapped for one-trip ones."""
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted._connection)  # noqa: SLF001


def one_trip_module() -> OneTripDBAPI:
    """The module to pass as `create_async_engine(..., module=...)` for SQLite."""
    return OneTripDBAPI(aiosqlite, sqlite3)
