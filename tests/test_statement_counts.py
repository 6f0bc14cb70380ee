"""The six example queries (home, post, tag, authors, filtered, search), exactly as GraphiQL
and the benchmark send them, issue as many SQL statements at page size 5 as at 50."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.graphiql.examples import Example, load_examples
from tests.conftest import GraphQLClient
from tests.factories import Factory

EXAMPLES = {example.name: example for example in load_examples()}
# Statements each example issues at every page size: one per level of the query's shape.
# search: the page with its count, one batch per type, the posts' authors and tags.
# filtered: the page with its count (a tag filter: one statement, see test_counted_pages).
EXPECTED = {"home": 5, "post": 6, "tag": 3, "authors": 4, "filtered": 2, "search": 5}
SIZES = (5, 50)


async def _content(engine: AsyncEngine) -> None:
    """What every example's variables name, with more than 50 rows at each level: 60
    authors with avatars, 120 posts with covers, co-authors and tags, 60 pages; one entry of
    each type matches the search best, so even 5 results hold every type."""
    factory = Factory(engine)
    python = await factory.tag(slug="python", name="Python")
    databases = await factory.tag(slug="databases", name="Databases")
    web = await factory.tag(slug="web", name="Web")
    authors = [
        await factory.author(
            avatar_id=(await factory.asset())["id"],
            name="Python" if n == 0 else f"Author {n}",
            bio="Python." if n == 0 else "Writes about data, mostly in Python, now and then.",
        )
        for n in range(60)
    ]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(120):
        await factory.post(
            slug="welcome-to-masthead" if n == 0 else f"data-post-{n}",
            title="Python" if n == 0 else f"Big data with Python, part {n}",
            author_id=authors[n % 60]["id"],
            co_authors=[authors[(n + 1) % 60]],
            tags=[python, databases, web][: 2 + n % 2],
            cover_image_id=(await factory.asset())["id"],
            published_at=start + timedelta(days=n),
        )
    for n in range(60):
        await factory.page(
            title="Python" if n == 0 else f"Guide {n}",
            body="Python." if n == 0 else "A long guide that mentions Python once among data.",
        )


def test_every_example_has_an_expected_count() -> None:
    assert set(EXPECTED) == set(EXAMPLES)


@pytest.mark.parametrize("name", list(EXAMPLES))
async def test_statement_count_does_not_grow_with_page_size(
    gql: GraphQLClient, engine: AsyncEngine, name: str
) -> None:
    await _content(engine)
    example: Example = EXAMPLES[name]
    counts = {}
    for size in SIZES:
        data = await gql.data(example.query, {**example.variables, "first": size})
        assert all(value is not None for value in data.values()), data
        counts[size] = gql.last_statements
    assert counts == dict.fromkeys(SIZES, EXPECTED[name])


async def test_pages_of_fifty_really_hold_fifty_entries(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await _content(engine)
    sizes = {}
    for name, example in EXAMPLES.items():
        data = await gql.data(example.query, {**example.variables, "first": 50})
        sizes[name] = _page_length(data)
    assert sizes == dict.fromkeys(EXAMPLES, 50)


def _page_length(data: dict[str, object]) -> int:
    """The length of the list the example's `$first` sizes."""
    match data:
        case {"posts": {"nodes": list(nodes)}} | {"authors": {"nodes": list(nodes)}}:
            return len(nodes)
        case {"post": {"related": list(nodes)}}:
            return len(nodes)
        case {"tag": {"posts": {"edges": list(nodes)}}} | {"search": {"edges": list(nodes)}}:
            return len(nodes)
    raise AssertionError(data)
