"""A TCP hop to PostgreSQL that a test cuts, holds or restores; the real server keeps running."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


class Forwarder:
    """A TCP hop to PostgreSQL that a test stops (closing live connections) and starts again.

    `hold()` keeps what clients send from reaching the server, as a hung database would;
    `cut_at` stops everything when a client sends those bytes, before they reach it.
    """

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self.cut_at: bytes | None = None
        self.holding: set[int] = set()
        self._holding = False
        self._changed = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._stopping: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self._stopping is not None:
            await self._stopping
        self._holding, self.holding, self.cut_at = False, set(), None
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in self._writers:
            writer.close()
        self._writers.clear()
        tasks, self._tasks = self._tasks, set()
        await asyncio.gather(*tasks, return_exceptions=True)

    def hold(self) -> None:
        self._holding = True

    async def held_from(self, connections: int) -> None:
        """Wait until that many connections sent something that is being held."""
        while len(self.holding) < connections:
            self._changed.clear()
            await self._changed.wait()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers.add(up_writer)
        await asyncio.gather(
            self._pipe(reader, up_writer, id(writer)), self._pipe(up_reader, writer)
        )

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, client: int = 0
    ) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                if client and self._holding:
                    self.holding.add(client)
                    self._changed.set()
                    continue
                if client and self.cut_at is not None and self.cut_at in data:
                    self._stopping = asyncio.get_running_loop().create_task(self.stop())
                    return
                writer.write(data)
                await writer.drain()
        writer.close()
