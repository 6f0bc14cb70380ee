"""Writing authors and tags, and the outbox event every change records."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import Event, table_of
from tests.conftest import GraphQLClient, TokenMaker
from tests.factories import Factory
from tests.writing import CREATE_POST, DELETE_POST, PUBLISH_POST, UPDATE_POST, gid

CREATE_TAG = """mutation($input: TagInput!) { createTag(input: $input) {
  tag { id slug name version } userErrors { field code } } }"""
UPDATE_AUTHOR = """mutation($id: ID!, $input: AuthorInput!, $v: Int) {
  updateAuthor(id: $id, input: $input, expectedVersion: $v) {
    author { slug name website avatar { filename } version } userErrors { field code } } }"""
DELETE_AUTHOR = (
    "mutation($id: ID!) { deleteAuthor(id: $id) { deletedId userErrors { field code } } }"
)


async def test_tag_slugs_are_unique(gql: GraphQLClient, token: TokenMaker) -> None:
    headers = await token("editor")
    first = await gql.data(CREATE_TAG, {"input": {"slug": "python", "name": "Python"}}, headers)

    second = await gql.data(CREATE_TAG, {"input": {"slug": "python", "name": "Py"}}, headers)

    assert first["createTag"]["tag"]["version"] == 1
    assert second["createTag"] == {
        "tag": None,
        "userErrors": [{"field": ["input", "slug"], "code": "TAKEN"}],
    }


async def test_an_author_update_checks_the_website_and_avatar(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    factory = Factory(engine)
    author, avatar = await factory.author(), await factory.asset(filename="ada.png")
    headers = await token("editor")

    bad = await gql.data(
        UPDATE_AUTHOR, {"id": gid("Author", author), "input": {"website": "javascript:alert(1)",
                        "avatar": "QXNzZXQ6OTk5"}}, headers,
    )  # fmt: skip
    good = await gql.data(
        UPDATE_AUTHOR, {"id": gid("Author", author), "v": 1, "input": {
            "website": "https://ada.example.com", "avatar": gid("Asset", avatar)}}, headers,
    )  # fmt: skip

    assert sorted(tuple(e["field"]) for e in bad["updateAuthor"]["userErrors"]) == [
        ("input", "avatar"), ("input", "website")
    ]  # fmt: skip
    assert good["updateAuthor"]["author"]["avatar"] == {"filename": "ada.png"}
    assert good["updateAuthor"]["author"]["version"] == 2


async def test_an_author_with_posts_cannot_be_deleted(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    post = await Factory(engine).post()

    data = await gql.data(
        DELETE_AUTHOR, {"id": gid("Author", {"id": post["author_id"]})}, await token("admin")
    )

    assert data["deleteAuthor"] == {
        "deletedId": None,
        "userErrors": [{"field": ["id"], "code": "INVALID"}],
    }


async def test_every_change_records_one_event_in_the_outbox(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    author = await Factory(engine).author()
    headers = await token("editor")
    post_input = {"slug": "evented", "title": "E", "author": gid("Author", author)}
    post_id = (await gql.data(CREATE_POST, {"input": post_input}, headers))["createPost"]["post"][
        "id"
    ]
    await gql.data(UPDATE_POST, {"id": post_id, "input": {"title": "E2"}}, headers)
    await gql.data(PUBLISH_POST, {"id": post_id}, headers)
    await gql.data(DELETE_POST, {"id": post_id}, headers)

    events = table_of(Event)
    async with engine.connect() as connection:
        rows = (await connection.execute(select(events).order_by(events.c.id))).all()

    assert [(r.action, r.entity_type) for r in rows] == [
        ("create", "Post"), ("update", "Post"), ("publish", "Post"), ("delete", "Post")
    ]  # fmt: skip
    assert {gid("Post", {"id": r.entity_id}) for r in rows} == {post_id}
    assert all(r.occurred_at is not None and r.token_name for r in rows)
