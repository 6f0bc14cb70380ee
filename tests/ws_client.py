"""A small `graphql-transport-ws` client over the `websockets` package, for tests."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

PROTOCOL = "graphql-transport-ws"
WAIT_S = 20.0  # the longest a test waits for a message it expects


async def until(condition: Callable[[], bool], what: str) -> None:
    """Poll `condition` (state another task changes, no event to wait on) for `WAIT_S`."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"waited {WAIT_S} s for {what}"
        await asyncio.sleep(0.01)


class Socket:
    """One connection: a reader answers the server's pings and queues its other messages."""

    def __init__(self, connection: ClientConnection, *, answer_pings: bool) -> None:
        self.connection = connection
        self.answer_pings = answer_pings
        self.pings = 0
        self.messages: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.close: tuple[int | None, str | None] | None = None
        self.reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        try:
            async for frame in self.connection:
                assert isinstance(frame, str), "graphql-transport-ws messages are text"
                message: dict[str, Any] = json.loads(frame)
                if message["type"] == "ping":
                    self.pings += 1
                    if self.answer_pings:
                        await self.send({"type": "pong"})
                else:
                    self.messages.put_nowait(message)
        except ConnectionClosed:
            pass
        received = self.connection.protocol.close_rcvd
        self.close = (received.code, received.reason) if received else (None, None)

    async def send(self, message: dict[str, Any]) -> None:
        """One protocol message."""
        await self.connection.send(json.dumps(message))

    async def subscribe(
        self, operation_id: str, query: str, variables: dict[str, Any] | None = None
    ) -> None:
        """Start an operation."""
        payload = {"query": query, "variables": variables or {}}
        await self.send({"id": operation_id, "type": "subscribe", "payload": payload})

    async def receive(self) -> dict[str, Any]:
        """The next message other than a ping."""
        async with asyncio.timeout(WAIT_S):
            return await self.messages.get()

    async def closed(self) -> tuple[int | None, str | None]:
        """Wait for the server to close the connection: its code and reason."""
        async with asyncio.timeout(WAIT_S):
            await self.reader
        assert self.close is not None
        return self.close

    async def pinged(self, times: int) -> None:
        """Wait until the server has pinged `times` times."""
        await until(lambda: self.pings >= times or self.reader.done(), f"{times} pings")
        assert self.pings >= times


@asynccontextmanager
async def opened(
    url: str,
    payload: dict[str, Any] | None = None,
    *,
    answer_pings: bool = True,
    init: bool = True,
    headers: dict[str, str] | None = None,
) -> AsyncIterator[Socket]:
    """A connection to `url` (handshake `headers`), `connection_init` sent with `payload`
    unless `init` is off."""
    async with connect(
        url,
        subprotocols=[Subprotocol(PROTOCOL)],
        open_timeout=WAIT_S,
        additional_headers=headers,
    ) as connection:
        socket = Socket(connection, answer_pings=answer_pings)
        if init:
            await socket.send({"type": "connection_init", "payload": payload or {}})
        try:
            yield socket
        finally:
            socket.reader.cancel()
