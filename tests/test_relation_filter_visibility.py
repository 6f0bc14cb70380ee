"""Relation filters test only related entries the viewer may see: for a public reader a
hidden parent is no parent, as it reads (null), so no filter can probe a hidden entry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import ContentStatus
from masthead.resolvers.asset import ASSET_LISTING
from masthead.resolvers.author import AUTHOR_LISTING
from masthead.resolvers.core.ids import encode_id
from masthead.resolvers.page import PAGE_LISTING
from masthead.resolvers.post import POST_LISTING
from masthead.resolvers.tag import TAG_LISTING
from tests.conftest import GraphQLClient, TokenMaker
from tests.factories import Factory

PAST = datetime.now(UTC) - timedelta(days=1)
FUTURE = datetime.now(UTC) + timedelta(days=1)
HIDDEN_KINDS = {
    "draft": (ContentStatus.DRAFT, None),
    "scheduled": (ContentStatus.SCHEDULED, FUTURE),
    "archived": (ContentStatus.ARCHIVED, PAST),
}
# Every relation filter of every type, each tested below.
RELATION_FILTERS = {("Post", "author"), ("Post", "tags"), ("Page", "parent")}
PAGES = "query Q($where: PageWhere) { pages(where: $where) { totalCount nodes { path } } }"


async def _pages(engine: AsyncEngine, kind: str) -> dict[str, Any]:
    """A hidden `/secret` with a visible child and grandchild, beside a visible `/open`."""
    factory = Factory(engine)
    status, published_at = HIDDEN_KINDS[kind]
    secret = await factory.page(
        path="/secret", title="Secret plans", status=status, published_at=published_at
    )
    child = await factory.page(path="/secret/child", title="Child", parent_id=secret["id"])
    await factory.page(path="/secret/child/grandchild", title="Grandchild", parent_id=child["id"])
    opened = await factory.page(path="/open", title="Open plans")
    await factory.page(path="/open/kid", title="Kid", parent_id=opened["id"])
    return secret


async def _paths(
    gql: GraphQLClient, where: dict[str, Any], headers: dict[str, str] | None = None
) -> list[str]:
    data = await gql.data(PAGES, {"where": where}, headers)
    paths = sorted(node["path"] for node in data["pages"]["nodes"])
    assert data["pages"]["totalCount"] == len(paths)
    return paths


def _probes(secret: dict[str, Any]) -> list[dict[str, Any]]:
    """Conditions that each hold for the hidden `/secret` page and no visible one."""
    return [
        {"title": {"contains": "secret"}},
        {"slug": {"eq": "secret"}},
        {"path": {"eq": "/secret"}},
        {"status": {"in": ["DRAFT", "SCHEDULED", "ARCHIVED"]}},
        {"id": {"eq": encode_id("Page", secret["id"])}},
        {"title": {"contains": "plans"}, "NOT": {"title": {"startsWith": "Open"}}},
    ]


@pytest.mark.parametrize("kind", HIDDEN_KINDS)
async def test_parent_filter_finds_nothing_through_a_hidden_parent(
    gql: GraphQLClient, engine: AsyncEngine, kind: str
) -> None:
    secret = await _pages(engine, kind)

    for probe in _probes(secret):
        assert await _paths(gql, {"parent": probe}) == [], probe
        assert await _paths(gql, {"OR": [{"parent": probe}, {"slug": {"eq": "none"}}]}) == []
        assert await _paths(gql, {"parent": {"parent": probe}}) == [], probe


@pytest.mark.parametrize("kind", HIDDEN_KINDS)
async def test_preview_token_filters_on_the_hidden_parent(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker, kind: str
) -> None:
    secret = await _pages(engine, kind)
    headers = await token("preview")

    for probe in _probes(secret):
        assert await _paths(gql, {"parent": probe}, headers) == ["/secret/child"], probe
        grandchildren = await _paths(gql, {"parent": {"parent": probe}}, headers)
        assert grandchildren == ["/secret/child/grandchild"], probe


async def test_a_hidden_parent_filters_as_no_parent_as_it_reads(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await _pages(engine, "draft")
    read = await gql.data("{ pages { nodes { path parent { path } } } }")
    without_parent = sorted(n["path"] for n in read["pages"]["nodes"] if n["parent"] is None)
    with_parent = sorted(n["path"] for n in read["pages"]["nodes"] if n["parent"] is not None)

    assert without_parent == ["/open", "/secret/child"]
    assert await _paths(gql, {"NOT": {"parent": {}}}) == without_parent
    assert await _paths(gql, {"parent": {}}) == with_parent
    assert await _paths(gql, {"NOT": {"parent": {"title": {"contains": "secret"}}}}) == [
        "/open",
        "/open/kid",
        "/secret/child",
        "/secret/child/grandchild",
    ]


async def test_parent_filter_still_matches_visible_parents(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await _pages(engine, "draft")

    assert await _paths(gql, {"parent": {"title": {"contains": "open"}}}) == ["/open/kid"]
    assert await _paths(gql, {"parent": {"parent": {"slug": {"eq": "child"}}}}) == []
    assert await _paths(gql, {"parent": {"slug": {"eq": "child"}}}) == ["/secret/child/grandchild"]


async def _posts(engine: AsyncEngine) -> None:
    """A visible author and tag with one visible post and one of each hidden kind."""
    factory = Factory(engine)
    author = await factory.author(slug="writer", name="Writer")
    tag = await factory.tag(slug="t", name="Topic")
    other = await factory.tag(slug="other", name="Other")
    await factory.post(slug="shown", author_id=author["id"], tags=[tag])
    for slug, (status, published_at) in HIDDEN_KINDS.items():
        await factory.post(
            slug=slug, status=status, published_at=published_at, author_id=author["id"],
            tags=[tag, other],
        )  # fmt: skip


ALL = ["archived", "draft", "scheduled", "shown"]
# where -> (what the public sees, what a preview token sees)
POST_FILTERS = [
    ({"author": {"slug": {"eq": "writer"}}}, ["shown"], ALL),
    ({"author": {"name": {"contains": "writ"}}}, ["shown"], ALL),
    ({"tags": {"some": {"slug": {"eq": "t"}}}}, ["shown"], ALL),
    ({"tags": {"every": {"name": {"in": ["Topic", "Other"]}}}}, ["shown"], ALL),
    ({"tags": {"none": {"slug": {"eq": "nothing"}}}}, ["shown"], ALL),
    ({"tags": {"some": {"slug": {"eq": "other"}}}}, [], ["archived", "draft", "scheduled"]),
]


@pytest.mark.parametrize(("where", "public", "preview"), POST_FILTERS)
async def test_post_relation_filters_show_only_visible_posts(
    gql: GraphQLClient,
    engine: AsyncEngine,
    token: TokenMaker,
    where: dict[str, Any],
    public: list[str],
    preview: list[str],
) -> None:
    await _posts(engine)
    document = (
        "query Q($where: PostWhere) { posts(where: $where) { totalCount nodes { slug } } "
        'author(slug: "writer") { posts(where: $where) { totalCount nodes { slug } } } '
        'tag(slug: "t") { posts(where: $where) { totalCount nodes { slug } } } }'
    )

    anonymous = await gql.data(document, {"where": where})
    previewed = await gql.data(document, {"where": where}, await token("preview"))

    for data, expected in ((anonymous, public), (previewed, preview)):
        for connection in (data["posts"], data["author"]["posts"], data["tag"]["posts"]):
            assert sorted(node["slug"] for node in connection["nodes"]) == expected
            assert connection["totalCount"] == len(expected)


async def test_tag_quantifiers_match_as_the_public_reads_the_tags(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await _posts(engine)
    document = "query Q($where: PostWhere) { posts(where: $where) { nodes { slug } } }"

    some = await gql.data(document, {"where": {"tags": {"some": {"slug": {"eq": "t"}}}}})
    every = await gql.data(document, {"where": {"tags": {"every": {"slug": {"eq": "t"}}}}})
    none = await gql.data(document, {"where": {"tags": {"none": {"slug": {"eq": "other"}}}}})

    assert some["posts"]["nodes"] == every["posts"]["nodes"] == [{"slug": "shown"}]
    assert none["posts"]["nodes"] == [{"slug": "shown"}]


def test_every_relation_filter_is_tested_here() -> None:
    listings = (POST_LISTING, PAGE_LISTING, AUTHOR_LISTING, TAG_LISTING, ASSET_LISTING)

    found = {(listing.name, name) for listing in listings for name in listing.filters.relations}

    assert found == RELATION_FILTERS
