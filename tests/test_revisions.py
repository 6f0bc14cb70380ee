"""Revisions: one per change with who and when, readable by editors, restorable after delete."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import GraphQLClient, TokenMaker
from tests.factories import Factory
from tests.writing import CREATE_POST, DELETE_POST, RESTORE_POST, UPDATE_POST, gid

HISTORY = """query($id: ID!) { post(id: $id) { title version
  revisions(first: 10) { totalCount nodes { version action tokenName snapshot } } } }"""


async def _written_post(gql: GraphQLClient, engine: AsyncEngine, headers: dict[str, str]) -> str:
    author = await Factory(engine).author()
    post_input = {"slug": "story", "title": "First", "author": gid("Author", author)}
    created = await gql.data(CREATE_POST, {"input": post_input}, headers)
    post_id: str = created["createPost"]["post"]["id"]
    await gql.data(UPDATE_POST, {"id": post_id, "input": {"title": "Second"}}, headers)
    await gql.data(UPDATE_POST, {"id": post_id, "input": {"title": "Third"}}, headers)
    return post_id


async def test_every_change_writes_a_revision_with_its_token(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    headers = await token("editor")
    post_id = await _written_post(gql, engine, headers)

    data = await gql.data(HISTORY, {"id": post_id}, headers)

    revisions = data["post"]["revisions"]
    assert revisions["totalCount"] == 3
    assert [(r["version"], r["action"]) for r in revisions["nodes"]] == [
        (3, "update"), (2, "update"), (1, "create")
    ]  # fmt: skip
    assert [r["snapshot"]["title"] for r in revisions["nodes"]] == ["Third", "Second", "First"]
    assert all(r["tokenName"].startswith("editor-") for r in revisions["nodes"])


async def test_restore_brings_back_an_old_version_as_a_new_one(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    headers = await token("editor")
    post_id = await _written_post(gql, engine, headers)

    data = await gql.data(RESTORE_POST, {"id": post_id, "version": 1}, headers)

    restored = data["restorePostRevision"]["post"]
    assert (restored["title"], restored["version"]) == ("First", 4)


async def test_a_deleted_post_comes_back_as_a_draft_from_its_last_revision(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    headers = await token("editor")
    post_id = await _written_post(gql, engine, headers)
    await gql.data(DELETE_POST, {"id": post_id}, headers)
    assert (await gql.data(HISTORY, {"id": post_id}, headers))["post"] is None

    data = await gql.data(RESTORE_POST, {"id": post_id, "version": 4}, headers)

    restored = data["restorePostRevision"]["post"]
    assert (restored["id"], restored["title"], restored["status"]) == (post_id, "Third", "DRAFT")
    history = (await gql.data(HISTORY, {"id": post_id}, headers))["post"]["revisions"]
    assert [r["action"] for r in history["nodes"][:2]] == ["restore", "delete"]


async def test_restoring_a_version_that_does_not_exist_is_not_found(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    headers = await token("editor")
    post_id = await _written_post(gql, engine, headers)

    data = await gql.data(RESTORE_POST, {"id": post_id, "version": 9}, headers)

    assert [(e["field"], e["code"]) for e in data["restorePostRevision"]["userErrors"]] == [
        (["version"], "NOT_FOUND")
    ]


async def test_revisions_are_refused_to_preview_tokens(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    post_id = await _written_post(gql, engine, await token("editor"))

    body = await gql.query(HISTORY, {"id": post_id}, await token("preview"))

    assert body["data"]["post"]["revisions"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_new_post_never_inherits_the_history_of_a_deleted_one(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    headers = await token("editor")
    deleted_id = await _written_post(gql, engine, headers)
    await gql.data(DELETE_POST, {"id": deleted_id}, headers)
    author = await Factory(engine).author(slug="fresh-author")

    post_input = {"slug": "fresh", "title": "Fresh", "author": gid("Author", author)}

    created = await gql.data(CREATE_POST, {"input": post_input}, headers)

    post = created["createPost"]["post"]
    assert created["createPost"]["userErrors"] == []
    assert post["id"] != deleted_id
    history = (await gql.data(HISTORY, {"id": post["id"]}, headers))["post"]["revisions"]
    assert [r["action"] for r in history["nodes"]] == ["create"]
