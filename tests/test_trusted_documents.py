"""Trusted documents: manifests in GraphQL Code Generator's and Apollo's formats, anonymous
callers held to them, token holders free unless `MASTHEAD_TRUSTED_DOCUMENTS_ONLY=all`, and
manifests that cannot be used refused in one line."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.database import StatementTally
from masthead.edge.trusted_documents import ManifestError, load_manifest
from tests.conftest import AppClient, TokenMaker
from tests.factories import Factory
from tests.test_cli_errors import masthead, refusal

TRUSTED = "query Titles { posts(first: 5) { nodes { title } } }"
TRUSTED_HASH = hashlib.sha256(TRUSTED.encode()).hexdigest()
OTHER = "query Slugs { posts(first: 5) { nodes { slug } } }"
TITLES = {"posts": {"nodes": [{"title": "Trusted"}]}}
Clients = Callable[..., httpx.AsyncClient]


def codegen_manifest(directory: Path) -> Path:
    """GraphQL Code Generator's `persisted-documents.json`: hash to document."""
    path = directory / "persisted-documents.json"
    path.write_text(json.dumps({TRUSTED_HASH: TRUSTED}))
    return path


def apollo_manifest(directory: Path) -> Path:
    """Apollo's persisted query manifest."""
    operations = [{"id": TRUSTED_HASH, "name": "Titles", "type": "query", "body": TRUSTED}]
    manifest = {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
    path = directory / "persisted-query-manifest.json"
    path.write_text(json.dumps(manifest))
    return path


@pytest.fixture
async def content(engine: AsyncEngine) -> None:
    await Factory(engine).post(title="Trusted")


@pytest.fixture(params=[codegen_manifest, apollo_manifest], ids=["codegen", "apollo"])
def manifest(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path: Path = request.param(tmp_path)
    return path


@pytest.fixture
def clients(app_client: AppClient, manifest: Path) -> Clients:
    """Clients of apps in trusted-documents mode, with some settings changed."""
    return functools.partial(app_client, trusted_documents=str(manifest))


def code(response: httpx.Response) -> str:
    body: dict[str, Any] = response.json()
    return str(body["errors"][0]["extensions"]["code"])


@pytest.mark.parametrize(
    "request_body",
    [
        {"documentId": f"sha256:{TRUSTED_HASH}"},
        {"documentId": TRUSTED_HASH},
        {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": TRUSTED_HASH}}},
        {"query": TRUSTED},
    ],
    ids=["documentId", "bare-id", "persistedQuery", "full-text"],
)
async def test_anonymous_callers_run_the_manifests_documents(
    clients: Clients, content: None, request_body: dict[str, Any]
) -> None:
    response = await clients().post("/graphql", json=request_body)
    assert response.json()["data"] == TITLES


async def test_anonymous_callers_run_a_manifest_document_by_get(
    clients: Clients, content: None
) -> None:
    response = await clients().get("/graphql", params={"documentId": f"sha256:{TRUSTED_HASH}"})
    assert response.json()["data"] == TITLES
    assert response.headers["cache-control"].startswith("public")


@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_any_other_document_is_not_allowed_for_anonymous_callers(
    clients: Clients, method: str
) -> None:
    before = StatementTally.total
    if method == "POST":
        response = await clients().post("/graphql", json={"query": OTHER})
    else:
        response = await clients().get("/graphql", params={"query": OTHER})
    assert code(response) == "PERSISTED_QUERY_NOT_ALLOWED"
    assert (response.status_code, response.json()["data"]) == (200, None)
    assert StatementTally.total == before  # refused before the response cache asks


async def test_graphql_response_clients_get_403_for_a_document_not_allowed(
    clients: Clients,
) -> None:
    accept = {"Accept": "application/graphql-response+json"}
    response = await clients().post("/graphql", json={"query": OTHER}, headers=accept)
    assert response.status_code == 403
    assert code(response) == "PERSISTED_QUERY_NOT_ALLOWED"


async def test_anonymous_callers_cannot_add_documents_by_hash(clients: Clients) -> None:
    client = clients()
    sha256 = hashlib.sha256(OTHER.encode()).hexdigest()
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": sha256}}
    sent = await client.post("/graphql", json={"query": OTHER, "extensions": persisted})
    again = await client.post("/graphql", json={"extensions": persisted})
    assert (code(sent), code(again)) == ("PERSISTED_QUERY_NOT_ALLOWED", "PERSISTED_QUERY_NOT_FOUND")


async def test_an_unknown_document_id_is_not_found(clients: Clients) -> None:
    response = await clients().post("/graphql", json={"documentId": "sha256:" + "0" * 64})
    assert code(response) == "PERSISTED_QUERY_NOT_FOUND"


async def test_token_holders_run_any_document(
    clients: Clients, content: None, token: TokenMaker
) -> None:
    response = await clients().post(
        "/graphql", json={"query": OTHER}, headers=await token("preview")
    )
    assert "errors" not in response.json()


async def test_with_only_all_token_holders_are_held_to_the_manifest_too(
    clients: Clients, content: None, token: TokenMaker
) -> None:
    client, headers = clients(trusted_documents_only="all"), await token("admin")
    refused = await client.post("/graphql", json={"query": OTHER}, headers=headers)
    trusted = await client.post("/graphql", json={"documentId": TRUSTED_HASH}, headers=headers)
    assert code(refused) == "PERSISTED_QUERY_NOT_ALLOWED"
    assert trusted.json()["data"] == TITLES


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{", "are not JSON"),
        ("[1, 2]", "must be a GraphQL Code Generator persisted documents file"),
        ('{"abc": 1}', "must be a GraphQL Code Generator persisted documents file"),
        ("{}", "hold no document"),
        ('{"format": "apollo-persisted-query-manifest", "version": 2}', "has version 2, not 1"),
        (
            '{"format": "apollo-persisted-query-manifest", "version": 1, "operations": [{}]}',
            "operation 1 of the Apollo manifest",
        ),
    ],
)
def test_a_manifest_that_cannot_be_used_says_why(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(text)
    with pytest.raises(ManifestError, match=problem) as refused:
        load_manifest(path)
    assert "\n" not in str(refused.value)


def test_serve_with_a_manifest_that_cannot_be_used_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text("[]")
    done = masthead("serve", cwd=tmp_path, trusted_documents=str(path))
    line = refusal(done, "masthead serve")
    assert line.startswith(
        f"masthead serve: MASTHEAD_TRUSTED_DOCUMENTS: the trusted documents at {path}"
    )


def test_a_manifest_path_that_is_not_a_readable_file_is_one_line(tmp_path: Path) -> None:
    done = masthead("serve", cwd=tmp_path, trusted_documents=str(tmp_path / "missing.json"))
    line = refusal(done, "masthead")
    assert "MASTHEAD_TRUSTED_DOCUMENTS must be the path of a readable file" in line
