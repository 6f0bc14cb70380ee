"""kill -9 in the middle of `masthead import` of 5,000 posts: the store is left as it was."""

from __future__ import annotations

import asyncio
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.data import MASTHEAD
from masthead.interchange import export_document
from masthead.migrations.runner import upgrade
from soak.store import demo_document, engine_for, integrity_problems
from tests.content_tables import row_counts
from tests.factories import Factory
from tests.stores import command_environment, empty_store, masthead

IMPORTED_POSTS = 5_000
SPILLED_BYTES = 2**20  # SQLite writes a transaction's pages to its log once they fill its cache
POLL_SECONDS = 0.01
DEADLINE = 120.0
# A connection in the middle of a transaction that has written rows of posts.
INSERTING_POSTS = """SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND backend_xid IS NOT NULL
AND query ILIKE 'INSERT INTO posts %'"""


@pytest.fixture
def store(tmp_path: Path) -> Iterator[str]:
    with empty_store(tmp_path) as url:
        yield url


@pytest.fixture(scope="module")
def big_document(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A document of 5,000 demo posts (and their translations), written once."""
    path = tmp_path_factory.mktemp("import") / "posts.json"
    path.write_bytes(orjson.dumps(demo_document(IMPORTED_POSTS)))
    return path


async def _holdings(url: str) -> dict[str, Any]:
    """Everything the store holds: its export with revisions, and rows per content table."""
    async with engine_for(url) as engine:
        document = await export_document(engine, revisions=True)
        return {"document": document, "rows": await row_counts(engine)}


async def _store_with_content(url: str) -> None:
    """A migrated store with a little content of its own."""
    await asyncio.to_thread(upgrade, url)
    async with engine_for(url) as engine:
        factory = Factory(engine)
        await factory.post(tags=[await factory.tag()])


def _log_bytes(url: str) -> int:
    """The size of a SQLite store's write-ahead log (0 while there is none)."""
    log = Path(f"{make_url(url).database}-wal")
    return log.stat().st_size if log.exists() else 0


async def _writing(url: str, engine: AsyncEngine) -> bool:
    """Whether the import has written part of its transaction, not yet committed."""
    if engine.dialect.name == "sqlite":
        return await asyncio.to_thread(_log_bytes, url) > SPILLED_BYTES
    async with engine.connect() as connection:
        return bool(await connection.scalar(text(INSERTING_POSTS)))


async def _kill_while_writing(url: str, importer: asyncio.subprocess.Process) -> None:
    deadline = asyncio.get_running_loop().time() + DEADLINE
    async with engine_for(url) as engine:
        while not await _writing(url, engine):
            if importer.returncode is not None:
                pytest.fail(f"the import ended ({importer.returncode}) before it was seen writing")
            assert asyncio.get_running_loop().time() < deadline, "the import never started writing"
            await asyncio.sleep(POLL_SECONDS)  # its transaction has not reached the posts yet
    importer.kill()
    await importer.wait()


async def test_an_import_killed_in_the_middle_leaves_the_store_as_it_was(
    store: str, big_document: Path, tmp_path: Path
) -> None:
    await _store_with_content(store)
    before = await _holdings(store)
    importer = await asyncio.create_subprocess_exec(
        str(MASTHEAD), "import", str(big_document),
        env=command_environment(store), cwd=tmp_path,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip

    await _kill_while_writing(store, importer)
    after = await _holdings(store)
    problems = await integrity_problems(store)
    again = await asyncio.to_thread(masthead, store, tmp_path, "import", str(big_document))

    assert importer.returncode == -signal.SIGKILL
    assert after == before
    assert problems == []
    assert again.returncode == 0, again.stderr.decode()
