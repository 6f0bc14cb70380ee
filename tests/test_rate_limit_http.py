"""Rate limits on /graphql: each answer says what is left, a spent budget is 429
RATE_LIMITED, tokens spend their own budget, and two processes share one budget in Redis."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.database import StatementTally
from masthead.server import create_app
from masthead.settings import Settings
from tests.backends import BACKEND
from tests.conftest import TokenMaker
from tests.processes import free_port, serving
from tests.redis_probe import REDIS_URL, probe

MASTHEAD = Path(sys.executable).parent / "masthead"
BUDGET = 300
# 100 posts: the connection (1) and 100 nodes (1 each), titles free.
COSTLY = {"query": "{ posts(first: 100) { nodes { title } } }"}
COST = 101


@pytest.fixture
async def limited(settings: Settings, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    """The app with a budget of 300 points per minute per caller."""
    app = create_app(settings.model_copy(update={"rate_limit_points": BUDGET}), engine=engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_an_answer_says_what_is_left_of_the_budget(limited: httpx.AsyncClient) -> None:
    response = await limited.post("/graphql", json=COSTLY)

    assert response.status_code == 200
    assert response.json()["extensions"]["cost"]["requested"] == COST
    assert response.headers["RateLimit-Policy"] == f'"cost";q={BUDGET};w=60'
    assert response.headers["RateLimit"].startswith(f'"cost";r={BUDGET - COST};t=')


async def test_a_spent_budget_is_refused_with_429_before_anything_runs(
    limited: httpx.AsyncClient,
) -> None:
    for _ in range(BUDGET // COST):
        assert (await limited.post("/graphql", json=COSTLY)).status_code == 200
    before = StatementTally.total

    refused = await limited.post("/graphql", json=COSTLY)

    assert refused.status_code == 429
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert int(refused.headers["Retry-After"]) >= 1
    assert StatementTally.total == before


async def test_a_token_spends_its_own_budget(limited: httpx.AsyncClient, token: TokenMaker) -> None:
    for _ in range(BUDGET // COST + 1):
        await limited.post("/graphql", json=COSTLY)

    response = await limited.post("/graphql", json=COSTLY, headers=await token("preview"))

    assert response.status_code == 200


async def test_without_a_limit_answers_carry_no_rate_limit_headers(
    client: httpx.AsyncClient, settings: Settings, engine: AsyncEngine
) -> None:
    app = create_app(settings.model_copy(update={"rate_limit_points": 0}), engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as unlimited:
        response = await unlimited.post("/graphql", json=COSTLY)

    assert response.status_code == 200
    assert "RateLimit" not in response.headers


def test_two_processes_share_one_budget_through_redis(tmp_path: Path) -> None:
    if BACKEND == "postgresql":
        pytest.skip("rate limits do not depend on the database: they run in the sqlite pass")
    if not asyncio.run(probe(REDIS_URL)):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URL} and CI requires it")
        pytest.skip(f"Redis is not reachable at {REDIS_URL} (set MASTHEAD_TEST_REDIS_URL)")
    database = tmp_path / "masthead.db"
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith("MASTHEAD_")},
        "MASTHEAD_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "MASTHEAD_RATE_LIMIT_POINTS": str(BUDGET),
        "MASTHEAD_REDIS_URL": REDIS_URL,
        "MASTHEAD_REDIS_PREFIX": f"masthead-test-{uuid.uuid4().hex[:12]}",
        "MASTHEAD_RESPONSE_CACHE_ENTRIES": "0",
    }
    subprocess.run(
        [str(MASTHEAD), "migrate"], env=env, cwd=tmp_path, check=True, capture_output=True
    )
    ports = [free_port(), free_port()]
    first = [str(MASTHEAD), "serve", "--port", str(ports[0])]
    second = [str(MASTHEAD), "serve", "--port", str(ports[1])]
    with serving(first, env=env, cwd=tmp_path), serving(second, env=env, cwd=tmp_path):
        statuses = [
            httpx.post(f"http://127.0.0.1:{ports[turn % 2]}/graphql", json=COSTLY).status_code
            for turn in range(4)
        ]

    assert statuses == [200, 200, 429, 429]
