"""Real `masthead serve` processes: each event reaches the hook once, and after kill -9 at
least once, a repeat always carrying the same `webhook-id`."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import Event, table_of
from masthead.resolvers.token import create_token
from soak.server import Server
from tests import backends
from tests.webhooks import Receiver, add_hook, deliveries, receiving

CHANGES = 200
DEADLINE_S = 90.0
CREATE_TAG = """mutation($input: TagInput!) {
  createTag(input: $input) { tag { id } userErrors { code } } }"""
SEVERAL = 4 if backends.BACKEND == "postgresql" else 2
events = table_of(Event)


def _server(database_url: str, directory: Path, workers: int) -> Server:
    settings = {"WEBHOOK_ALLOW_PRIVATE": "true", "WEBHOOK_TIMEOUT_S": "2", "EVENTS_POLL_S": "0.2"}
    environment = {f"MASTHEAD_{name}": value for name, value in settings.items()}
    return Server(database_url, workers=workers, directory=directory, environment=environment)


async def _burst(base_url: str, headers: dict[str, str], done: set[int], clients: int = 2) -> None:
    """Create the tags not yet acknowledged, `clients` at a time; stops when the server dies."""
    todo = [n for n in range(CHANGES) if n not in done]

    async def one_client(numbers: list[int]) -> None:
        async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as client:
            for n in numbers:
                given = {"slug": f"tag-{n}", "name": f"Tag {n}"}
                answer = await client.post(
                    "/graphql", json={"query": CREATE_TAG, "variables": {"input": given}},
                    headers=headers,
                )  # fmt: skip
                result = answer.json()["data"]["createTag"]
                # TAKEN: it was written before a crash swallowed the answer.
                assert result["tag"] or result["userErrors"] == [{"code": "TAKEN"}], result
                done.add(n)

    clients_run = (one_client(todo[start::clients]) for start in range(clients))
    outcomes = await asyncio.gather(*clients_run, return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome


async def _event_ids(engine: AsyncEngine) -> set[int]:
    async with engine.connect() as connection:
        return set((await connection.execute(select(events.c.id))).scalars())


async def _settled(engine: AsyncEngine, receiver: Receiver) -> set[int]:
    """Wait until every event was received and every delivery has succeeded; the event ids."""
    deadline = time.monotonic() + DEADLINE_S
    expected: set[int] = set()
    while time.monotonic() < deadline:
        expected = await _event_ids(engine)
        got = {body["eventId"] for body in receiver.bodies()}
        async with engine.connect() as connection:
            statement = select(func.count()).where(deliveries.c.status != "succeeded")
            unfinished = await connection.scalar(statement)
        if len(expected) == CHANGES and expected <= got and unfinished == 0:
            return expected
        await asyncio.sleep(0.1)
    missing = sorted(expected - {body["eventId"] for body in receiver.bodies()})
    message = f"events never delivered within {DEADLINE_S} s: {missing[:20]} ({len(missing)})"
    raise AssertionError(message)


def _ids_by_event(receiver: Receiver) -> dict[int, set[str]]:
    ids: dict[int, set[str]] = defaultdict(set)
    for each in receiver.received:
        ids[each.json()["eventId"]].add(each.headers["webhook-id"])
    return ids


async def _editor(engine: AsyncEngine) -> dict[str, str]:
    _info, secret = await create_token(engine, role="editor")
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("workers", [1, SEVERAL])
async def test_a_burst_of_changes_is_delivered_exactly_once(
    database_url: str, engine: AsyncEngine, tmp_path: Path, workers: int
) -> None:
    headers = await _editor(engine)
    with receiving() as receiver:
        await add_hook(engine, receiver.url)
        server = _server(database_url, tmp_path / "server", workers)
        server.start()
        try:
            await server.ready()
            await _burst(server.base_url, headers, set(), clients=4)
            delivered = await _settled(engine, receiver)
            async with httpx.AsyncClient(base_url=server.base_url) as client:
                exposition = (await client.get("/metrics")).text
        finally:
            await server.stop()

    assert len(delivered) == CHANGES
    assert len(receiver.received) == CHANGES  # none twice
    assert len({each.headers["webhook-id"] for each in receiver.received}) == CHANGES
    assert 'masthead_webhook_deliveries_total{outcome="succeeded"}' in exposition
    assert "masthead_webhook_backlog" in exposition


async def test_a_server_killed_mid_delivery_delivers_every_event_after_restart(
    database_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    headers = await _editor(engine)
    done: set[int] = set()
    with receiving(Receiver(delay_s=0.05)) as receiver:
        await add_hook(engine, receiver.url)
        server = _server(database_url, tmp_path / "server", 1)
        server.start()
        try:
            await server.ready()
            burst = asyncio.create_task(_burst(server.base_url, headers, done))
            await receiver.wait_for(40, timeout_s=DEADLINE_S)
            server.kill()
            with pytest.raises(httpx.TransportError):
                await burst
            received_before_restart = len(receiver.received)
            server.start()
            await server.ready()
            await _burst(server.base_url, headers, done)
            delivered = await _settled(engine, receiver)
        finally:
            await server.stop()

    assert received_before_restart < CHANGES  # the kill came in the middle of it
    assert len(delivered) == CHANGES
    ids = _ids_by_event(receiver)
    assert set(ids) == delivered  # every event arrived
    assert all(len(each) == 1 for each in ids.values())  # a repeat has the same webhook-id
    bodies: dict[str, set[bytes]] = defaultdict(set)
    for each in receiver.received:
        bodies[each.headers["webhook-id"]].add(each.body)
    assert all(len(each) == 1 for each in bodies.values())  # and the same bytes
    _report_repeats(receiver)


def _report_repeats(receiver: Receiver) -> None:
    """How many messages the crash made the receiver see twice (printed with -s)."""
    repeats: dict[str, int] = defaultdict(int)
    for each in receiver.received:
        repeats[each.headers["webhook-id"]] += 1
    twice = sum(1 for count in repeats.values() if count > 1)
    print(f"{len(receiver.received)} requests for {len(repeats)} messages; {twice} repeated")  # noqa: T201
