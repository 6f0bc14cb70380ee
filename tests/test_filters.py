"""`where` on posts: every operator, AND/OR/NOT, relation filters, and refused filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import GraphQLClient
from tests.factories import Factory

POSTS = """query Posts($where: PostWhere) {
  posts(where: $where, first: 100, orderBy: [TITLE_ASC]) { totalCount nodes { slug } } }"""
START = datetime(2024, 3, 1, tzinfo=UTC)


async def _content(engine: AsyncEngine) -> dict[str, Any]:
    """Five posts with distinct titles, dates, flags, authors and tags."""
    factory = Factory(engine)
    python = await factory.tag(slug="python", name="Python")
    web = await factory.tag(slug="web", name="Web")
    ada = await factory.author(slug="ada", name="Ada Lovelace")
    bob = await factory.author(slug="bob", name="Bob")
    specs = [
        ("alpha", "Alpha: 100% Python", ada, [python], True),
        ("beta", "Beta_web notes", bob, [web], False),
        ("gamma", "Gamma Python and Web", ada, [python, web], False),
        ("delta", "Delta without tags", bob, [], True),
        ("epsilon", "Epsilon back\\slash", ada, [web], False),
    ]
    posts = {}
    for days, (slug, title, author, tags, featured) in enumerate(specs):
        posts[slug] = await factory.post(
            slug=slug,
            title=title,
            author_id=author["id"],
            tags=tags,
            featured=featured,
            published_at=START + timedelta(days=days),
        )
    return posts


async def _slugs(gql: GraphQLClient, where: dict[str, Any]) -> list[str]:
    data = await gql.data(POSTS, {"where": where})
    slugs = [node["slug"] for node in data["posts"]["nodes"]]
    assert data["posts"]["totalCount"] == len(slugs)
    return slugs


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"slug": {"eq": "beta"}}, ["beta"]),
        ({"slug": {"ne": "beta"}}, ["alpha", "delta", "epsilon", "gamma"]),
        ({"slug": {"in": ["beta", "delta", "nope"]}}, ["beta", "delta"]),
        ({"slug": {"notIn": ["beta", "delta"]}}, ["alpha", "epsilon", "gamma"]),
        ({"title": {"contains": "PYTHON"}}, ["alpha", "gamma"]),
        ({"title": {"startsWith": "gam"}}, ["gamma"]),
        ({"title": {"endsWith": "NOTES"}}, ["beta"]),
        ({"title": {"contains": "%"}}, ["alpha"]),
        ({"title": {"contains": "_"}}, ["beta"]),
        ({"title": {"contains": "\\"}}, ["epsilon"]),
        ({"excerpt": {"isNull": True}}, []),
        ({"excerpt": {"isNull": False}}, ["alpha", "beta", "delta", "epsilon", "gamma"]),
        ({"featured": {"eq": True}}, ["alpha", "delta"]),
        ({"version": {"gte": 1}}, ["alpha", "beta", "delta", "epsilon", "gamma"]),
        ({"version": {"gt": 1}}, []),
    ],
    ids=[
        "eq",
        "ne",
        "in",
        "notIn",
        "contains-ci",
        "startsWith-ci",
        "endsWith-ci",
        "percent-literal",
        "underscore-literal",
        "backslash-literal",
        "isNull-true",
        "isNull-false",
        "boolean",
        "int-gte",
        "int-gt",
    ],
)
async def test_field_operator(
    gql: GraphQLClient, engine: AsyncEngine, where: dict[str, Any], expected: list[str]
) -> None:
    await _content(engine)

    assert await _slugs(gql, where) == expected


@pytest.mark.parametrize(
    ("operator", "day", "expected"),
    [
        ("eq", 2, ["gamma"]),
        ("ne", 2, ["alpha", "beta", "delta", "epsilon"]),
        ("gt", 2, ["delta", "epsilon"]),
        ("gte", 2, ["delta", "epsilon", "gamma"]),
        ("lt", 2, ["alpha", "beta"]),
        ("lte", 2, ["alpha", "beta", "gamma"]),
    ],
)
async def test_date_operator(
    gql: GraphQLClient, engine: AsyncEngine, operator: str, day: int, expected: list[str]
) -> None:
    await _content(engine)
    moment = (START + timedelta(days=day)).isoformat()

    assert await _slugs(gql, {"publishedAt": {operator: moment}}) == expected


async def test_id_filter_takes_global_ids(gql: GraphQLClient, engine: AsyncEngine) -> None:
    await _content(engine)
    data = await gql.data('{ post(slug: "gamma") { id } }')

    assert await _slugs(gql, {"id": {"eq": data["post"]["id"]}}) == ["gamma"]
    assert await _slugs(gql, {"id": {"in": [data["post"]["id"]]}}) == ["gamma"]


async def test_and_or_not_nest(gql: GraphQLClient, engine: AsyncEngine) -> None:
    await _content(engine)
    where = {
        "OR": [{"slug": {"eq": "alpha"}}, {"AND": [{"featured": {"eq": True}}]}],
        "NOT": {"slug": {"eq": "delta"}},
    }

    assert await _slugs(gql, where) == ["alpha"]


async def test_author_relation_filter(gql: GraphQLClient, engine: AsyncEngine) -> None:
    await _content(engine)

    assert await _slugs(gql, {"author": {"slug": {"eq": "bob"}}}) == ["beta", "delta"]


@pytest.mark.parametrize(
    ("quantifier", "expected"),
    [
        ("some", ["alpha", "gamma"]),
        ("none", ["beta", "delta", "epsilon"]),
        # Vacuously true for the post with no tags, as in Prisma and Hasura.
        ("every", ["alpha", "delta"]),
    ],
)
async def test_tags_quantifiers(
    gql: GraphQLClient, engine: AsyncEngine, quantifier: str, expected: list[str]
) -> None:
    await _content(engine)
    where = {"tags": {quantifier: {"slug": {"eq": "python"}}}}

    assert await _slugs(gql, where) == expected


async def test_two_tags_both_required(gql: GraphQLClient, engine: AsyncEngine) -> None:
    await _content(engine)
    where = {
        "AND": [
            {"tags": {"some": {"slug": {"eq": "python"}}}},
            {"tags": {"some": {"slug": {"eq": "web"}}}},
        ]
    }

    assert await _slugs(gql, where) == ["gamma"]


async def test_nested_connection_takes_where(gql: GraphQLClient, engine: AsyncEngine) -> None:
    await _content(engine)
    document = """{ author(slug: "ada") { posts(where: {title: {contains: "python"}}) {
      totalCount nodes { slug } } } }"""

    data = await gql.data(document)

    assert data["author"]["posts"] == {
        "totalCount": 2,
        "nodes": [{"slug": "gamma"}, {"slug": "alpha"}],
    }


@pytest.mark.parametrize(
    ("where", "code"),
    [
        ({"title": {"contains": 5}}, "BAD_USER_INPUT"),
        ({"nope": {"eq": "x"}}, "BAD_USER_INPUT"),
        ({"publishedAt": {"gt": "yesterday"}}, "BAD_USER_INPUT"),
        ({"id": {"eq": "not-a-global-id"}}, "BAD_USER_INPUT"),
    ],
    ids=["wrong-type", "unknown-field", "bad-datetime", "bad-id"],
)
async def test_malformed_filter_is_refused_with_a_code(
    gql: GraphQLClient, engine: AsyncEngine, where: dict[str, Any], code: str
) -> None:
    await _content(engine)

    body = await gql.query(POSTS, {"where": where})

    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == [code]


async def test_malformed_inline_filter_fails_validation(gql: GraphQLClient) -> None:
    body = await gql.query('{ posts(where: {title: {like: "x"}}) { totalCount } }')

    assert "data" not in body or body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == [
        "GRAPHQL_VALIDATION_FAILED"
    ]
