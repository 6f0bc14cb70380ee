"""The results table in Markdown, with the date and the machine it was measured on."""

from __future__ import annotations

import os
import platform
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.load import GENERATORS, Load, LoadResult


@dataclass
class QueryResult:
    """One example query measured on Masthead and, when run, on the baselines."""

    name: str
    masthead: LoadResult
    baselines: dict[str, LoadResult] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RunInfo:
    """How the run was set up."""

    posts: int
    load: Load


def cpu_model() -> str:
    """The CPU model from /proc/cpuinfo (or what the platform module knows)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_line() -> str:
    """Cores, CPU, Python and SQLite versions, and the OS."""
    return (
        f"{os.cpu_count()} cores ({cpu_model()}), Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}"
    )


def _rps(result: LoadResult | None) -> str:
    return (
        "-" if result is None else f"{result.rps:,.0f}" if result.rps >= 10 else f"{result.rps:.1f}"
    )


def _ratio(masthead: LoadResult, floor: LoadResult | None) -> str:
    return "-" if floor is None or not floor.rps else f"{masthead.rps / floor.rps:.2f}x"


def _row(result: QueryResult) -> str:
    masthead, floor = result.masthead, result.baselines.get("floor")
    cells = [
        result.name, _rps(masthead), f"{masthead.p50_ms:.1f}", f"{masthead.p99_ms:.1f}",
        f"{masthead.statements:.1f}" if masthead.statements else "-", _rps(floor),
        _rps(result.baselines.get("naive")), _ratio(masthead, floor),
    ]  # fmt: skip
    return "| " + " | ".join(cells) + " |"


HEADER = (
    "| query | Masthead rps | p50 ms | p99 ms | statements/request | floor rps | naive rps "
    "| Masthead/floor |\n|---|---:|---:|---:|---:|---:|---:|---:|"
)


def cache_line() -> str:
    """Whether the Masthead server answered repeated queries from its response cache."""
    entries = os.environ.get("MASTHEAD_RESPONSE_CACHE_ENTRIES", "1000")
    if entries.strip() == "0":
        return "off (`MASTHEAD_RESPONSE_CACHE_ENTRIES=0`: every request executed)"
    return f"on ({entries} entries; a hit costs one change-log check)"


def render(results: list[QueryResult], run: RunInfo) -> str:
    """The Markdown report: a heading line, the table, then how it was measured."""
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Benchmark of {date} on {machine_line()}.", "", HEADER]
    lines += [_row(result) for result in results]
    lines += [
        "",
        (
            f"{run.posts:,} posts, SQLite; one server process each; {run.load.concurrency} "
            f"concurrent keep-alive clients for {run.load.duration:g} s per query after a "
            f"warm-up; load generator: {GENERATORS[run.load.generator]}. "
            "*floor*: hand-written SQL and orjson "
            "(`bench/floor.py`); *naive*: plain Strawberry resolvers, one query per relation "
            "per parent (`bench/naive.py`). "
            f"Masthead's response cache: {cache_line()}. *mixed*: the soak's load "
            "(`soak/`) for as long on a copy of the database, reads of the six examples "
            "beside an editor's writes (create, update on `expectedVersion`, publish, "
            "delete), each kind timed apart."
        ),
    ]
    notes = [f"- {result.name}: {note}" for result in results for note in result.notes]
    if notes:
        lines += ["", "Notes:", *notes]
    return "\n".join(lines) + "\n"
