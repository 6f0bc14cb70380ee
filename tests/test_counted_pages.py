"""A page and its `totalCount` from one statement, where a tag filter finds the rows.

With `tags: {some: …}` ANDed at the top of `where`, the database finds the matches from
the tag's links and reads every one of them for a page anyway: the page's rows then carry
the count, found once. Every other listing counts in a statement of its own. Either way
the count is the whole list's, whatever the cursor.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import GraphQLClient
from tests.factories import Factory

START = datetime(2024, 3, 1, tzinfo=UTC)
PAGE = """query Page($where: PostWhere, $first: Int, $after: String, $last: Int,
  $before: String) {
  posts(where: $where, first: $first, after: $after, last: $last, before: $before) {
    totalCount nodes { slug } pageInfo { endCursor startCursor hasNextPage } } }"""
NO_COUNT = """query Page($where: PostWhere) { posts(where: $where, first: 3) { nodes { slug } } }"""
PYTHON = {"tags": {"some": {"slug": {"eq": "python"}}}}


async def _content(engine: AsyncEngine) -> None:
    """Twelve posts: the even ones tagged python, every third one tagged web."""
    factory = Factory(engine)
    python = await factory.tag(slug="python", name="Python")
    web = await factory.tag(slug="web", name="Web")
    for n in range(12):
        tags = [tag for tag, on in ((python, n % 2 == 0), (web, n % 3 == 0)) if on]
        await factory.post(slug=f"post-{n:02}", tags=tags, published_at=START + timedelta(n))


async def _page(gql: GraphQLClient, **variables: Any) -> tuple[dict[str, Any], int]:
    data = await gql.data(PAGE, variables)
    return data["posts"], gql.last_statements


@pytest.mark.parametrize(
    "where",
    [
        PYTHON,
        {"AND": [PYTHON, {"tags": {"some": {"slug": {"eq": "web"}}}}]},
        {"AND": [{"title": {"contains": "o"}}, PYTHON]},
    ],
)
async def test_a_tag_filtered_page_reads_its_count_in_the_same_statement(
    gql: GraphQLClient, engine: AsyncEngine, where: dict[str, Any]
) -> None:
    await _content(engine)
    everything, _ = await _page(gql, where=where, first=100)
    page, statements = await _page(gql, where=where, first=2)

    assert page["totalCount"] == len(everything["nodes"]) > 0
    assert page["nodes"] == everything["nodes"][:2]
    assert statements == 1  # the page and its count, with no relation selected


async def test_the_count_stays_the_whole_lists_on_every_page(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await _content(engine)
    slugs, after, counts = [], None, []
    while True:
        page, statements = await _page(gql, where=PYTHON, first=4, after=after)
        slugs += [node["slug"] for node in page["nodes"]]
        counts.append((page["totalCount"], statements))
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert slugs == [f"post-{n:02}" for n in range(10, -1, -2)]
    assert counts == [(6, 1), (6, 1)]


async def test_reading_backwards_counts_the_whole_list(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await _content(engine)
    first, _ = await _page(gql, where=PYTHON, first=100)
    last, statements = await _page(gql, where=PYTHON, last=2)
    before, _ = await _page(gql, where=PYTHON, last=2, before=last["pageInfo"]["startCursor"])

    assert [node["slug"] for node in last["nodes"]] == ["post-02", "post-00"]
    assert [node["slug"] for node in before["nodes"]] == ["post-06", "post-04"]
    assert (last["totalCount"], before["totalCount"], statements) == (6, 6, 1)
    assert first["totalCount"] == 6


async def test_a_cursor_past_every_match_still_counts_them_all(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await _content(engine)
    whole, _ = await _page(gql, where=PYTHON, first=100)
    past, statements = await _page(gql, where=PYTHON, first=3, after=whole["pageInfo"]["endCursor"])

    assert past["nodes"] == []
    assert past["totalCount"] == 6
    assert statements == 2  # no row carried the count: it is read on its own


async def test_no_match_counts_zero_without_a_second_statement(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await _content(engine)
    where = {"tags": {"some": {"slug": {"eq": "nowhere"}}}}
    page, statements = await _page(gql, where=where, first=3)

    assert (page["nodes"], page["totalCount"], statements) == ([], 0, 1)


@pytest.mark.parametrize(
    "where",
    [
        None,
        {"title": {"contains": "post"}},
        {"tags": {"none": {"slug": {"eq": "python"}}}},
        {"OR": [PYTHON, {"slug": {"eq": "post-01"}}]},
        {"NOT": PYTHON},
    ],
)
async def test_other_filters_count_in_a_statement_of_their_own(
    gql: GraphQLClient, engine: AsyncEngine, where: dict[str, Any] | None
) -> None:
    # The page can stop early in the order's index: counting with it would read every row.
    await _content(engine)
    page, statements = await _page(gql, where=where, first=2)
    whole, _ = await _page(gql, where=where, first=100)

    assert page["totalCount"] == len(whole["nodes"])
    assert statements == 2


async def test_a_page_without_its_count_reads_no_count(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await _content(engine)
    data = await gql.data(NO_COUNT, {"where": PYTHON})

    assert [node["slug"] for node in data["posts"]["nodes"]] == ["post-10", "post-08", "post-06"]
    assert gql.last_statements == 1
