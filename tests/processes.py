"""Real `masthead serve` processes for tests: a free port, a start that waits for readiness."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

STARTUP_SECONDS = 30.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_answering(url: str, server: subprocess.Popen[bytes]) -> None:
    """Poll `url` until it answers 200; fail with the server's output if it exits first."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            output = server.stdout.read().decode() if server.stdout else ""
            pytest.fail(f"{server.args!r} exited with {server.returncode}:\n{output}")
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
    """Run a server command until the block ends; `command` must name its own port."""
    port = command[list(command).index("--port") + 1]
    server = subprocess.Popen(
        list(command), env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        wait_until_answering(f"http://127.0.0.1:{port}{ready_path}", server)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout:
            server.stdout.close()
