"""SQLAlchemy's aiosqlite adapter: one thread trip per statement, and none for a cheap read.

aiosqlite runs each call on its connection's own thread, and SQLAlchemy's adapter makes
four calls a statement (open a cursor, execute, fetch, close), each a hand-over between
threads and a wake-up of the event loop. This adapter's cursor does all four in one call,
and a read's connection goes back to the pool without a trip for a rollback.

A hand-over costs more than most of Masthead's reads: with many requests in flight, every
pooled connection's thread contends with the event loop for the interpreter, and a home
page costs twice its CPU. So a read statement seen to be cheap (`ReadCosts`) runs on the
event loop itself, with no hand-over. It is held to a budget there: past it SQLite
interrupts it, and it runs again on its connection's thread (a read can run twice), as
does every write, every statement inside a transaction and every statement not seen yet.
The statement, the rows, the errors and the transaction are SQLite's and SQLAlchemy's
own; only where and with how many hand-overs a statement runs changes.
"""

from __future__ import annotations

import collections
import sqlite3
import time
from typing import Any, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT

Outcome = tuple[Any, list[Any], int, int | None]
# SQLite calls the budget's check every this many steps of its virtual machine (about
# 5 to 20 ms of work). Seldom: each check is a Python call that must take the interpreter
# back from the connections' threads, and checking every 2,000 steps made search cost 1.35x
# the floor's CPU under load instead of 1.26x, the filtered list 2.8x instead of 2.1x.
BUDGET_CHECK_STEPS = 1_000_000
# An inline read is interrupted (and run again on its thread) past this many times the
# cost below which reads run inline.
BUDGET_FACTOR = 5
# Statements whose cost is remembered; past it, the record starts over.
REMEMBERED_STATEMENTS = 4096
# A read that returns at least this many rows runs inline below twice the limit: on its
# thread, the driver builds each row holding the interpreter, so under load the thread
# waits for the event loop once per row. The authors index's page of posts (250 rows,
# 2 ms) answered 63 requests a second from a thread, 76 inline; a count (one row) loses
# the other core's parallel work when run inline instead.
MANY_ROWS = 100


def _run(connection: sqlite3.Connection, operation: str, parameters: Any) -> Outcome:
    """The statement, its rows, what the cursor tells of it (on any one thread at a time)."""
    cursor = connection.cursor()
    try:
        cursor.execute(operation, () if parameters is None else parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _timed_run(
    connection: sqlite3.Connection, operation: str, parameters: Any
) -> tuple[Outcome, float, bool]:
    """On the connection's thread: `_run`, its CPU seconds, and whether it was a plain read.

    A plain read began outside a transaction and left none open: SQLite's module begins
    one before any statement that writes. CPU time, not wall time: a thread that waited
    for the interpreter or the processor did not make the statement cost more.
    """
    outside = not connection.in_transaction
    started = time.thread_time()
    outcome = _run(connection, operation, parameters)
    seconds = time.thread_time() - started
    return outcome, seconds, outside and not connection.in_transaction and bool(outcome[0])


class ReadCosts:
    """What each read statement cost, to run the cheap ones on the event loop.

    A statement is known by its SQL text, which SQLAlchemy compiles once per shape. Only
    statements seen to be plain reads are remembered, as a moving average of seconds: CPU
    seconds on the connection's thread, wall seconds on the event loop (which waits for
    the statement, whatever the statement waits for).
    """

    def __init__(self, inline_below_ms: float) -> None:
        self.inline_below = inline_below_ms / 1000
        self.budget = self.inline_below * BUDGET_FACTOR
        # Per statement: its seconds' moving average, and its limit (by its rows).
        self._seconds: dict[str, tuple[float, float]] = {}

    def inline(self, operation: str) -> bool:
        """Whether this statement, a plain read, has cost less than its inline limit."""
        known = self._seconds.get(operation)
        return known is not None and known[0] < known[1]

    def note(self, operation: str, seconds: float, rows: int, *, plain_read: bool) -> None:
        """Remember a run: its cost if it was a plain read; else that it runs on the thread."""
        if not plain_read:
            self._seconds.pop(operation, None)
            return
        if self.inline_below <= 0:
            return
        known = self._seconds.get(operation)
        if known is None and len(self._seconds) >= REMEMBERED_STATEMENTS:
            self._seconds.clear()
        average = seconds if known is None else (3 * known[0] + seconds) / 4
        limit = self.inline_below * (2 if rows >= MANY_ROWS else 1)
        self._seconds[operation] = (average, limit)

    def run_inline(
        self, connection: sqlite3.Connection, operation: str, parameters: Any
    ) -> Outcome | None:
        """Run a known cheap read here; None if it ran past the budget and was stopped."""
        deadline = time.perf_counter() + self.budget
        over: list[bool] = []

        def past_budget() -> bool:
            if time.perf_counter() > deadline:
                over.append(True)
                return True
            return False

        connection.set_progress_handler(past_budget, BUDGET_CHECK_STEPS)
        started = time.perf_counter()
        try:
            outcome = _run(connection, operation, parameters)
        except sqlite3.OperationalError:
            if not over:
                raise
            self.note(operation, self.budget, 0, plain_read=True)
            return None
        finally:
            connection.set_progress_handler(None, 0)
        # Wall time: what the event loop waited (and `thread_time` is a system call).
        self.note(operation, time.perf_counter() - started, len(outcome[1]), plain_read=True)
        return outcome


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor whose `execute` is one call on the connection's thread, or none.

    None for a read `ReadCosts` knows to be cheap: it runs on the event loop.
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
        adapted = cast("OneTripConnection", self._adapt_connection)
        self._outcome = outcome = await adapted.run(operation, parameters)
        self._rows = collections.deque(outcome[1])
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

    async def run(self, operation: str, parameters: Any) -> Outcome:
        """One statement, where its cost says: inline if a known cheap read, else its thread.

        Cursors run their statements here, and so may a caller that compiled a statement
        itself (`resolvers/core/direct_reads.py`).
        """
        async with self._execute_mutex:
            connection: Any = self._connection  # aiosqlite's, whose `_execute` is untyped
            driver: sqlite3.Connection = connection._conn  # noqa: SLF001
            costs: ReadCosts = self.dbapi.read_costs
            outcome = None
            if not driver.in_transaction and costs.inline(operation):
                outcome = costs.run_inline(driver, operation, parameters)
            if outcome is None:
                ran: tuple[Outcome, float, bool] = await connection._execute(  # noqa: SLF001
                    _timed_run, driver, operation, parameters
                )
                outcome, seconds, plain_read = ran
                costs.note(operation, seconds, len(outcome[1]), plain_read=plain_read)
            return outcome

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
    """The DB-API module SQLAlchemy's aiosqlite dialect is given (`module=`).

    One per engine: it holds the costs of the engine's read statements.
    """

    def __init__(self, inline_below_ms: float) -> None:
        super().__init__(aiosqlite, sqlite3)
        self.read_costs = ReadCosts(inline_below_ms)

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        """SQLAlchemy's connection, with its cursors swapped for one-trip ones."""
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted._connection)  # noqa: SLF001


def one_trip_module(inline_below_ms: float = 0) -> OneTripDBAPI:
    """The module to pass as `create_async_engine(..., module=...)` for SQLite.

    Plain reads that cost less than `inline_below_ms` run on the event loop (0: none do).
    """
    return OneTripDBAPI(inline_below_ms)
