"""Health, readiness and metrics endpoints, and refusals at the HTTP level."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import GraphQLClient


async def test_healthz_answers_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_is_ready_on_a_migrated_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


async def test_readyz_is_unavailable_when_the_schema_is_behind(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    async with engine.begin() as connection:
        await connection.execute(sa.text("UPDATE alembic_version SET version_num = 'old'"))
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert "masthead migrate" in response.json()["reason"]


async def test_metrics_export_statements_requests_and_latency(
    client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    await gql.data("{ posts { totalCount } }")
    text = (await client.get("/metrics")).text
    assert "masthead_sql_statements_total{" in text
    assert 'masthead_http_requests_total{path="/graphql",status="200"}' in text
    assert 'masthead_http_request_duration_seconds_bucket{le="0.001",path="/graphql"}' in text


@pytest.mark.parametrize(
    ("request_kwargs", "status", "code"),
    [
        (
            {"json": {"query": "query A { tags { totalCount } }", "operationName": "B"}},
            400,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        (
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
            400,
            "BAD_USER_INPUT",
        ),
        ({"json": {"variables": {}}}, 400, "BAD_USER_INPUT"),
        (
            {"content": b"query={}", "headers": {"content-type": "text/plain"}},
            400,
            "BAD_USER_INPUT",
        ),
    ],
    ids=["unknown-operation", "broken-json", "no-query", "text-plain"],
)
async def test_requests_refused_before_execution_are_graphql_errors_with_a_code(
    client: httpx.AsyncClient, request_kwargs: dict[str, Any], status: int, code: str
) -> None:
    response = await client.post("/graphql", **request_kwargs)

    assert response.status_code == status
    body = response.json()
    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == [code]
    assert body["errors"][0]["message"]
