"""Server processes for the benchmark: start, wait until healthy, stop."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette

STARTUP_SECONDS = 60.0
POLL_SECONDS = 0.1


@dataclass(frozen=True)
class Server:
    """A running server: its name, base URL and process."""

    name: str
    base_url: str
    process: subprocess.Popen[bytes]
    workers: int = 1

    @property
    def pid(self) -> int:
        """The process it was started as, leader of its own session (workers included)."""
        return self.process.pid

    @property
    def graphql_url(self) -> str:
        """Where it answers GraphQL."""
        return f"{self.base_url}/graphql"


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_healthy(server: Server, log_file: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                msg = f"{server.name} exited with {server.process.returncode}; see {log_file}"
                raise RuntimeError(msg)
            try:
                if client.get(f"{server.base_url}/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(POLL_SECONDS)
    msg = f"{server.name} not healthy after {STARTUP_SECONDS:.0f} s; see {log_file}"
    raise RuntimeError(msg)


@contextmanager
def running_server(  # noqa: PLR0913 - each is a separate fact about the server
    name: str,
    command: Sequence[str],
    *,
    port: int,
    env: Mapping[str, str],
    log_dir: Path,
    workers: int = 1,
) -> Iterator[Server]:
    """Start `command` (which listens on `port`), wait for `/healthz`, stop it on exit.

    It runs in a session of its own: its CPU time and memory are read over the session's
    processes, and whatever of it outlives the stop is killed with the session.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / f"{name}.log"
    with log_file.open("wb") as log:
        process = subprocess.Popen(
            command,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server = Server(name, f"http://127.0.0.1:{port}", process, workers)
        try:
            _wait_healthy(server, log_file)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # a worker left behind


def serve_baseline(create_app: Callable[[Path], Starlette], description: str | None) -> None:
    """A baseline's command line: its app over one SQLite file on one port, run by uvicorn."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database", type=Path, required=True, help="SQLite file")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = create_app(args.database)
    uvicorn.run(app, host="127.0.0.1", port=args.port, access_log=False, log_level="warning")
