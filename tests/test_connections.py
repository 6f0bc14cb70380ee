"""Relay connections: keyset cursors both ways, page sizes, stable cursors, total order."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import ContentStatus
from tests.backends import BACKEND
from tests.conftest import GraphQLClient, TokenMaker
from tests.factories import Factory

PAGE = """query P($first: Int, $after: String, $last: Int, $before: String) {
  posts(first: $first, after: $after, last: $last, before: $before) {
    totalCount nodes { slug }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""
START = datetime(2024, 1, 1, tzinfo=UTC)


async def _posts(
    engine: AsyncEngine, count: int, *, same_time: bool = False, factory: Factory | None = None
) -> list[str]:
    """`count` posts; newest first, the order the API lists them in."""
    factory = factory or Factory(engine)
    slugs = []
    for n in range(count):
        moment = START if same_time else START + timedelta(hours=n)
        slugs.append((await factory.post(slug=f"p{n:03}", published_at=moment))["slug"])
    return slugs[::-1]


async def _page(
    gql: GraphQLClient, headers: dict[str, str] | None = None, **variables: Any
) -> dict[str, Any]:
    data = await gql.data(PAGE, variables, headers)
    posts: dict[str, Any] = data["posts"]
    return posts


async def _walk(
    gql: GraphQLClient, size: int, headers: dict[str, str] | None = None
) -> tuple[list[str], list[str]]:
    """The whole list read `size` at a time forwards, and again backwards."""
    forward: list[str] = []
    after = None
    while True:
        page = await _page(gql, headers, first=size, after=after)
        forward += [node["slug"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    backward: list[str] = []
    before = None
    while True:
        page = await _page(gql, headers, last=size, before=before)
        backward = [node["slug"] for node in page["nodes"]] + backward
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    return forward, backward


async def test_walking_forward_and_backward_gives_the_whole_list_once(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    expected = await _posts(engine, 23)

    forward, backward = await _walk(gql, 5)

    assert forward == expected
    assert backward == expected


async def test_page_info_at_both_ends_and_default_size(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await _posts(engine, 25)

    first = await _page(gql)
    last = await _page(gql, last=5)

    assert len(first["nodes"]) == 20
    assert first["totalCount"] == 25
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert last["pageInfo"]["hasPreviousPage"] is True
    assert last["pageInfo"]["hasNextPage"] is False


async def test_cursor_stays_valid_when_posts_are_inserted_between_requests(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    factory = Factory(engine)
    expected = await _posts(engine, 10, factory=factory)
    page_one = await _page(gql, first=4)
    await factory.post(slug="newest", published_at=START + timedelta(days=30))
    await factory.post(slug="between", published_at=START + timedelta(hours=4, minutes=30))

    page_two = await _page(gql, first=4, after=page_one["pageInfo"]["endCursor"])

    assert [node["slug"] for node in page_two["nodes"]] == [
        expected[4],
        "between",
        *expected[5:7],
    ]


async def test_ties_are_broken_by_id_so_pages_never_overlap(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await _posts(engine, 9, same_time=True)

    page_one = await _page(gql, first=4)
    page_two = await _page(gql, first=4, after=page_one["pageInfo"]["endCursor"])
    page_three = await _page(gql, first=4, after=page_two["pageInfo"]["endCursor"])

    slugs = [n["slug"] for p in (page_one, page_two, page_three) for n in p["nodes"]]
    assert slugs == [f"p{n:03}" for n in range(8, -1, -1)]


@pytest.mark.parametrize(
    "variables",
    [{"first": 101}, {"first": -1}, {"last": 101}, {"first": 2, "last": 2}, {"after": "nope"}],
    ids=["first-101", "negative", "last-101", "first-and-last", "garbled-cursor"],
)
async def test_bad_page_arguments_are_bad_user_input(
    gql: GraphQLClient, engine: AsyncEngine, variables: dict[str, Any]
) -> None:
    await _posts(engine, 3)

    body = await gql.query(PAGE, variables)

    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == ["BAD_USER_INPUT"]


async def test_first_100_is_allowed(gql: GraphQLClient, engine: AsyncEngine) -> None:
    await _posts(engine, 3)

    assert len((await _page(gql, first=100))["nodes"]) == 3


async def test_nested_posts_paginate_per_author(gql: GraphQLClient, engine: AsyncEngine) -> None:
    factory = Factory(engine)
    for name in ("ann", "bea"):
        author = await factory.author(slug=name, name=name)
        for n in range(3):
            await factory.post(
                slug=f"{name}-{n}", author_id=author["id"], published_at=START + timedelta(days=n)
            )
    document = """query A($after: String) { authors(orderBy: [NAME_ASC]) { nodes { slug
      posts(first: 2, after: $after) { totalCount nodes { slug } pageInfo { endCursor } } } } }"""

    first = await gql.data(document)
    ann_cursor = first["authors"]["nodes"][0]["posts"]["pageInfo"]["endCursor"]
    rest = await gql.data(document, {"after": ann_cursor})

    pages = {a["slug"]: a["posts"] for a in first["authors"]["nodes"]}
    assert {slug: [n["slug"] for n in p["nodes"]] for slug, p in pages.items()} == {
        "ann": ["ann-2", "ann-1"],
        "bea": ["bea-2", "bea-1"],
    }
    assert {slug: p["totalCount"] for slug, p in pages.items()} == {"ann": 3, "bea": 3}
    assert [n["slug"] for n in rest["authors"]["nodes"][0]["posts"]["nodes"]] == ["ann-0"]


NESTED = """query N($first: Int, $after: String, $last: Int, $before: String) {
  tags(first: 10, orderBy: [NAME_ASC]) { nodes { slug
    posts(first: $first, after: $after, last: $last, before: $before) {
      nodes { slug } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }"""
ONE = """query O($slug: String!, $first: Int, $after: String, $last: Int, $before: String) {
  tag(slug: $slug) {
    posts(first: $first, after: $after, last: $last, before: $before) {
      nodes { slug } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }"""


@pytest.mark.parametrize("role", [None, "editor"])
async def test_pages_for_many_parents_are_each_parents_own_page(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker, role: str | None
) -> None:
    """Each tag's page read with the others (one statement for all) is its page read alone.

    Forwards and backwards from each tag's first page's end (a cursor in another tag's
    list too), with posts at the same time and (for an editor) undated drafts, which
    sort last.
    """
    factory = Factory(engine)
    tags = [await factory.tag(slug=slug, name=slug) for slug in ("a", "b", "c")]
    for n in range(7):
        carried = [tag for i, tag in enumerate(tags) if (n + i) % 3]
        moment = START + timedelta(hours=n // 2)  # pairs of posts at the same time
        await factory.post(slug=f"p{n}", tags=carried, published_at=moment)
    await factory.post(slug="draft", tags=tags, status=ContentStatus.DRAFT, published_at=None)
    headers = await token(role) if role else None
    first = await gql.data(NESTED, {"first": 2}, headers)
    cursors = [tag["posts"]["pageInfo"]["endCursor"] for tag in first["tags"]["nodes"]]
    asked = [
        {**size, **moved}
        for size in ({"first": 2}, {"last": 3}, {"first": 3}, {"last": 2})
        for moved in ({}, *({"after": c} for c in cursors), *({"before": c} for c in cursors))
    ]
    compared = 0
    for variables in asked:
        together = await gql.data(NESTED, variables, headers)
        for tag in together["tags"]["nodes"]:
            alone = await gql.data(ONE, {"slug": tag["slug"], **variables}, headers)
            assert tag["posts"] == alone["tag"]["posts"], (tag["slug"], variables)
            compared += bool(tag["posts"]["nodes"])
    assert compared > len(asked) * 2  # most pages hold posts


async def _dated_and_undated(engine: AsyncEngine) -> tuple[list[str], list[str]]:
    """Dated posts (two at the same time) and undated drafts: (the public's, an editor's)."""
    factory = Factory(engine)
    dated = await _posts(engine, 5, factory=factory)
    for slug in ("tie-a", "tie-b"):
        await factory.post(slug=slug, published_at=START + timedelta(hours=2))
    for slug in ("draft-a", "draft-b"):
        await factory.post(slug=slug, status=ContentStatus.DRAFT, published_at=None)
    public = [*dated[:2], "tie-b", "tie-a", *dated[2:]]
    return public, [*public, "draft-b", "draft-a"]


async def test_undated_drafts_come_last_for_editors_and_never_for_the_public(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    public, editors = await _dated_and_undated(engine)

    assert await _walk(gql, 2) == (public, public)
    assert await _walk(gql, 2, await token("editor")) == (editors, editors)


async def test_a_cursor_on_an_undated_draft_means_the_same_to_the_public(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    public, editors = await _dated_and_undated(engine)
    editor_page = await _page(gql, await token("editor"), first=len(editors) - 1)
    on_a_draft = editor_page["pageInfo"]["endCursor"]

    after = await _page(gql, first=20, after=on_a_draft)
    before = await _page(gql, last=20, before=on_a_draft)

    assert editor_page["nodes"][-1]["slug"] == "draft-b"
    assert after["nodes"] == []
    assert [node["slug"] for node in before["nodes"]] == public


# PostgreSQL's planner scans tables this small whatever index exists: sequential scans are
# priced out, so the plan shows whether the listing's order is the index's.
@pytest.mark.skipif(BACKEND != "postgresql", reason="a query plan of PostgreSQL's")
async def test_the_public_listing_reads_the_date_index_in_order(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await _posts(engine, 30)
    sent: list[tuple[str, Any]] = []

    def record(*arguments: Any) -> None:
        sent.append((arguments[2], arguments[3]))  # the statement and its parameters

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        await _page(gql, first=5)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    (statement, parameters), *_ = (s for s in sent if "ORDER BY posts.published_at" in s[0])
    async with engine.connect() as connection:
        await connection.exec_driver_sql("ANALYZE posts")
        await connection.exec_driver_sql("SET enable_seqscan = off")
        found = await connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        plan = "\n".join(row[0] for row in found)

    assert "Index Scan Backward using ix_posts_listing" in plan, plan
    assert not re.search(r"(^|->)\s*Sort\s+\(", plan, re.MULTILINE), plan  # a full sort


@pytest.mark.skipif(BACKEND != "sqlite", reason="a query plan of SQLite's")
async def test_sqlite_reads_each_authors_page_from_the_index_without_a_window(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    """An authors index's latest posts: a few index entries per author, never all posts."""
    factory = Factory(engine)
    for name in ("ann", "bea", "cy"):
        author = await factory.author(slug=name, name=name)
        for n in range(4):
            await factory.post(author_id=author["id"], published_at=START + timedelta(days=n))
    sent: list[tuple[str, Any]] = []

    def record(*arguments: Any) -> None:
        sent.append((arguments[2], arguments[3]))  # the statement and its parameters

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        data = await gql.data("{ authors { nodes { posts(first: 2) { nodes { slug } } } } }")
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    assert [len(a["posts"]["nodes"]) for a in data["authors"]["nodes"]] == [2, 2, 2]
    (statement, parameters), *_ = (s for s in sent if "posts.author_id" in s[0])
    async with engine.connect() as connection:
        found = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        plan = "\n".join(str(row[-1]) for row in found)

    assert "row_number" not in statement
    assert "CORRELATED LIST SUBQUERY" in plan, plan
    assert "USING COVERING INDEX ix_posts_author_listing" in plan, plan
