"""Read Masthead's SQL statement and request counters from its Prometheus `/metrics` text."""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

STATEMENTS_COUNTER = "masthead_sql_statements_total"
REQUESTS_COUNTER = "masthead_http_requests_total"
GRAPHQL_LABEL = 'path="/graphql"'
SETTLE_SECONDS = 5.0


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


def read_counters(base_url: str) -> Counters:
    """The server's counters now."""
    response = httpx.get(f"{base_url}/metrics", timeout=10.0)
    response.raise_for_status()
    text = response.text
    statements = counter_total(text, STATEMENTS_COUNTER)
    return Counters(statements, counter_total(text, REQUESTS_COUNTER, GRAPHQL_LABEL))


def settled_counters(base_url: str) -> Counters:
    """The counters once requests still in flight have finished (bounded wait)."""
    deadline = time.monotonic() + SETTLE_SECONDS
    previous = read_counters(base_url)
    while time.monotonic() < deadline:
        time.sleep(0.2)
        current = read_counters(base_url)
        if current == previous:
            return current
        previous = current
    return previous


def statements_per_request(before: Counters, after: Counters) -> float:
    """SQL statements per GraphQL request between two readings, as the server counted them."""
    requests = after.requests - before.requests
    return (after.statements - before.statements) / requests if requests else 0.0
