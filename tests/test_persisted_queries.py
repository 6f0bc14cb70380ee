"""Automatic persisted queries over POST and GET: unknown hashes, registration, mismatches,
the store in process and in Redis, a Redis that does not answer, and Apollo Client's link."""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.database import StatementTally
from masthead.edge.persisted_queries import PERSISTED_QUERIES, MemoryDocuments
from masthead.resolvers.core.bounded_cache import ENTRY_BYTES, text_bytes
from tests.conftest import AppClient
from tests.factories import Factory
from tests.node_tools import installed_clients, live_masthead, require_node
from tests.processes import free_port
from tests.redis_probe import REDIS_URL

DOCUMENT = "query Titles { posts(first: 5) { nodes { title } } }"
HASH = hashlib.sha256(DOCUMENT.encode()).hexdigest()
APOLLO_SECONDS = 60


def by_hash(sha256: str = HASH) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256}}


def counted(result: str) -> float:
    value: float = PERSISTED_QUERIES.labels(result)._value.get()  # noqa: SLF001 - its value
    return value


@pytest.fixture
async def content(engine: AsyncEngine) -> None:
    await Factory(engine).post(title="Persisted")


async def test_an_unknown_hash_is_persisted_query_not_found(app_client: AppClient) -> None:
    before = StatementTally.total
    response = await app_client().post("/graphql", json={"extensions": by_hash()})
    body = response.json()
    assert response.status_code == 200
    assert body["errors"][0]["message"] == "PersistedQueryNotFound"
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert response.headers["cache-control"] == "no-store"
    assert StatementTally.total - before <= 1  # at most the response cache's position


async def test_graphql_response_clients_get_404_for_an_unknown_hash(app_client: AppClient) -> None:
    accept = {"Accept": "application/graphql-response+json"}
    response = await app_client().post("/graphql", json={"extensions": by_hash()}, headers=accept)
    assert response.status_code == 404
    assert "data" not in response.json()


async def test_a_document_sent_with_its_hash_is_kept_and_then_found_by_hash(
    app_client: AppClient, content: None
) -> None:
    client = app_client()
    hits = counted("hit")
    first = await client.post("/graphql", json={"query": DOCUMENT, "extensions": by_hash()})
    second = await client.post("/graphql", json={"extensions": by_hash()})
    assert (
        first.json()
        == second.json()
        == {
            "data": {"posts": {"nodes": [{"title": "Persisted"}]}},
            "extensions": first.json()["extensions"],
        }
    )
    assert counted("hit") == hits + 1


async def test_a_persisted_query_runs_over_get_with_cache_headers(
    app_client: AppClient, content: None
) -> None:
    client = app_client()
    await client.post("/graphql", json={"query": DOCUMENT, "extensions": by_hash()})
    params = {"extensions": json.dumps(by_hash()), "operationName": "Titles"}
    response = await client.get("/graphql", params=params, headers={"Accept": "*/*"})
    assert response.status_code == 200
    assert response.json()["data"] == {"posts": {"nodes": [{"title": "Persisted"}]}}
    assert response.headers["cache-control"].startswith("public")
    assert "etag" in response.headers


async def test_an_unknown_hash_over_get_is_not_found_and_not_cached(app_client: AppClient) -> None:
    params = {"extensions": json.dumps(by_hash())}
    response = await app_client().get("/graphql", params=params)
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


async def test_a_document_whose_hash_does_not_match_is_refused_and_not_kept(
    app_client: AppClient, content: None
) -> None:
    client = app_client()
    wrong = hashlib.sha256(b"query { __typename }").hexdigest()
    before = StatementTally.total
    response = await client.post("/graphql", json={"query": DOCUMENT, "extensions": by_hash(wrong)})
    assert StatementTally.total == before
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "does not match" in error["message"]
    again = await client.post("/graphql", json={"extensions": by_hash(wrong)})
    assert again.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize(
    "persisted",
    [{"version": 2, "sha256Hash": HASH}, {"version": 1, "sha256Hash": "abc"}, "yes"],
)
async def test_a_malformed_persisted_query_is_bad_user_input(
    app_client: AppClient, persisted: object
) -> None:
    response = await app_client().post(
        "/graphql", json={"extensions": {"persistedQuery": persisted}}
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_document_over_a_limit_is_refused_and_not_kept(app_client: AppClient) -> None:
    client = app_client(max_aliases=1)
    document = "{ a: __typename b: __typename }"
    sha256 = hashlib.sha256(document.encode()).hexdigest()
    refused = await client.post("/graphql", json={"query": document, "extensions": by_hash(sha256)})
    assert refused.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_ALIASES"
    again = await client.post("/graphql", json={"extensions": by_hash(sha256)})
    assert again.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_document_id_finds_a_kept_document(app_client: AppClient, content: None) -> None:
    client = app_client()
    await client.post("/graphql", json={"query": DOCUMENT, "extensions": by_hash()})
    for document_id in (HASH, f"sha256:{HASH}"):
        response = await client.post("/graphql", json={"documentId": document_id})
        assert response.json()["data"] == {"posts": {"nodes": [{"title": "Persisted"}]}}
        response = await client.get("/graphql", params={"documentId": document_id})
        assert response.json()["data"] == {"posts": {"nodes": [{"title": "Persisted"}]}}


async def test_persisted_queries_switched_off_keep_nothing(
    app_client: AppClient, content: None
) -> None:
    client = app_client(persisted_queries=False)
    first = await client.post("/graphql", json={"query": DOCUMENT, "extensions": by_hash()})
    assert "errors" not in first.json()
    again = await client.post("/graphql", json={"extensions": by_hash()})
    assert again.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_the_store_in_process_forgets_the_least_recently_used_beyond_its_size() -> None:
    one = ENTRY_BYTES + text_bytes("a", "12345")
    store = MemoryDocuments(max_bytes=2 * one)
    await store.put("a", "12345")
    await store.put("b", "12345")
    assert await store.get("a") == "12345"  # now the most recently used
    await store.put("c", "12345")
    assert (await store.get("a"), await store.get("b"), await store.get("c")) == (
        "12345",
        None,
        "12345",
    )
    assert (store.documents.bytes, len(store.documents)) == (2 * one, 2)


async def test_apps_on_one_redis_share_their_persisted_queries(
    app_client: AppClient, content: None, redis_prefix: str
) -> None:
    first, second = (app_client(redis_url=REDIS_URL, redis_prefix=redis_prefix) for _ in range(2))
    await first.post("/graphql", json={"query": DOCUMENT, "extensions": by_hash()})
    response = await second.post("/graphql", json={"extensions": by_hash()})
    assert response.json()["data"] == {"posts": {"nodes": [{"title": "Persisted"}]}}


async def test_a_redis_that_does_not_answer_serves_documents_sent_in_full(
    app_client: AppClient, content: None, caplog: pytest.LogCaptureFixture
) -> None:
    client = app_client(redis_url=f"redis://127.0.0.1:{free_port()}/0", rate_limit_points=0)
    errors = counted("store_error")
    with caplog.at_level(logging.WARNING, logger="masthead.persisted_queries"):
        by_hash_only = await client.post("/graphql", json={"extensions": by_hash()})
        in_full = await client.post("/graphql", json={"query": DOCUMENT, "extensions": by_hash()})
    code = by_hash_only.json()["errors"][0]["extensions"]["code"]
    assert code == "PERSISTED_QUERY_NOT_FOUND"
    assert in_full.json()["data"] == {"posts": {"nodes": [{"title": "Persisted"}]}}
    assert counted("store_error") == errors + 2
    assert "persisted query store unavailable" in caplog.text


@pytest.mark.parametrize("accept", ["*/*", "application/graphql-response+json"])
def test_apollo_clients_persisted_query_link_sends_hashes_after_one_miss(
    pytestconfig: pytest.Config, tmp_path: Path, accept: str
) -> None:
    node, npm = require_node()
    clients = installed_clients(pytestconfig.cache, npm)

    with live_masthead(tmp_path) as url:
        done = subprocess.run(
            [node, clients / "apollo_apq.mjs", url, accept],
            capture_output=True,
            text=True,
            timeout=APOLLO_SECONDS,
            check=False,
        )

    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    miss_status = 404 if accept.startswith("application/graphql-response") else 200
    assert seen["exchanges"] == [
        {
            "method": "GET",
            "sentQuery": False,
            "status": miss_status,
            "code": "PERSISTED_QUERY_NOT_FOUND",
        },
        {"method": "POST", "sentQuery": True, "status": 200, "code": None},
        {"method": "GET", "sentQuery": False, "status": 200, "code": None},
    ]
    assert seen["results"] == [0, 0]  # both answered, from a new and empty database
