"""Global IDs through every path that takes one: an ID whose key no row can have (beyond
the 32-bit INTEGER keys, e.g. `Author:1000000000000000000000`) names nothing, and a
malformed one is bad input; neither is ever an internal error on either backend."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.resolvers.core.ids import MAX_KEY, decode_any_id, encode_id
from tests.conftest import GraphQLClient, TokenMaker
from tests.factories import Factory

TYPES = ("Post", "Page", "Author", "Tag", "Asset")
# Keys no row can have: past SQLite's 64 bits, at its edge, and past PostgreSQL's 32 bits.
HUGE_KEYS = (10**21, 2**63, 2**63 - 1, 2**31, MAX_KEY + 1)


def _raw_id(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _lookup(type_name: str) -> str:
    return type_name[0].lower() + type_name[1:]


async def _one_of_each(engine: AsyncEngine) -> dict[str, str]:
    factory = Factory(engine)
    rows = {
        "Post": await factory.post(),
        "Page": await factory.page(),
        "Author": await factory.author(),
        "Tag": await factory.tag(),
        "Asset": await factory.asset(),
    }
    return {name: encode_id(name, row["id"]) for name, row in rows.items()}


def test_the_largest_key_is_the_largest_postgresql_integer() -> None:
    assert decode_any_id(encode_id("Post", 2**31 - 1)) == ("Post", 2**31 - 1)
    assert decode_any_id(encode_id("Post", 2**31)) == ("Post", None)


@pytest.mark.parametrize("type_name", TYPES)
@pytest.mark.parametrize("key", HUGE_KEYS)
async def test_an_id_beyond_any_key_reads_as_null_everywhere(
    gql: GraphQLClient, engine: AsyncEngine, type_name: str, key: int
) -> None:
    existing = await _one_of_each(engine)
    huge = encode_id(type_name, key)
    listing = _lookup(type_name) + "s"

    data = await gql.data(
        f"query Q($id: ID!, $ids: [ID!]!) {{ node(id: $id) {{ id }} nodes(ids: $ids) {{ id }} "
        f"one: {_lookup(type_name)}(id: $id) {{ id }} "
        f"eq: {listing}(where: {{id: {{eq: $id}}}}) {{ totalCount }} "
        f"in: {listing}(where: {{id: {{in: $ids}}}}) {{ totalCount }} }}",
        {"id": huge, "ids": [huge, existing[type_name]]},
    )

    assert data == {
        "node": None,
        "nodes": [None, {"id": existing[type_name]}],
        "one": None,
        "eq": {"totalCount": 0},
        "in": {"totalCount": 1},
    }


@pytest.mark.parametrize("key", HUGE_KEYS)
async def test_an_id_beyond_any_key_in_nested_and_relation_filters_matches_nothing(
    gql: GraphQLClient, engine: AsyncEngine, key: int
) -> None:
    existing = await _one_of_each(engine)
    huge = {name: encode_id(name, key) for name in TYPES}

    data = await gql.data(
        "query Q($post: ID!, $author: ID!, $tag: ID!, $page: ID!) { "
        "authors { nodes { posts(where: {id: {in: [$post]}}) { totalCount } } } "
        "posts(where: {OR: [{author: {id: {eq: $author}}}, {tags: {some: {id: {eq: $tag}}}}]})"
        " { totalCount } pages(where: {parent: {id: {eq: $page}}}) { totalCount } }",
        {"post": huge["Post"], "author": huge["Author"], "tag": huge["Tag"], "page": huge["Page"]},
    )

    assert existing
    assert {n["posts"]["totalCount"] for n in data["authors"]["nodes"]} == {0}
    assert data["posts"] == data["pages"] == {"totalCount": 0}


@pytest.mark.parametrize(
    "value",
    [
        _raw_id("Author:abc"),
        _raw_id("Author:0"),
        _raw_id("Author:-1"),
        _raw_id("Author:+5"),
        _raw_id("Author: 5"),
        _raw_id("Author:\u0665"),  # an Arabic-Indic digit five
        _raw_id("Author:" + "9" * 5000),
        _raw_id(":5"),
        "%%%",
        "",
    ],
)
async def test_a_malformed_id_is_bad_input(gql: GraphQLClient, value: str) -> None:
    body = await gql.query(
        "query Q($id: ID!) { node(id: $id) { id } }",
        {"id": value},
    )

    assert [error["extensions"]["code"] for error in body["errors"]] == ["BAD_USER_INPUT"]


MUTATIONS = [
    ("updatePost", "Post", 'updatePost(id: $id, input: {title: "x"}) { post { id } }'),
    ("deletePost", "Post", "deletePost(id: $id) { deletedId }"),
    ("publishPost", "Post", "publishPost(id: $id) { post { id } }"),
    ("unpublishPost", "Post", "unpublishPost(id: $id) { post { id } }"),
    ("restorePostRevision", "Post", "restorePostRevision(id: $id, version: 1) { post { id } }"),
    ("updatePage", "Page", 'updatePage(id: $id, input: {title: "x"}) { page { id } }'),
    ("deletePage", "Page", "deletePage(id: $id) { deletedId }"),
    ("publishPage", "Page", "publishPage(id: $id) { page { id } }"),
    ("unpublishPage", "Page", "unpublishPage(id: $id) { page { id } }"),
    ("restorePageRevision", "Page", "restorePageRevision(id: $id, version: 1) { page { id } }"),
    ("updateAuthor", "Author", 'updateAuthor(id: $id, input: {name: "x"}) { author { id } }'),
    ("deleteAuthor", "Author", "deleteAuthor(id: $id) { deletedId }"),
    ("updateTag", "Tag", 'updateTag(id: $id, input: {name: "x"}) { tag { id } }'),
    ("deleteTag", "Tag", "deleteTag(id: $id) { deletedId }"),
    ("updateAsset", "Asset", 'updateAsset(id: $id, input: {alt: "x"}) { asset { id } }'),
    ("deleteAsset", "Asset", "deleteAsset(id: $id) { deletedId }"),
]


@pytest.mark.parametrize(("name", "type_name", "selection"), MUTATIONS)
async def test_a_mutation_id_beyond_any_key_is_bad_input(
    gql: GraphQLClient, token: TokenMaker, name: str, type_name: str, selection: str
) -> None:
    document = f"mutation M($id: ID!) {{ {selection} }}"
    variables = {"id": encode_id(type_name, 10**21)}

    anonymous = await gql.query(document, variables)
    editor = await gql.query(document, variables, await token("editor"))

    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]
    assert [e["extensions"]["code"] for e in editor["errors"]] == ["BAD_USER_INPUT"], name
    assert editor["data"] is None


async def test_reference_ids_beyond_any_key_are_user_errors(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    await _one_of_each(engine)
    key = 10**21
    data = await gql.data(
        "mutation M($author: ID!, $tag: ID!, $asset: ID!) { createPost(input: {"
        'slug: "p", title: "P", body: "b", author: $author, coAuthors: [$author], '
        "tags: [$tag], coverImage: $asset}) { post { id } userErrors { field code } } }",
        {
            "author": encode_id("Author", key),
            "tag": encode_id("Tag", key),
            "asset": encode_id("Asset", key),
        },
        await token("editor"),
    )

    payload: dict[str, Any] = data["createPost"]
    assert payload["post"] is None
    assert sorted((tuple(e["field"]), e["code"]) for e in payload["userErrors"]) == [
        (("input", "author"), "INVALID"),
        (("input", "author"), "REQUIRED"),
        (("input", "coAuthors", "0"), "INVALID"),
        (("input", "coverImage"), "INVALID"),
        (("input", "tags", "0"), "INVALID"),
    ]
