"""API tokens through the management API: created (secret shown once), listed, revoked."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import ApiToken
from masthead.resolvers.token import list_tokens
from tests.conftest import GraphQLClient, TokenMaker
from tests.factories import Factory
from tests.writing import count_rows, gid

ERRORS = "userErrors { field message code }"
API_TOKEN = "name role author { slug } createdAt revokedAt"  # noqa: S105 (fields of the ApiToken type)
CREATE = f"""mutation($input: TokenInput!) {{
  createToken(input: $input) {{ token {{ {API_TOKEN} }} secret {ERRORS} }} }}"""
REVOKE = f"""mutation($name: String!) {{
  revokeToken(name: $name) {{ token {{ {API_TOKEN} }} {ERRORS} }} }}"""
LIST = f"{{ tokens {{ {API_TOKEN} }} }}"
CREATE_TAG = 'mutation { createTag(input: {slug: "news", name: "News"}) { tag { slug } } }'


@pytest.fixture
async def admin(token: TokenMaker) -> dict[str, str]:
    """Headers of an admin token."""
    return await token("admin")


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def _create(gql: GraphQLClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = (await gql.data(CREATE, {"input": fields}, headers))["createToken"]
    return payload


async def test_a_created_token_is_shown_once_and_works_at_once(
    gql: GraphQLClient, engine: AsyncEngine, admin: dict[str, str]
) -> None:
    payload = await _create(gql, admin, name="desk", role="EDITOR")

    assert payload["userErrors"] == []
    assert payload["token"]["name"] == "desk"
    assert (payload["token"]["role"], payload["token"]["revokedAt"]) == ("EDITOR", None)
    assert payload["secret"].startswith("mh_")
    written = await gql.data(CREATE_TAG, headers=_bearer(payload["secret"]))
    assert written["createTag"]["tag"] == {"slug": "news"}
    listed = {info.name: info for info in await list_tokens(engine)}
    assert listed["desk"].role == "editor"


async def test_a_token_without_name_is_named_after_its_role(
    gql: GraphQLClient, admin: dict[str, str]
) -> None:
    payload = await _create(gql, admin, role="PREVIEW")

    assert payload["token"]["name"].startswith("preview-")


async def test_an_author_token_writes_as_its_author(
    gql: GraphQLClient, engine: AsyncEngine, admin: dict[str, str]
) -> None:
    author = await Factory(engine).author(slug="ada")
    payload = await _create(gql, admin, name="ada", role="AUTHOR", author=gid("Author", author))
    document = (
        'mutation { createPost(input: {slug: "x", title: "X"}) { post { author { slug } } } }'
    )

    written = await gql.data(document, headers=_bearer(payload["secret"]))

    assert payload["token"]["author"] == {"slug": "ada"}
    assert written["createPost"]["post"] == {"author": {"slug": "ada"}}


async def test_tokens_are_listed_without_secrets_or_hashes(
    gql: GraphQLClient, engine: AsyncEngine, admin: dict[str, str]
) -> None:
    author = await Factory(engine).author(slug="ada")
    secret = (await _create(gql, admin, name="ada", role="AUTHOR", author=gid("Author", author)))[
        "secret"
    ]

    response = await gql.client.post("/graphql", json={"query": LIST}, headers=admin)

    listed = response.json()["data"]["tokens"]
    assert [(t["name"], t["role"], t["author"]) for t in listed] == [
        (listed[0]["name"], "ADMIN", None),
        ("ada", "AUTHOR", {"slug": "ada"}),
    ]
    assert all(t["createdAt"] and t["revokedAt"] is None for t in listed)
    assert secret not in response.text
    assert hashlib.sha256(secret.encode()).hexdigest() not in response.text


async def test_a_revoked_token_is_refused(gql: GraphQLClient, admin: dict[str, str]) -> None:
    secret = (await _create(gql, admin, name="gone", role="EDITOR"))["secret"]

    revoked = (await gql.data(REVOKE, {"name": "gone"}, admin))["revokeToken"]

    assert revoked["userErrors"] == []
    assert revoked["token"]["name"] == "gone"
    assert revoked["token"]["revokedAt"] is not None
    response = await gql.client.post(
        "/graphql", json={"query": CREATE_TAG}, headers=_bearer(secret)
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    listed = (await gql.data(LIST, headers=admin))["tokens"]
    assert [t["revokedAt"] is not None for t in listed] == [False, True]


async def test_revoking_an_unknown_or_revoked_token_is_not_found(
    gql: GraphQLClient, admin: dict[str, str]
) -> None:
    await _create(gql, admin, name="once", role="PREVIEW")
    await gql.data(REVOKE, {"name": "once"}, admin)

    for name in ("once", "never"):
        payload = (await gql.data(REVOKE, {"name": name}, admin))["revokeToken"]
        assert payload["token"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["name"], "NOT_FOUND")]


async def test_a_taken_name_is_refused(
    gql: GraphQLClient, engine: AsyncEngine, admin: dict[str, str]
) -> None:
    await _create(gql, admin, name="twice", role="PREVIEW")

    payload = await _create(gql, admin, name="twice", role="EDITOR")

    assert (payload["token"], payload["secret"]) == (None, None)
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == (["input", "name"], "TAKEN")
    assert "twice" in error["message"]
    assert await count_rows(engine, ApiToken) == 2


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"role": "AUTHOR"}, (["input", "author"], "REQUIRED")),
        ({"role": "EDITOR", "author": "$author"}, (["input", "author"], "INVALID")),
        ({"role": "AUTHOR", "author": "$missing"}, (["input", "author"], "NOT_FOUND")),
        ({"role": "AUTHOR", "author": "$tag"}, (["input", "author"], "INVALID")),
        ({"role": "EDITOR", "name": " "}, (["input", "name"], "REQUIRED")),
        ({"role": "EDITOR", "name": "n" * 201}, (["input", "name"], "TOO_LONG")),
    ],
)
async def test_a_token_that_cannot_be_made_is_a_user_error(
    gql: GraphQLClient,
    engine: AsyncEngine,
    admin: dict[str, str],
    fields: dict[str, str],
    error: tuple[list[str], str],
) -> None:
    factory = Factory(engine)
    ids = {
        "$author": gid("Author", await factory.author()),
        "$missing": gid("Author", {"id": 999}),
        "$tag": gid("Tag", await factory.tag()),
    }
    given = {key: ids.get(value, value) for key, value in fields.items()}

    payload = await _create(gql, admin, **given)

    assert payload["secret"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [error]
    assert await count_rows(engine, ApiToken) == 1


async def test_an_unknown_role_is_refused_naming_the_roles(
    gql: GraphQLClient, engine: AsyncEngine, admin: dict[str, str]
) -> None:
    body = await gql.query(CREATE, {"input": {"role": "OWNER"}}, admin)

    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    assert "OWNER" in body["errors"][0]["message"]
    assert await count_rows(engine, ApiToken) == 1


OPERATIONS = {
    "createToken": 'mutation { createToken(input: {role: ADMIN, name: "root"}) { secret } }',
    "tokens": "{ tokens { name } }",
    "revokeToken": 'mutation { revokeToken(name: "first") { token { name } } }',
}


@pytest.mark.parametrize(
    ("role", "code"),
    [("public", "UNAUTHENTICATED"), ("preview", "FORBIDDEN"), ("author", "FORBIDDEN"),
     ("editor", "FORBIDDEN")],
)  # fmt: skip
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
async def test_only_admins_manage_tokens(
    gql: GraphQLClient,
    engine: AsyncEngine,
    admin: dict[str, str],
    token: TokenMaker,
    operation: str,
    role: str,
    code: str,
) -> None:
    await _create(gql, admin, name="first", role="PREVIEW")
    if role == "author":
        await Factory(engine).author(slug="writer")
    headers = {} if role == "public" else await token(role, "writer" if role == "author" else None)
    before = await list_tokens(engine)

    body = await gql.query(OPERATIONS[operation], headers=headers)

    assert [error["extensions"]["code"] for error in body["errors"]] == [code]
    assert [t for t in await list_tokens(engine) if t.name in {"first", "root"}] == [
        t for t in before if t.name in {"first", "root"}
    ]
