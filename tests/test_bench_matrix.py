"""The benchmark matrix's own arithmetic and report: /proc CPU times, per-worker statement
counts from `/metrics` text, the tables and the targets, the command line's subsets."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
import uuid
from pathlib import Path

import asyncpg
import pytest

from bench.data import MASTHEAD, database_url
from bench.floor_pg_sql import Sql
from bench.load import Load, LoadResult
from bench.matrix import Cell, Matrix
from bench.memory_check import MemoryResult, render_memory
from bench.metrics import Counters, Readings, parse_counters, statements_per_request
from bench.pgdata import drop, ensure_postgres, sqlite_state
from bench.pgdata import state as pg_state
from bench.procstat import (
    Usage,
    cpu_by_process,
    cpu_ms_per_request,
    cpu_seconds,
    cpu_ticks,
    database_ms_per_request,
    database_pids,
)
from bench.report import RunInfo, render
from bench.report_matrix import render_matrix
from bench.run import memory_minutes, parse_args, results_file
from soak.memory import Sample
from tests import backends

# /proc/<pid>/stat of a process whose name holds a space and a parenthesis.
STAT = "4242 (uvicorn (w) 1) S 1 4242 4242 0 -1 4194560 5000 0 0 0 250 40 7 3 20 0 5 0"


def test_cpu_ticks_are_user_plus_system_time_after_the_command_name() -> None:
    assert cpu_ticks(STAT) == 290


def test_cpu_seconds_of_this_process_grow_with_work_and_skip_ended_processes() -> None:
    before = cpu_seconds([os.getpid(), 2**22 + 1])  # the second pid does not exist
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:
        pass
    assert cpu_seconds([os.getpid()]) - before >= 0.15


def test_cpu_ms_per_request_divides_by_requests_and_knows_none() -> None:
    assert cpu_ms_per_request(Usage(1.0), Usage(1.5), 250) == 2.0
    assert cpu_ms_per_request(Usage(1.0), Usage(1.5), 0) is None


def _metrics(start: float, statements: float, requests: float) -> str:
    return (
        "# HELP process_start_time_seconds Start time\n"
        f"process_start_time_seconds {start}\n"
        f'masthead_sql_statements_total{{kind="select"}} {statements - 1}\n'
        'masthead_sql_statements_total{kind="insert"} 1.0\n'
        f'masthead_http_requests_total{{path="/graphql",status="200"}} {requests}\n'
        'masthead_http_requests_total{path="/metrics",status="200"} 99.0\n'
    )


def test_parse_counters_names_the_answering_worker_by_its_start_time() -> None:
    assert parse_counters(_metrics(17.5, 30, 10)) == (17.5, Counters(30.0, 10.0))


def test_statements_per_request_sums_over_every_worker() -> None:
    # Two workers that started in the same hundredth of a second: told apart by requests.
    before: Readings = {(1.0, 5): Counters(10, 5), (1.0, 6): Counters(20, 6)}
    after: Readings = {(1.0, 15): Counters(40, 15), (1.0, 26): Counters(80, 26)}
    assert statements_per_request(before, after, workers=2) == 3.0
    assert statements_per_request(before, {(1.0, 15.0): Counters(40, 15)}, workers=2) is None
    assert statements_per_request(before, before, workers=2) is None  # no request


def _result(rps: float, statements: float | None = None) -> LoadResult:
    return LoadResult(
        int(rps * 10), 10.0, 0, 0, 0, 5.0, 20.0, statements, cpu_ms=1.25, rss_mb=300.0
    )


def _matrix() -> Matrix:
    matrix = Matrix()
    matrix.cells[Cell("sqlite", 1, "executed")] = {"home": _result(60, 5), "post": _result(40)}
    matrix.cells[Cell("sqlite", 1, "cached")] = {"home": _result(400, 1), "post": _result(250)}
    none_finished = LoadResult(0, 10.0, 0, 0, 0, 0.0, 0.0)
    matrix.cells[Cell("postgresql", 2, "executed")] = {
        "home": _result(90, 5),
        "post": none_finished,
    }
    matrix.baselines["sqlite", "floor"] = {"home": _result(100), "post": _result(100)}
    matrix.baselines["sqlite", "naive"] = {"home": _result(3)}
    return matrix


def test_each_backend_and_worker_count_has_a_table_with_its_ratio_to_its_floor() -> None:
    report = render_matrix(_matrix())
    assert "#### SQLite, 1 worker" in report
    assert "| home | executed | 60 | 5.0 | 20.0 | 5.0 | 1.25 | - | 300 | 0.60x |" in report
    assert "#### PostgreSQL, 2 workers" in report
    assert "| home | executed | 90 | 5.0 | 20.0 | 5.0 | 1.25 | - | 300 | - |" in report
    assert "| post | executed | 0.0 | - | - | - | - | - | - | - |" in report
    assert "| home | 100 | 5.0 | 20.0 | 1.25 | - | 300 | 3.0 |" in report  # floor, naive


def test_targets_are_marked_met_or_missed_per_query() -> None:
    report = render_matrix(_matrix())
    assert "| home | 0.60x | met | 4.00x | met |" in report
    assert "| post | 0.40x | **missed** | 2.50x | **missed** |" in report


def test_report_without_postgresql_says_why_in_its_notes() -> None:
    note = "PostgreSQL skipped: no server at postgresql+asyncpg://x/y (refused)"
    report = render([render_matrix(_matrix())], RunInfo(20, Load(16, 3, "wrk")), [], [note])
    assert report.endswith(f"Notes:\n- {note}\n")


def test_memory_slope_after_the_first_minute_decides_flat() -> None:
    rising = tuple(Sample(s, 300 + (s / 60 if s < 60 else 100 + s / 30)) for s in range(0, 300, 10))
    flat = tuple(Sample(s, 300 + (50 if s >= 60 else s)) for s in range(0, 300, 10))
    assert MemoryResult(5, flat, 100, 0).flat
    assert not MemoryResult(5, rising, 100, 0).flat
    assert "+0.00 MB/min after the first minute" in render_memory(MemoryResult(5, flat, 100, 0))
    assert "**missed**" in render_memory(MemoryResult(5, rising, 100, 0))
    short = tuple(Sample(s, 300 + s) for s in range(0, 70, 10))
    assert MemoryResult(1, short, 100, 0).slope is None
    assert "**not judged (too short" in render_memory(MemoryResult(1, short, 100, 0))
    failing = render_memory(MemoryResult(5, flat, 100, 7))
    assert "**missed (7 of 100 requests failed: see the server log)**" in failing


def test_default_run_is_the_whole_matrix_with_the_memory_check() -> None:
    args = parse_args([])
    assert (args.backends, args.workers, args.modes) == (
        ["sqlite", "postgresql"],
        [1, 2],
        ["executed", "cached"],
    )
    assert memory_minutes(args) == 5.0
    assert results_file(args) == Path(__file__).parents[1] / "bench/results/latest.md"


def test_a_subset_is_one_cell_without_memory_check_and_its_own_report() -> None:
    argv = ["--backends", "sqlite", "--workers", "1", "--modes", "executed", "--only", "home"]
    args = parse_args(argv)
    assert (args.backends, args.workers, args.modes, args.only) == (
        ["sqlite"],
        [1],
        ["executed"],
        ["home"],
    )
    assert memory_minutes(args) == 0.0
    assert memory_minutes(parse_args(["--only", "memory"])) == 5.0
    assert memory_minutes(parse_args(["--memory-minutes", "0"])) == 0.0
    assert results_file(args).name == "latest-subset.md"
    assert results_file(parse_args(["--only", "events"])).name == "latest-events.md"


def test_database_cpu_counts_new_processes_from_their_start_and_drops_ended_ones() -> None:
    before = {10: 1.0, 11: 2.0}
    after = {10: 1.5, 12: 0.5}  # 11 ended, 12 connected in between
    assert database_ms_per_request(before, after, 100) == 10.0
    assert database_ms_per_request(before, {}, 100) is None


def test_sqlite_has_no_database_processes() -> None:
    assert database_pids("sqlite+aiosqlite:////tmp/x.db") == []


@pytest.mark.skipif(backends.BACKEND != "postgresql", reason="asks a PostgreSQL server")
async def test_database_pids_are_the_servers_processes_of_that_database(
    database_url: str,
) -> None:
    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    connection = await asyncpg.connect(dsn)
    try:
        backend = await connection.fetchval("SELECT pg_backend_pid()")
        await connection.fetchval("SELECT count(*) FROM generate_series(1, 3000000)")
        pids = await asyncio.to_thread(database_pids, database_url)
        # Read while the connection is open: its server process ends when it closes.
        cpu = cpu_by_process(pids)
    finally:
        await connection.close()
    assert backend in pids
    assert cpu[backend] > 0  # its CPU time is readable


def test_floor_sql_names_become_numbered_parameters_once_each() -> None:
    statement = Sql("SELECT :a::int, x::text, 'HH24:MI' WHERE y = ANY(:ids::int[]) AND z = :a")
    assert (
        statement.text == "SELECT $1::int, x::text, 'HH24:MI' WHERE y = ANY($2::int[]) AND z = $1"
    )
    assert statement.args(ids=[1], a=7) == [7, [1]]


@pytest.mark.skipif(backends.BACKEND != "postgresql", reason="loads a PostgreSQL database")
def test_postgres_bench_database_gets_the_sqlite_files_content_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite_file = tmp_path / "bench-3.db"
    env = {**os.environ, "MASTHEAD_DATABASE_URL": database_url(sqlite_file),
           "MASTHEAD_MEDIA_DIR": str(tmp_path / "media")}  # fmt: skip
    for arguments in (["migrate"], ["seed", "--posts", "3"]):
        subprocess.run([str(MASTHEAD), *arguments], env=env, check=True, capture_output=True)
    name = f"masthead_bench_{uuid.uuid4().hex[:8]}"
    try:
        url = ensure_postgres(backends.POSTGRES_URL, sqlite_file, name)
        assert asyncio.run(pg_state(url)) == sqlite_state(sqlite_file)
        capsys.readouterr()
        assert ensure_postgres(backends.POSTGRES_URL, sqlite_file, name) == url
        assert capsys.readouterr().out.startswith(f"Using PostgreSQL database {name}")
    finally:
        asyncio.run(drop(backends.POSTGRES_URL, name))
