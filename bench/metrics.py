"""Read Masthead's SQL statement and request counters from its Prometheus `/metrics` text.

Each worker process keeps its own counters and `/metrics` answers from whichever worker
accepts the connection: readings are told apart by `process_start_time_seconds`, and a
rate is taken over the workers read both before and after.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

STATEMENTS_COUNTER = "masthead_sql_statements_total"
START_TIME = "process_start_time_seconds"
REQUESTS_COUNTER = "masthead_http_requests_total"
GRAPHQL_LABEL = 'path="/graphql"'
SETTLE_SECONDS = 5.0
READS_PER_WORKER = 10


def counter_total(text: str, name: str, label: str = "") -> float:
    """The sum of a counter's samples (those whose labels contain `label`) in Prometheus text."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        series, _, value = line.rpartition("}") if "{" in line else line.partition(" ")
        if series.split("{")[0].strip() == name and label in series:
            total += float(value.split()[0])
    return total


@dataclass(frozen=True)
class Counters:
    """SQL statements run and GraphQL requests answered since the server started."""

    statements: float
    requests: float


Readings = dict[float, Counters]  # by the worker's start time


def parse_counters(text: str) -> tuple[float, Counters]:
    """The answering worker's start time and counters, from its `/metrics` text."""
    statements = counter_total(text, STATEMENTS_COUNTER)
    counters = Counters(statements, counter_total(text, REQUESTS_COUNTER, GRAPHQL_LABEL))
    return counter_total(text, START_TIME), counters


def read_counters(base_url: str) -> tuple[float, Counters]:
    """One worker's counters now, on a new connection (so any worker may answer)."""
    response = httpx.get(f"{base_url}/metrics", timeout=10.0)
    response.raise_for_status()
    return parse_counters(response.text)


def read_workers(base_url: str, workers: int) -> Readings:
    """Each worker's counters, asking until every worker answered (or enough tries)."""
    readings: Readings = {}
    for _ in range(READS_PER_WORKER * workers):
        start, counters = read_counters(base_url)
        readings[start] = counters
        if len(readings) >= workers:
            break
    return readings


def settled_counters(base_url: str, workers: int = 1) -> Readings:
    """The counters once requests still in flight have finished (bounded wait)."""
    deadline = time.monotonic() + SETTLE_SECONDS
    previous = read_workers(base_url, workers)
    while time.monotonic() < deadline:
        time.sleep(0.2)
        current = read_workers(base_url, workers)
        if current == previous:
            return current
        previous = current
    return previous


def statements_per_request(before: Readings, after: Readings, workers: int = 1) -> float | None:
    """SQL statements per GraphQL request between two readings, as the workers counted them.

    Summed over the workers read both times; None when no request was counted there, or
    when fewer workers than run were told apart (two that started in the same hundredth
    of a second share a start time, and their readings cannot be paired).
    """
    if min(len(before), len(after)) < workers:
        return None
    both = before.keys() & after.keys()
    requests = sum(after[key].requests - before[key].requests for key in both)
    statements = sum(after[key].statements - before[key].statements for key in both)
    return statements / requests if requests else None
