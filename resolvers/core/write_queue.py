"""Writers take turns: SQLite's write lock in arrival order, every wait bounded by a deadline."""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from masthead.resolvers.core.errors import MastheadError

WRITE_TIMEOUT = "WRITE_TIMEOUT"


class WriteTimedOut(MastheadError):
    """A write that could not start within `MASTHEAD_WRITE_TIMEOUT_S`; nothing was written."""

    code = "SERVICE_UNAVAILABLE"

    def __init__(self, timeout_s: float) -> None:
        super().__init__(
            f"other writes kept the database busy for {timeout_s:g} s: this one did not "
            "start and nothing was written; send it again after Retry-After"
        )
        self.extensions = {"code": self.code, "reason": WRITE_TIMEOUT}


class _Turns:
    """One process's writers to one SQLite file, served in arrival order."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.lock = asyncio.Lock()  # wakes its waiters first come, first served
        self.waiting = 0

    async def take(self, deadline: float, timeout_s: float) -> None:
        """Wait for this writer's turn until the deadline."""
        self.waiting += 1
        try:
            async with asyncio.timeout_at(deadline):
                await self.lock.acquire()
        except TimeoutError:
            raise WriteTimedOut(timeout_s) from None
        finally:
            self.waiting -= 1


_TURNS: weakref.WeakKeyDictionary[Engine, _Turns] = weakref.WeakKeyDictionary()


def _turns(engine: AsyncEngine) -> _Turns:
    """The engine's queue in the running event loop."""
    loop = asyncio.get_running_loop()
    turns = _TURNS.get(engine.sync_engine)
    if turns is None or turns.loop is not loop:
        turns = _TURNS[engine.sync_engine] = _Turns(loop)
    return turns


def queued_writers(engine: AsyncEngine) -> int:
    """How many of this process's writes wait for their turn at the engine's write lock."""
    turns = _TURNS.get(engine.sync_engine)
    return 0 if turns is None else turns.waiting


def is_locked(error: BaseException) -> bool:
    """Whether SQLite refused because another connection holds its write lock."""
    cause = getattr(error, "orig", error)
    return isinstance(cause, sqlite3.OperationalError) and "locked" in str(cause).lower()


@asynccontextmanager
async def writing_connection(
    engine: AsyncEngine, timeout_s: float
) -> AsyncIterator[AsyncConnection]:
    """A connection whose transaction has begun, the write lock taken on SQLite.

    SQLite allows one writer at a time: this process's writers queue here in arrival
    order, holding no connection while they wait, and the one whose turn it is waits for
    a lock another process holds. PostgreSQL writers lock rows instead, each wait bounded
    by `lock_timeout` (set by the serving engine).
    """
    if engine.dialect.name != "sqlite":
        async with engine.connect() as connection:
            await connection.begin()
            yield connection
        return
    deadline = asyncio.get_running_loop().time() + timeout_s
    turns = _turns(engine)
    await turns.take(deadline, timeout_s)
    try:
        async with engine.connect() as connection:
            await _begin_immediate(connection, deadline, timeout_s)
            yield connection
    finally:
        turns.lock.release()


async def _begin_immediate(connection: AsyncConnection, deadline: float, timeout_s: float) -> None:
    """`BEGIN IMMEDIATE`, waiting for another process's lock until the deadline.

    SQLite's busy handler retries (every 100 ms at most) for the time left. The setting
    stays on the pooled connection, where only a writer would notice it (readers of a WAL
    database never wait for a lock), and every writer sets its own.
    """
    left_ms = max(int((deadline - asyncio.get_running_loop().time()) * 1000), 1)
    await connection.exec_driver_sql(f"PRAGMA busy_timeout = {left_ms}")
    try:
        await connection.exec_driver_sql("BEGIN IMMEDIATE")
    except OperationalError as error:
        if is_locked(error):
            raise WriteTimedOut(timeout_s) from error
        raise
