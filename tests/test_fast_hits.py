"""Cache hits answered before the framework: the same bytes and headers as the full stack."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.database import StatementTally
from masthead.edge.http_caching import etag_of
from masthead.events.bus import Bus
from masthead.server import create_app
from masthead.settings import Settings
from tests.conftest import TokenMaker
from tests.content_tables import small_document
from tests.factories import Factory
from tests.processes import MASTHEAD
from tests.writing import UPDATE_POST

LIST = "{ posts(first: 5) { totalCount nodes { title slug } } }"
ORIGIN = "https://site.example"
ASKED = {"Origin": ORIGIN, "X-Request-Id": "same-id-for-both"}
JSON_BODY = {"Content-Type": "application/json"}
MakeClient = Callable[..., httpx.AsyncClient]


@pytest.fixture
async def cached_app(settings: Settings, engine: AsyncEngine) -> Any:
    """Clients of apps with the cache, CORS and no rate limit (a miss's only extra headers).

    Each app's generation listens to an in-process bus, so on PostgreSQL too a hit is
    known without a statement, as in a server whose bus is connected.
    """
    await Factory(engine).post(title="Fast")
    changed = {"response_cache_entries": 100, "cors_origins": (ORIGIN,), "rate_limit_points": 0}
    clients: list[httpx.AsyncClient] = []

    def make(**more: object) -> httpx.AsyncClient:
        app = create_app(settings.model_copy(update=changed | more), engine=engine)
        app.state.graphql_view.generation.listen(Bus())
        clients.append(httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                         base_url="http://testserver"))  # fmt: skip
        return clients[-1]

    yield make
    for client in clients:
        await client.aclose()


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return [record.facts for record in caplog.records if record.name == "masthead.request"]  # type: ignore[attr-defined]


def _same(first: httpx.Response, second: httpx.Response) -> None:
    assert second.status_code == first.status_code
    assert second.content == first.content
    assert second.headers.multi_items() == first.headers.multi_items()


async def test_a_get_hit_is_the_full_stacks_answer_byte_for_byte(
    cached_app: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = cached_app()
    caplog.set_level(logging.INFO, "masthead.request")
    missed = await client.get("/graphql", params={"query": LIST}, headers=ASKED)
    before = StatementTally.total

    hit = await client.get("/graphql", params={"query": LIST}, headers=ASKED)

    assert StatementTally.total == before
    _same(missed, hit)
    assert "access-control-allow-origin" in hit.headers
    assert _lines(caplog)[-1]["cache"] == "hit"


async def test_a_hit_without_cors_nor_surrogate_keys_is_the_full_stacks_answer(
    cached_app: MakeClient,
) -> None:
    client = cached_app(cors_origins=(), surrogate_key_bytes=0)
    asked = {"Accept": "application/graphql-response+json", "X-Request-Id": "same"}
    missed = await client.get("/graphql", params={"query": LIST}, headers=asked)
    before = StatementTally.total

    hit = await client.get("/graphql", params={"query": LIST}, headers=asked)

    assert StatementTally.total == before
    _same(missed, hit)
    assert "surrogate-key" not in hit.headers


async def test_a_post_hit_is_the_full_stacks_answer_byte_for_byte(
    cached_app: MakeClient,
) -> None:
    client = cached_app()
    missed = await client.post("/graphql", json={"query": LIST}, headers=ASKED)
    before = StatementTally.total

    hit = await client.post("/graphql", json={"query": LIST}, headers=ASKED)

    assert StatementTally.total == before
    _same(missed, hit)


async def test_a_304_hit_is_the_full_stacks_304(cached_app: MakeClient) -> None:
    body = (await cached_app().get("/graphql", params={"query": LIST})).content
    client = cached_app()  # a cold cache: its first answer comes through the stack
    asked = {**ASKED, "If-None-Match": etag_of(body)}
    missed = await client.get("/graphql", params={"query": LIST}, headers=asked)
    before = StatementTally.total

    hit = await client.get("/graphql", params={"query": LIST}, headers=asked)

    assert StatementTally.total == before
    assert missed.status_code == 304
    _same(missed, hit)


async def test_a_refused_request_is_not_answered_from_the_cache(
    cached_app: MakeClient,
) -> None:
    client = cached_app()
    aliased = "{ " + " ".join(f"a{n}: posts(first: 1) {{ totalCount }}" for n in range(31)) + " }"
    await client.get("/graphql", params={"query": aliased})

    again = await client.get("/graphql", params={"query": aliased})

    assert again.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_ALIASES"


async def test_a_body_in_many_parts_and_over_the_keyed_size_reaches_the_app_whole(
    cached_app: MakeClient,
) -> None:
    client = cached_app()
    body = orjson.dumps({"query": LIST, "variables": {"pad": "x" * 100_000}})

    async def parts() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 16_384):
            yield body[start : start + 16_384]

    answer = await client.post("/graphql", content=parts(), headers=JSON_BODY)

    expected = await client.post("/graphql", json={"query": LIST})
    assert answer.json()["data"] == expected.json()["data"]


async def test_an_import_by_another_process_is_seen_by_the_next_request(
    settings: Settings, engine: AsyncEngine, tmp_path: Path
) -> None:
    with_cache = settings.model_copy(update={"response_cache_entries": 100})
    app = create_app(with_cache, engine=engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        before = [(await client.get("/graphql", params={"query": LIST})).json() for _ in "ab"]
        document = tmp_path / "content.json"
        document.write_bytes(orjson.dumps(small_document()))
        env = {**os.environ, "MASTHEAD_DATABASE_URL": settings.database_url}
        importing = await asyncio.create_subprocess_exec(
            str(MASTHEAD), "import", str(document), env=env
        )
        assert await importing.wait() == 0

        after = (await client.get("/graphql", params={"query": LIST})).json()

    assert before[0] == before[1]
    assert after["data"]["posts"]["totalCount"] > before[0]["data"]["posts"]["totalCount"]


async def test_a_write_through_the_api_is_read_at_once(
    cached_app: MakeClient, token: TokenMaker
) -> None:
    client = cached_app()
    query = {"query": "{ posts(first: 1) { nodes { id title } } }"}
    before = [(await client.post("/graphql", json=query)).json() for _ in "ab"]
    post = before[0]["data"]["posts"]["nodes"][0]["id"]
    change = {"query": UPDATE_POST, "variables": {"id": post, "input": {"title": "After"}}}
    await client.post("/graphql", json=change, headers=await token("editor"))

    after = (await client.post("/graphql", json=query)).json()

    assert before[1] == before[0]
    assert after["data"]["posts"]["nodes"][0]["title"] == "After"
