"""Access: tokens and roles against each operation, and preview reading drafts everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import ContentStatus
from masthead.resolvers.token import list_tokens, revoke_token
from tests.conftest import GraphQLClient, TokenMaker
from tests.factories import Factory
from tests.test_hidden_entries import _content
from tests.writing import change_log, gid

OK, UNAUTHENTICATED, FORBIDDEN = "ok", "UNAUTHENTICATED", "FORBIDDEN"
ROLES = ("public", "preview", "author", "editor", "admin")

# operation -> (document, expected outcome per role in ROLES order); `own` and `other` are
# posts of the author token's author and of someone else.
OPERATIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "createPost": (
        (
            'mutation($me: ID!) { createPost(input: {slug: "new", title: "New", author: $me}) '
            "{ post { id } userErrors { code } } }"
        ),
        (UNAUTHENTICATED, FORBIDDEN, OK, OK, OK),
    ),
    "updateOwnPost": (
        'mutation($own: ID!) { updatePost(id: $own, input: {title: "Mine"}) { post { id } } }',
        (UNAUTHENTICATED, FORBIDDEN, OK, OK, OK),
    ),
    "updateOthersPost": (
        (
            'mutation($other: ID!) { updatePost(id: $other, input: {title: "Not mine"}) '
            "{ post { id } } }"
        ),
        (UNAUTHENTICATED, FORBIDDEN, FORBIDDEN, OK, OK),
    ),
    "deleteOthersPost": (
        "mutation($other: ID!) { deletePost(id: $other) { deletedId } }",
        (UNAUTHENTICATED, FORBIDDEN, FORBIDDEN, OK, OK),
    ),
    "deleteOwnPost": (
        "mutation($own: ID!) { deletePost(id: $own) { deletedId } }",
        (UNAUTHENTICATED, FORBIDDEN, OK, OK, OK),
    ),
    "publishOwnPost": (
        "mutation($own: ID!) { publishPost(id: $own) { post { status } } }",
        (UNAUTHENTICATED, FORBIDDEN, FORBIDDEN, OK, OK),
    ),
    "unpublishPost": (
        "mutation($other: ID!) { unpublishPost(id: $other) { post { status } } }",
        (UNAUTHENTICATED, FORBIDDEN, FORBIDDEN, OK, OK),
    ),
    "createTag": (
        'mutation { createTag(input: {slug: "fresh", name: "Fresh"}) { tag { id } } }',
        (UNAUTHENTICATED, FORBIDDEN, FORBIDDEN, OK, OK),
    ),
    "createAuthor": (
        'mutation { createAuthor(input: {slug: "newbie", name: "Newbie"}) { author { id } } }',
        (UNAUTHENTICATED, FORBIDDEN, FORBIDDEN, OK, OK),
    ),
    "createPage": (
        'mutation { createPage(input: {slug: "about", title: "About"}) { page { path } } }',
        (UNAUTHENTICATED, FORBIDDEN, FORBIDDEN, OK, OK),
    ),
    "updateTag": (
        'mutation($tag: ID!) { updateTag(id: $tag, input: {name: "Renamed"}) { tag { id } } }',
        (UNAUTHENTICATED, FORBIDDEN, FORBIDDEN, OK, OK),
    ),
    "deleteTag": (
        "mutation($tag: ID!) { deleteTag(id: $tag) { deletedId } }",
        (UNAUTHENTICATED, FORBIDDEN, FORBIDDEN, OK, OK),
    ),
    "updateAuthor": (
        'mutation($me: ID!) { updateAuthor(id: $me, input: {name: "New"}) { author { id } } }',
        (UNAUTHENTICATED, FORBIDDEN, FORBIDDEN, OK, OK),
    ),
    "updateAsset": (
        'mutation($asset: ID!) { updateAsset(id: $asset, input: {alt: "Alt"}) { asset { id } } }',
        (UNAUTHENTICATED, FORBIDDEN, FORBIDDEN, OK, OK),
    ),
    "deleteAsset": (
        "mutation($asset: ID!) { deleteAsset(id: $asset) { deletedId } }",
        (UNAUTHENTICATED, FORBIDDEN, FORBIDDEN, OK, OK),
    ),
    "readOwnRevisions": (
        "query($own: ID!) { post(id: $own) { revisions { totalCount } } }",
        (OK, FORBIDDEN, OK, OK, OK),
    ),
}
CASES = [
    pytest.param(operation, role, outcomes[i], id=f"{operation}-{role}")
    for operation, (_document, outcomes) in OPERATIONS.items()
    for i, role in enumerate(ROLES)
]


async def _setup(engine: AsyncEngine, token: TokenMaker, role: str) -> tuple[dict[str, Any], Any]:
    factory = Factory(engine)
    me = await factory.author(slug="me")
    own = await factory.post(author_id=me["id"], status=ContentStatus.DRAFT, published_at=None)
    other = await factory.post()
    tag, asset = await factory.tag(), await factory.asset()
    headers = {} if role == "public" else await token(role, "me" if role == "author" else None)
    variables = {"me": gid("Author", me), "own": gid("Post", own), "other": gid("Post", other),
                 "tag": gid("Tag", tag), "asset": gid("Asset", asset)}  # fmt: skip
    return headers, variables


@pytest.mark.parametrize(("operation", "role", "expected"), CASES)
async def test_role_against_operation(
    gql: GraphQLClient,
    engine: AsyncEngine,
    token: TokenMaker,
    operation: str,
    role: str,
    expected: str,
) -> None:
    headers, variables = await _setup(engine, token, role)
    document, _ = OPERATIONS[operation]
    used = {name: value for name, value in variables.items() if f"${name}" in document}
    before = await change_log(engine)

    body = await gql.query(document, used, headers)

    codes = [error["extensions"]["code"] for error in body.get("errors", [])]
    if operation == "readOwnRevisions" and role == "public":
        assert body["data"] == {"post": None}  # a draft is invisible: nothing to refuse
    elif expected == OK:
        assert codes == []
        result = next(iter(body["data"].values()))
        assert result is not None
        assert result.get("userErrors", []) == []
    else:
        assert codes == [expected]
        assert await change_log(engine) == before


async def test_an_author_cannot_write_as_someone_else(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    factory = Factory(engine)
    await factory.author(slug="me")
    other = await factory.author(slug="other")
    document = (
        'mutation($a: ID!) { createPost(input: {slug: "x", title: "X", author: $a}) '
        "{ post { id } userErrors { field code } } }"
    )

    data = await gql.data(document, {"a": gid("Author", other)}, await token("author", "me"))

    assert data["createPost"] == {
        "post": None,
        "userErrors": [{"field": ["input", "author"], "code": "FORBIDDEN"}],
    }


async def test_an_author_token_writes_as_its_author_by_default(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    await Factory(engine).author(slug="me")
    document = (
        'mutation { createPost(input: {slug: "x", title: "X"}) { post { author { slug } } } }'
    )

    data = await gql.data(document, headers=await token("author", "me"))

    assert data["createPost"]["post"] == {"author": {"slug": "me"}}


@pytest.mark.parametrize("header", ["Bearer mh_unknown", "Basic dXNlcjpwYXNz", "Bearer "])
async def test_a_bad_token_is_refused_even_for_reads(gql: GraphQLClient, header: str) -> None:
    response = await gql.client.post(
        "/graphql", json={"query": "{ posts { totalCount } }"}, headers={"Authorization": header}
    )

    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_revoked_token_stops_working(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    headers = await token("editor")
    request = {"query": "{ __typename }"}
    assert (await gql.client.post("/graphql", json=request, headers=headers)).status_code == 200

    await revoke_token(engine, (await list_tokens(engine))[0].name)

    response = await gql.client.post("/graphql", json=request, headers=headers)
    assert response.status_code == 401


PREVIEW_PATHS = (
    "{ posts(first: 50) { totalCount } "
    'author(slug: "writer") { postCount posts(first: 50) { totalCount } } '
    'tag(slug: "t") { postCount } '
    'draft: post(slug: "draft") { slug } '
    'future: post(slug: "scheduled-future") { slug } '
    'page(path: "/root") { children { path } } '
    'search(query: "zebra", types: [POST], first: 50) { totalCount } }'
)


@pytest.mark.parametrize(
    ("role", "posts", "draft"), [("public", 2, None), ("preview", 5, {"slug": "draft"})]
)
async def test_preview_reads_drafts_and_scheduled_entries_through_every_path(
    gql: GraphQLClient,
    engine: AsyncEngine,
    token: TokenMaker,
    role: str,
    posts: int,
    draft: dict[str, str] | None,
) -> None:
    await _content(engine)
    headers = {} if role == "public" else await token(role)

    data = await gql.data(PREVIEW_PATHS, headers=headers)

    assert data["posts"]["totalCount"] == posts
    assert data["author"]["postCount"] == data["author"]["posts"]["totalCount"] == posts
    assert data["tag"]["postCount"] == posts
    assert data["draft"] == draft
    assert len(data["page"]["children"]) == posts
    assert data["search"]["totalCount"] == posts


async def test_a_mutation_over_get_is_refused_with_405(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    document = 'mutation { createTag(input: {slug: "a", name: "A"}) { tag { id } } }'

    response = await gql.client.get(
        "/graphql", params={"query": document}, headers=await token("editor")
    )

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert await change_log(engine) == (0, 0)


async def test_an_author_cannot_bring_back_someone_elses_deleted_post(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    factory = Factory(engine)
    await factory.author(slug="me")
    other = await factory.author(slug="other")
    editor = await token("editor")
    create = (
        'mutation($a: ID!) { createPost(input: {slug: "theirs", title: "Theirs", author: $a}) '
        "{ post { id } } }"
    )
    post_id = (await gql.data(create, {"a": gid("Author", other)}, editor))["createPost"]["post"][
        "id"
    ]
    await gql.data(
        "mutation($id: ID!) { deletePost(id: $id) { deletedId } }", {"id": post_id}, editor
    )
    restore = (
        "mutation($id: ID!) { restorePostRevision(id: $id, version: 1) "
        "{ post { id } userErrors { field code } } }"
    )

    data = await gql.data(restore, {"id": post_id}, await token("author", "me"))

    assert data["restorePostRevision"] == {
        "post": None,
        "userErrors": [{"field": ["author"], "code": "FORBIDDEN"}],
    }
