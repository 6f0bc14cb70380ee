"""The content generation: known without a statement only while a change signal vouches."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.database import StatementTally, create_engine
from masthead.edge.content_generation import RECHECK_S, ContentGeneration
from masthead.events.bus import Bus, PostgresBus
from masthead.interchange import import_document
from masthead.resolvers.core.ids import encode_id
from masthead.server import create_app
from masthead.settings import Settings
from tests import backends
from tests.conftest import TokenMaker
from tests.content_tables import small_document
from tests.factories import Factory
from tests.live_server import live_app
from tests.writing import UPDATE_POST
from tests.ws_client import WAIT_S, until

TITLE = "query ($id: ID!) { post(id: $id) { title } }"
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


@only_postgresql
async def test_a_write_answered_by_one_server_is_read_fresh_from_the_others_cache(
    settings: Settings, engine: AsyncEngine, token: TokenMaker
) -> None:
    post = encode_id("Post", (await Factory(engine).post(title="Before"))["id"])
    editor = await token("editor")
    other_engine = create_engine(settings)
    apps = [create_app(settings.model_copy(update={"response_cache_entries": 100}), engine=e)
            for e in (engine, other_engine)]  # fmt: skip
    async with live_app(apps[0]) as first, live_app(apps[1]) as second:
        await until(lambda: all(app.state.fan_out.bus.connected for app in apps), "the buses")
        async with httpx.AsyncClient() as client:
            read = {"query": TITLE, "variables": {"id": post}}
            before = [await _title(client, second, read) for _ in "ab"]
            change = {"query": UPDATE_POST, "variables": {"id": post, "input": {"title": "After"}}}
            await client.post(f"http://{first}/graphql", json=change, headers=editor)
            after = await _title(client, second, read)
    await other_engine.dispose()
    assert (before, after) == (["Before", "Before"], "After")


async def _title(client: httpx.AsyncClient, address: str, read: Mapping[str, object]) -> str:
    answer = (await client.post(f"http://{address}/graphql", json=read)).json()
    return str(answer["data"]["post"]["title"])
