"""Real JavaScript clients for tests: node and npm, the pinned packages of tests/node_clients
installed once per lock file, and a live `masthead serve` for them to talk to."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.backends import BACKEND
from tests.processes import free_port, serving

CLIENTS = Path(__file__).parent / "node_clients"
MASTHEAD = Path(sys.executable).parent / "masthead"
NPM_SECONDS = 300


def require_node() -> tuple[str, str]:
    """`node` and `npm`, in the SQLite pass only; required in CI, optional on a laptop."""
    if BACKEND == "postgresql":
        pytest.skip(
            "the JavaScript clients do not depend on the database: the SQLite pass runs them"
        )
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node or npm is missing and CI requires the JavaScript client tests")
        pytest.skip("node or npm is missing (apt-get install nodejs npm)")
    return node, npm


def installed_clients(cache: pytest.Cache | None, npm: str) -> Path:
    """tests/node_clients with its packages, installed by `npm ci` once per lock file.

    The scripts are copied next to the installed packages, which Node resolves from there.
    """
    assert cache is not None, "the clients' packages are kept in pytest's cache"
    manifest = (CLIENTS / "package.json").read_bytes() + (
        CLIENTS / "package-lock.json"
    ).read_bytes()
    directory = cache.mkdir(f"node-clients-{hashlib.sha256(manifest).hexdigest()[:16]}")
    if not (directory / "node_modules" / ".package-lock.json").exists():
        for name in ("package.json", "package-lock.json"):
            shutil.copy(CLIENTS / name, directory / name)
        command = [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"]
        done = subprocess.run(
            command, cwd=directory, capture_output=True, text=True, timeout=NPM_SECONDS, check=False
        )
        assert done.returncode == 0, f"npm ci failed:\n{done.stdout}{done.stderr}"
    for script in CLIENTS.glob("*.mjs"):
        shutil.copy(script, directory / script.name)
    return directory


@contextmanager
def live_masthead(directory: Path) -> Iterator[str]:
    """`masthead serve` with default settings on a migrated SQLite database: its /graphql."""
    # Default settings: none of the MASTHEAD_* variables of the shell that runs the tests.
    env = {name: value for name, value in os.environ.items() if not name.startswith("MASTHEAD_")}
    env["MASTHEAD_DATABASE_URL"] = f"sqlite+aiosqlite:///{directory / 'masthead.db'}"
    env["MASTHEAD_MEDIA_DIR"] = str(directory / "media")
    subprocess.run([MASTHEAD, "migrate"], env=env, cwd=directory, check=True, capture_output=True)
    port = free_port()
    with serving([str(MASTHEAD), "serve", "--port", str(port)], env=env, cwd=directory):
        yield f"http://127.0.0.1:{port}/graphql"
