"""The six example queries of SPEC §8 issue as many SQL statements at page size 5 as at 50."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import GraphQLClient
from tests.factories import Factory

HOME = """query Home($n: Int!) { posts(first: $n) { nodes {
  title slug excerpt publishedAt author { name avatar { url } } tags { name }
  coverImage { url width height } } } }"""

POST_PAGE = """query PostPage($slug: String!, $n: Int!) { post(slug: $slug) {
  title body(format: HTML) readingTimeMinutes
  author { name bio posts(first: $n) { nodes { title slug } } }
  tags { name slug } related(first: $n) { title slug }
  seo { title description canonicalUrl ogImage { url } } } }"""

TAG_ARCHIVE = """query TagArchive($slug: String!, $n: Int!) { tag(slug: $slug) { name description
  posts(first: $n) { totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { title slug publishedAt } } } } }"""

AUTHORS_INDEX = """query Authors($n: Int!) { authors(first: $n) { nodes { name slug postCount
  posts(first: 5) { nodes { title slug tags { name } } } } } }"""

FILTERED = """query Filtered($n: Int!, $from: DateTime!, $to: DateTime!) {
  posts(first: $n, where: {
    AND: [{tags: {some: {slug: {eq: "python"}}}}, {tags: {some: {slug: {eq: "databases"}}}}],
    publishedAt: {gte: $from, lt: $to}, title: {contains: "data"} }) {
  totalCount nodes { title slug publishedAt tags { name } } } }"""

EXAMPLES: dict[str, tuple[str, dict[str, Any], int]] = {
    # name: (document, variables, statements expected at every page size)
    "home": (HOME, {}, 5),
    "post_page": (POST_PAGE, {"slug": "post-with-friends"}, 6),
    "tag_archive": (TAG_ARCHIVE, {"slug": "python"}, 3),
    "authors_index": (AUTHORS_INDEX, {}, 4),
    "filtered": (
        FILTERED,
        {"from": "2020-01-01T00:00:00+00:00", "to": "2030-01-01T00:00:00+00:00"},
        3,
    ),
}


async def _content(engine: AsyncEngine) -> None:
    """60 authors with avatars, 120 posts with covers, co-authors and tags."""
    factory = Factory(engine)
    python = await factory.tag(slug="python", name="Python")
    databases = await factory.tag(slug="databases", name="Databases")
    web = await factory.tag(slug="web", name="Web")
    authors = [await factory.author(avatar_id=(await factory.asset())["id"]) for _ in range(60)]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(120):
        await factory.post(
            slug="post-with-friends" if n == 0 else f"data-post-{n}",
            title=f"Big data story {n}",
            author_id=authors[n % 60]["id"],
            co_authors=[authors[(n + 1) % 60]],
            tags=[python, databases, web][: 1 + n % 3],
            cover_image_id=(await factory.asset())["id"],
            published_at=start + timedelta(days=n),
        )


@pytest.mark.parametrize("name", sorted(EXAMPLES))
async def test_statement_count_does_not_grow_with_page_size(
    gql: GraphQLClient, engine: AsyncEngine, name: str
) -> None:
    await _content(engine)
    document, variables, expected = EXAMPLES[name]
    counts = {}
    for size in (5, 50):
        data = await gql.data(document, {**variables, "n": size})
        assert data, data
        counts[size] = gql.last_statements
    assert counts == {5: expected, 50: expected}


async def test_pages_of_fifty_really_hold_fifty_entries(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await _content(engine)
    data = await gql.data(AUTHORS_INDEX, {"n": 50})
    assert len(data["authors"]["nodes"]) == 50
    data = await gql.data(TAG_ARCHIVE, {"slug": "python", "n": 50})
    assert len(data["tag"]["posts"]["edges"]) == 50
