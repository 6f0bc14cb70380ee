"""The events phase: webhook deliveries and subscription messages after writes, on PostgreSQL.

For each worker count, on a scratch PostgreSQL database seeded with demo posts:
- latency: one editor updates published posts one at a time; the time from each
  acknowledgment (the write has committed) to the webhook's arrival at a local receiver
  and to the subscriber's message, p50 and p99 (an upper bound on commit, so a delivery
  that overtakes the acknowledgment counts as 0);
- throughput: 16 editors update as fast as they can for the phase's time; events a
  second delivered to the receiver, from the first write until the last delivery (so
  bounded by how fast the editors write); then a backlog of 2,000 changes committed at
  once, and events a second delivered until the last arrives (the worker's own pace);
- idle subscriptions: resident memory of the server's processes before and after 1,000
  subscriptions held open on 50 connections.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
import websockets
from sqlalchemy import insert
from websockets.typing import Subprotocol

from bench.data import DATA_DIR
from masthead.models import Event
from masthead.resolvers.core.ids import decode_id
from masthead.resolvers.token import create_token
from soak.memory import resident_megabytes, session_members
from soak.report import percentile
from soak.server import Server
from soak.store import POSTGRES_SERVER, engine_for, prepare, scratch_postgres

EVENTS = "events"
LATENCY_WRITES = 200
BACKLOG = 2000
THROUGHPUT_WRITERS = 16
IDLE_CONNECTIONS, SUBSCRIPTIONS_EACH = 50, 20
DRAIN_SECONDS = 30.0
POSTS = 300
SUBPROTOCOL = Subprotocol("graphql-transport-ws")

POSTS_QUERY = "query($after: String) { posts(first: 100, after: $after) { nodes { id version } pageInfo { hasNextPage endCursor } } }"  # noqa: E501
UPDATE = """mutation($id: ID!, $title: String!) {
  updatePost(id: $id, input: {title: $title}) { post { id version } userErrors { code message } }
}"""
CREATE_HOOK = """mutation($url: String!) {
  createWebhook(input: {url: $url, types: [POST]}) { webhook { id } userErrors { message } }
}"""
SUBSCRIBE = "subscription { contentChanged(types: [POST]) { action type id } }"


@dataclass
class Arrivals:
    """When each message about an entry (by global ID) reached the receiver or subscriber."""

    at: dict[str, list[float]] = field(default_factory=dict)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def add(self, entry_id: str) -> None:
        """One arrival now."""
        self.at.setdefault(entry_id, []).append(time.monotonic())
        self.changed.set()

    @property
    def count(self) -> int:
        """Every arrival so far."""
        return sum(len(each) for each in self.at.values())

    async def until(self, count: int, seconds: float) -> None:
        """Wait until `count` arrivals, or `seconds`."""
        deadline = time.monotonic() + seconds
        while self.count < count and time.monotonic() < deadline:
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), deadline - time.monotonic())
            except TimeoutError:
                return


@dataclass(frozen=True)
class EventsResult:
    """One worker count's numbers."""

    workers: int
    hook_p50_ms: float
    hook_p99_ms: float
    subscriber_p50_ms: float
    subscriber_p99_ms: float
    events_per_second: float
    delivered: int
    written: int
    backlog_per_second: float
    idle_rss_before_mb: float
    idle_rss_after_mb: float


async def _receive(arrivals: Arrivals, reader: asyncio.StreamReader, writer: Any) -> None:
    """One HTTP/1.1 connection of the receiver: note each POST's entry, answer 204."""
    try:
        while head := await reader.readuntil(b"\r\n\r\n"):
            lines = head.decode("latin-1").split("\r\n")
            length = next((int(line.split(":", 1)[1]) for line in lines
                           if line.lower().startswith("content-length:")), 0)  # fmt: skip
            body = orjson.loads(await reader.readexactly(length)) if length else {}
            arrivals.add(str(body.get("id")))  # the entry's global ID
            writer.write(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


@asynccontextmanager
async def receiver(arrivals: Arrivals) -> AsyncIterator[str]:
    """A local webhook receiver; its URL."""
    server = await asyncio.start_server(lambda r, w: _receive(arrivals, r, w), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        server.close()


async def _graphql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> Any:
    body = {"query": query, "variables": variables}
    response = await client.post("/graphql", json=body, headers=headers)
    payload = response.json()
    if payload.get("errors"):
        msg = f"Masthead refused a benchmark request: {payload['errors'][0].get('message')}"
        raise RuntimeError(msg)
    return payload["data"]


async def _posts(base_url: str) -> list[str]:
    """The published posts, as the public lists them: updates to those are heard by all."""
    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        return await _listed(client)


async def _listed(client: httpx.AsyncClient) -> list[str]:
    ids: list[str] = []
    after = None
    while True:
        page = (await _graphql(client, POSTS_QUERY, {"after": after}))["posts"]
        ids += [node["id"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            return ids
        after = page["pageInfo"]["endCursor"]


async def _subscribe(url: str, arrivals: Arrivals, ready: asyncio.Event) -> None:
    async with websockets.connect(url, subprotocols=[SUBPROTOCOL]) as socket:
        await socket.send(orjson.dumps({"type": "connection_init", "payload": {}}).decode())
        await socket.recv()
        message = {"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}
        await socket.send(orjson.dumps(message).decode())
        ready.set()
        async for raw in socket:
            message = orjson.loads(raw)
            if message.get("type") == "ping":
                await socket.send(b'{"type":"pong"}'.decode())
            elif message.get("type") == "next":
                arrivals.add(message["payload"]["data"]["contentChanged"]["id"])


def _latencies(acks: dict[str, float], arrivals: Arrivals) -> list[float]:
    return [max(0.0, arrivals.at[entry][0] - at)  # seconds, as `percentile` takes them
            for entry, at in acks.items() if arrivals.at.get(entry)]  # fmt: skip


async def _latency(
    client: httpx.AsyncClient, posts: list[str], hooks: Arrivals, subscriber: Arrivals
) -> tuple[list[float], list[float]]:
    acks: dict[str, float] = {}
    for number, post in enumerate(posts[:LATENCY_WRITES]):
        await _graphql(client, UPDATE, {"id": post, "title": f"Latency {number}"})
        acks[post] = time.monotonic()
        await hooks.until(len(acks), 5.0)  # one at a time: never a queue behind the write
    await subscriber.until(len(acks), DRAIN_SECONDS)
    return _latencies(acks, hooks), _latencies(acks, subscriber)


async def _throughput(
    client: httpx.AsyncClient, posts: list[str], hooks: Arrivals, seconds: float
) -> tuple[float, int, int]:
    before = hooks.count
    started = time.monotonic()
    cycle = itertools.cycle(posts)
    written = 0

    async def editor() -> None:
        nonlocal written
        while time.monotonic() - started < seconds:
            await _graphql(client, UPDATE, {"id": next(cycle), "title": f"Load {written}"})
            written += 1

    await asyncio.gather(*(editor() for _ in range(THROUGHPUT_WRITERS)))
    await hooks.until(before + written, DRAIN_SECONDS)
    delivered = hooks.count - before
    return delivered / (time.monotonic() - started), delivered, written


async def _backlog(url: str, posts: list[str], hooks: Arrivals) -> float:
    """Events a second delivered from a backlog of `BACKLOG` changes committed at once."""
    pks = [decode_id(post, "Post") for post in posts]
    rows = [{"action": "update", "entity_type": "Post", "entity_id": pks[n % len(pks)],
             "version": 1, "public_before": True, "public_after": True}
            for n in range(BACKLOG)]  # fmt: skip
    before = hooks.count
    async with engine_for(url) as engine, engine.begin() as connection:
        await connection.execute(insert(Event), rows)
    started = time.monotonic()  # the worker notices at its next poll (`events_poll_s`)
    await hooks.until(before + BACKLOG, DRAIN_SECONDS * 4)
    return (hooks.count - before) / (time.monotonic() - started)


async def _idle_memory(server: Server) -> tuple[float, float]:
    """Resident memory before and after 1,000 idle subscriptions (closed afterwards)."""
    url = server.base_url.replace("http", "ws", 1) + "/graphql"
    before = resident_megabytes(session_members(server.pid))
    sockets = []
    try:
        for _ in range(IDLE_CONNECTIONS):
            socket = await websockets.connect(url, subprotocols=[SUBPROTOCOL])
            sockets.append(socket)
            await socket.send(orjson.dumps({"type": "connection_init", "payload": {}}).decode())
            await socket.recv()
            for number in range(SUBSCRIPTIONS_EACH):
                message = {"id": str(number), "type": "subscribe", "payload": {"query": SUBSCRIBE}}
                await socket.send(orjson.dumps(message).decode())
        await asyncio.sleep(2.0)  # let the server settle before memory is read
        return before, resident_megabytes(session_members(server.pid))
    finally:
        await asyncio.gather(*(socket.close() for socket in sockets))


async def _measure(url: str, workers: int, seconds: float) -> EventsResult:
    editor = await prepare(url, POSTS)
    async with engine_for(url) as engine:
        _info, admin_secret = await create_token(engine, role="admin")
    admin = {"Authorization": f"Bearer {admin_secret}"}
    directory = DATA_DIR / f"{EVENTS}-{workers}"
    server = Server(url, workers=workers, directory=directory, environment={
        "MASTHEAD_WEBHOOK_ALLOW_PRIVATE": "true",
        "MASTHEAD_SUBSCRIPTION_CONNECTIONS_PER_CLIENT": str(IDLE_CONNECTIONS + 10),
    })  # fmt: skip
    hooks, subscriber = Arrivals(), Arrivals()
    server.start()
    try:
        await server.ready()
        async with (
            receiver(hooks) as hook_url,
            httpx.AsyncClient(base_url=server.base_url, headers=editor, timeout=60) as client,
        ):
            await _graphql(client, CREATE_HOOK, {"url": hook_url}, headers=admin)
            posts = await _posts(server.base_url)
            ready = asyncio.Event()
            socket_url = server.base_url.replace("http", "ws", 1) + "/graphql"
            listening = asyncio.create_task(_subscribe(socket_url, subscriber, ready))
            await asyncio.wait_for(ready.wait(), 30)
            hook_ms, subscriber_ms = await _latency(client, posts, hooks, subscriber)
            listening.cancel()
            rate, delivered, written = await _throughput(client, posts, hooks, seconds)
            drained = await _backlog(url, posts, hooks)
        idle = await _idle_memory(server)
    finally:
        await server.stop()
    return EventsResult(
        workers, percentile(hook_ms, 0.5), percentile(hook_ms, 0.99),
        percentile(subscriber_ms, 0.5), percentile(subscriber_ms, 0.99),
        rate, delivered, written, drained, *idle,
    )  # fmt: skip


def measure_events(
    postgres_url: str, workers: tuple[int, ...] = (1, 4), seconds: float = 10.0
) -> list[EventsResult]:
    """The events phase for each worker count, each on a scratch database."""
    results = []
    for count in workers:
        print(f"{EVENTS}: PostgreSQL, {count} worker(s)", flush=True)
        with scratch_postgres(postgres_url) as url:
            results.append(asyncio.run(_measure(url, count, seconds)))
    return results


def render_events(results: list[EventsResult]) -> str:
    """The phase's Markdown table."""
    header = (
        "| workers | commit → webhook p50 / p99 ms | commit → subscriber p50 / p99 ms"
        " | events/s delivered while 16 editors write | delivered / written"
        " | events/s delivered from a backlog of 2,000 | RSS with 1,000 idle subscriptions |"
    )
    lines = [header, "|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [
        f"| {r.workers} | {r.hook_p50_ms:.0f} / {r.hook_p99_ms:.0f} "
        f"| {r.subscriber_p50_ms:.0f} / {r.subscriber_p99_ms:.0f} | {r.events_per_second:.0f} "
        f"| {r.delivered:,} / {r.written:,} | {r.backlog_per_second:.0f} "
        f"| {r.idle_rss_before_mb:.0f} → {r.idle_rss_after_mb:.0f} MB |"
        for r in results
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.events`: the phase alone, on the test PostgreSQL server."""
    parser = argparse.ArgumentParser(prog="python -m bench.events", description=__doc__)
    parser.add_argument("--workers", type=int, action="append", help="repeatable (1 and 4)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of writes (10)")
    parser.add_argument("--postgres-url", default=POSTGRES_SERVER, help="a PostgreSQL server")
    args = parser.parse_args(argv)
    workers = tuple(args.workers or (1, 4))
    print(render_events(measure_events(args.postgres_url, workers, args.duration)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
