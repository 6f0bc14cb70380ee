"""kill -9 of `masthead serve` under load: each acknowledged write survives, the store is sound."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from soak.load import LoadRun, Mix, run_load
from soak.server import Server, serving
from soak.store import integrity_problems, prepare
from soak.verify import verify
from tests.stores import empty_store, masthead

WRITES_BEFORE_THE_KILL = 60
DEADLINE = 120.0


@pytest.fixture
def store(tmp_path: Path) -> Iterator[str]:
    with empty_store(tmp_path) as url:
        yield url


@pytest.fixture
def fresh_store(tmp_path: Path) -> Iterator[str]:
    with empty_store(tmp_path) as url:
        yield url


async def _until(load: asyncio.Task[None], reached: Coroutine[Any, Any, None]) -> None:
    """Wait for `reached`; fail at once if the load ends first."""
    waiting = asyncio.ensure_future(reached)
    done, _ = await asyncio.wait({load, waiting}, timeout=DEADLINE, return_when="FIRST_COMPLETED")
    waiting.cancel()
    if load in done:
        load.result()
        pytest.fail("the load ended before enough writes were acknowledged")
    assert waiting in done, f"not {WRITES_BEFORE_THE_KILL} acknowledged writes in {DEADLINE} s"


async def _crash_under_load(server: Server, headers: dict[str, str]) -> LoadRun:
    """Load the server until writes are acknowledged, then kill -9 it in the middle."""
    run, stop = LoadRun(), asyncio.Event()
    load = asyncio.create_task(run_load(server.base_url, headers, Mix(clients=16), stop, run))
    await _until(load, run.journal.until_writes(WRITES_BEFORE_THE_KILL))
    stop.set()
    server.kill()
    await load
    return run


async def test_a_server_killed_under_load_restarts_with_every_acknowledged_write(
    store: str, tmp_path: Path
) -> None:
    headers = await prepare(store, posts=50)
    async with serving(store, workers=2, directory=tmp_path) as server:
        run = await _crash_under_load(server, headers)
        server.start()
        await server.ready()
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            ready = await client.get("/readyz")
    verdict = await verify(store, run.journal)

    assert ready.status_code == 200
    assert verdict.writes + verdict.deletes >= WRITES_BEFORE_THE_KILL
    assert verdict.missing == []
    assert verdict.not_gone == []
    assert await integrity_problems(store) == []


async def test_a_store_killed_under_load_exports_and_imports_into_a_fresh_one(
    store: str, fresh_store: str, tmp_path: Path
) -> None:
    headers = await prepare(store, posts=50)
    async with serving(store, workers=1, directory=tmp_path) as server:
        await _crash_under_load(server, headers)
    exported = tmp_path / "export.json"
    again = tmp_path / "again.json"

    export = masthead(store, tmp_path, "export", str(exported))
    migrate = masthead(fresh_store, tmp_path, "migrate")
    imported = masthead(fresh_store, tmp_path, "import", str(exported))
    masthead(fresh_store, tmp_path, "export", str(again))

    assert export.returncode == 0, export.stderr.decode()
    assert migrate.returncode == 0, migrate.stderr.decode()
    assert imported.returncode == 0, imported.stderr.decode()
    assert orjson.loads(again.read_bytes()) == orjson.loads(exported.read_bytes())
