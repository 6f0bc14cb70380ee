"""Writing posts: create, validation before writing, updates, expectedVersion, delete."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import Post
from tests import backends
from tests.conftest import GraphQLClient, TokenMaker
from tests.factories import Factory
from tests.writing import (
    CREATE_POST,
    DELETE_POST,
    PUBLISH_POST,
    UPDATE_POST,
    change_log,
    count_rows,
    gid,
)


async def test_editor_creates_a_draft_post_with_tags_in_order(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    factory = Factory(engine)
    author, first, second = await factory.author(), await factory.tag(), await factory.tag()
    headers = await token("editor")
    tags = [gid("Tag", second), gid("Tag", first)]
    post_input = {"slug": "hello", "title": "Hello", "author": gid("Author", author), "tags": tags}

    data = await gql.data(CREATE_POST, {"input": post_input}, headers)

    post = data["createPost"]["post"]
    assert data["createPost"]["userErrors"] == []
    assert (post["slug"], post["status"], post["version"]) == ("hello", "DRAFT", 1)
    assert [tag["slug"] for tag in post["tags"]] == [second["slug"], first["slug"]]
    assert await change_log(engine) == (1, 1)


async def test_every_bad_field_is_reported_and_nothing_is_written(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    factory = Factory(engine)
    await factory.post(slug="taken")
    before = await count_rows(engine, Post), await change_log(engine)
    post_input = {"slug": "taken", "title": "", "locale": "not a locale",
                  "author": "QXV0aG9yOjk5OQ", "tags": ["nonsense"],
                  "seo": {"canonicalUrl": "ftp://x"}}  # fmt: skip

    data = await gql.data(CREATE_POST, {"input": post_input}, await token("editor"))

    errors = {tuple(e["field"]): e["code"] for e in data["createPost"]["userErrors"]}
    assert data["createPost"]["post"] is None
    assert errors == {
        ("input", "slug"): "TAKEN",
        ("input", "title"): "INVALID",
        ("input", "locale"): "INVALID",
        ("input", "author"): "NOT_FOUND",
        ("input", "tags", "0"): "INVALID",
        ("input", "seo", "canonicalUrl"): "INVALID",
    }
    assert (await count_rows(engine, Post), await change_log(engine)) == before


async def test_a_slug_taken_in_the_same_locale_is_refused(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    factory = Factory(engine)
    existing = await factory.post(slug="taken")
    post_input = {
        "slug": "taken",
        "title": "T",
        "author": gid("Author", {"id": existing["author_id"]}),
    }

    data = await gql.data(CREATE_POST, {"input": post_input}, await token("editor"))

    assert data["createPost"]["userErrors"] == [
        {"field": ["input", "slug"], "message": "'taken' is already taken in locale en",
         "code": "TAKEN"}
    ]  # fmt: skip


async def test_required_fields_are_named(gql: GraphQLClient, token: TokenMaker) -> None:
    data = await gql.data(CREATE_POST, {"input": {}}, await token("editor"))

    codes = {tuple(e["field"]): e["code"] for e in data["createPost"]["userErrors"]}
    assert codes == {
        ("input", "slug"): "REQUIRED",
        ("input", "title"): "REQUIRED",
        ("input", "author"): "REQUIRED",
    }


async def test_a_body_over_the_limit_is_too_long(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    author = await Factory(engine).author()
    post_input = {"slug": "big", "title": "Big", "author": gid("Author", author),
                  "body": "x" * 500_001}  # fmt: skip

    data = await gql.data(CREATE_POST, {"input": post_input}, await token("editor"))

    assert [(e["field"], e["code"]) for e in data["createPost"]["userErrors"]] == [
        (["input", "body"], "TOO_LONG")
    ]
    assert await count_rows(engine, Post) == 0


async def test_update_changes_only_given_fields_and_bumps_the_version(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    factory = Factory(engine)
    tag = await factory.tag()
    post = await factory.post(slug="before", title="Before", tags=[tag])

    data = await gql.data(
        UPDATE_POST, {"id": gid("Post", post), "input": {"title": "After"}, "v": 1},
        await token("editor"),
    )  # fmt: skip

    updated = data["updatePost"]["post"]
    assert (updated["slug"], updated["title"], updated["version"]) == ("before", "After", 2)
    assert [t["slug"] for t in updated["tags"]] == [tag["slug"]]


async def test_a_stale_expected_version_is_a_conflict_and_changes_nothing(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    post = await Factory(engine).post(title="Original", version=3)
    before = await change_log(engine)

    data = await gql.data(
        UPDATE_POST, {"id": gid("Post", post), "input": {"title": "Lost?"}, "v": 2},
        await token("editor"),
    )  # fmt: skip

    assert data["updatePost"]["post"] is None
    assert [(e["field"], e["code"]) for e in data["updatePost"]["userErrors"]] == [
        (["expectedVersion"], "CONFLICT")
    ]
    query = "query($id: ID!) { post(id: $id) { title version } }"
    assert await gql.data(query, {"id": gid("Post", post)}) == {
        "post": {"title": "Original", "version": 3}
    }
    assert await change_log(engine) == before


async def test_updating_an_unknown_post_is_not_found(gql: GraphQLClient, token: TokenMaker) -> None:
    data = await gql.data(
        UPDATE_POST, {"id": "UG9zdDo5OTk", "input": {"title": "x"}}, await token("editor")
    )

    assert [(e["field"], e["code"]) for e in data["updatePost"]["userErrors"]] == [
        (["id"], "NOT_FOUND")
    ]


async def test_delete_removes_the_post_and_keeps_its_revisions(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    post = await Factory(engine).post()
    headers = await token("editor")
    await gql.data(UPDATE_POST, {"id": gid("Post", post), "input": {"title": "Edited"}}, headers)

    data = await gql.data(DELETE_POST, {"id": gid("Post", post)}, headers)

    assert data["deletePost"] == {"deletedId": gid("Post", post), "userErrors": []}
    assert await count_rows(engine, Post) == 0
    assert await change_log(engine) == (2, 2)


async def test_a_create_issues_the_same_statements_for_any_number_of_tags(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    factory = Factory(engine)
    author = gid("Author", await factory.author())
    tags = [gid("Tag", await factory.tag()) for _ in range(20)]
    co_authors = [gid("Author", await factory.author()) for _ in range(20)]
    headers = await token("editor")
    counts = {}

    for size in (2, 20):
        post_input = {"slug": f"counted-{size}", "title": "Counted", "author": author,
                      "tags": tags[:size], "coAuthors": co_authors[:size]}  # fmt: skip
        data = await gql.data(CREATE_POST, {"input": post_input}, headers)
        assert len(data["createPost"]["post"]["tags"]) == size
        counts[size] = gql.last_statements

    assert counts[2] == counts[20]


# Statements per write, the token's lookup and the payload's `author` and `tags` included.
# SQLite sets the writer's busy timeout (1) and computes a fresh id; PostgreSQL's sequence
# knows it. The entry itself comes back from INSERT/UPDATE … RETURNING, never read again.
WRITE_STATEMENTS = {
    "sqlite": {"create": 18, "update": 17, "publish": 17, "delete": 12},
    "postgresql": {"create": 15, "update": 15, "publish": 15, "delete": 10},
}


async def test_each_write_issues_a_known_number_of_statements(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    factory = Factory(engine)
    tags = [gid("Tag", await factory.tag()) for _ in range(3)]
    author = gid("Author", await factory.author())
    headers = await token("editor")
    counts = {}

    post_input = {"slug": "counted", "title": "Counted", "author": author, "tags": tags}
    created = await gql.data(CREATE_POST, {"input": post_input}, headers)
    counts["create"] = gql.last_statements
    post_id = created["createPost"]["post"]["id"]
    await gql.data(UPDATE_POST, {"id": post_id, "input": {"title": "Recounted"}, "v": 1}, headers)
    counts["update"] = gql.last_statements
    await gql.data(PUBLISH_POST, {"id": post_id}, headers)
    counts["publish"] = gql.last_statements
    await gql.data(DELETE_POST, {"id": post_id}, headers)
    counts["delete"] = gql.last_statements

    assert counts == WRITE_STATEMENTS[backends.BACKEND]
