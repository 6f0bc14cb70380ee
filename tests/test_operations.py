"""Health, readiness and metrics endpoints."""

from __future__ import annotations

import httpx
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
