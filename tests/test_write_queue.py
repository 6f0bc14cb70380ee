"""Writes take turns instead of failing; one that gets no turn in time is a retryable 503."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.database import create_engine
from masthead.models import Post, table_of
from masthead.resolvers.core.write_queue import queued_writers, writing_connection
from masthead.resolvers.token import create_token
from masthead.server import create_app
from masthead.settings import Settings
from tests import backends
from tests.conftest import GraphQLClient
from tests.factories import Factory
from tests.writing import CREATE_POST, UPDATE_POST, change_log, count_rows, gid

WRITERS = 16
WAIT_SECONDS = 10.0
sqlite_only = pytest.mark.skipif(
    backends.BACKEND != "sqlite", reason="SQLite's single write lock is what writers queue for"
)


@asynccontextmanager
async def serving_app(
    settings: Settings, **changes: Any
) -> AsyncIterator[tuple[GraphQLClient, AsyncEngine]]:
    """The ASGI app on its own engine, with `changes` to the test's settings."""
    settings = settings.model_copy(update=changes)
    engine = create_engine(settings, must_exist=True)  # as `masthead serve` builds it
    transport = httpx.ASGITransport(app=create_app(settings, engine=engine))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield GraphQLClient(client), engine
    finally:
        await engine.dispose()


async def until(condition: Callable[[], bool], what: str) -> None:
    """Let the other tasks run until `condition` holds."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0)  # a turn of the event loop, not a timed wait


async def _editor(engine: AsyncEngine) -> dict[str, str]:
    _info, secret = await create_token(engine, role="editor")
    return {"Authorization": f"Bearer {secret}"}


def _new_post(author: dict[str, Any], n: int) -> dict[str, Any]:
    post = {"slug": f"queued-{n}", "title": f"Queued {n}", "author": gid("Author", author)}
    return {"input": post}


@sqlite_only
async def test_concurrent_writes_queue_and_all_succeed_without_any_busy_timeout(
    settings: Settings, engine: AsyncEngine
) -> None:
    author = await Factory(engine).author()
    headers = await _editor(engine)
    async with serving_app(settings, sqlite_busy_timeout_ms=0) as (gql, _):
        answers = await asyncio.gather(
            *(gql.query(CREATE_POST, _new_post(author, n), headers) for n in range(WRITERS))
        )
    assert [answer.get("errors") for answer in answers] == [None] * WRITERS
    assert all(answer["data"]["createPost"]["post"] for answer in answers)
    assert await count_rows(engine, Post) == WRITERS


@sqlite_only
async def test_writes_take_the_write_lock_in_arrival_order(
    settings: Settings, engine: AsyncEngine
) -> None:
    author = await Factory(engine).author()
    headers = await _editor(engine)
    async with serving_app(settings) as (gql, app_engine):
        async with writing_connection(app_engine, WAIT_SECONDS):  # this test's turn first
            sent = []
            for n in range(5):
                request = gql.query(CREATE_POST, _new_post(author, n), headers)
                sent.append(asyncio.create_task(request))
                await until(lambda: queued_writers(app_engine) == len(sent), f"write {n} queued")
        answers = await asyncio.gather(*sent)
    pks = [answer["data"]["createPost"]["post"]["id"] for answer in answers]
    posts = table_of(Post)
    async with engine.connect() as connection:
        slugs = (await connection.execute(select(posts.c.slug).order_by(posts.c.id))).scalars()
        assert list(slugs) == [f"queued-{n}" for n in range(5)]
    assert len(set(pks)) == 5


@asynccontextmanager
async def _turn_held_elsewhere(settings: Settings) -> AsyncIterator[None]:
    """SQLite's write lock held by another connection, as another process would hold it."""
    other = create_engine(settings)
    try:
        async with other.connect() as connection:
            await connection.exec_driver_sql("BEGIN IMMEDIATE")
            yield
    finally:
        await other.dispose()


@sqlite_only
@pytest.mark.parametrize("holder", ["this process", "another process"])
async def test_a_write_that_gets_no_turn_in_time_is_a_retryable_503_and_writes_nothing(
    settings: Settings, engine: AsyncEngine, holder: str
) -> None:
    author = await Factory(engine).author()
    headers = await _editor(engine)
    before = await count_rows(engine, Post), await change_log(engine)
    async with serving_app(settings, write_timeout_s=0.3) as (gql, app_engine):
        hold = (
            writing_connection(app_engine, WAIT_SECONDS)
            if holder == "this process"
            else _turn_held_elsewhere(settings)
        )
        async with hold:
            response = await gql.client.post(
                "/graphql",
                json={"query": CREATE_POST, "variables": _new_post(author, 1)},
                headers=headers,
            )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE", "reason": "WRITE_TIMEOUT"}
    assert "nothing was written" in error["message"]
    assert (await count_rows(engine, Post), await change_log(engine)) == before


@pytest.mark.skipif(backends.BACKEND != "postgresql", reason="PostgreSQL's row locks")
async def test_an_update_waiting_on_a_locked_row_past_the_timeout_is_a_retryable_503(
    settings: Settings, engine: AsyncEngine
) -> None:
    post = await Factory(engine).post(title="Before", version=1)
    headers = await _editor(engine)
    posts = table_of(Post)
    variables = {"id": gid("Post", post), "input": {"title": "After"}, "v": 1}
    async with serving_app(settings, write_timeout_s=0.3) as (gql, _), engine.connect() as holder:
        await holder.execute(select(posts.c.id).where(posts.c.id == post["id"]).with_for_update())
        response = await gql.client.post(
            "/graphql", json={"query": UPDATE_POST, "variables": variables}, headers=headers
        )
        await holder.rollback()
    assert response.status_code == 503
    assert response.json()["errors"][0]["extensions"]["reason"] == "WRITE_TIMEOUT"
    async with engine.connect() as connection:
        stored = (await connection.execute(select(posts.c.title, posts.c.version))).one()
    assert tuple(stored) == ("Before", 1)
