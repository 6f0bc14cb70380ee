"""The results table in Markdown, with the date and the machine it was measured on."""

from __future__ import annotations

import os
import platform
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.load import GENERATORS, Load, LoadResult
from bench.report_matrix import rps


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


def _row(result: QueryResult) -> str:
    row = result.masthead
    cells = [result.name, rps(row), f"{row.p50_ms:.1f}", f"{row.p99_ms:.1f}"]
    return "| " + " | ".join(cells) + " |"


MIXED_HEADER = "| phase | rps | p50 ms | p99 ms |\n|---|---:|---:|---:|"


def describe(run: RunInfo) -> str:
    """How the matrix was measured."""
    return (
        f"{run.posts:,} posts (the same content on both backends: PostgreSQL is loaded from "
        f"the SQLite file with `masthead export` and `masthead import`); "
        f"{run.load.concurrency} concurrent keep-alive clients for {run.load.duration:g} s per "
        f"query and cell after a 2 s warm-up; load generator: {GENERATORS[run.load.generator]}. "
        "*executed*: Masthead's response cache off (`MASTHEAD_RESPONSE_CACHE_ENTRIES=0`), every "
        "request runs; *cached*: on (1,000 entries, the default), the load repeats one request "
        "so almost every answer is a hit, answered before the framework with no statement. "
        "Statements/request: "
        "`masthead_sql_statements_total` over GraphQL requests from `/metrics`, summed over the "
        "workers; CPU ms/request: user and system time of every server process (workers "
        "included, from `/proc/<pid>/stat`) over the requests answered; database CPU: the "
        "same for the PostgreSQL processes serving the benchmark's database (`-` on SQLite, "
        "which runs inside the server); RSS: resident memory of the server's processes after "
        "the run. *floor*: hand-written SQL and orjson, one process, on each backend "
        "(`bench/floor.py`, `bench/floor_pg.py`); *naive*: plain Strawberry resolvers, one "
        "query per relation per parent (`bench/naive.py`), SQLite only."
    )


def render(sections: list[str], run: RunInfo, mixed: list[QueryResult], notes: list[str]) -> str:
    """The Markdown report: heading line, the matrix's tables, how, mixed phase, notes."""
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Benchmark of {date} on {machine_line()}.", ""]
    lines += [section + "\n" for section in sections if section]
    lines.append(describe(run))
    if mixed:
        lines += ["", "#### Mixed reads and writes (SQLite, one process, cached)", "",
                  MIXED_HEADER, *map(_row, mixed), "", MIXED_TEXT]  # fmt: skip
    notes = notes + [f"{result.name}: {note}" for result in mixed for note in result.notes]
    if notes:
        lines += ["", "Notes:", *(f"- {note}" for note in notes)]
    return "\n".join(lines) + "\n"


MIXED_TEXT = (
    "*mixed*: the soak's load (`soak/`) for as long on a copy of the database, reads of the "
    "six examples beside an editor's writes (create, update on `expectedVersion`, publish, "
    "delete), each kind timed apart."
)
