"""A `where` argument too broad for one statement is bad input, refused before any SQL:
more AND/OR/NOT items and relation filters than `MASTHEAD_MAX_WHERE_BRANCHES`, or more
`in`/`notIn` values than `MASTHEAD_MAX_WHERE_LIST_VALUES`."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.resolvers.core.ids import encode_id
from masthead.server import create_app
from masthead.settings import Settings
from tests.conftest import GraphQLClient
from tests.factories import Factory

POSTS = "query Q($where: PostWhere) { posts(where: $where) { totalCount } }"
PAGES = "query Q($where: PageWhere) { pages(where: $where) { totalCount } }"


def _refusal(body: dict[str, Any]) -> str:
    """The one error's message, after checking it is a BAD_USER_INPUT."""
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    message: str = error["message"]
    return message


def _nested(key: str, depth: int, leaf: dict[str, Any]) -> dict[str, Any]:
    where = leaf
    for _ in range(depth):
        where = {key: where}
    return where


async def test_a_thousand_or_branches_are_bad_input(gql: GraphQLClient) -> None:
    where = {"OR": [{"slug": {"eq": f"s-{n}"}} for n in range(1000)]}

    body = await gql.query(POSTS, {"where": where})

    assert "at most 100 AND, OR, NOT and relation conditions" in _refusal(body)
    assert body["data"] is None


async def test_a_hundred_branches_are_answered(gql: GraphQLClient, engine: AsyncEngine) -> None:
    await Factory(engine).post(slug="s-7")
    where = {
        "OR": [{"slug": {"eq": f"s-{n}"}} for n in range(50)],
        "AND": [{"NOT": {"slug": {"eq": f"x-{n}"}}} for n in range(25)],
    }

    data = await gql.data(POSTS, {"where": where})

    assert data == {"posts": {"totalCount": 1}}


async def test_deeply_nested_not_is_bad_input(gql: GraphQLClient) -> None:
    body = await gql.query(POSTS, {"where": _nested("NOT", 101, {"slug": {"eq": "x"}})})

    assert "at most 100" in _refusal(body)


async def test_deeply_nested_relation_filters_are_bad_input(gql: GraphQLClient) -> None:
    body = await gql.query(PAGES, {"where": _nested("parent", 101, {"slug": {"eq": "x"}})})

    assert "at most 100" in _refusal(body)


async def test_branches_count_across_and_or_not_and_relations(gql: GraphQLClient) -> None:
    tags = {"some": {"slug": {"eq": "a"}}, "none": {"slug": {"eq": "b"}}}
    # 5 each: the item, NOT, author, some and none.
    branch: dict[str, Any] = {"NOT": {"author": {"slug": {"eq": "w"}}}, "tags": tags}
    where = {"AND": [branch] * 15, "OR": [branch] * 5}

    assert "errors" not in await gql.query(POSTS, {"where": where})
    where["OR"].append({"slug": {"eq": "one-more"}})
    assert "at most 100" in _refusal(await gql.query(POSTS, {"where": where}))


async def test_in_lists_above_the_limit_are_bad_input(gql: GraphQLClient) -> None:
    values = [f"s-{n}" for n in range(101)]
    ids = [encode_id("Post", n) for n in range(1, 102)]
    wheres = [
        {"slug": {"in": values}},
        {"slug": {"notIn": values}},
        {"id": {"in": ids}},
        {"version": {"in": list(range(101))}},
        {"status": {"in": ["DRAFT"] * 101}},
        {"author": {"name": {"in": values}}},
    ]

    for where in wheres:
        message = _refusal(await gql.query(POSTS, {"where": where}))
        assert message == "`in` and `notIn` take at most 100 values", where


async def test_in_lists_at_the_limit_are_answered(gql: GraphQLClient, engine: AsyncEngine) -> None:
    await Factory(engine).post(slug="s-99")

    data = await gql.data(POSTS, {"where": {"slug": {"in": [f"s-{n}" for n in range(100)]}}})

    assert data == {"posts": {"totalCount": 1}}


async def test_nested_connections_refuse_broad_filters(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await Factory(engine).author(slug="writer")
    where = {"OR": [{"slug": {"eq": f"s-{n}"}} for n in range(101)]}

    body = await gql.query(
        'query Q($where: PostWhere) { author(slug: "writer") { posts(where: $where) { '
        "totalCount } } }",
        {"where": where},
    )

    assert "at most 100" in _refusal(body)


async def test_the_limits_are_settings(settings: Settings, engine: AsyncEngine) -> None:
    narrow = settings.model_copy(update={"max_where_branches": 2, "max_where_list_values": 3})
    app = create_app(narrow, engine=engine)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        gql = GraphQLClient(client)
        two = {"OR": [{"slug": {"eq": "a"}}, {"slug": {"eq": "b"}}]}
        three = {"OR": [{"slug": {"eq": "a"}}, {"NOT": {"slug": {"eq": "b"}}}]}

        assert "errors" not in await gql.query(POSTS, {"where": two})
        assert "at most 2 AND" in _refusal(await gql.query(POSTS, {"where": three}))
        assert "errors" not in await gql.query(POSTS, {"where": {"slug": {"in": ["a"] * 3}}})
        body = await gql.query(POSTS, {"where": {"slug": {"in": ["a"] * 4}}})
        assert _refusal(body) == "`in` and `notIn` take at most 3 values"
