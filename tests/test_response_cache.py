"""The public response cache: reused while nothing changes, never stale, never for tokens."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.database import StatementTally
from masthead.interchange import import_document
from masthead.models import ContentStatus
from masthead.server import create_app
from masthead.settings import Settings
from tests import backends
from tests.conftest import GraphQLClient, TokenMaker
from tests.content_tables import small_document
from tests.factories import Factory
from tests.test_publishing import NOW, Clock
from tests.writing import PUBLISH_POST, UNPUBLISH_POST, UPDATE_POST, gid

LIST = "{ posts(first: 50) { totalCount nodes { title } } }"
# What a hit costs: nothing on SQLite (its change counter says whether content changed);
# on PostgreSQL without the event bus (no lifespan here), the change-log check.
HIT_STATEMENTS = 0 if backends.BACKEND == "sqlite" else 1


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def cached(
    settings: Settings, engine: AsyncEngine, clock: Clock
) -> AsyncIterator[GraphQLClient]:
    with_cache = settings.model_copy(update={"response_cache_entries": 100})
    transport = httpx.ASGITransport(app=create_app(with_cache, engine=engine, clock=clock))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield GraphQLClient(client)


async def test_a_repeated_public_query_is_answered_from_the_cache(
    cached: GraphQLClient, engine: AsyncEngine
) -> None:
    await Factory(engine).post(title="Cached", published_at=NOW - timedelta(days=1))
    first = await cached.data(LIST)
    missed = cached.last_statements

    second = await cached.data(LIST)

    assert second == first
    assert missed > 2
    assert cached.last_statements == HIT_STATEMENTS


async def test_a_write_through_the_api_is_seen_at_once(
    cached: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    post = await Factory(engine).post(title="Before", published_at=NOW - timedelta(days=1))
    assert (await cached.data(LIST))["posts"]["nodes"] == [{"title": "Before"}]

    await cached.data(UPDATE_POST, {"id": gid("Post", post), "input": {"title": "After"}},
                      await token("editor"))  # fmt: skip

    assert (await cached.data(LIST))["posts"]["nodes"] == [{"title": "After"}]


async def test_an_unpublished_post_leaves_cached_answers_at_once(
    cached: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    post = await Factory(engine).post(title="Live", published_at=NOW - timedelta(days=1))
    assert (await cached.data(LIST))["posts"]["totalCount"] == 1

    await cached.data(UNPUBLISH_POST, {"id": gid("Post", post)}, await token("editor"))

    assert (await cached.data(LIST))["posts"] == {"totalCount": 0, "nodes": []}


async def test_a_scheduled_post_appears_on_time_in_a_cached_answer(
    cached: GraphQLClient, engine: AsyncEngine, token: TokenMaker, clock: Clock
) -> None:
    post = await Factory(engine).post(title="Soon", status=ContentStatus.DRAFT, published_at=None)
    at = NOW + timedelta(hours=2)
    await cached.data(PUBLISH_POST, {"id": gid("Post", post), "at": at.isoformat()},
                      await token("editor"))  # fmt: skip
    assert (await cached.data(LIST))["posts"]["totalCount"] == 0
    clock.now = at - timedelta(seconds=1)
    assert (await cached.data(LIST))["posts"]["totalCount"] == 0
    assert cached.last_statements == HIT_STATEMENTS

    clock.now = at

    assert (await cached.data(LIST))["posts"]["nodes"] == [{"title": "Soon"}]


async def test_requests_with_a_token_are_never_cached_nor_served_from_the_cache(
    cached: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    await Factory(engine).post(title="Draft", status=ContentStatus.DRAFT, published_at=None)
    preview = await token("preview")

    seen_by_preview = await cached.data(LIST, headers=preview)
    seen_by_public = await cached.data(LIST)

    assert seen_by_preview["posts"]["nodes"] == [{"title": "Draft"}]
    assert seen_by_public["posts"] == {"totalCount": 0, "nodes": []}
    assert (await cached.data(LIST, headers=preview))["posts"]["totalCount"] == 1


async def test_an_import_refreshes_cached_answers(
    cached: GraphQLClient, engine: AsyncEngine
) -> None:
    assert (await cached.data(LIST))["posts"]["totalCount"] == 0

    await import_document(engine, small_document())

    assert (await cached.data(LIST))["posts"]["totalCount"] > 0


async def test_errors_are_not_cached(cached: GraphQLClient) -> None:
    bad = '{ posts { totalCount } post(slug: "a", id: "b") { title } }'  # the lookup is refused
    await cached.query(bad)

    await cached.query(bad)

    assert cached.last_statements > 1


async def test_an_answer_is_cached_once_per_media_type(cached: GraphQLClient) -> None:
    graphql_response, json = "application/graphql-response+json", "application/json"
    seen = []
    for accept in [graphql_response, json, graphql_response, json, "*/*"]:
        before = StatementTally.total
        response = await cached.client.get(
            "/graphql", params={"query": LIST}, headers={"Accept": accept}
        )
        seen.append(
            (response.headers["content-type"], StatementTally.total - before == HIT_STATEMENTS)
        )

    cached_or_not = [(graphql_response, False), (json, False), (graphql_response, True)]
    assert seen == [*cached_or_not, (json, True), (json, True)]
