"""Concurrent load against one URL: `wrk` when installed, else the Python generator."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULT_PREFIX = "BENCH_RESULT "
MAX_DRAIN_SECONDS = 30.0


@dataclass(frozen=True)
class LoadResult:
    """What one timed run measured; latencies are over every completed request."""

    requests: int
    seconds: float
    graphql_errors: int
    http_errors: int
    socket_errors: int
    p50_ms: float
    p99_ms: float
    statements: float | None = None  # per request, when the server counts them
    cpu_ms: float | None = None  # server CPU (every process) per request
    db_cpu_ms: float | None = None  # PostgreSQL's own processes' CPU per request
    rss_mb: float | None = None  # resident memory of the server's processes afterwards

    @property
    def rps(self) -> float:
        """Completed requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        """Every request that did not answer 200 with data and no `errors`."""
        return self.graphql_errors + self.http_errors + self.socket_errors


def drain(result: LoadResult, duration: float) -> None:
    """Let requests the generator left in flight finish before anything else is measured.

    The generator closes its connections at the deadline, but the server still finishes the
    requests it was working on; each started at most about one p99 latency ago.
    """
    in_flight = result.p99_ms / 1000 if result.requests else duration
    time.sleep(min(MAX_DRAIN_SECONDS, 1.5 * in_flight))


GENERATORS = {"wrk": "wrk (Lua POST script)", "python": "Python asyncio streams (bench/pyload.py)"}


def pick_generator(requested: str) -> str:
    """`wrk` when installed (or asked for), else the Python generator."""
    if requested == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if requested == "wrk" and not shutil.which("wrk"):
        msg = "wrk is not installed (apt-get install -y wrk), or use --generator python"
        raise RuntimeError(msg)
    return requested


@dataclass(frozen=True)
class Load:
    """How hard and how long to push, and with which generator."""

    concurrency: int
    duration: float
    generator: str


def _command(url: str, body_file: Path, load: Load) -> list[str]:
    if load.generator == "wrk":
        # One thread: the generator stays light on a 2-core machine.
        return [
            "wrk", "-t1", f"-c{load.concurrency}", f"-d{max(1, round(load.duration))}s",
            "--latency", "--timeout", "30s", "-s", str(HERE / "post.lua"), url, "--",
            str(body_file),
        ]  # fmt: skip
    return [
        sys.executable, "-m", "bench.pyload", "--url", url, "--body-file", str(body_file),
        "--concurrency", str(load.concurrency), "--duration", str(load.duration),
    ]  # fmt: skip


def run_load(url: str, body_file: Path, load: Load) -> LoadResult:
    """Keep `load.concurrency` keep-alive clients posting `body_file` to `url`.

    Returns once the requests left in flight at the deadline have had time to finish.
    """
    command = _command(url, body_file, load)
    completed = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=load.duration + 120
    )
    for line in completed.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            result = LoadResult(**json.loads(line.removeprefix(RESULT_PREFIX)))
            drain(result, load.duration)
            return result
    msg = f"load generator failed ({completed.returncode}): {completed.stderr.strip()[-500:]}"
    raise RuntimeError(msg)
