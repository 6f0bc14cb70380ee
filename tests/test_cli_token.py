"""`masthead token create|list|revoke`: printed once, stored hashed, usable at once."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import GraphQLClient
from tests.factories import Factory
from tests.test_cli_content import Capture, command_database, one_line_error, run

__all__ = ["command_database"]
ME = "{ __typename }"


async def test_create_prints_the_token_alone_on_the_last_line_and_stores_its_hash(
    engine: AsyncEngine, gql: GraphQLClient, capsys: Capture
) -> None:
    assert await run("token", "create", "--role", "editor", "--name", "desk") == 0

    secret = capsys.readouterr().out.splitlines()[-1]
    async with engine.connect() as connection:
        stored = (
            (await connection.execute(sa.text("SELECT token_hash FROM api_tokens"))).scalars().all()
        )
    assert stored == [hashlib.sha256(secret.encode()).hexdigest()]
    assert secret not in stored
    headers = {"Authorization": f"Bearer {secret}"}
    assert (
        await gql.client.post("/graphql", json={"query": ME}, headers=headers)
    ).status_code == 200


async def test_an_author_token_names_its_author(engine: AsyncEngine, capsys: Capture) -> None:
    await Factory(engine).author(slug="ada")

    assert await run("token", "create", "--role", "author", "--author", "ada") == 0
    assert await run("token", "list") == 0

    listing = capsys.readouterr().out
    assert "author" in listing
    assert "ada" in listing
    assert "active" in listing


async def test_an_author_token_without_author_is_refused(capsys: Capture) -> None:
    assert await run("token", "create", "--role", "author") == 1

    assert "--author" in one_line_error(capsys, "token")


async def test_an_author_for_another_role_is_refused(engine: AsyncEngine, capsys: Capture) -> None:
    await Factory(engine).author(slug="ada")

    assert await run("token", "create", "--role", "editor", "--author", "ada") == 1

    assert "--author: is only for the author role" in one_line_error(capsys, "token")


async def test_an_unknown_author_is_refused(capsys: Capture) -> None:
    assert await run("token", "create", "--role", "author", "--author", "nobody") == 1

    assert "nobody" in one_line_error(capsys, "token")


async def test_a_duplicate_name_is_refused(capsys: Capture) -> None:
    assert await run("token", "create", "--role", "preview", "--name", "twice") == 0
    capsys.readouterr()

    assert await run("token", "create", "--role", "preview", "--name", "twice") == 1
    assert "twice" in one_line_error(capsys, "token")


async def test_revoke_stops_the_token(gql: GraphQLClient, capsys: Capture) -> None:
    assert await run("token", "create", "--role", "admin", "--name", "gone") == 0
    secret = capsys.readouterr().out.splitlines()[-1]

    assert await run("token", "revoke", "gone") == 0
    assert await run("token", "revoke", "gone") == 1

    headers = {"Authorization": f"Bearer {secret}"}
    assert (
        await gql.client.post("/graphql", json={"query": ME}, headers=headers)
    ).status_code == 401


async def test_an_unknown_role_is_one_line_and_exit_status_2(capsys: Capture) -> None:
    assert await run("token", "create", "--role", "wizard") == 2

    assert "invalid choice: 'wizard'" in one_line_error(capsys, "token create")
