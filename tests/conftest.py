"""Fixtures: a fresh database per test on the chosen backend, the ASGI app and a client."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from coredis import ConnectionPool, Redis
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from masthead.database import StatementTally, create_engine
from masthead.resolvers.token import create_token
from masthead.server import create_app
from masthead.settings import Settings
from tests import backends
from tests.installed import Installed, build_and_install
from tests.redis_probe import REDIS_URL, probe


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path | str]:
    """Migrated once per session: a SQLite file to copy, or a PostgreSQL database URL."""
    if backends.BACKEND == "postgresql":
        with backends.postgres_database() as url:
            yield url
    else:
        with backends.sqlite_template(tmp_path_factory.mktemp("template")) as path:
            yield path


@pytest.fixture
async def database_url(database_template: Path | str, tmp_path: Path) -> str:
    """A clean, migrated database for one test."""
    if isinstance(database_template, Path):
        return backends.sqlite_copy(database_template, tmp_path)
    engine = create_engine(url=database_template)
    await backends.truncate_all(engine)
    await engine.dispose()
    return database_template


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings pointing at this test's database."""
    # Factories write rows directly, behind the change log that keeps cached answers fresh:
    # the response cache has tests of its own (test_response_cache.py).
    return Settings(
        database_url=database_url, media_dir=str(tmp_path / "media"), response_cache_entries=0
    )


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """The engine for this test's database."""
    engine = create_engine(settings)
    yield engine
    await engine.dispose()


AppClient = Callable[..., httpx.AsyncClient]


@pytest.fixture
async def app_client(settings: Settings, engine: AsyncEngine) -> AsyncIterator[AppClient]:
    """Clients of the real ASGI app in-process, built with the test's settings changed as
    given (`app_client(max_aliases=1)`); afterwards each client and its app's connections
    to Redis are closed, as the app's lifespan would close them."""
    made: list[tuple[Starlette, httpx.AsyncClient]] = []

    def make(**changes: Any) -> httpx.AsyncClient:
        app = create_app(settings.model_copy(update=changes), engine=engine)
        transport = httpx.ASGITransport(app=app)
        made.append((app, httpx.AsyncClient(transport=transport, base_url="http://testserver")))
        return made[-1][1]

    yield make
    for app, client in made:
        await client.aclose()
        app.state.graphql_view.close()


@pytest.fixture
def client(app_client: AppClient) -> httpx.AsyncClient:
    """An HTTP client speaking to the real ASGI app in-process."""
    return app_client()


class GraphQLClient:
    """Posts GraphQL documents and counts the SQL statements each one issued."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.last_statements = 0

    async def query(
        self,
        document: str,
        variables: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """The JSON response to one document (data and errors)."""
        before = StatementTally.total
        response = await self.client.post(
            "/graphql", json={"query": document, "variables": variables or {}}, headers=headers
        )
        self.last_statements = StatementTally.total - before
        body: dict[str, Any] = response.json()
        return body

    async def data(
        self,
        document: str,
        variables: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """The `data` of a response that must have no errors."""
        body = await self.query(document, variables, headers)
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    """A GraphQL client on the app."""
    return GraphQLClient(client)


TokenMaker = Callable[..., Awaitable[dict[str, str]]]


@pytest.fixture
def token(engine: AsyncEngine) -> TokenMaker:
    """Makes a real API token for a role and returns the request headers that carry it."""

    async def make(role: str, author_slug: str | None = None) -> dict[str, str]:
        _info, secret = await create_token(engine, role=role, author_slug=author_slug)
        return {"Authorization": f"Bearer {secret}"}

    return make


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel built from this checkout, installed into a fresh environment (once)."""
    return build_and_install(tmp_path_factory.mktemp("installed"))


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A key prefix of this test's own on the machine's Redis, its keys deleted afterwards."""
    if backends.BACKEND == "postgresql":
        pytest.skip("what Redis keeps does not depend on the database: the sqlite pass tests it")
    if not await probe(REDIS_URL):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URL} and CI requires it")
        pytest.skip(f"Redis is not reachable at {REDIS_URL} (set MASTHEAD_TEST_REDIS_URL)")
    prefix = f"masthead-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    pool: ConnectionPool = ConnectionPool.from_url(REDIS_URL)
    client = Redis(connection_pool=pool)
    keys: list[str | bytes] = [key async for key in client.scan_iter(match=f"{prefix}*")]
    if keys:
        await client.delete(keys)
    pool.disconnect()
