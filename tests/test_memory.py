"""Every cache keeps at most its bytes, and `/metrics` says how much each one holds."""

from __future__ import annotations

import hashlib
import platform
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import text

from masthead.database import create_engine
from masthead.edge.memory import limit_malloc_arenas
from masthead.settings import Settings
from tests import backends
from tests.conftest import AppClient, GraphQLClient

Masthead = Callable[..., Any]


@pytest.fixture
def masthead(app_client: AppClient) -> Masthead:
    """A client on an app with some settings changed."""

    @asynccontextmanager
    async def make(**changes: Any) -> AsyncIterator[GraphQLClient]:
        yield GraphQLClient(app_client(**changes))

    return make


async def gauges(gql: GraphQLClient, cache: str) -> tuple[int, int, int]:
    """A cache's bytes, entries and bound in bytes, as `/metrics` shows them."""
    exposition = (await gql.client.get("/metrics")).text

    def read(name: str) -> int:
        found = re.search(rf'^{name}{{cache="{cache}"}} (\S+)$', exposition, re.MULTILINE)
        assert found is not None, f"{name} of {cache} missing"
        return int(float(found.group(1)))

    return (
        read("masthead_cache_bytes"),
        read("masthead_cache_entries"),
        read("masthead_cache_max_bytes"),
    )


def gauge(exposition: str, name: str) -> float:
    """The value of a gauge without labels."""
    found = re.search(rf"^{name} (\S+)$", exposition, re.MULTILINE)
    assert found is not None, f"{name} missing"
    return float(found.group(1))


async def test_the_response_cache_keeps_answers_up_to_its_bytes(masthead: Masthead) -> None:
    async with masthead(response_cache_entries=1000, response_cache_bytes=5000) as gql:
        for n in range(30):
            await gql.data(f"{{ posts {{ totalCount }} n{n}: __typename }}")
        held, entries, bound = await gauges(gql, "response")
        await gql.data("{ posts { totalCount } n29: __typename }")
        newest = gql.last_statements
        await gql.data("{ posts { totalCount } n0: __typename }")

    assert (bound, 0 < held <= bound, 0 < entries < 30) == (5000, True, True)
    # A hit: no statement on SQLite, the change-log check on PostgreSQL (no bus here).
    hit = 0 if backends.BACKEND == "sqlite" else 1
    assert (newest, gql.last_statements > 1) == (hit, True)  # the oldest answer was forgotten


async def test_an_answer_larger_than_the_response_cache_is_served_not_kept(
    masthead: Masthead,
) -> None:
    async with masthead(response_cache_entries=1000, response_cache_bytes=400) as gql:
        await gql.data("{ posts { totalCount } }")
        await gql.data("{ posts { totalCount } }")

        assert gql.last_statements > 1
        assert await gauges(gql, "response") == (0, 0, 400)


async def test_parsed_and_checked_documents_are_kept_up_to_their_bytes(
    masthead: Masthead,
) -> None:
    padding = "# " + "x" * 400 + "\n"
    async with masthead(document_cache_bytes=100_000) as gql:
        for n in range(40):
            await gql.data(f"{padding}{{ posts {{ totalCount }} n{n}: __typename }}")
        sizes = [await gauges(gql, name) for name in ("documents", "document_checks")]

    for held, entries, bound in sizes:
        assert (bound, 0 < held <= bound, 0 < entries < 40) == (100_000, True, True)


async def test_persisted_queries_are_kept_up_to_their_bytes(masthead: Masthead) -> None:
    async with masthead(persisted_query_bytes=3000) as gql:
        for n in range(20):
            document = f"{{ posts {{ totalCount }} n{n}: __typename }}"
            sha256 = hashlib.sha256(document.encode()).hexdigest()
            persisted = {"persistedQuery": {"version": 1, "sha256Hash": sha256}}
            body = {"query": document, "extensions": persisted}
            assert (await gql.client.post("/graphql", json=body)).status_code == 200
        held, entries, bound = await gauges(gql, "persisted_queries")

    assert (bound, 0 < held <= bound, 0 < entries < 20) == (3000, True, True)


@pytest.mark.skipif(backends.BACKEND != "sqlite", reason="SQLite's own page cache")
async def test_each_sqlite_connection_caches_at_most_its_kib(settings: Settings) -> None:
    engine = create_engine(settings.model_copy(update={"sqlite_cache_kib": 512}))
    async with engine.connect() as connection:
        cache_size = await connection.scalar(text("PRAGMA cache_size"))
    await engine.dispose()

    assert cache_size == -512


@pytest.mark.skipif(backends.BACKEND != "sqlite", reason="SQLite's memory in this process")
async def test_metrics_show_the_memory_sqlite_holds(gql: GraphQLClient) -> None:
    await gql.data("{ posts { totalCount } }")
    exposition = (await gql.client.get("/metrics")).text

    assert gauge(exposition, "masthead_sqlite_memory_bytes") > 0
    assert gauge(exposition, "masthead_sql_compiled_statements") > 0


@pytest.mark.skipif(backends.BACKEND != "postgresql", reason="asyncpg's prepared statements")
async def test_metrics_show_the_statements_postgresql_connections_keep(
    gql: GraphQLClient,
) -> None:
    await gql.data("{ posts { totalCount } }")
    exposition = (await gql.client.get("/metrics")).text

    assert gauge(exposition, "masthead_sql_prepared_statements") > 0
    assert gauge(exposition, "masthead_sql_compiled_statements") > 0
    assert "masthead_sqlite_memory_bytes" not in exposition


def test_malloc_keeps_to_two_arenas_unless_malloc_arena_max_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert limit_malloc_arenas() is (platform.libc_ver()[0] == "glibc")

    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is False
