"""A database that is down or behind on migrations: 503 with a code, and recovery by itself.

The app builds its own engine here, as `masthead serve` does. On SQLite the database goes
away by moving its file; on PostgreSQL by cutting a TCP forwarder between the app and the
shared server (which must keep running for other test runs).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.database import create_engine
from masthead.migrations.runner import upgrade
from masthead.resolvers.token import create_token
from masthead.server import create_app
from masthead.settings import Settings
from tests import backends
from tests.factories import Factory
from tests.forwarder import Forwarder
from tests.processes import free_port

TAGS = "{ tags(first: 5) { totalCount edges { node { slug } } } }"
CREATE_TAG = """mutation($input: TagInput!) { createTag(input: $input) {
  tag { slug } userErrors { code } } }"""
UPLOAD = "mutation($file: Upload!) { uploadAsset(file: $file) { asset { id } } }"
# What a driver's or database's message would give away.
LEAKS = ("select", "insert", "sqlite", "asyncpg", "traceback", "[sql", "background on this error")
DEADLINE = 30.0
postgresql_only = pytest.mark.skipif(
    backends.BACKEND != "postgresql", reason="cuts a connection to PostgreSQL"
)


class MovedFile:
    """A SQLite database that goes away by moving its file aside, and comes back."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.aside = path.with_name(f"{path.name}.aside")

    async def stop(self) -> None:
        self.path.rename(self.aside)

    async def start(self) -> None:
        self.aside.rename(self.path)


Switch = Forwarder | MovedFile


@pytest.fixture(autouse=True)
async def aiosqlite_threads_end() -> AsyncIterator[None]:
    """Keep the event loop open until aiosqlite's threads have ended (after every engine's
    `dispose`): a connection that failed to open stops its thread without waiting for it,
    and that thread reports to the loop."""
    yield
    for thread in threading.enumerate():
        if thread.name.endswith("(_connection_worker_thread)"):
            await asyncio.to_thread(thread.join, DEADLINE)


@pytest.fixture
async def switch(settings: Settings) -> AsyncIterator[Switch]:
    """Takes the test's database away (`stop`) and brings it back (`start`)."""
    url = make_url(settings.database_url)
    if backends.BACKEND == "sqlite":
        yield MovedFile(Path(url.database or ""))
        return
    forwarder = Forwarder(url.host or "127.0.0.1", url.port or 5432)
    await forwarder.start()
    yield forwarder
    await forwarder.stop()


@pytest.fixture
def app_settings(settings: Settings, switch: Switch) -> Settings:
    """The test's settings, reaching PostgreSQL through the forwarder."""
    if isinstance(switch, MovedFile):
        return settings
    url = make_url(settings.database_url).set(host="127.0.0.1", port=switch.port)
    return settings.model_copy(update={"database_url": url.render_as_string(hide_password=False)})


@contextlib.asynccontextmanager
async def masthead(settings: Settings, **changes: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its own engine (as `masthead serve` builds it), and a client."""
    app = create_app(settings.model_copy(update=changes))
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
    finally:
        await app.state.engine.dispose()


def assert_unavailable(response: httpx.Response, reason: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"].isdigit()
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE", "reason": reason}
    assert not [leak for leak in LEAKS if leak in response.text.lower()]


async def post(client: httpx.AsyncClient, query: str, **kwargs: Any) -> httpx.Response:
    variables = kwargs.pop("variables", {})
    return await client.post("/graphql", json={"query": query, "variables": variables}, **kwargs)


async def editor(engine: AsyncEngine) -> dict[str, str]:
    _info, secret = await create_token(engine, role="editor")
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("cache_entries", [0, 1000], ids=["executed", "cached"])
async def test_a_database_that_goes_away_answers_503_and_comes_back_without_a_restart(
    app_settings: Settings, switch: Switch, engine: AsyncEngine, cache_entries: int
) -> None:
    await Factory(engine).tag(slug="kept")
    async with masthead(app_settings, response_cache_entries=cache_entries) as client:
        assert (await post(client, TAGS)).status_code == 200
        await switch.stop()

        down = await post(client, TAGS)
        down_by_get = await client.get("/graphql", params={"query": TAGS})
        await switch.start()
        back = await post(client, TAGS)

    assert_unavailable(down, "DATABASE_UNAVAILABLE")
    assert_unavailable(down_by_get, "DATABASE_UNAVAILABLE")
    assert "not reachable" in down.json()["errors"][0]["message"]
    assert back.status_code == 200
    assert back.json()["data"]["tags"]["edges"] == [{"node": {"slug": "kept"}}]


async def test_the_first_request_after_the_database_returns_is_answered(
    app_settings: Settings, switch: Switch
) -> None:
    async with masthead(app_settings) as client:
        assert (await post(client, TAGS)).status_code == 200
        await switch.stop()
        await switch.start()  # no request in between: the pool still holds the old connection
        response = await post(client, TAGS)

    assert response.status_code == 200, response.text


@pytest.mark.skipif(backends.BACKEND != "sqlite", reason="a SQLite file")
async def test_the_server_never_makes_an_empty_database_where_the_file_went_missing(
    app_settings: Settings, switch: MovedFile
) -> None:
    async with masthead(app_settings) as client:
        await switch.stop()
        response = await post(client, TAGS)

    assert_unavailable(response, "DATABASE_UNAVAILABLE")
    assert not switch.path.exists()


async def test_health_and_graphiql_stay_up_and_readiness_says_why_while_the_database_is_down(
    app_settings: Settings, switch: Switch
) -> None:
    async with masthead(app_settings, response_cache_entries=10) as client:
        await switch.stop()
        health, ready = await client.get("/healthz"), await client.get("/readyz")
        graphiql = await client.get("/graphql", headers={"Accept": "text/html"})

    assert health.status_code == 200
    assert graphiql.status_code == 200
    assert ready.status_code == 503
    assert ready.headers["retry-after"].isdigit()
    assert ready.json()["code"] == "DATABASE_UNAVAILABLE"


async def test_a_mutation_while_the_database_is_down_answers_503_and_writes_nothing(
    app_settings: Settings, switch: Switch, engine: AsyncEngine
) -> None:
    headers = await editor(engine)
    async with masthead(app_settings) as client:
        await switch.stop()
        response = await post(
            client,
            CREATE_TAG,
            variables={"input": {"slug": "lost", "name": "Lost"}},
            headers=headers,
        )
        await switch.start()
        after = await post(client, TAGS)

    assert_unavailable(response, "DATABASE_UNAVAILABLE")
    assert after.json()["data"]["tags"]["totalCount"] == 0


async def test_an_upload_while_the_database_is_down_answers_503_and_keeps_no_file(
    app_settings: Settings, switch: Switch, engine: AsyncEngine
) -> None:
    headers = await editor(engine)
    operations = {"query": UPLOAD, "variables": {"file": None}}
    async with masthead(app_settings) as client:
        await switch.stop()
        response = await client.post(
            "/graphql",
            data={"operations": json.dumps(operations), "map": '{"0": ["variables.file"]}'},
            files={"0": ("a.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")},
            headers=headers,
        )

    assert_unavailable(response, "DATABASE_UNAVAILABLE")
    assert _media_files(app_settings) == []


def _media_files(settings: Settings) -> list[Path]:
    media = Path(settings.media_dir)
    return sorted(media.iterdir()) if media.exists() else []


@postgresql_only
async def test_requests_in_flight_when_the_database_stops_each_get_a_503(
    app_settings: Settings, switch: Forwarder
) -> None:
    async with masthead(app_settings) as client:
        assert (await post(client, TAGS)).status_code == 200
        switch.hold()
        in_flight = [asyncio.create_task(post(client, TAGS)) for _ in range(3)]
        await asyncio.wait_for(switch.held_from(3), DEADLINE)
        await switch.stop()
        responses = await asyncio.wait_for(asyncio.gather(*in_flight), DEADLINE)
        await switch.start()
        back = await post(client, TAGS)

    for response in responses:
        assert_unavailable(response, "DATABASE_UNAVAILABLE")
    assert back.status_code == 200


@postgresql_only
async def test_a_mutation_cut_off_before_its_commit_writes_nothing(
    app_settings: Settings, switch: Forwarder, engine: AsyncEngine
) -> None:
    headers = await editor(engine)
    variables = {"input": {"slug": "half", "name": "Half"}}
    async with masthead(app_settings) as client:
        switch.cut_at = b"COMMIT"
        response = await post(client, CREATE_TAG, variables=variables, headers=headers)
        await switch.start()
        after = await post(client, TAGS)
        again = await post(client, CREATE_TAG, variables=variables, headers=headers)

    assert_unavailable(response, "DATABASE_UNAVAILABLE")
    assert after.json()["data"]["tags"]["totalCount"] == 0
    assert again.json()["data"]["createTag"] == {"tag": {"slug": "half"}, "userErrors": []}
    async with engine.connect() as connection:
        tag_ids = (await connection.scalars(sa.text("SELECT id FROM tags"))).all()
        events = await connection.scalar(sa.text("SELECT count(*) FROM events"))
    assert tag_ids == [2]  # the first insert reached the server (it took id 1), then rolled back
    assert events == 1  # the second create's event only


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A database no migration ever ran on: an empty SQLite file, or a new PostgreSQL one."""
    if backends.BACKEND == "sqlite":
        path = tmp_path / "empty.db"
        path.touch()
        yield f"sqlite+aiosqlite:///{path}"
        return
    with backends.empty_postgres_database() as url:
        yield url


async def test_a_database_never_migrated_answers_503_until_it_is(
    settings: Settings, empty_database_url: str
) -> None:
    headers = {"Authorization": "Bearer mh_not_checked_yet"}
    async with masthead(settings, database_url=empty_database_url) as client:
        query = await post(client, TAGS)
        by_get = await client.get("/graphql", params={"query": TAGS})
        mutation = await post(
            client, CREATE_TAG, variables={"input": {"slug": "a", "name": "A"}}, headers=headers
        )
        ready = await client.get("/readyz")
        await asyncio.to_thread(upgrade, empty_database_url)
        after = await post(client, TAGS)

    for response in (query, by_get, mutation):
        assert_unavailable(response, "MIGRATIONS_PENDING")
    assert "masthead migrate" in query.json()["errors"][0]["message"]
    assert (ready.status_code, ready.json()["code"]) == (503, "MIGRATIONS_PENDING")
    assert after.status_code == 200
    assert after.json()["data"]["tags"]["totalCount"] == 0


async def test_a_database_behind_on_migrations_answers_503_until_upgraded(
    settings: Settings, empty_database_url: str
) -> None:
    await asyncio.to_thread(upgrade, empty_database_url, "0002")  # no tokens, no change log
    create = {"input": {"slug": "a", "name": "A"}}
    stale = {"Authorization": "Bearer mh_from_before"}
    changes = {"database_url": empty_database_url, "response_cache_entries": 10}
    async with masthead(settings, **changes) as client:
        query = await post(client, TAGS)  # the response cache reads the change log first
        mutation = await post(client, CREATE_TAG, variables=create, headers=stale)
        await asyncio.to_thread(upgrade, empty_database_url)
        engine = create_engine(url=empty_database_url)
        headers = await editor(engine)
        await engine.dispose()
        after = await post(client, CREATE_TAG, variables=create, headers=headers)
        query_after = await post(client, TAGS)

    assert_unavailable(query, "MIGRATIONS_PENDING")
    assert_unavailable(mutation, "MIGRATIONS_PENDING")
    assert after.json()["data"]["createTag"] == {"tag": {"slug": "a"}, "userErrors": []}
    assert query_after.json()["data"]["tags"]["totalCount"] == 1


@pytest.mark.parametrize("cache_entries", [0, 1000], ids=["executed", "cached"])
async def test_a_missing_table_in_a_current_schema_is_an_internal_error_with_no_sql(
    settings: Settings, empty_database_url: str, cache_entries: int
) -> None:
    await asyncio.to_thread(upgrade, empty_database_url)
    engine = create_engine(url=empty_database_url)
    async with engine.begin() as connection:
        await connection.execute(sa.text("DROP TABLE post_tags"))
        await connection.execute(sa.text("DROP TABLE tags"))
        await connection.execute(sa.text("DROP TABLE events"))
    await engine.dispose()
    changes = {"database_url": empty_database_url, "response_cache_entries": cache_entries}
    async with masthead(settings, **changes) as client:
        response = await post(client, TAGS)

    (error,) = response.json()["errors"]
    assert error["message"] == "Internal server error"
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert response.status_code == (200 if cache_entries == 0 else 500)
    assert not [leak for leak in LEAKS if leak in response.text.lower()]


@contextlib.asynccontextmanager
async def served(settings: Settings, directory: Path) -> AsyncIterator[httpx.AsyncClient]:
    """`masthead.server:create_app` under uvicorn in its own process, and a client for it.

    The test's event loop keeps running while the server stops: the forwarder runs on it.
    """
    port = free_port()
    env = {
        **os.environ,
        "MASTHEAD_DATABASE_URL": settings.database_url,
        "MASTHEAD_MEDIA_DIR": settings.media_dir,
    }
    command = [sys.executable, "-m", "uvicorn", "masthead.server:create_app", "--factory"]
    with (directory / "server.log").open("wb") as log:
        server = await asyncio.create_subprocess_exec(
            *command, "--host", "127.0.0.1", "--port", str(port),
            env=env, cwd=directory, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
                yield client
        finally:
            server.terminate()
            await asyncio.wait_for(server.wait(), DEADLINE)


async def _until_listening(client: httpx.AsyncClient) -> httpx.Response:
    deadline = asyncio.get_running_loop().time() + DEADLINE
    while True:
        try:
            return await client.get("/healthz")
        except httpx.TransportError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.1)  # not listening yet: poll again shortly


async def test_a_server_started_while_the_database_is_down_serves_once_it_is_up(
    app_settings: Settings, switch: Switch, tmp_path: Path
) -> None:
    await switch.stop()
    async with served(app_settings, tmp_path) as client:
        health = await _until_listening(client)
        down = await post(client, TAGS)
        await switch.start()
        up = await post(client, TAGS)

    assert health.status_code == 200
    assert_unavailable(down, "DATABASE_UNAVAILABLE")
    assert up.status_code == 200
    assert up.json()["data"]["tags"]["totalCount"] == 0
