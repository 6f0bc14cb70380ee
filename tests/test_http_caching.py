"""HTTP caching: ETag and 304 on public GETs; answers to tokens are never stored."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import TokenMaker
from tests.factories import Factory
from tests.writing import UPDATE_POST, gid

QUERY = {"query": "{ posts { nodes { title } } }"}


async def test_a_public_get_carries_an_etag_and_revalidates(client: httpx.AsyncClient) -> None:
    first = await client.get("/graphql", params=QUERY)

    assert first.headers["cache-control"] == "public, max-age=0, must-revalidate"
    again = await client.get(
        "/graphql", params=QUERY, headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]


async def test_the_etag_changes_when_the_content_does(
    client: httpx.AsyncClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    post = await Factory(engine).post(title="Before")
    before = await client.get("/graphql", params=QUERY)
    document = {
        "query": UPDATE_POST,
        "variables": {"id": gid("Post", post), "input": {"title": "After"}},
    }
    await client.post("/graphql", json=document, headers=await token("editor"))

    after = await client.get(
        "/graphql", params=QUERY, headers={"If-None-Match": before.headers["etag"]}
    )

    assert after.status_code == 200
    assert after.json()["data"]["posts"]["nodes"] == [{"title": "After"}]
    assert after.headers["etag"] != before.headers["etag"]


async def test_answers_to_a_token_are_private_and_never_stored(
    client: httpx.AsyncClient, token: TokenMaker
) -> None:
    headers = await token("preview")

    got = await client.get("/graphql", params=QUERY, headers=headers)
    posted = await client.post("/graphql", json=QUERY, headers=headers)

    assert got.headers["cache-control"] == posted.headers["cache-control"] == "private, no-store"
    assert "etag" not in got.headers
