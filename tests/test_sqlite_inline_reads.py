"""SQLite reads seen to be cheap run on the event loop; everything else on its thread.

Which thread ran a statement is read from the statement itself: a SQL function that
answers the calling thread's id (SQLite calls it on the thread that runs the statement).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.database import create_engine
from masthead.settings import Settings
from masthead.sqlite_driver import MANY_ROWS, ReadCosts
from tests import backends

pytestmark = pytest.mark.skipif(backends.BACKEND != "sqlite", reason="SQLite's driver")

# Counts to :n, one row at the end: cheap for a small n, long for a large one.
COUNT_TO = text(
    "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < :n) "
    "SELECT count(*), ran_on() FROM c"
)


def _engine(settings: Settings, inline_ms: float) -> AsyncEngine:
    engine = create_engine(settings.model_copy(update={"sqlite_inline_read_ms": inline_ms}))

    @event.listens_for(engine.sync_engine, "connect")
    def add_function(dbapi_connection: Any, _record: object) -> None:
        sqlite = dbapi_connection.driver_connection._conn  # noqa: SLF001 (the sqlite3 connection)
        sqlite.create_function("ran_on", 0, threading.get_ident)

    return engine


@pytest.fixture
async def inline_engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """Reads under 50 ms inline (a budget of 250 ms), so a slow machine does not flake."""
    engine = _engine(settings, 50)
    yield engine
    await engine.dispose()


async def _count(engine: AsyncEngine, n: int) -> tuple[int, int]:
    async with engine.connect() as connection:
        counted, thread = (await connection.execute(COUNT_TO, {"n": n})).one()
    return counted, thread


async def test_a_cheap_read_runs_on_its_thread_first_then_on_the_event_loop(
    inline_engine: AsyncEngine,
) -> None:
    loop_thread = threading.get_ident()

    first = await _count(inline_engine, 10)
    second = await _count(inline_engine, 10)
    third = await _count(inline_engine, 20)

    assert first[0] == 10
    assert first[1] != loop_thread  # not seen before: its connection's thread
    assert second == (10, loop_thread)
    assert third == (20, loop_thread)  # the same statement, other values


async def test_a_known_cheap_read_that_runs_long_is_stopped_and_run_again_on_its_thread(
    inline_engine: AsyncEngine,
) -> None:
    loop_thread = threading.get_ident()
    await _count(inline_engine, 10)
    assert (await _count(inline_engine, 10))[1] == loop_thread

    long = await _count(inline_engine, 20_000_000)  # seconds of work, past the budget
    after = await _count(inline_engine, 10)

    assert long[0] == 20_000_000  # the whole answer, from the second run
    assert long[1] != loop_thread
    assert after[1] != loop_thread  # now known to be costly


async def test_writes_and_reads_inside_a_transaction_stay_on_the_thread(
    inline_engine: AsyncEngine,
) -> None:
    loop_thread = threading.get_ident()
    async with inline_engine.begin() as connection:
        await connection.execute(text("CREATE TABLE ran (thread INTEGER)"))
    for _ in range(3):
        async with inline_engine.begin() as connection:
            await connection.execute(text("INSERT INTO ran VALUES (ran_on())"))
            inside = (await connection.execute(text("SELECT ran_on()"))).scalar_one()
            assert inside != loop_thread
        async with inline_engine.begin() as connection:
            written = (
                (
                    await connection.execute(
                        text("UPDATE ran SET thread = ran_on() RETURNING thread")
                    )
                )
                .scalars()
                .all()
            )
            assert loop_thread not in written

    async with inline_engine.connect() as connection:
        threads = (await connection.execute(text("SELECT thread FROM ran"))).scalars().all()
    assert len(threads) == 3
    assert loop_thread not in threads


async def test_with_the_setting_at_zero_every_statement_runs_on_its_thread(
    settings: Settings,
) -> None:
    engine = _engine(settings, 0)
    try:
        threads = [(await _count(engine, 10))[1] for _ in range(3)]
    finally:
        await engine.dispose()
    assert threading.get_ident() not in threads


async def test_an_inline_read_that_fails_raises_the_drivers_error(
    inline_engine: AsyncEngine,
) -> None:
    divide = text("SELECT 1 / :d, ran_on(), json_extract(:j, '$.a')")
    async with inline_engine.connect() as connection:
        await connection.execute(divide, {"d": 1, "j": '{"a": 1}'})
        ran = (await connection.execute(divide, {"d": 1, "j": '{"a": 1}'})).one()
        assert ran[1] == threading.get_ident()
        with pytest.raises(Exception, match="malformed JSON"):
            await connection.execute(divide, {"d": 1, "j": "{"})
        # The connection is still good, and the statement still runs inline.
        again = (await connection.execute(divide, {"d": 2, "j": '{"a": 3}'})).one()
    assert again[1:] == (threading.get_ident(), 3)


def test_a_read_of_many_rows_runs_inline_up_to_twice_the_limit() -> None:
    # On its thread, a read builds each row holding the interpreter: many rows wait for
    # the event loop once each. A read of few rows keeps the other core's work there.
    costs = ReadCosts(inline_below_ms=2)
    for rows, seconds in ((MANY_ROWS, 0.003), (1, 0.003), (MANY_ROWS, 0.005), (1, 0.001)):
        costs.note(f"{rows} rows in {seconds} s", seconds, rows, plain_read=True)

    inline = {each: costs.inline(each) for each in costs._seconds}  # noqa: SLF001
    assert inline == {
        "100 rows in 0.003 s": True,
        "1 rows in 0.003 s": False,
        "100 rows in 0.005 s": False,
        "1 rows in 0.001 s": True,
    }
