"""Nested connections and counts prefetched with their parents' page.

`authors { posts(first: 2) { … } postCount }` loads every author's page of posts in one
statement as the authors' page is built, their posts' relations in one more, and every
author's count in one: no resolver waits per author. A nested connection given `where`
or `orderBy` is loaded by its own resolver (batched all the same), and bad arguments are
reported on the nested field, as if nothing had been prefetched.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import GraphQLClient
from tests.factories import Factory

START = datetime(2024, 1, 1, tzinfo=UTC)
AUTHORS = """query A($first: Int, $after: String) { authors(orderBy: [NAME_ASC]) { nodes {
  slug postCount
  posts(first: $first, after: $after) { totalCount nodes { slug tags { slug } } } } } }"""


async def _content(engine: AsyncEngine) -> None:
    """Three authors with 0, 2 and 4 posts, each post tagged."""
    factory = Factory(engine)
    tag = await factory.tag(slug="t")
    for index, name in enumerate(("ann", "bea", "cy")):
        author = await factory.author(slug=name, name=name)
        for n in range(index * 2):
            await factory.post(
                slug=f"{name}-{n}",
                author_id=author["id"],
                tags=[tag],
                published_at=START + timedelta(days=n),
            )


def _pages(data: dict[str, Any], field: str = "posts") -> dict[str, list[str]]:
    return {
        author["slug"]: [node["slug"] for node in author[field]["nodes"]]
        for author in data["authors"]["nodes"]
    }


async def test_every_authors_page_comes_with_the_authors(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await _content(engine)
    data = await gql.data(AUTHORS, {"first": 2})

    assert _pages(data) == {"ann": [], "bea": ["bea-1", "bea-0"], "cy": ["cy-3", "cy-2"]}
    assert [a["postCount"] for a in data["authors"]["nodes"]] == [0, 2, 4]
    assert [a["posts"]["totalCount"] for a in data["authors"]["nodes"]] == [0, 2, 4]
    tags = {n["slug"]: n["tags"] for a in data["authors"]["nodes"] for n in a["posts"]["nodes"]}
    assert set(map(str, tags.values())) == {"[{'slug': 't'}]"}
    # the authors, their pages, the posts' tags, the counts (postCount and totalCount share)
    assert gql.last_statements == 4


async def test_a_literal_and_a_variable_give_the_same_pages(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await _content(engine)
    literal = AUTHORS.replace("posts(first: $first, after: $after)", "posts(first: 3)").replace(
        "query A($first: Int, $after: String)", "query A"
    )
    by_variable = await gql.data(AUTHORS, {"first": 3})
    statements = gql.last_statements
    by_literal = await gql.data(literal)

    assert by_literal == by_variable
    assert gql.last_statements == statements == 4


async def test_aliases_with_different_arguments_each_get_their_own_page(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await _content(engine)
    document = """{ authors(orderBy: [NAME_ASC]) { nodes { slug
      one: posts(first: 1) { nodes { slug } } three: posts(first: 3) { nodes { slug } } } } }"""
    data = await gql.data(document)

    assert _pages(data, "one") == {"ann": [], "bea": ["bea-1"], "cy": ["cy-3"]}
    assert _pages(data, "three") == {
        "ann": [],
        "bea": ["bea-1", "bea-0"],
        "cy": ["cy-3", "cy-2", "cy-1"],
    }


async def test_a_cursor_pages_on_for_every_author(gql: GraphQLClient, engine: AsyncEngine) -> None:
    await _content(engine)
    cursor_of = """{ authors(orderBy: [NAME_ASC]) { nodes { slug
      posts(first: 2) { pageInfo { endCursor } } } } }"""
    cy = (await gql.data(cursor_of))["authors"]["nodes"][2]["posts"]["pageInfo"]["endCursor"]
    data = await gql.data(AUTHORS, {"first": 2, "after": cy})

    # Keyset cursors: every author's page starts after the same (date, id) position.
    assert _pages(data)["cy"] == ["cy-1", "cy-0"]


async def test_a_filtered_nested_connection_is_loaded_by_its_resolver(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await _content(engine)
    document = """{ authors(orderBy: [NAME_ASC]) { nodes { slug
      posts(first: 5, where: {slug: {contains: "-1"}}) { nodes { slug } } } } }"""
    data = await gql.data(document)

    assert _pages(data) == {"ann": [], "bea": ["bea-1"], "cy": ["cy-1"]}
    assert gql.last_statements == 2  # the authors, then every author's page at once


async def test_bad_nested_arguments_are_reported_on_the_nested_field(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await _content(engine)
    body = await gql.query(AUTHORS, {"first": -1})

    # The first author's field fails, and its null ends the non-null list: as ever.
    [error] = body["errors"]
    assert error["path"] == ["authors", "nodes", 0, "posts"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["data"] is None


async def test_each_posts_tags_and_co_authors_come_in_its_editors_order(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    """Tags shared by every post of a page are read once, and each post keeps its order."""
    factory = Factory(engine)
    tags = [await factory.tag(slug=slug) for slug in ("x", "y", "z")]
    people = [await factory.author(slug=slug) for slug in ("p", "q")]
    orders = {"a": ([0, 1, 2], [0, 1]), "b": ([2, 0, 1], [1, 0]), "c": ([1], [1]), "d": ([], [])}
    for n, (slug, (tag_order, people_order)) in enumerate(orders.items()):
        await factory.post(
            slug=slug,
            tags=[tags[i] for i in tag_order],
            co_authors=[people[i] for i in people_order],
            published_at=START + timedelta(days=n),
        )
    document = "{ posts { nodes { slug tags { slug } coAuthors { slug } } } }"

    data = await gql.data(document)

    found = {
        node["slug"]: ([t["slug"] for t in node["tags"]], [a["slug"] for a in node["coAuthors"]])
        for node in data["posts"]["nodes"]
    }
    assert found == {
        "a": (["x", "y", "z"], ["p", "q"]),
        "b": (["z", "x", "y"], ["q", "p"]),
        "c": (["y"], ["q"]),
        "d": ([], []),
    }
    assert gql.last_statements == 3  # the posts, every post's tags, every post's co-authors
