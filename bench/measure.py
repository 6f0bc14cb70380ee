"""One server under load for one example: its answer checked, then a warm-up and a timed run."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench.compare import differences
from bench.data import DATA_DIR
from bench.load import Load, LoadResult, run_load
from bench.metrics import settled_counters, statements_per_request
from bench.procstat import (
    cpu_ms_per_request,
    database_cpu,
    database_ms_per_request,
    resident_mb,
    usage,
)
from bench.queries import Example, request_body
from bench.servers import Server

WARM_UP_SECONDS = 2.0


class BenchError(Exception):
    """A failure that makes the numbers meaningless: printed, exit status 1."""


def query_url(server: Server, example: Example) -> str:
    """Where a server answers an example; the floor is told which example by `?q=`."""
    return (
        f"{server.graphql_url}?q={example.name}" if server.name == "floor" else server.graphql_url
    )


def _problem(response: httpx.Response, payload: Any) -> str | None:
    """What is wrong with an answer, or None when it has data and no errors."""
    if response.status_code != 200 or not isinstance(payload, dict):
        return f"HTTP {response.status_code}: {response.text[:300]}"
    errors = payload.get("errors")
    if errors:
        return "; ".join(str(error.get("message", error))[:200] for error in errors[:3])
    return None


def answer(server: Server, example: Example) -> Any:
    """One request's decoded `data`, or a BenchError saying what went wrong."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    url = query_url(server, example)
    response = httpx.post(url, content=request_body(example), headers=headers, timeout=120)
    try:
        payload = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        payload = None
    problem = _problem(response, payload)
    if problem is not None:
        msg = f"{example.name}: {server.name} answered with an error: {problem}"
        raise BenchError(msg)
    return payload["data"]


def note(notes: list[str], text: str) -> None:
    """Print a note and keep it for the report."""
    print(f"  NOTE {text}", file=sys.stderr, flush=True)
    notes.append(text)


def same_data(
    server: Server, example: Example, expected: Any, notes: list[str], who: str = ""
) -> bool:
    """Whether the server answers; a difference from `expected` is noted."""
    who = who or server.name
    try:
        found = differences(expected, answer(server, example))
    except BenchError as error:
        note(notes, f"{example.name}: {who} cannot answer it "
                    f"({str(error).split(': ', 1)[-1]})")  # fmt: skip
        return False
    if found:
        note(notes, f"{example.name}: {who} data differs: " + "; ".join(found))
    return True


def body_file_of(example: Example) -> Path:
    """The example's POST body written where the load generator reads it."""
    body_file = DATA_DIR / "bodies" / f"{example.name}.json"
    body_file.parent.mkdir(parents=True, exist_ok=True)
    body_file.write_bytes(request_body(example))
    return body_file


def timed_run(
    server: Server, example: Example, load: Load, label: str = "", database: str = ""
) -> LoadResult:
    """The measured run after a warm-up, with the server's statements, CPU and memory.

    On PostgreSQL (`database` its URL), the CPU time of the database's own processes too.
    """
    url, body_file = query_url(server, example), body_file_of(example)
    run_load(url, body_file, replace(load, duration=min(WARM_UP_SECONDS, load.duration)))
    counted = server.name == "masthead"
    before = settled_counters(server.base_url, server.workers) if counted else None
    cpu_before, db_before = usage(server.pid), database_cpu(database)
    result = run_load(url, body_file, load)
    cpu_after, db_after = usage(server.pid), database_cpu(database)
    statements = None
    if before is not None:
        after = settled_counters(server.base_url, server.workers)
        statements = statements_per_request(before, after, server.workers)
    result = replace(
        result, statements=statements, rss_mb=resident_mb(server.pid),
        cpu_ms=cpu_ms_per_request(cpu_before, cpu_after, result.requests),
        db_cpu_ms=database_ms_per_request(db_before, db_after, result.requests),
    )  # fmt: skip
    _show(label or server.name, result)
    return result


def _show(label: str, result: LoadResult) -> None:
    database = "" if result.db_cpu_ms is None else f" + {result.db_cpu_ms:.2f} database"
    print(
        f"  {label:<24} {result.rps:8.1f} rps  p50 {result.p50_ms:7.1f} ms  "
        f"p99 {result.p99_ms:7.1f} ms  {result.cpu_ms or 0:6.2f}{database} CPU ms  "
        f"{result.rss_mb or 0:5.0f} MB  {result.requests} requests, {result.errors} errors",
        flush=True,
    )


def masthead_run(
    server: Server, example: Example, load: Load, label: str, database: str
) -> LoadResult:
    """A timed run of Masthead; any failed request ends the benchmark."""
    result = timed_run(server, example, load, label, database)
    if result.errors:
        failed = f"{result.errors} of {result.requests} requests failed"
        msg = f"{example.name}: {failed} on Masthead ({label}) under load"
        raise BenchError(msg)
    return result
