"""The benchmark's hand-written SQL floor returns exactly Masthead's data for each example,
on each backend, so the two are compared on the same work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import orjson
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.floor import create_app
from bench.floor_pg import create_app as create_pg_app
from bench.json_in_database import PAGES, connect, page_json
from bench.queries import load_examples, request_body
from masthead.models import ContentStatus
from tests import backends
from tests.conftest import GraphQLClient
from tests.factories import Factory

EXAMPLES = {example.name: example for example in load_examples()}


async def _content(engine: AsyncEngine) -> None:
    """What the examples' variables name, visible and hidden, with avatars, covers, tags
    in editor order, a translation, pages and search hits of every type."""
    factory = Factory(engine)
    python = await factory.tag(slug="python", name="Python", description="Python posts")
    databases = await factory.tag(slug="databases", name="Databases")
    web = await factory.tag(slug="web", name="Web")
    with_avatar = await factory.author(
        avatar_id=(await factory.asset())["id"], name="Python Pat", bio="Python and data."
    )
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(8):
        await factory.post(
            slug="welcome-to-masthead" if n == 0 else f"post-{n}",
            title=f"Big data in Python {n}" if n % 2 else f"Notes {n}",
            author_id=with_avatar["id"] if n % 2 == 0 else (await factory.author())["id"],
            tags=[python, databases, web][n % 3 :] + [python, databases, web][: n % 3],
            cover_image_id=(await factory.asset())["id"] if n % 3 else None,
            published_at=start + timedelta(days=n),
        )
    await factory.post(status=ContentStatus.DRAFT, title="Hidden data Python", tags=[python])
    future = datetime.now(UTC) + timedelta(days=1)
    await factory.post(
        status=ContentStatus.SCHEDULED, published_at=future, title="Future Python data"
    )
    await factory.page(title="About Python", body="We write Python.")


@pytest.mark.parametrize("name", list(EXAMPLES))
async def test_floor_answers_each_example_with_mastheads_data(
    gql: GraphQLClient, engine: AsyncEngine, database_url: str, name: str
) -> None:
    await _content(engine)
    example = EXAMPLES[name]
    expected = await gql.data(example.query, example.variables)
    assert all(value is not None for value in expected.values()), expected

    if backends.BACKEND == "sqlite":
        floor = create_app(Path(make_url(database_url).database or ""))
    else:
        floor = create_pg_app(database_url, pool_size=2)
    transport = httpx.ASGITransport(app=floor)
    async with (
        floor.router.lifespan_context(floor),
        httpx.AsyncClient(transport=transport, base_url="http://floor") as client,
    ):
        response = await client.post(f"/graphql?q={name}", content=request_body(example))

    assert response.json() == {"data": expected}


@pytest.mark.skipif(backends.BACKEND != "sqlite", reason="SQLite's JSON functions")
@pytest.mark.parametrize("name", list(PAGES))
async def test_a_page_built_as_json_by_sqlite_is_mastheads_data(
    gql: GraphQLClient, engine: AsyncEngine, database_url: str, name: str
) -> None:
    await _content(engine)
    example = EXAMPLES[name]
    expected = await gql.data(example.query, example.variables)

    connection = connect(make_url(database_url).database or "")
    try:
        text = page_json(connection, name, example.variables)
    finally:
        connection.close()

    assert all(value for value in expected.values()), expected
    assert text == orjson.dumps({"data": expected})
