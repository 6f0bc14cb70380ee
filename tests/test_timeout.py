"""A request past `MASTHEAD_REQUEST_TIMEOUT_MS` is stopped, its statement with it.

The slow query is a real one: posts whose tags match any of 90 `contains` filters, over
2,000 posts that each carry the same 150 tags, none matching. The database tests 90
patterns against each of 300,000 post-tag pairs: tens of seconds on either backend.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import String, cast, insert, literal, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.edge.request_log import REFUSALS
from masthead.models import Author, ContentStatus, Post, PostTag, Tag
from masthead.server import create_app
from masthead.settings import Settings
from tests import backends
from tests.forwarder import Forwarder
from tests.processes import free_port, serving

POSTS, TAGS, PATTERNS = 2000, 150, 90
SLOW = "query($where: PostWhere) { posts(first: 1, where: $where) { nodes { id } } }"
SLOW_WHERE = {
    "tags": {"some": {"OR": [{"description": {"contains": f"zq{i}"}} for i in range(PATTERNS)]}}
}
SMALL = "{ tags(first: 1) { nodes { slug } } }"
# Far below the slow query's own run, far above a stopped one's.
ANSWER_DEADLINE = 8.0
SMALL_REQUEST_LIMIT = 0.2  # the bound for other requests while one runs away
STATEMENTS = re.compile(r"^masthead_sql_statements_total\{[^}]*\} (\S+)$", re.MULTILINE)


def _numbers(count: int, name: str) -> Any:
    numbers = select(literal(1).label("n")).cte(name, recursive=True)
    return numbers.union_all(select(numbers.c.n + 1).where(numbers.c.n < count))


def _numbered(prefix: str, n: Any) -> Any:
    return literal(prefix, String) + cast(n, String)


async def seed_slow_content(engine: AsyncEngine) -> None:
    """Posts x tags, every post carrying every tag, written in three statements."""
    when = datetime(2024, 1, 1, tzinfo=UTC)
    stamps = [literal(when, Post.created_at.type), literal(when, Post.updated_at.type)]
    async with engine.begin() as connection:
        author = await connection.scalar(
            insert(Author).values(slug="writer", name="Writer").returning(Author.id)
        )
        n = _numbers(TAGS, "tag_numbers").c.n
        tag_columns = ["slug", "name", "description", "created_at", "updated_at"]
        tag_rows = select(_numbered("t-", n), _numbered("Tag ", n), literal("x" * 200), *stamps)
        await connection.execute(insert(Tag).from_select(tag_columns, tag_rows))
        n = _numbers(POSTS, "post_numbers").c.n
        published = literal(ContentStatus.PUBLISHED, Post.status.type)
        post_columns = ["slug", "title", "status", "published_at", "author_id", "locale"]
        post_rows = select(
            _numbered("p-", n), _numbered("Post ", n), published, stamps[0], literal(author),
            literal("en"), _numbered("g-", n), *stamps,
        )  # fmt: skip
        columns = [*post_columns, "translation_group", "created_at", "updated_at"]
        await connection.execute(insert(Post).from_select(columns, post_rows))
        posts, tags = Post.__table__, Tag.__table__
        pairs = select(posts.c.id, tags.c.id, tags.c.id).select_from(
            posts.join(tags, literal(1) == 1)
        )
        await connection.execute(
            insert(PostTag).from_select(["post_id", "tag_id", "position"], pairs)
        )


async def active_statements(engine: AsyncEngine) -> int:
    """Statements still running: PostgreSQL's other active sessions; on SQLite, aiosqlite
    threads still alive once the engine has closed its pooled connections (a statement
    keeps its thread busy until it ends)."""
    if backends.BACKEND != "postgresql":
        await engine.dispose()
        return sum(t.name.endswith("(_connection_worker_thread)") for t in threading.enumerate())
    async with engine.connect() as connection:
        query = text(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
            "AND pid <> pg_backend_pid() AND datname = current_database()"
        )
        return int(await connection.scalar(query) or 0)


async def until_idle(engine: AsyncEngine) -> int:
    """The active statements, polled until none are left or the deadline passes."""
    deadline = time.monotonic() + ANSWER_DEADLINE
    while True:
        active = await active_statements(engine)
        if not active or time.monotonic() > deadline:
            return active
        await asyncio.sleep(0.05)  # polling the server's activity view


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def test_a_query_past_the_timeout_answers_timeout_and_its_statement_stops(
    settings: Settings, engine: AsyncEngine
) -> None:
    await seed_slow_content(engine)
    app = create_app(settings.model_copy(update={"request_timeout_ms": 300}), engine=engine)
    transport = httpx.ASGITransport(app=app)
    timeouts = REFUSALS.labels(code="TIMEOUT")._value.get()  # noqa: SLF001 - the metric's value

    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        async with asyncio.timeout(ANSWER_DEADLINE):
            response = await client.post(
                "/graphql", json={"query": SLOW, "variables": {"where": SLOW_WHERE}}
            )
        after = await client.post("/graphql", json={"query": SMALL})

    body = response.json()
    assert response.status_code == 200
    assert body["data"] is None
    assert codes(body) == ["TIMEOUT"]
    assert "300 ms" in body["errors"][0]["message"]
    assert REFUSALS.labels(code="TIMEOUT")._value.get() == timeouts + 1  # noqa: SLF001
    assert await until_idle(engine) == 0
    assert codes(after.json()) == []


def _statements(metrics: str) -> float:
    return sum(float(value) for value in STATEMENTS.findall(metrics))


async def _until_statements_above(client: httpx.AsyncClient, count: float) -> None:
    deadline = time.monotonic() + ANSWER_DEADLINE
    while _statements((await client.get("/metrics")).text) <= count:
        assert time.monotonic() < deadline, "the slow query never reached the database"
        await asyncio.sleep(0.01)  # polling the server's counter


async def test_other_requests_answer_quickly_while_a_runaway_query_runs(
    settings: Settings, engine: AsyncEngine, tmp_path: Path
) -> None:
    await seed_slow_content(engine)
    port = free_port()
    env = {
        **os.environ,
        "MASTHEAD_DATABASE_URL": settings.database_url,
        "MASTHEAD_MEDIA_DIR": settings.media_dir,
        "MASTHEAD_REQUEST_TIMEOUT_MS": "3000",
    }
    command = [sys.executable, "-m", "uvicorn", "masthead.server:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port)]

    with serving(command, env=env, cwd=tmp_path):
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            before = _statements((await client.get("/metrics")).text)
            slow = asyncio.create_task(
                client.post("/graphql", json={"query": SLOW, "variables": {"where": SLOW_WHERE}})
            )
            await _until_statements_above(client, before)
            latencies = []
            for i in range(20):
                started = time.perf_counter()
                answer = await (client.get("/healthz") if i % 2 else client.post(
                    "/graphql", json={"query": SMALL}
                ))  # fmt: skip
                latencies.append(time.perf_counter() - started)
                assert answer.status_code == 200, answer.text
            overlapped = not slow.done()
            response = await slow

    assert overlapped, "the small requests must run while the slow one does"
    assert max(latencies) < SMALL_REQUEST_LIMIT, [f"{s * 1000:.0f} ms" for s in latencies]
    assert codes(response.json()) == ["TIMEOUT"]
    assert await until_idle(engine) == 0


@pytest.mark.skipif(backends.BACKEND != "postgresql", reason="holds the bytes sent to PostgreSQL")
async def test_a_database_that_stops_answering_is_bounded_by_the_timeout(
    settings: Settings,
) -> None:
    url = make_url(settings.database_url)
    forwarder = Forwarder(url.host or "127.0.0.1", url.port or 5432)
    await forwarder.start()
    through = url.set(host="127.0.0.1", port=forwarder.port).render_as_string(hide_password=False)
    app = create_app(
        settings.model_copy(update={"database_url": through, "request_timeout_ms": 300})
    )
    forwarder.hold()
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            async with asyncio.timeout(ANSWER_DEADLINE):
                response = await client.post("/graphql", json={"query": SMALL})
    finally:
        await forwarder.stop()
        await app.state.engine.dispose()

    assert codes(response.json()) == ["TIMEOUT"]
