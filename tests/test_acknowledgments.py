"""A mutation's answer is the write it made, never a later state, even with racing writers.

Against `masthead serve` with two workers: on SQLite the two processes also wait for each
other's write lock, and no write fails.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import Revision, table_of
from masthead.resolvers.core.ids import decode_id
from masthead.settings import Settings
from tests.conftest import TokenMaker
from tests.factories import Factory
from tests.processes import masthead_serving
from tests.writing import gid

POSTS = 2
UPDATERS = 16  # half of them send `expectedVersion` and retry on CONFLICT, half write blind
ROUNDS = 16
READ = "query($id: ID!) { post(id: $id) { version } }"
UPDATE = """mutation($id: ID!, $input: PostInput!, $v: Int) {
  updatePost(id: $id, input: $input, expectedVersion: $v) {
    post { id version title body(format: MARKDOWN) } userErrors { code } } }"""
DELETE = "mutation($id: ID!) { deletePost(id: $id) { deletedId userErrors { code } } }"


@dataclass
class Journal:
    """What the server acknowledged, what it answered about another write, and answers that
    acknowledged nothing and said nothing."""

    acknowledged: list[tuple[str, int, str, str]] = field(default_factory=list)
    not_mine: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)
    silent: list[dict[str, Any]] = field(default_factory=list)
    progress: asyncio.Condition = field(default_factory=asyncio.Condition)
    writing: bool = True

    def progressed(self, acknowledgments: int) -> bool:
        """Whether the writers made this many acknowledged writes, or are done."""
        return len(self.acknowledged) >= acknowledgments or not self.writing


async def _send(client: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> Any:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


async def _update(client: httpx.AsyncClient, journal: Journal, post_id: str, label: str,
                  *, versioned: bool) -> None:  # fmt: skip
    """One edit, retried on CONFLICT; over once the post is gone."""
    for attempt in range(50):
        current = (await _send(client, READ, {"id": post_id}))["post"]
        if current is None:
            return
        edit = {"title": f"{label} try {attempt}", "body": f"Body of {label}, try {attempt}."}
        variables = {"id": post_id, "input": edit, "v": current["version"] if versioned else None}
        answer = (await _send(client, UPDATE, variables))["updatePost"]
        codes = [error["code"] for error in answer["userErrors"]]
        if answer["post"] is None and not codes:
            journal.silent.append(answer)
            return
        if answer["post"] is not None:
            post = answer["post"]
            journal.acknowledged.append((post["id"], post["version"], post["title"], post["body"]))
            if (post["title"], post["body"]) != (edit["title"], edit["body"]):
                journal.not_mine.append((edit, post))
            async with journal.progress:
                journal.progress.notify_all()
            return
        if codes != ["CONFLICT"]:
            assert codes == ["NOT_FOUND"], answer
            return


async def _updater(client: httpx.AsyncClient, journal: Journal, ids: list[str], n: int) -> None:
    for round_ in range(ROUNDS):
        post_id = ids[(n + round_) % len(ids)]
        await _update(client, journal, post_id, f"writer {n} round {round_}", versioned=n % 2 == 0)


async def _deleter(client: httpx.AsyncClient, journal: Journal, ids: list[str]) -> None:
    """Deletes all posts but the last, each once the writers have made some progress."""
    for n, post_id in enumerate(ids[:-1]):
        async with journal.progress:
            await journal.progress.wait_for(partial(journal.progressed, 10 * (n + 1)))
        answer = (await _send(client, DELETE, {"id": post_id}))["deletePost"]
        assert answer["userErrors"] == []


async def _writers(client: httpx.AsyncClient, journal: Journal, ids: list[str]) -> None:
    await asyncio.gather(*(_updater(client, journal, ids, n) for n in range(UPDATERS)))
    async with journal.progress:
        journal.writing = False
        journal.progress.notify_all()


async def _stored(engine: AsyncEngine, post_id: str, version: int) -> tuple[str, str] | None:
    """Title and body of the post's revision at `version`."""
    revisions = table_of(Revision)
    statement = select(revisions.c.snapshot).where(
        revisions.c.entity_type == "Post",
        revisions.c.entity_id == decode_id(post_id, "Post"),
        revisions.c.version == version,
    )
    async with engine.connect() as connection:
        snapshot = await connection.scalar(statement)
    return None if snapshot is None else (snapshot["title"], snapshot["body"])


async def test_every_acknowledged_update_is_the_revision_it_names_with_two_workers(
    settings: Settings, engine: AsyncEngine, token: TokenMaker, tmp_path: Path
) -> None:
    factory = Factory(engine)
    ids = [gid("Post", await factory.post(version=1)) for _ in range(POSTS)]
    headers = await token("editor")
    journal = Journal()
    # On SQLite without a busy timeout of their own: only the write path's waiting keeps the
    # two processes' writes from failing on each other's lock.
    serving = masthead_serving(
        settings.database_url, tmp_path, workers=2, sqlite_busy_timeout_ms="0"
    )
    with serving as url:
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as client:
            await asyncio.gather(_deleter(client, journal, ids), _writers(client, journal, ids))
    assert journal.silent == []
    assert journal.not_mine == []
    assert len(journal.acknowledged) >= POSTS * 10
    wrong = [
        (post_id, version, title, body, stored)
        for post_id, version, title, body in journal.acknowledged
        if (stored := await _stored(engine, post_id, version)) != (title, body)
    ]
    assert wrong == []
