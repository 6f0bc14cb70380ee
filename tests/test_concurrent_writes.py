"""Concurrent writers against one entry: one winner per version, and no edit is ever lost."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import Post, Revision, table_of
from tests.conftest import GraphQLClient, TokenMaker
from tests.factories import Factory
from tests.writing import CREATE_POST, UPDATE_POST, count_rows, gid

WRITERS = 8
READ = "query($id: ID!) { post(id: $id) { body(format: MARKDOWN) version } }"


async def _revision_versions(engine: AsyncEngine, pk: int) -> list[int]:
    revisions = table_of(Revision)
    statement = (
        select(revisions.c.version)
        .where(revisions.c.entity_type == "Post", revisions.c.entity_id == pk)
        .order_by(revisions.c.version)
    )
    async with engine.connect() as connection:
        return list((await connection.execute(statement)).scalars())


async def test_same_version_updates_have_exactly_one_winner(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    post = await Factory(engine).post(version=1)
    headers = await token("editor")

    async def update(n: int) -> dict[str, Any]:
        variables = {"id": gid("Post", post), "input": {"title": f"Edit {n}"}, "v": 1}
        result: dict[str, Any] = (await gql.data(UPDATE_POST, variables, headers))["updatePost"]
        return result

    results = await asyncio.gather(*(update(n) for n in range(WRITERS)))

    winners = [r["post"] for r in results if r["post"] is not None]
    codes = sorted(e["code"] for r in results for e in r["userErrors"])
    assert len(winners) == 1
    assert winners[0]["version"] == 2
    assert codes == ["CONFLICT"] * (WRITERS - 1)
    assert await _revision_versions(engine, post["id"]) == [2]


async def test_writers_that_retry_on_conflict_lose_no_edit(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    post = await Factory(engine).post(body="start", version=1)
    headers = await token("editor")
    post_id = gid("Post", post)

    async def append(n: int) -> int:
        attempts = 0
        while True:
            attempts += 1
            current = (await gql.data(READ, {"id": post_id}, headers))["post"]
            body = f"{current['body']}\nline {n}"
            variables = {"id": post_id, "input": {"body": body}, "v": current["version"]}
            result = (await gql.data(UPDATE_POST, variables, headers))["updatePost"]
            if not result["userErrors"]:
                return attempts
            assert [e["code"] for e in result["userErrors"]] == ["CONFLICT"]

    attempts = await asyncio.gather(*(append(n) for n in range(WRITERS)))

    final = (await gql.data(READ, {"id": post_id}, headers))["post"]
    lines = final["body"].splitlines()
    assert lines[0] == "start"
    assert sorted(lines[1:]) == sorted(f"line {n}" for n in range(WRITERS))
    assert final["version"] == 1 + WRITERS
    assert await _revision_versions(engine, post["id"]) == list(range(2, 2 + WRITERS))
    assert sum(attempts) >= WRITERS


async def test_concurrent_creates_of_one_slug_make_one_post_and_say_taken_to_the_rest(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    author = await Factory(engine).author()
    headers = await token("editor")
    post_input = {"slug": "race", "title": "Race", "author": gid("Author", author)}

    async def create() -> dict[str, Any]:
        result: dict[str, Any] = (await gql.data(CREATE_POST, {"input": post_input}, headers))[
            "createPost"
        ]
        return result

    results = await asyncio.gather(*(create() for _ in range(WRITERS)))

    assert sum(r["post"] is not None for r in results) == 1
    refusals = [(e["field"], e["code"]) for r in results for e in r["userErrors"]]
    assert refusals == [(["input", "slug"], "TAKEN")] * (WRITERS - 1)
    assert await count_rows(engine, Post) == 1
