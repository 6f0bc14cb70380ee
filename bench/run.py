"""`python -m bench`: seed once, serve Masthead and the baselines, measure the example queries."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson

from bench.compare import differences
from bench.data import DATA_DIR, MASTHEAD, database_url, ensure_database
from bench.events import EVENTS, measure_events, render_events
from bench.load import GENERATORS, Load, LoadResult, pick_generator, run_load
from bench.metrics import settled_counters, statements_per_request
from bench.mixed import MIXED, measure_mixed
from bench.queries import Example, load_examples, request_body
from bench.report import QueryResult, RunInfo, machine_line, render
from bench.servers import Server, free_port, running_server
from soak.store import POSTGRES_SERVER

RESULTS_FILE = Path(__file__).resolve().parent / "results" / "latest.md"
EVENTS_FILE = RESULTS_FILE.with_name("latest-events.md")
BASELINES = ("floor", "naive")
WARM_UP_SECONDS = 2.0


class BenchError(Exception):
    """A failure that makes the numbers meaningless: printed, exit status 1."""


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--posts", type=int, default=20_000, help="posts in the database")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per query")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent clients")
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="only this query (or `mixed`, `events`)"
    )
    parser.add_argument(
        "--postgres-url", default=os.environ.get("MASTHEAD_BENCH_POSTGRES_URL", POSTGRES_SERVER),
        help="PostgreSQL server for the events phase (each run makes its own database)",
    )  # fmt: skip
    parser.add_argument("--no-baselines", action="store_true", help="Masthead alone")
    parser.add_argument(
        "--generator", choices=("auto", "wrk", "python"), default="auto",
        help="load generator: wrk when installed (auto), or the Python one",
    )  # fmt: skip
    return parser.parse_args(argv)


def _commands(name: str, database: Path, port: int) -> list[str]:
    if name == "masthead":
        return [str(MASTHEAD), "serve", "--port", str(port)]
    return [sys.executable, "-m", f"bench.{name}", "--database", str(database), "--port", str(port)]


def start_servers(stack: ExitStack, database: Path, *, baselines: bool) -> dict[str, Server]:
    """Masthead (production mode) and, unless told otherwise, the two baselines."""
    # One load generator is one client address: the benchmark measures throughput, so the
    # per-address budget is one no run can spend, yet every request is still charged to it
    # (the rate limiter's cost is measured; every other protection keeps its default).
    env = {
        "MASTHEAD_ENV": "production",
        "MASTHEAD_DATABASE_URL": database_url(database),
        "MASTHEAD_RATE_LIMIT_POINTS": str(10**15),
    }
    servers = {}
    for name in ("masthead", *(BASELINES if baselines else ())):
        port = free_port()
        print(f"Starting {name} on port {port}", flush=True)
        command = _commands(name, database, port)
        servers[name] = stack.enter_context(
            running_server(name, command, port=port, env=env, log_dir=DATA_DIR / "logs")
        )
    return servers


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


def _note(result: QueryResult, note: str) -> None:
    print(f"  NOTE {note}", file=sys.stderr, flush=True)
    result.notes.append(note)


def check_baselines(
    example: Example, servers: dict[str, Server], expected: Any, result: QueryResult
) -> list[str]:
    """Baselines that answer the example; one whose data differs from `expected` is noted."""
    answering = []
    for name in (name for name in BASELINES if name in servers):
        try:
            found = differences(expected, answer(servers[name], example))
        except BenchError as error:
            _note(result, f"{name} cannot answer it ({str(error).split(': ', 1)[-1]})")
            continue
        if found:
            _note(result, f"{name} data differs from Masthead's: " + "; ".join(found))
        answering.append(name)
    return answering


def body_file_of(example: Example) -> Path:
    """The example's POST body written where the load generator reads it."""
    body_file = DATA_DIR / "bodies" / f"{example.name}.json"
    body_file.parent.mkdir(parents=True, exist_ok=True)
    body_file.write_bytes(request_body(example))
    return body_file


def timed_run(server: Server, example: Example, load: Load) -> LoadResult:
    """The measured run, after a warm-up; each is printed."""
    url, body_file = query_url(server, example), body_file_of(example)
    run_load(url, body_file, replace(load, duration=min(WARM_UP_SECONDS, load.duration)))
    counted = server.name == "masthead"
    before = settled_counters(server.base_url) if counted else None
    result = run_load(url, body_file, load)
    if before is not None:
        after = settled_counters(server.base_url)
        result = replace(result, statements=statements_per_request(before, after))
    print(
        f"  {server.name:<9} {result.rps:9.1f} rps  p50 {result.p50_ms:7.1f} ms  "
        f"p99 {result.p99_ms:7.1f} ms  {result.requests} requests, {result.errors} errors",
        flush=True,
    )
    return result


def measure(example: Example, servers: dict[str, Server], load: Load) -> QueryResult:
    """Every server under the same load for one example; Masthead errors end the run."""
    print(f"{example.name}:", flush=True)
    expected = answer(servers["masthead"], example)
    masthead = timed_run(servers["masthead"], example, load)
    if masthead.errors or not masthead.requests:
        failed = f"{masthead.errors} of {masthead.requests} requests failed"
        msg = f"{example.name}: {failed} on Masthead under load"
        raise BenchError(msg)
    result = QueryResult(example.name, masthead)
    for name in check_baselines(example, servers, expected, result):
        baseline = result.baselines[name] = timed_run(servers[name], example, load)
        if baseline.errors:
            _note(result, f"{name}: {baseline.errors} failed requests")
        if not baseline.requests:
            _note(result, f"{name}: no request finished within {load.duration:g} s")
    return result


def select_examples(names: list[str] | None) -> list[Example]:
    """The examples to run: all, or those named with `--only`."""
    try:
        examples = load_examples()
    except FileNotFoundError as error:
        raise BenchError(str(error)) from error
    if not names:
        return examples
    unknown = set(names) - {example.name for example in examples} - {MIXED, EVENTS}
    if unknown:
        known = ", ".join([*(example.name for example in examples), MIXED, EVENTS])
        msg = f"unknown query {', '.join(sorted(unknown))} (known: {known})"
        raise BenchError(msg)
    return [example for example in examples if example.name in names]


def masthead_alone(stack: ExitStack, database: Path) -> Server:
    """Masthead without the baselines, on `database`."""
    return start_servers(stack, database, baselines=False)["masthead"]


def run(args: argparse.Namespace) -> str:
    """Seed if needed, serve, measure every example, the mixed phase, then the events phase."""
    examples = select_examples(args.only)
    mixed = not args.only or MIXED in args.only
    sections = []
    if examples or mixed:
        load = Load(args.concurrency, args.duration, pick_generator(args.generator))
        database = ensure_database(args.posts)
        print(f"Load generator: {GENERATORS[load.generator]}", flush=True)
        results = []
        if examples:
            with ExitStack() as stack:
                servers = start_servers(stack, database, baselines=not args.no_baselines)
                results = [measure(example, servers, load) for example in examples]
        if mixed:
            results += measure_mixed(database, load, masthead_alone)
        sections.append(render(results, RunInfo(args.posts, load)))
    if not args.only or EVENTS in args.only:
        sections.append(events_report(args.postgres_url, args.duration))
    return "\n\n".join(sections)


def events_report(postgres_url: str, duration: float) -> str:
    """The events phase's section; a line saying why when no PostgreSQL server answers."""
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    heading = f"### Events (PostgreSQL)\n\nMeasured {date} on {machine_line()}.\n\n"
    try:
        return heading + render_events(measure_events(postgres_url, (1, 4), duration))
    except (OSError, asyncpg.PostgresError) as error:
        note = f"Not measured: no PostgreSQL server at {postgres_url} ({error})."
        print(f"  NOTE {note}", file=sys.stderr, flush=True)
        return heading + note


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the table and write it to `bench/results/latest.md`."""
    args = parse_args(argv)
    try:
        report = run(args)
    except (BenchError, RuntimeError, subprocess.CalledProcessError) as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    print("\n" + report)
    # The events phase alone keeps its own file: the query table of the last full run stays.
    target = EVENTS_FILE if args.only == [EVENTS] else RESULTS_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(report)
    print(f"Written to {target.relative_to(target.parents[2])}")
    return 0
