"""Stores for tests of real processes: empty ones (a SQLite file, or a PostgreSQL database of
their own), and `masthead` commands run on them."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.data import MASTHEAD
from soak.store import sqlite_url
from tests import backends


@contextmanager
def empty_store(directory: Path) -> Iterator[str]:
    """The URL of a store nothing was written to yet, on the backend under test."""
    if backends.BACKEND == "postgresql":
        with backends.empty_postgres_database() as url:
            yield url
    else:
        yield sqlite_url(directory / f"store-{uuid.uuid4().hex[:8]}.db")


def command_environment(url: str) -> dict[str, str]:
    """The environment of a `masthead` command on the store at `url`, and nothing else."""
    return {"MASTHEAD_DATABASE_URL": url, "PATH": "/usr/bin:/bin"}


def masthead(url: str, directory: Path, *arguments: str) -> subprocess.CompletedProcess[bytes]:
    """A `masthead` command on the store at `url`, run in `directory` (away from any `.env`)."""
    return subprocess.run(
        [str(MASTHEAD), *arguments],
        env=command_environment(url),
        cwd=directory,
        capture_output=True,
        check=False,
    )
