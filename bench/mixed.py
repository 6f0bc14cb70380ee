"""The mixed phase: the soak's load (example reads, editor writes) on a copy of the database."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

from bench.data import DATA_DIR, database_url
from bench.load import Load, LoadResult
from bench.report import QueryResult
from bench.servers import Server
from soak.load import LoadRun, Mix, load_for
from soak.report import percentile
from soak.session import KindTally
from soak.store import editor_headers

MIXED = "mixed"
WRITE_SHARE = 0.2
KINDS = {"read": "mixed: reads", "write": "mixed: writes"}


def _copy(database: Path) -> Path:
    """A copy to write to: the benchmark's database stays as seeded."""
    copy = DATA_DIR / f"{MIXED}-{database.name}"
    for stale in DATA_DIR.glob(f"{copy.name}*"):
        stale.unlink()
    shutil.copyfile(database, copy)
    return copy


def _result(tally: KindTally, seconds: float) -> LoadResult:
    failures = tally.failures
    return LoadResult(
        requests=tally.requests,
        seconds=seconds,
        graphql_errors=sum(n for each, n in failures.items() if each.status == 200),
        http_errors=sum(n for each, n in failures.items() if each.status not in {None, 200}),
        socket_errors=sum(n for each, n in failures.items() if each.status is None),
        p50_ms=percentile(tally.latencies, 0.50),
        p99_ms=percentile(tally.latencies, 0.99),
    )


def _results(run: LoadRun) -> list[QueryResult]:
    results = []
    for kind, name in KINDS.items():
        tally = run.tally.kinds[kind]
        result = QueryResult(name, _result(tally, run.seconds))
        for failure, count in tally.failures.most_common(3):
            result.notes.append(f"{count} of {tally.requests} failed: {failure.description}")
        results.append(result)
    return results


StartMasthead = Callable[[ExitStack, Path], Server]


def measure_mixed(database: Path, load: Load, start_masthead: StartMasthead) -> list[QueryResult]:
    """Reads and writes side by side, from one run of the soak's load; failures are noted."""
    copy = _copy(database)
    headers = asyncio.run(editor_headers(database_url(copy)))
    mix = Mix(clients=load.concurrency, write_share=WRITE_SHARE)
    print(f"{MIXED} ({1 - WRITE_SHARE:.0%} reads, {WRITE_SHARE:.0%} writes):", flush=True)
    with ExitStack() as stack:
        server = start_masthead(stack, copy)
        run = asyncio.run(load_for(server.base_url, headers, mix, load.duration))
    results = _results(run)
    for result in results:
        row = result.masthead
        print(
            f"  {result.name:<14} {row.rps:9.1f} rps  p50 {row.p50_ms:7.1f} ms  "
            f"p99 {row.p99_ms:7.1f} ms  {row.requests} requests, {row.errors} errors",
            flush=True,
        )
    for stale in DATA_DIR.glob(f"{copy.name}*"):
        stale.unlink()
    return results
