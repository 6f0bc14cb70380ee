"""`masthead serve` in a session of its own: ready on `/readyz`; kill -9 reaches every worker."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from bench.data import MASTHEAD
from bench.servers import free_port

READY_SECONDS = 60.0
STOP_SECONDS = 30.0
POLL_SECONDS = 0.1
# One load generator is one client address: a budget no run can spend (each request is
# still charged, as in the benchmark).
BEYOND_REACH = str(10**15)
INTERNAL_ERROR_LINE = "internal error:"  # how the server logs an error it answers as internal


def server_environment(database_url: str, directory: Path) -> dict[str, str]:
    """A production server on `database_url` whose rate limits no load reaches."""
    return {
        **os.environ,
        "MASTHEAD_ENV": "production",
        "MASTHEAD_DATABASE_URL": database_url,
        "MASTHEAD_MEDIA_DIR": str(directory / "media"),
        "MASTHEAD_RATE_LIMIT_POINTS": BEYOND_REACH,
        "MASTHEAD_RATE_LIMIT_TOKEN_POINTS": BEYOND_REACH,
    }


class Server:
    """One `masthead serve --workers N` on a free port, its output in `directory/server.log`."""

    def __init__(
        self,
        database_url: str,
        *,
        workers: int,
        directory: Path,
        environment: dict[str, str] | None = None,
    ) -> None:
        self.database_url = database_url
        self.workers = workers
        self.directory = directory
        self.environment = environment or {}
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        """Where it listens."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """The process `masthead serve` runs in, leader of its session."""
        assert self.process is not None  # noqa: S101 (only asked of a started server)
        return self.process.pid

    def start(self) -> None:
        """Start it (on the same port after a restart)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        command = [str(MASTHEAD), "serve", "--port", str(self.port), "--workers", str(self.workers)]
        with (self.directory / "server.log").open("ab") as log:
            self.process = subprocess.Popen(
                command,
                env=server_environment(self.database_url, self.directory) | self.environment,
                cwd=self.directory,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    async def ready(self) -> None:
        """Wait until `/readyz` answers 200; an error if the server exits or takes too long."""
        deadline = time.monotonic() + READY_SECONDS
        async with httpx.AsyncClient(base_url=self.base_url, timeout=5.0) as client:
            while time.monotonic() < deadline:
                if self.process is None or self.process.poll() is not None:
                    msg = f"masthead serve exited; see {self.directory / 'server.log'}"
                    raise RuntimeError(msg)
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(POLL_SECONDS)  # not ready yet: ask again shortly
        msg = f"masthead serve not ready after {READY_SECONDS:.0f} s"
        raise RuntimeError(msg)

    def logged_errors(self) -> Counter[str]:
        """The internal errors the server logged (first line of each), with their counts."""
        log = self.directory / "server.log"
        lines = log.read_text(errors="replace").splitlines() if log.exists() else []
        return Counter(line for line in lines if line.startswith(INTERNAL_ERROR_LINE))

    def kill(self) -> None:
        """Kill -9 of the server and every worker at once, as a crash would."""
        os.killpg(self.pid, signal.SIGKILL)
        assert self.process is not None  # noqa: S101
        self.process.wait()

    async def stop(self) -> None:
        """Stop it as an operator would (SIGTERM); kill -9 if it does not end in time.

        The event loop keeps running meanwhile: what the server talks to may run on it.
        """
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            await asyncio.wait_for(asyncio.to_thread(self.process.wait), STOP_SECONDS)
        except TimeoutError:
            self.kill()


@asynccontextmanager
async def serving(database_url: str, *, workers: int, directory: Path) -> AsyncIterator[Server]:
    """A ready server for the block, stopped afterwards."""
    server = Server(database_url, workers=workers, directory=directory)
    server.start()
    try:
        await server.ready()
        yield server
    finally:
        await server.stop()
