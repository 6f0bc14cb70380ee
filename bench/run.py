"""`python -m bench`: seed once, serve Masthead and the baselines, measure the example queries."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from bench.data import database_url, ensure_database
from bench.events import EVENTS, measure_events, render_events
from bench.load import GENERATORS, Load, pick_generator
from bench.matrix import BACKENDS, MODES, WORKERS, Plan, masthead, run_matrix
from bench.measure import BenchError
from bench.memory_check import MEMORY, measure_memory, render_memory
from bench.mixed import MIXED, measure_mixed
from bench.queries import Example, load_examples
from bench.report import QueryResult, RunInfo, machine_line, render
from bench.report_matrix import render_matrix
from bench.servers import Server
from soak.store import POSTGRES_SERVER

RESULTS_FILE = Path(__file__).resolve().parent / "results" / "latest.md"
EVENTS_FILE = RESULTS_FILE.with_name("latest-events.md")
SUBSET_FILE = RESULTS_FILE.with_name("latest-subset.md")
PHASES = (MIXED, EVENTS, MEMORY)
DEFAULT_MEMORY_MINUTES = 5.0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--posts", type=int, default=20_000, help="posts in the database")
    parser.add_argument("--duration", type=float, default=6.0, help="seconds per query and cell")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent clients")
    parser.add_argument(
        "--only", action="append", metavar="NAME",
        help="only this query (or `mixed`, `events`, `memory`); repeatable",
    )  # fmt: skip
    _matrix_options(parser)
    parser.add_argument("--no-baselines", action="store_true", help="Masthead alone")
    parser.add_argument(
        "--generator", choices=("auto", "wrk", "python"), default="auto",
        help="load generator: wrk when installed (auto), or the Python one",
    )  # fmt: skip
    return parser.parse_args(argv)


def _matrix_options(parser: argparse.ArgumentParser) -> None:
    """Which cells of the matrix to measure, and how long the memory check runs."""
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--workers", nargs="+", type=int, default=list(WORKERS), metavar="N")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument(
        "--memory-minutes", type=float, metavar="M",
        help=f"minutes of the memory check ({DEFAULT_MEMORY_MINUTES:g} in a full run, "
        "else 0 unless `--only memory`)",
    )  # fmt: skip
    parser.add_argument(
        "--postgres-url", default=os.environ.get("MASTHEAD_BENCH_POSTGRES_URL", POSTGRES_SERVER),
        help="PostgreSQL server of the matrix (`masthead_bench_<posts>`) and the events "
        "phase (a database made and dropped per run)",
    )  # fmt: skip


def memory_minutes(args: argparse.Namespace) -> float:
    """How long the memory check runs: the flag, else 5 in a full run, else none."""
    if args.memory_minutes is not None:
        return float(args.memory_minutes)
    if not args.only or MEMORY in args.only:
        return DEFAULT_MEMORY_MINUTES
    return 0.0


def select_examples(names: list[str] | None) -> list[Example]:
    """The examples to run: all, or those named with `--only`."""
    try:
        examples = load_examples()
    except FileNotFoundError as error:
        raise BenchError(str(error)) from error
    if not names:
        return examples
    unknown = set(names) - {example.name for example in examples} - set(PHASES)
    if unknown:
        known = ", ".join([*(example.name for example in examples), *PHASES])
        msg = f"unknown query {', '.join(sorted(unknown))} (known: {known})"
        raise BenchError(msg)
    return [example for example in examples if example.name in names]


def masthead_alone(stack: ExitStack, database: Path) -> Server:
    """Masthead (one process, its defaults) on `database`."""
    return stack.enter_context(masthead(database_url(database)))


def plan_of(args: argparse.Namespace, database: Path) -> Plan:
    """The matrix the command line asks for."""
    return Plan(
        backends=tuple(args.backends), workers=tuple(args.workers), modes=tuple(args.modes),
        baselines=not args.no_baselines, posts=args.posts, sqlite_file=database,
        postgres_url=args.postgres_url,
    )  # fmt: skip


def queries_report(args: argparse.Namespace, examples: list[Example]) -> str:
    """The matrix, the memory check and the mixed phase, as asked."""
    load = Load(args.concurrency, args.duration, pick_generator(args.generator))
    database = ensure_database(args.posts)
    print(f"Load generator: {GENERATORS[load.generator]}", flush=True)
    sections, notes = [], []
    if examples:
        matrix = run_matrix(plan_of(args, database), examples, load)
        sections.append(render_matrix(matrix))
        notes = matrix.notes
    minutes = memory_minutes(args)
    if minutes > 0:
        result = measure_memory(database_url(database), load_examples(), load, minutes)
        sections.append(render_memory(result))
    mixed: list[QueryResult] = []
    if not args.only or MIXED in args.only:
        mixed = measure_mixed(database, load, masthead_alone)
    return render(sections, RunInfo(args.posts, load), mixed, notes)


def run(args: argparse.Namespace) -> str:
    """Seed if needed, the matrix, the memory check, the mixed phase, then the events phase."""
    examples = select_examples(args.only)
    sections = []
    if examples or not args.only or {MIXED, MEMORY} & set(args.only):
        sections.append(queries_report(args, examples))
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


def is_full(args: argparse.Namespace) -> bool:
    """Whether the run measured everything `make bench` does (whatever its duration)."""
    matrix = (tuple(args.backends), tuple(args.workers), tuple(args.modes))
    everything = (BACKENDS, WORKERS, MODES)
    return not args.only and matrix == everything and not args.no_baselines


def results_file(args: argparse.Namespace) -> Path:
    """Where the report goes: a part of the benchmark never replaces the full run's report.

    The events phase alone writes `latest-events.md`, any other part `latest-subset.md`.
    """
    if is_full(args):
        return RESULTS_FILE
    return EVENTS_FILE if args.only == [EVENTS] else SUBSET_FILE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the table and write it to `bench/results/latest.md`."""
    args = parse_args(argv)
    try:
        report = run(args)
    except (BenchError, RuntimeError, subprocess.CalledProcessError) as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    print("\n" + report)
    target = results_file(args)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(report)
    print(f"Written to {target.relative_to(target.parents[2])}")
    return 0
