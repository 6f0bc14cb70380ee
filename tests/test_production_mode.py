"""Production mode: introspection, "Did you mean" and GraphiQL off unless switched back on."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest

from masthead.cli.main import main
from masthead.schema.root import build_schema
from masthead.settings import Settings
from tests.conftest import AppClient

INTROSPECTION = "{ __schema { queryType { name } } }"
MISSPELLED_FIELD = "{ postz { totalCount } }"  # the schema has `posts`
MISSPELLED_ARGUMENT = "{ posts(firts: 5) { totalCount } }"  # `first`
WHERE_VARIABLE = "query ($where: PostWhere) { posts(where: $where) { totalCount } }"
MISSPELLED_WHERE = {"where": {"titel": {"eq": "x"}}}  # `title`

ClientFor = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def client_for(app_client: AppClient) -> ClientFor:
    """A client of the app built with the test's settings changed as given."""

    @asynccontextmanager
    async def make(**changes: Any) -> AsyncIterator[httpx.AsyncClient]:
        yield app_client(**changes)

    return make


async def _post(client_for: ClientFor, query: str, **changes: Any) -> dict[str, Any]:
    async with client_for(**changes) as client:
        response = await client.post("/graphql", json={"query": query})
    body: dict[str, Any] = response.json()
    return body


async def _messages(client_for: ClientFor, query: str, **changes: Any) -> list[str]:
    async with client_for(**changes) as client:
        body = {"query": query, "variables": MISSPELLED_WHERE if "$where" in query else {}}
        response = await client.post("/graphql", json=body)
    return [error["message"] for error in response.json()["errors"]]


async def test_introspection_is_refused_in_production(client_for: ClientFor) -> None:
    body = await _post(client_for, INTROSPECTION, env="production")

    (error,) = body["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert (
        error["message"]
        == "Introspection is turned off on this server: the query asks for `__schema`."
    )
    assert body.get("data") is None


async def test_a_type_lookup_is_introspection_too(client_for: ClientFor) -> None:
    body = await _post(client_for, '{ __type(name: "Post") { name } }', env="production")

    assert [e["extensions"]["code"] for e in body["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]
    assert "`__type`" in body["errors"][0]["message"]


async def test_typename_still_answers_in_production(client_for: ClientFor) -> None:
    body = await _post(client_for, "{ __typename }", env="production")

    assert "errors" not in body
    assert body["data"] == {"__typename": "Query"}


async def test_introspection_answers_in_development(client_for: ClientFor) -> None:
    body = await _post(client_for, INTROSPECTION, env="development")

    assert "errors" not in body
    assert body["data"] == {"__schema": {"queryType": {"name": "Query"}}}


async def test_introspection_can_be_turned_back_on_in_production(client_for: ClientFor) -> None:
    body = await _post(client_for, INTROSPECTION, env="production", introspection=True)

    assert "errors" not in body
    assert body["data"] == {"__schema": {"queryType": {"name": "Query"}}}


async def test_introspection_can_be_turned_off_in_development(client_for: ClientFor) -> None:
    body = await _post(client_for, INTROSPECTION, env="development", introspection=False)

    assert [e["extensions"]["code"] for e in body["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]


@pytest.mark.parametrize("query", [MISSPELLED_FIELD, MISSPELLED_ARGUMENT, WHERE_VARIABLE])
async def test_development_suggests_what_was_meant(client_for: ClientFor, query: str) -> None:
    messages = await _messages(client_for, query, env="development")

    assert any("Did you mean" in message for message in messages), messages


@pytest.mark.parametrize("query", [MISSPELLED_FIELD, MISSPELLED_ARGUMENT, WHERE_VARIABLE])
async def test_production_suggests_nothing(client_for: ClientFor, query: str) -> None:
    messages = await _messages(client_for, query, env="production")

    assert messages
    assert not any("Did you mean" in message for message in messages), messages


async def test_suggestions_can_be_turned_back_on_in_production(client_for: ClientFor) -> None:
    messages = await _messages(
        client_for, MISSPELLED_FIELD, env="production", field_suggestions=True
    )

    assert messages == [
        "Cannot query field 'postz' on type 'Query'. Did you mean 'post' or 'posts'?"
    ]


async def test_suggestions_can_be_turned_off_in_development(client_for: ClientFor) -> None:
    messages = await _messages(
        client_for, WHERE_VARIABLE, env="development", field_suggestions=False
    )

    assert messages
    assert not any("Did you mean" in message for message in messages), messages


async def test_graphiql_is_off_in_production(client_for: ClientFor) -> None:
    async with client_for(env="production") as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})
        asset = await client.get("/graphiql/assets/masthead-graphiql.js")

    assert page.status_code == 400
    assert page.headers["content-type"] == "application/json"
    assert page.json()["errors"][0]["message"] == "No GraphQL query found in the request"
    assert asset.status_code == 404


async def test_graphiql_can_be_turned_back_on_in_production(client_for: ClientFor) -> None:
    async with client_for(env="production", graphiql=True) as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})
        asset = await client.get("/graphiql/assets/masthead-graphiql.js")

    assert page.status_code == 200
    assert "<title>Masthead · GraphiQL</title>" in page.text
    assert asset.status_code == 200


async def test_graphiql_can_be_turned_off_in_development(client_for: ClientFor) -> None:
    async with client_for(env="development", graphiql=False) as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})

    assert page.status_code == 400
    assert page.headers["content-type"] == "application/json"


async def test_graphiql_is_on_in_development(client_for: ClientFor) -> None:
    async with client_for(env="development") as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")


async def test_queries_still_answer_in_production(client_for: ClientFor) -> None:
    body = await _post(client_for, "{ posts { totalCount } }", env="production")

    assert "errors" not in body
    assert body["data"] == {"posts": {"totalCount": 0}}


def test_the_switches_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASTHEAD_ENV", "production")
    monkeypatch.setenv("MASTHEAD_INTROSPECTION", "true")
    monkeypatch.setenv("MASTHEAD_FIELD_SUGGESTIONS", "false")
    monkeypatch.setenv("MASTHEAD_GRAPHIQL", "true")

    settings = Settings()

    assert (settings.env, settings.introspection) == ("production", True)
    assert (settings.field_suggestions, settings.graphiql) == (False, True)


def test_the_schema_command_prints_the_sdl_in_production(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MASTHEAD_ENV", "production")
    monkeypatch.setenv("MASTHEAD_INTROSPECTION", "false")

    status = main(["schema"])

    assert status == 0
    assert capsys.readouterr().out == build_schema().as_str() + "\n"
