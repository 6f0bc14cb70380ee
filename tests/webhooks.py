"""Webhook test pieces: a real receiver on 127.0.0.1, hooks written as rows, signatures."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine
from standardwebhooks import Webhook as StandardWebhook

from masthead.events.worker import EventWorker
from masthead.models import Webhook, WebhookDelivery, table_of, utcnow
from masthead.server import create_app
from masthead.settings import Settings
from tests.conftest import GraphQLClient

SECRET = "whsec_" + base64.b64encode(b"a test secret of 32 bytes length").decode()
webhooks = table_of(Webhook)
deliveries = table_of(WebhookDelivery)


@dataclass(frozen=True)
class Received:
    """One POST the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body, parsed."""
        return json.loads(self.body)


@dataclass
class Receiver:
    """An HTTP server in a thread that records every POST and answers `answer(n)`.

    `answer` gets the number of the request (0 first) and returns its status code;
    `delay_s` holds each answer back that long.
    """

    answer: Callable[[int], int] = lambda _n: 200
    delay_s: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def record(self, path: str, headers: dict[str, str], body: bytes) -> int:
        """Keep one request; the status to answer it with."""
        with self.lock:
            number = len(self.received)
            self.received.append(Received(path, headers, body))
        return self.answer(number)

    def bodies(self) -> list[Any]:
        """Every body received so far, parsed, in arrival order."""
        with self.lock:
            return [each.json() for each in self.received]

    async def wait_for(self, count: int, timeout_s: float = 10.0) -> list[Received]:
        """Wait until at least `count` requests have come (polling with a deadline)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            await asyncio.sleep(0.02)
        with self.lock:
            got = len(self.received)
        message = f"the receiver got {got} requests, not {count}, within {timeout_s} s"
        raise AssertionError(message)


@contextmanager
def receiving(receiver: Receiver | None = None) -> Iterator[Receiver]:
    """Run a receiver on a free port of 127.0.0.1 until the block ends."""
    target = receiver or Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {name.lower(): value for name, value in self.headers.items()}
            status = target.record(self.path, headers, body)
            if target.delay_s:
                time.sleep(target.delay_s)
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    target.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield target
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


async def add_hook(engine: AsyncEngine, url: str, **values: Any) -> int:
    """A webhook row (what createWebhook writes); its id."""
    row = {"url": url, "secret": SECRET, "types": [], "actions": [], "include_drafts": False}
    async with engine.begin() as connection:
        statement = insert(webhooks).values(**(row | values)).returning(webhooks.c.id)
        return int((await connection.execute(statement)).scalar_one())


async def hook_row(engine: AsyncEngine, hook_id: int) -> Any:
    """The hook's row as it is now."""
    async with engine.connect() as connection:
        return (await connection.execute(select(webhooks).where(webhooks.c.id == hook_id))).one()


async def delivery_rows(engine: AsyncEngine) -> list[Any]:
    """Every delivery row, oldest first."""
    async with engine.connect() as connection:
        statement = select(deliveries).order_by(deliveries.c.id)
        return list((await connection.execute(statement)).all())


def verified(received: Received, secret: str = SECRET) -> Any:
    """The body once both signatures check out (Standard Webhooks, and the body HMAC)."""
    body = StandardWebhook(secret).verify(received.body, received.headers)
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = "sha256=" + hmac.new(key, received.body, hashlib.sha256).hexdigest()
    assert received.headers["x-masthead-signature-256"] == expected
    return body


@dataclass
class Running:
    """An app whose events worker runs, and a GraphQL client of it."""

    gql: GraphQLClient
    worker: EventWorker


@asynccontextmanager
async def running(
    settings: Settings,
    engine: AsyncEngine,
    *,
    clock: Callable[[], Any] = utcnow,
    backoff_scale: float = 1.0,
    **changes: Any,
) -> AsyncIterator[Running]:
    """The app with its events worker started (private hook URLs allowed unless changed)."""
    changes = {"webhook_allow_private": True, "events_poll_s": 0.1} | changes
    app = create_app(settings.model_copy(update=changes), engine=engine, clock=clock)
    worker: EventWorker = app.state.events_worker
    worker.backoff_scale = backoff_scale
    await worker.start()
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Running(GraphQLClient(client), worker)
    finally:
        await worker.stop()
        app.state.graphql_view.close()
