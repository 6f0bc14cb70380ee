"""Real `masthead serve` processes for tests: a free port, a start that waits for readiness."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx
import pytest

STARTUP_SECONDS = 30.0
MASTHEAD = Path(sys.executable).parent / "masthead"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_answering(
    url: str, server: subprocess.Popen[bytes], output: IO[bytes] | None = None
) -> None:
    """Poll `url` until it answers 200; fail with the server's output if it exits first."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            stream = output or server.stdout
            if output is not None:
                output.seek(0)
            said = stream.read().decode() if stream else ""
            pytest.fail(f"{server.args!r} exited with {server.returncode}:\n{said}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)  # the port is not listening yet: poll again shortly
    pytest.fail(f"{url} did not answer within {STARTUP_SECONDS} s")


@contextmanager
def serving(
    command: Sequence[str], *, env: dict[str, str], cwd: Path, ready_path: str = "/healthz"
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server command until the block ends; `command` must name its own port.

    Its output goes to a temporary file: a pipe nobody reads would fill up after 64 KiB
    of request log and stop the server mid-request.
    """
    port = command[list(command).index("--port") + 1]
    with tempfile.TemporaryFile() as output:
        server = subprocess.Popen(
            list(command), env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            wait_until_answering(f"http://127.0.0.1:{port}{ready_path}", server, output)
            yield server
        finally:
            server.terminate()
            server.wait(timeout=10)


@contextmanager
def masthead_serving(
    database_url: str, cwd: Path, *, workers: int = 1, **settings: str
) -> Iterator[str]:
    """`masthead serve` with `workers` processes on a database; its base URL.

    `settings` are more variables, `MASTHEAD_` left out: `write_timeout_s="1"`.
    """
    port = free_port()
    env = {**os.environ, "MASTHEAD_DATABASE_URL": database_url,
           "MASTHEAD_MEDIA_DIR": str(cwd / "media")}  # fmt: skip
    env |= {f"MASTHEAD_{name.upper()}": value for name, value in settings.items()}
    command = [str(MASTHEAD), "serve", "--workers", str(workers), "--port", str(port)]
    with serving(command, env=env, cwd=cwd):
        yield f"http://127.0.0.1:{port}"
