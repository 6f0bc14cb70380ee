"""The content generation: known without a statement only while a change signal vouches."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.database import StatementTally
from masthead.edge.content_generation import RECHECK_S, ContentGeneration
from masthead.events.bus import Bus, PostgresBus
from masthead.interchange import import_document
from tests import backends
from tests.content_tables import small_document
from tests.factories import Factory
from tests.ws_client import WAIT_S, until

only_sqlite = pytest.mark.skipif(backends.BACKEND != "sqlite", reason="SQLite's change counter")
only_postgresql = pytest.mark.skipif(
    backends.BACKEND != "postgresql", reason="the PostgreSQL bus: the postgresql pass"
)


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@only_sqlite
async def test_a_commit_by_another_connection_is_seen_without_a_statement(
    engine: AsyncEngine,
) -> None:
    generation = ContentGeneration(engine)
    await generation.current()
    before = StatementTally.total
    known = generation.known()
    assert StatementTally.total == before

    await Factory(engine).post(title="Elsewhere")  # its own connection, behind the change log

    assert known is not None
    assert generation.known() is None  # the counter moved: the next request asks
    generation.close()


@only_postgresql
async def test_without_a_connected_bus_every_request_asks(engine: AsyncEngine) -> None:
    generation = ContentGeneration(engine)
    bus = PostgresBus(engine)  # not listening: not connected
    generation.listen(bus)
    await generation.current()

    before = StatementTally.total
    await generation.current()

    assert generation.known() is None
    assert StatementTally.total == before + 1
    generation.close()
    await bus.close()


@only_postgresql
async def test_the_bus_is_trusted_for_a_while_only(engine: AsyncEngine) -> None:
    ticks = Ticks()
    generation = ContentGeneration(engine, monotonic=ticks)
    generation.listen(Bus())
    read = await generation.current()
    ticks.now += RECHECK_S / 2
    trusted = generation.known()

    ticks.now += RECHECK_S

    assert trusted == read
    assert generation.known() is None
    generation.close()


@only_postgresql
async def test_another_process_notice_moves_the_generation(engine: AsyncEngine) -> None:
    bus = Bus()
    generation = ContentGeneration(engine)
    generation.listen(bus)
    await generation.current()

    bus.heard("another-process 1")

    assert generation.known() is None
    generation.close()


@only_postgresql
async def test_an_import_is_heard_on_the_postgresql_bus(engine: AsyncEngine) -> None:
    bus = PostgresBus(engine)
    heard = asyncio.Event()
    bus.on_wake(heard.set)
    generation = ContentGeneration(engine)
    generation.listen(bus)
    listening = asyncio.get_running_loop().create_task(bus.run())
    await until(lambda: bus.connected, "the bus to listen")
    before = await generation.current()
    heard.clear()

    await import_document(engine, small_document())  # announces nothing in-process
    await asyncio.wait_for(heard.wait(), WAIT_S)

    assert generation.known() is None
    assert await generation.current() != before
    listening.cancel()
    await asyncio.gather(listening, return_exceptions=True)
    generation.close()
    await bus.close()
