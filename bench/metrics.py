"""Read Masthead's SQL statement and request counters from its Prometheus `/metrics` text.

Each worker process keeps its own counters and `/metrics` answers from whichever worker
accepts the connection: readings are told apart by `process_start_time_seconds` and the
worker's request count, and a rate is taken over the sums of every worker's counters.
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


# By worker: its start time (to the hundredth of a second, so two workers may share it)
# and its GraphQL requests, which nothing but a request moves.
Readings = dict[tuple[float, float], Counters]


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
    """Each worker's counters, asking until as many workers answered (or enough tries).

    The last reading of a worker is kept: its statements also move between requests
    (the events worker's and change feed's polls).
    """
    readings: Readings = {}
    for _ in range(READS_PER_WORKER * workers):
        start, counters = read_counters(base_url)
        readings[start, counters.requests] = counters
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
        if current.keys() == previous.keys():  # no request finished in between
            return current
        previous = current
    return previous


def statements_per_request(before: Readings, after: Readings, workers: int = 1) -> float | None:
    """SQL statements per GraphQL request between two readings, summed over the workers.

    None when no request was counted, or when a reading missed a worker (two that share
    their start time and their number of requests cannot be told apart).
    """
    if len(before) < workers or len(after) < workers:
        return None
    requests = sum(each.requests for each in after.values()) - sum(
        each.requests for each in before.values()
    )
    statements = sum(each.statements for each in after.values()) - sum(
        each.statements for each in before.values()
    )
    return statements / requests if requests else None
