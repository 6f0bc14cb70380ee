"""GraphQL over HTTP: the answer's media type follows `Accept`, and request errors are 400 in
application/graphql-response+json, 200 with `data: null` in application/json. graphql-http's
server audits check a live `masthead serve` against the specification."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.node_tools import installed_clients, live_masthead, require_node

AUDIT_SECONDS = 120

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
TYPENAME = {"query": "{ __typename }"}
# Errors raised before execution: GraphQL's request errors.
REQUEST_ERRORS = {
    "parse": ({"query": "{"}, "GRAPHQL_PARSE_FAILED"),
    "validation": ({"query": "{ noSuchField }"}, "GRAPHQL_VALIDATION_FAILED"),
    "variables": (
        {"query": "query($id: ID!) { __typename }", "variables": {"id": None}},
        "BAD_USER_INPUT",
    ),
}


async def post(client: httpx.AsyncClient, body: object, accept: str | None) -> httpx.Response:
    """POST `body` as JSON, with `accept` as the Accept header (None: no Accept at all)."""
    request = client.build_request("POST", "/graphql", json=body)
    if accept is None:
        del request.headers["Accept"]
    else:
        request.headers["Accept"] = accept
    return await client.send(request)


async def test_a_result_in_graphql_response_json_is_200_in_that_media_type(
    client: httpx.AsyncClient,
) -> None:
    response = await post(client, TYPENAME, GRAPHQL_RESPONSE)

    assert response.status_code == 200
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    assert response.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize(("body", "code"), REQUEST_ERRORS.values(), ids=REQUEST_ERRORS.keys())
async def test_a_request_error_in_graphql_response_json_is_400_without_data(
    client: httpx.AsyncClient, body: object, code: str
) -> None:
    response = await post(client, body, GRAPHQL_RESPONSE)

    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    assert "data" not in response.json()
    assert [error["extensions"]["code"] for error in response.json()["errors"]] == [code]


@pytest.mark.parametrize(("body", "code"), REQUEST_ERRORS.values(), ids=REQUEST_ERRORS.keys())
async def test_a_request_error_in_json_is_200_with_null_data(
    client: httpx.AsyncClient, body: object, code: str
) -> None:
    response = await post(client, body, JSON)

    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert response.json()["data"] is None
    assert [error["extensions"]["code"] for error in response.json()["errors"]] == [code]


async def test_a_field_error_in_graphql_response_json_is_200_with_data(
    client: httpx.AsyncClient,
) -> None:
    body = {"query": '{ __typename node(id: "x") { id } }'}  # an id that does not decode

    response = await post(client, body, GRAPHQL_RESPONSE)

    answer = response.json()
    assert response.status_code == 200
    assert answer["data"] == {"__typename": "Query", "node": None}
    assert answer["errors"][0]["path"] == ["node"]


async def test_without_accept_the_answer_is_json(client: httpx.AsyncClient) -> None:
    response = await post(client, {"query": "{"}, None)

    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert response.json()["data"] is None


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (f"{GRAPHQL_RESPONSE}, {JSON}", GRAPHQL_RESPONSE),
        (f"{JSON}, {GRAPHQL_RESPONSE}", JSON),
        (f"{GRAPHQL_RESPONSE};q=0.5, {JSON}", JSON),
        (f"{JSON};q=0.9, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}; charset=utf-8", GRAPHQL_RESPONSE),
        ("*/*", JSON),
        ("application/*", JSON),
        ("text/html, */*;q=0.8", JSON),
        (f"{JSON};q=0, */*", GRAPHQL_RESPONSE),
        (f"*/*;q=0.1, {GRAPHQL_RESPONSE};q=0.2", GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE};q=2, {JSON};q=0.1", JSON),  # q above 1: that range is ignored
    ],
)
async def test_the_answer_takes_the_media_type_the_client_prefers(
    client: httpx.AsyncClient, accept: str, media_type: str
) -> None:
    response = await post(client, {"query": "{ noSuchField }"}, accept)

    assert response.headers["content-type"] == media_type
    assert response.status_code == (400 if media_type == GRAPHQL_RESPONSE else 200)


@pytest.mark.parametrize("accept", ["text/plain", "text/html", f"{JSON};q=0", "nonsense"])
async def test_an_accept_naming_neither_media_type_is_406(
    client: httpx.AsyncClient, accept: str
) -> None:
    response = await post(client, TYPENAME, accept)

    assert response.status_code == 406
    assert response.headers["content-type"] == JSON
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"


async def test_a_get_without_a_query_says_so_whatever_it_accepts(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/plain"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "No GraphQL query found in the request"


@pytest.mark.parametrize(("accept", "has_data"), [(GRAPHQL_RESPONSE, False), (JSON, True)])
async def test_an_unreadable_body_is_400_in_either_media_type(
    client: httpx.AsyncClient, accept: str, *, has_data: bool
) -> None:
    response = await client.post(
        "/graphql",
        content=b'{ "not JSON',
        headers={"Content-Type": "application/json", "Accept": accept},
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == accept
    assert ("data" in response.json()) is has_data


async def test_a_mutation_over_get_is_405_in_graphql_response_json(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(
        "/graphql",
        params={"query": "mutation { __typename }"},
        headers={"Accept": GRAPHQL_RESPONSE},
    )

    assert response.status_code == 405
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    assert "data" not in response.json()


@pytest.mark.parametrize(("accept", "status"), [(JSON, 200), (GRAPHQL_RESPONSE, 400)])
async def test_a_subscription_over_http_says_it_needs_the_websocket(
    client: httpx.AsyncClient, accept: str, status: int
) -> None:
    query = "subscription Live { contentChanged { action } }"

    response = await post(client, {"query": query}, accept)

    assert response.status_code == status
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "WebSocket" in error["message"]


@pytest.mark.parametrize("name", [{"an": "object"}, ["a list"], 7])
async def test_an_operation_name_that_is_not_a_string_is_bad_input(
    client: httpx.AsyncClient, name: object
) -> None:
    response = await post(client, {**TYPENAME, "operationName": name}, GRAPHQL_RESPONSE)

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize("body", [TYPENAME, {"query": "{"}, {"qeury": "{ __typename }"}])
async def test_every_answer_varies_by_accept(client: httpx.AsyncClient, body: object) -> None:
    response = await post(client, body, GRAPHQL_RESPONSE)

    assert "Accept" in {part.strip() for part in response.headers["vary"].split(",")}


def test_every_must_and_should_audit_of_graphql_http_passes(
    pytestconfig: pytest.Config, tmp_path: Path
) -> None:
    node, npm = require_node()
    clients = installed_clients(pytestconfig.cache, npm)

    with live_masthead(tmp_path) as url:
        done = subprocess.run(
            [node, clients / "audit.mjs", url],
            capture_output=True,
            text=True,
            timeout=AUDIT_SECONDS,
            check=False,
        )

    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    required = [result for result in results if result["name"].startswith(("MUST", "SHOULD"))]
    failures = [
        f"{result['id']} {result['name']}: {result['reason']}"
        f" (got {result['httpStatus']}, {result['contentType']})"
        for result in required
        if result["status"] != "ok"
    ]
    assert required, done.stdout
    assert not failures, "\n".join(failures)
