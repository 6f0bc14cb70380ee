"""The benchmark matrix: Masthead on each backend, worker count and mode, and the baselines.

A cell is (backend, workers, mode): `masthead serve --workers N` on the SQLite file or
the PostgreSQL database, its response cache off (*executed*: every request runs) or on
(*cached*: the load repeats one request, so almost every answer is a hit). The baselines
are one process each, measured once per backend they can read.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

from bench.compare import differences
from bench.data import DATA_DIR, MASTHEAD, database_url
from bench.load import Load, LoadResult
from bench.measure import answer, masthead_run, note, same_data, timed_run
from bench.pgdata import database_name, ensure_postgres
from bench.queries import Example
from bench.servers import Server, free_port, running_server

BACKENDS = ("sqlite", "postgresql")
BACKEND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
WORKERS = (1, 2)
MODES = ("executed", "cached")
# The floor has its SQL for each backend (`bench/floor.py`, `bench/floor_pg.py`); the
# naive baseline reads the SQLite file only.
BASELINES = {"sqlite": ("floor", "naive"), "postgresql": ("floor",)}
CACHE_ENTRIES = {"executed": "0", "cached": "1000"}  # 1000: Masthead's default


@dataclass(frozen=True)
class Cell:
    """One configuration of Masthead."""

    backend: str
    workers: int
    mode: str


@dataclass(frozen=True)
class Plan:
    """What to measure, and where the data is."""

    backends: tuple[str, ...]
    workers: tuple[int, ...]
    modes: tuple[str, ...]
    baselines: bool
    posts: int
    sqlite_file: Path
    postgres_url: str


@dataclass
class Matrix:
    """Every cell's results by example, the baselines' by backend and name, and notes."""

    cells: dict[Cell, dict[str, LoadResult]] = field(default_factory=dict)
    baselines: dict[tuple[str, str], dict[str, LoadResult]] = field(default_factory=dict)
    # The first answer on each backend to each example, by (backend, example).
    expected: dict[tuple[str, str], Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def environment(url: str, mode: str) -> dict[str, str]:
    """Masthead in production mode, its response cache off or on.

    One load generator is one client address: the benchmark measures throughput, so the
    per-address budget is one no run can spend, yet every request is still charged to it
    (the rate limiter's cost is measured; every other protection keeps its default).
    """
    return {
        "MASTHEAD_ENV": "production",
        "MASTHEAD_DATABASE_URL": url,
        "MASTHEAD_RATE_LIMIT_POINTS": str(10**15),
        "MASTHEAD_RESPONSE_CACHE_ENTRIES": CACHE_ENTRIES[mode],
    }


@contextmanager
def masthead(url: str, workers: int = 1, mode: str = "cached") -> Iterator[Server]:
    """`masthead serve --workers N` on `url`, ready, stopped afterwards."""
    port = free_port()
    print(f"Starting masthead on port {port} ({workers} worker(s), {mode})", flush=True)
    command = [str(MASTHEAD), "serve", "--port", str(port), "--workers", str(workers)]
    log_dir = DATA_DIR / "logs"
    env = environment(url, mode)
    with running_server("masthead", command, port=port, env=env, log_dir=log_dir,
                        workers=workers) as server:  # fmt: skip
        yield server


def baseline(name: str, url: str) -> Any:
    """A baseline's server, one process, on the database of `url` (a context manager)."""
    port = free_port()
    print(f"Starting {name} on port {port}", flush=True)
    if url.startswith("sqlite"):
        where = ["-m", f"bench.{name}", "--database", url.split(":///", 1)[1]]
    else:
        where = ["-m", f"bench.{name}_pg", "--url", url]
    command = [sys.executable, *where, "--port", str(port)]
    env = {"MASTHEAD_DATABASE_URL": url}
    return running_server(name, command, port=port, env=env, log_dir=DATA_DIR / "logs")


def backend_url(backend: str, plan: Plan, matrix: Matrix) -> str | None:
    """The database URL of a backend; None (noted) when PostgreSQL is out of reach."""
    if backend == "sqlite":
        return database_url(plan.sqlite_file)
    try:
        return ensure_postgres(plan.postgres_url, plan.sqlite_file, database_name(plan.posts))
    except (OSError, asyncpg.PostgresError) as error:
        note(matrix.notes, f"PostgreSQL skipped: no server at {plan.postgres_url} ({error})")
        return None


def check_answer(server: Server, example: Example, cell: Cell, matrix: Matrix) -> None:
    """The cell's answer against the backend's first; the first against SQLite's, noted.

    A cell that differs from the first of its backend is noted; so is a backend whose
    answer differs from SQLite's (PostgreSQL ranks search hits with its own measure).
    """
    key = (cell.backend, example.name)
    label = f"Masthead {cell.backend}/{cell.workers}w/{cell.mode}"
    if key in matrix.expected:
        same_data(server, example, matrix.expected[key], matrix.notes, label)
        return
    data = matrix.expected[key] = answer(server, example)
    reference = matrix.expected.get((BACKENDS[0], example.name))
    found = differences(reference, data) if reference is not None else []
    if found:
        note(matrix.notes, f"{example.name}: {BACKEND_NAMES[cell.backend]}'s answer differs "
                           f"from {BACKEND_NAMES[BACKENDS[0]]}'s: " + "; ".join(found))  # fmt: skip


def measure_cell(cell: Cell, url: str, examples: list[Example], load: Load, matrix: Matrix) -> None:
    """Every example on one configuration of Masthead; one where none finished is noted."""
    label = f"{cell.backend}/{cell.workers}w/{cell.mode}"
    print(f"Masthead, {label}:", flush=True)
    results = matrix.cells.setdefault(cell, {})
    with masthead(url, cell.workers, cell.mode) as server:
        for example in examples:
            check_answer(server, example, cell, matrix)
            run = f"{example.name} {label}"
            result = results[example.name] = masthead_run(server, example, load, run, url)
            if not result.requests:
                note(matrix.notes, f"{run}: no request finished within {load.duration:g} s")


def measure_baselines(backend: str, url: str, examples: list[Example], load: Load,
                      matrix: Matrix) -> None:  # fmt: skip
    """Each baseline of the backend on each example it answers with Masthead's data."""
    for name in BASELINES[backend]:
        with baseline(name, url) as server:
            print(f"{name} ({backend}):", flush=True)
            results = matrix.baselines.setdefault((backend, name), {})
            for example in examples:
                expected = matrix.expected.get((backend, example.name))
                if expected is None or not same_data(server, example, expected, matrix.notes):
                    continue
                label = f"{example.name} {name} {backend}"
                result = timed_run(server, example, load, label, url)
                if not result.requests:
                    note(matrix.notes, f"{example.name}: {name}: no request finished "
                                       f"within {load.duration:g} s")  # fmt: skip
                results[example.name] = result


def run_matrix(plan: Plan, examples: list[Example], load: Load) -> Matrix:
    """Every cell of the plan, then the baselines, backend by backend."""
    matrix = Matrix()
    for backend in plan.backends:
        url = backend_url(backend, plan, matrix)
        if url is None:
            continue
        for workers in plan.workers:
            for mode in plan.modes:
                measure_cell(Cell(backend, workers, mode), url, examples, load, matrix)
        if plan.baselines:
            measure_baselines(backend, url, examples, load, matrix)
    return matrix
