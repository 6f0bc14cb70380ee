"""CORS: listed origins may call `/graphql` from a browser; no other origin hears a word."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.server import create_app
from masthead.settings import Settings, SettingsError, get_settings

LISTED = "https://app.example.com"
ALSO_LISTED = "http://localhost:3000"
UNLISTED = "https://evil.example.net"
QUERY = {"query": "{ posts { totalCount } }"}
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type",
}


async def _client(settings: Settings, engine: AsyncEngine, origins: str) -> httpx.AsyncClient:
    changed = Settings.model_validate({**settings.model_dump(), "cors_origins": origins})
    transport = httpx.ASGITransport(app=create_app(changed, engine=engine))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
async def cors(settings: Settings, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app with two listed origins."""
    async with await _client(settings, engine, f"{LISTED}, {ALSO_LISTED}/") as client:
        yield client


def _cors_headers(response: httpx.Response) -> dict[str, str]:
    return {
        name: value
        for name, value in response.headers.items()
        if name.startswith("access-control-")
    }


async def test_a_listed_origins_preflight_allows_post_get_and_the_token(
    cors: httpx.AsyncClient,
) -> None:
    response = await cors.options("/graphql", headers={"Origin": LISTED, **PREFLIGHT})

    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == LISTED
    methods = {m.strip() for m in response.headers["access-control-allow-methods"].split(",")}
    assert {"GET", "POST"} <= methods
    headers = response.headers["access-control-allow-headers"].lower()
    assert {"authorization", "content-type"} <= {h.strip() for h in headers.split(",")}
    assert int(response.headers["access-control-max-age"]) >= 600
    assert "Origin" in response.headers["vary"]
    assert "access-control-allow-credentials" not in response.headers


async def test_an_origin_listed_with_a_trailing_slash_is_allowed(
    cors: httpx.AsyncClient,
) -> None:
    response = await cors.options("/graphql", headers={"Origin": ALSO_LISTED, **PREFLIGHT})

    assert response.headers["access-control-allow-origin"] == ALSO_LISTED


async def test_an_unlisted_origins_preflight_gets_no_cors_headers(
    cors: httpx.AsyncClient,
) -> None:
    response = await cors.options("/graphql", headers={"Origin": UNLISTED, **PREFLIGHT})

    assert response.status_code == 403
    assert _cors_headers(response) == {}


async def test_a_listed_origins_post_is_readable_with_its_headers(cors: httpx.AsyncClient) -> None:
    response = await cors.post("/graphql", json=QUERY, headers={"Origin": LISTED})

    assert response.json()["data"] == {"posts": {"totalCount": 0}}
    assert response.headers["access-control-allow-origin"] == LISTED
    exposed = {h.strip() for h in response.headers["access-control-expose-headers"].split(",")}
    assert {"ETag", "Retry-After", "RateLimit", "RateLimit-Policy"} <= exposed
    assert "Origin" in response.headers["vary"]


async def test_a_listed_origins_get_keeps_the_caching_vary(cors: httpx.AsyncClient) -> None:
    response = await cors.get("/graphql", params=QUERY, headers={"Origin": LISTED})

    assert response.headers["access-control-allow-origin"] == LISTED
    assert "etag" in response.headers
    vary = {part.strip() for part in response.headers["vary"].split(",")}
    assert {"Accept", "Authorization", "Origin"} <= vary


async def test_an_unlisted_origins_post_gets_no_cors_headers(cors: httpx.AsyncClient) -> None:
    response = await cors.post("/graphql", json=QUERY, headers={"Origin": UNLISTED})

    assert _cors_headers(response) == {}
    assert "Origin" in response.headers["vary"]


async def test_a_request_without_origin_varies_by_origin(cors: httpx.AsyncClient) -> None:
    response = await cors.get("/graphql", params=QUERY)

    assert _cors_headers(response) == {}
    assert "Origin" in response.headers["vary"]


async def test_without_listed_origins_there_are_no_cors_headers(
    client: httpx.AsyncClient,
) -> None:
    preflight = await client.options("/graphql", headers={"Origin": LISTED, **PREFLIGHT})
    post = await client.post("/graphql", json=QUERY, headers={"Origin": LISTED})

    assert _cors_headers(preflight) == {}
    assert _cors_headers(post) == {}
    assert "origin" not in post.headers.get("vary", "").lower()


async def test_a_star_allows_every_origin(settings: Settings, engine: AsyncEngine) -> None:
    async with await _client(settings, engine, "*") as client:
        preflight = await client.options("/graphql", headers={"Origin": UNLISTED, **PREFLIGHT})
        post = await client.post("/graphql", json=QUERY, headers={"Origin": UNLISTED})

    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    assert post.headers["access-control-allow-origin"] == "*"


def test_origins_are_read_comma_separated_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MASTHEAD_CORS_ORIGINS", f" {LISTED} ,{ALSO_LISTED}")

    assert Settings().cors_origins == (LISTED, ALSO_LISTED)


@pytest.mark.parametrize("origins", ["https://app.example.com/path", "app.example.com", "*, x"])
def test_an_origin_that_is_not_one_is_a_settings_error(
    monkeypatch: pytest.MonkeyPatch, origins: str
) -> None:
    monkeypatch.setenv("MASTHEAD_CORS_ORIGINS", origins)
    get_settings.cache_clear()

    with pytest.raises(SettingsError, match="MASTHEAD_CORS_ORIGINS must be"):
        get_settings()
    get_settings.cache_clear()
