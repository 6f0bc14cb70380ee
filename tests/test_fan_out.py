"""Several server processes: a change made through one reaches every other's subscribers,
and no process answers from a cache a write through another made stale."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import uuid
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from coredis import PureToken, Redis
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.events.bus import Bus, PostgresBus, RedisBus
from masthead.events.feed import QUEUE, ChangeFeed, ListenerTooSlowError
from masthead.models import Event, table_of
from masthead.resolvers.core.freshness import content_generation
from masthead.resolvers.core.ids import encode_id
from masthead.settings import Settings
from tests import backends
from tests.conftest import TokenMaker
from tests.factories import Factory
from tests.processes import masthead_serving
from tests.redis_probe import REDIS_URL, probe
from tests.ws_client import WAIT_S, opened, until

events = table_of(Event)
CHANGES = "subscription { contentChanged { action type id node { ... on Post { title } } } }"
UPDATE = """mutation ($id: ID!, $input: PostInput!) {
  updatePost(id: $id, input: $input) { post { title } userErrors { message } }
}"""
TITLE = "query ($id: ID!) { post(id: $id) { title } }"
# So long that a change can only arrive in time through the bus, never by polling.
NO_POLLING = "60"


@pytest.fixture
async def redis_url() -> str:
    """The machine's Redis (on either database: it carries the notifications of both)."""
    if not await probe(REDIS_URL):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URL} and CI requires it")
        pytest.skip(f"Redis is not reachable at {REDIS_URL} (set MASTHEAD_TEST_REDIS_URL)")
    return REDIS_URL


def _event(entity_id: int, **values: Any) -> dict[str, Any]:
    return {"action": "update", "entity_type": "Post", "entity_id": entity_id, "version": 2,
            "public_before": True, "public_after": True} | values  # fmt: skip


async def _newest(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.max(events.c.id))) or 0)


async def test_an_event_committed_after_a_newer_one_is_still_handed_on(
    engine: AsyncEngine,
) -> None:
    feed = ChangeFeed(engine, poll_s=1)
    await feed.read()  # starts at the newest event
    start = await _newest(engine)
    with feed.listening() as listener:
        async with engine.begin() as connection:  # id start+1 is held by a slower write
            await connection.execute(insert(events).values(id=start + 2, **_event(2)))
        await feed.read()
        async with engine.begin() as connection:  # which commits now
            await connection.execute(insert(events).values(id=start + 1, **_event(1)))
        await feed.read()
        await feed.read()  # read again: handed on once only
        heard = [listener.queue.get_nowait() for _ in range(listener.queue.qsize())]
    assert [event.id for event in heard if event] == [start + 2, start + 1]
    assert feed.missing == {}


async def test_a_cached_answer_goes_stale_when_an_older_event_commits_late(
    engine: AsyncEngine,
) -> None:
    start = await _newest(engine)
    async with engine.begin() as connection:
        await connection.execute(insert(events).values(id=start + 2, **_event(2)))
    before = await content_generation(engine)
    async with engine.begin() as connection:
        await connection.execute(insert(events).values(id=start + 1, **_event(1)))
    assert await content_generation(engine) != before


@pytest.fixture
def editor_and_post(engine: AsyncEngine, token: TokenMaker) -> Any:
    """An editor's headers and a published post's global ID."""

    async def make() -> tuple[dict[str, str], str]:
        post = await Factory(engine).post(title="Before")
        return await token("editor"), encode_id("Post", post["id"])

    return make


def _serving(
    stack: ExitStack, database_url: str, cwd: Path, count: int, **settings: str
) -> list[str]:
    """`count` separate `masthead serve` processes on one database: their base URLs."""
    bases = []
    for n in range(count):
        (cwd / f"p{n}").mkdir()
        serving = masthead_serving(database_url, cwd / f"p{n}", workers=1, **settings)
        bases.append(stack.enter_context(serving))
    return bases


async def _heard_across(
    database_url: str, tmp_path: Path, editor_and_post: Any, **settings: str
) -> dict[str, Any]:
    """Subscribe on one process, change a post through another: what the subscriber hears."""
    editor, post = await editor_and_post()
    with ExitStack() as stack:
        first, second = _serving(stack, database_url, tmp_path, 2, **settings)
        async with opened(first.replace("http", "ws", 1) + "/graphql") as socket:
            assert (await socket.receive())["type"] == "connection_ack"
            await socket.subscribe("changes", CHANGES)
            await until(
                lambda: _metric(first, "masthead_change_feed_listeners") == 1,
                "the subscription to start",
            )
            body = {"query": UPDATE, "variables": {"id": post, "input": {"title": "After"}}}
            async with httpx.AsyncClient(base_url=second) as client:
                answer = (await client.post("/graphql", json=body, headers=editor)).json()
            assert answer["data"]["updatePost"]["userErrors"] == []
            message = await socket.receive()
    assert message["type"] == "next", message
    told: dict[str, Any] = message["payload"]["data"]["contentChanged"]
    return told


@pytest.mark.skipif(
    backends.BACKEND != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's: the postgresql pass"
)
async def test_a_change_reaches_another_process_through_postgresql_notifications(
    database_url: str, tmp_path: Path, editor_and_post: Any
) -> None:
    told = await _heard_across(database_url, tmp_path, editor_and_post, events_poll_s=NO_POLLING)
    assert (told["action"], told["type"], told["node"]) == ("UPDATED", "POST", {"title": "After"})


async def test_a_change_reaches_another_process_through_redis(
    database_url: str, tmp_path: Path, editor_and_post: Any, redis_url: str
) -> None:
    told = await _heard_across(
        database_url,
        tmp_path,
        editor_and_post,
        events_poll_s=NO_POLLING,
        redis_url=redis_url,
        redis_prefix=f"masthead-test-{uuid.uuid4().hex[:12]}",
    )
    assert (told["action"], told["node"]) == ("UPDATED", {"title": "After"})


async def test_without_a_bus_another_process_hears_by_polling(
    database_url: str, tmp_path: Path, editor_and_post: Any
) -> None:
    told = await _heard_across(database_url, tmp_path, editor_and_post, events_poll_s="0.2")
    assert (told["action"], told["node"]) == ("UPDATED", {"title": "After"})


def _metric(base: str, name: str) -> float:
    """One sample of a process's `/metrics`, 0 when absent."""
    text = httpx.get(f"{base}/metrics").text
    found = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def _title(base: str, post: str) -> str:
    """The post's title as the public reads it through `base` (GET: the cached path)."""
    params = {"query": TITLE, "variables": f'{{"id": "{post}"}}'}
    answer = httpx.get(f"{base}/graphql", params=params).json()
    return str(answer["data"]["post"]["title"])


def _update(base: str, post: str, editor: dict[str, str]) -> None:
    body = {"query": UPDATE, "variables": {"id": post, "input": {"title": "After"}}}
    answer = httpx.post(f"{base}/graphql", json=body, headers=editor).json()
    assert answer["data"]["updatePost"]["userErrors"] == []


async def test_a_write_through_one_process_is_never_answered_stale_by_another(
    database_url: str, tmp_path: Path, editor_and_post: Any
) -> None:
    editor, post = await editor_and_post()
    with ExitStack() as stack:
        first, second = _serving(stack, database_url, tmp_path, 2, events_poll_s=NO_POLLING)
        before = [_title(base, post) for base in (first, second, first, second)]
        hits = _metric(second, 'masthead_response_cache_total{result="hit"}')
        _update(first, post, editor)
        after = _title(second, post)
    assert before == ["Before"] * 4
    assert hits >= 1  # the second process answered from its cache before the write
    assert after == "After"


async def test_with_redis_as_the_bus_another_process_never_answers_stale(
    database_url: str, tmp_path: Path, editor_and_post: Any, redis_url: str
) -> None:
    editor, post = await editor_and_post()
    prefix = f"masthead-test-{uuid.uuid4().hex[:12]}"
    with ExitStack() as stack:
        first, second = _serving(
            stack, database_url, tmp_path, 2, redis_url=redis_url, redis_prefix=prefix
        )
        before = [_title(base, post) for base in (first, second, second)]
        _update(first, post, editor)
        after = _title(second, post)
    assert before == ["Before"] * 3
    assert after == "After"


@pytest.mark.skipif(
    backends.BACKEND != "postgresql", reason="several workers on one database: the postgresql pass"
)
async def test_two_workers_never_answer_stale_after_a_write(
    database_url: str, tmp_path: Path, editor_and_post: Any
) -> None:
    editor, post = await editor_and_post()
    with masthead_serving(database_url, tmp_path, workers=2) as base:
        before = [_title(base, post) for _ in range(10)]
        _update(base, post, editor)
        after = [_title(base, post) for _ in range(10)]
    assert before == ["Before"] * 10
    assert after == ["After"] * 10


async def _heard_after_outage(
    hearer: Bus, teller: Bus, cut: Callable[[], Awaitable[None]], *, reconnects: bool
) -> bool:
    """Cut the hearer's listening connection; whether it hears the teller afterwards.

    `reconnects`: the bus itself notices and listens again (coredis's pub/sub reconnects
    under it instead). Notifications sent while it reconnects are lost (polling finds
    those changes): announce until one is heard.
    """
    woken = asyncio.Event()
    hearer.on_wake(woken.set)
    running = [asyncio.get_running_loop().create_task(bus.run()) for bus in (hearer, teller)]
    try:
        await until(lambda: hearer.connected and teller.connected, "both buses to listen")
        await cut()
        if reconnects:
            await until(lambda: not hearer.connected, "the hearer to notice the outage")
            await until(lambda: hearer.connected, "the hearer to listen again")
        woken.clear()
        async with asyncio.timeout(WAIT_S):
            while not woken.is_set():
                teller.announce()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(0.2):
                        await woken.wait()
        return True
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        for bus in (hearer, teller):
            await bus.close()


@pytest.mark.skipif(
    backends.BACKEND != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's: the postgresql pass"
)
async def test_the_postgresql_bus_listens_again_after_its_connection_is_killed(
    engine: AsyncEngine,
) -> None:
    hearer, teller = PostgresBus(engine), PostgresBus(engine)

    async def cut() -> None:
        async with engine.connect() as connection:
            pid = hearer.server_pid
            await connection.execute(select(func.pg_terminate_backend(pid)))

    assert await _heard_after_outage(hearer, teller, cut, reconnects=True)


async def test_the_redis_bus_listens_again_after_its_connection_is_killed(
    settings: Settings, redis_url: str
) -> None:
    on_redis = settings.model_copy(
        update={"redis_url": redis_url, "redis_prefix": f"masthead-test-{uuid.uuid4().hex[:12]}"}
    )
    hearer, teller = RedisBus(on_redis), RedisBus(on_redis)

    async def cut() -> None:
        client: Redis[str] = Redis.from_url(redis_url, decode_responses=True)
        clients = await client.client_list(type_=PureToken.PUBSUB)
        (listening,) = [each for each in clients if each["name"] == hearer.client_name]
        await client.client_kill(identifier=int(listening["id"]))
        client.connection_pool.disconnect()

    assert await _heard_after_outage(hearer, teller, cut, reconnects=False)


async def test_a_listener_too_far_behind_is_ended_with_a_code(engine: AsyncEngine) -> None:
    feed = ChangeFeed(engine, poll_s=1)
    await feed.read()
    start = await _newest(engine)
    async with engine.begin() as connection:
        rows = [{"id": start + n, **_event(n)} for n in range(1, QUEUE + 2)]
        await connection.execute(insert(events), rows)
    with feed.listening() as listener:
        await feed.read()
        heard = [await anext(listener) for _ in range(QUEUE)]
        with pytest.raises(ListenerTooSlowError) as ended:
            await anext(listener)
    assert [event.id for event in heard] == list(range(start + 1, start + QUEUE + 1))
    assert ended.value.extensions == {"code": "SUBSCRIPTION_TOO_SLOW"}
