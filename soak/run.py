"""`python -m soak`: the load on each backend and worker count; a table, non-zero on a failure."""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from soak.load import Mix
from soak.properties import MEMORY_LIMIT, failing
from soak.report import render
from soak.runner import Outcome, Setup, soak
from soak.store import POSTGRES_SERVER, scratch_postgres, sqlite_url

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / ".data"
RESULTS_FILE = HERE / "results" / "latest.md"
BACKENDS = ("sqlite", "postgresql")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m soak", description=__doc__)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load a run (60)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument(
        "--backend",
        action="append",
        choices=BACKENDS,
        help="sqlite or postgresql; repeatable (default: both)",
    )
    parser.add_argument(
        "--workers",
        action="append",
        type=int,
        help="server processes; repeatable (default: 1 and 2)",
    )
    parser.add_argument("--write-share", type=float, default=0.2, help="share of writes (0.2)")
    parser.add_argument(
        "--warm-up",
        type=float,
        help="seconds before memory counts (default: a quarter, at most 60)",
    )
    parser.add_argument("--posts", type=int, default=200, help="demo posts seeded first (200)")
    parser.add_argument(
        "--memory-limit",
        type=float,
        default=MEMORY_LIMIT,
        help=f"largest memory slope in MB/min, judged from 5 min ({MEMORY_LIMIT})",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("MASTHEAD_SOAK_POSTGRES_URL", POSTGRES_SERVER),
        help="a PostgreSQL server's URL: each run makes and drops its own database",
    )
    return parser.parse_args(argv)  # fmt: skip


def setups(args: argparse.Namespace) -> list[Setup]:
    """One run per backend and worker count."""
    mix = Mix(clients=args.clients, write_share=args.write_share)
    return [
        Setup(backend, workers, args.duration, mix, args.warm_up, args.posts)
        for backend in args.backend or BACKENDS
        for workers in args.workers or (1, 2)
    ]


@contextmanager
def empty_store(setup: Setup, directory: Path, postgres_url: str) -> Iterator[str]:
    """A new store for one run: a SQLite file in `directory`, or a scratch PostgreSQL database."""
    if setup.backend == "sqlite":
        yield sqlite_url(directory / "soak.db")
        return
    stack = ExitStack()
    try:
        url = stack.enter_context(scratch_postgres(postgres_url))
    except (OSError, asyncpg.PostgresError) as error:
        shown = make_url(postgres_url).render_as_string(hide_password=True)
        msg = f"cannot make a database on {shown}: {error} (--backend sqlite runs without it)"
        raise RuntimeError(msg) from error
    with stack:
        yield url


def run_one(setup: Setup, postgres_url: str) -> Outcome:
    """One soak in a fresh folder `.data/<backend>-<workers>` (its server log stays there)."""
    directory = DATA_DIR / f"{setup.backend}-{setup.workers}"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    print(f"Soaking {setup.name} for {setup.duration:g} s", flush=True)
    with empty_store(setup, directory, postgres_url) as url:
        outcome = asyncio.run(soak(setup, url, directory))
    load = outcome.load
    print(f"  {load.tally.requests:,} requests, {load.journal.writes:,} acknowledged writes, "
          f"{len(failing(outcome))} failing properties", flush=True)  # fmt: skip
    return outcome


def main(argv: Sequence[str] | None = None) -> int:
    """Run every soak, print the report and write it to `soak/results/latest.md`."""
    args = parse_args(argv)
    try:
        outcomes = [run_one(setup, args.postgres_url) for setup in setups(args)]
    except (OSError, RuntimeError) as error:
        print(f"soak: {error}", file=sys.stderr)
        return 2
    report = render(outcomes, args.memory_limit)
    print("\n" + report)
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(report)
    print(f"Written to {RESULTS_FILE.relative_to(HERE.parent)}")
    return 1 if any(failing(outcome, args.memory_limit) for outcome in outcomes) else 0
