"""A public reader sees PUBLISHED entries and SCHEDULED ones whose time has come, and
nothing else, through every path of the read API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import ContentStatus
from masthead.resolvers.core.ids import encode_id
from tests.conftest import GraphQLClient
from tests.factories import Factory

PAST = datetime.now(UTC) - timedelta(days=1)
FUTURE = datetime.now(UTC) + timedelta(days=1)
# slug -> (status, publishedAt); every post carries tag `t` and the word "zebra".
POSTS = {
    "published": (ContentStatus.PUBLISHED, PAST - timedelta(hours=1)),
    "scheduled-past": (ContentStatus.SCHEDULED, PAST),
    "scheduled-future": (ContentStatus.SCHEDULED, FUTURE),
    "draft": (ContentStatus.DRAFT, None),
    "archived": (ContentStatus.ARCHIVED, PAST),
}
HIDDEN = ["scheduled-future", "draft", "archived"]


async def _content(engine: AsyncEngine) -> dict[str, Any]:
    factory = Factory(engine)
    tag = await factory.tag(slug="t")
    author = await factory.author(slug="writer")
    for slug, (status, published_at) in POSTS.items():
        await factory.post(
            slug=slug,
            translation_group=f"post-{slug}",
            title=f"Zebra {slug}",
            status=status,
            published_at=published_at,
            author_id=author["id"],
            tags=[tag],
        )
    # Translations of `published`: one visible, one of each hidden kind.
    translations = {
        "fr": (ContentStatus.PUBLISHED, PAST),
        "de": (ContentStatus.DRAFT, None),
        "it": (ContentStatus.SCHEDULED, FUTURE),
        "es": (ContentStatus.ARCHIVED, PAST),
    }
    for locale, (status, published_at) in translations.items():
        await factory.post(
            slug=f"published-{locale}", status=status, published_at=published_at,
            locale=locale, translation_group="post-published", author_id=author["id"],
        )  # fmt: skip
    root = await factory.page(path="/root", title="Zebra root")
    for slug, (status, published_at) in POSTS.items():
        await factory.page(
            path=f"/root/{slug}",
            title=f"Zebra page {slug}",
            status=status,
            published_at=published_at,
            parent_id=root["id"],
        )
    return {"author": author, "tag": tag}


async def test_root_list_and_count(gql: GraphQLClient, engine: AsyncEngine) -> None:
    await _content(engine)
    data = await gql.data(
        '{ en: posts { totalCount nodes { slug } } fr: posts(locale: "fr") { totalCount } '
        "pages { totalCount nodes { path } } }"
    )

    assert data["en"] == {
        "totalCount": 2,
        "nodes": [{"slug": "scheduled-past"}, {"slug": "published"}],
    }
    # In French the `published` group is read in French, the others fall back to English.
    assert data["fr"]["totalCount"] == 2
    assert sorted(node["path"] for node in data["pages"]["nodes"]) == [
        "/root",
        "/root/published",
        "/root/scheduled-past",
    ]
    assert data["pages"]["totalCount"] == 3


@pytest.mark.parametrize("slug", HIDDEN)
async def test_lookups_by_slug_path_and_id_are_null(
    gql: GraphQLClient, engine: AsyncEngine, slug: str
) -> None:
    await _content(engine)

    data = await gql.data(
        f'{{ post(slug: "{slug}") {{ id }} page(path: "/root/{slug}") {{ id }} }}'
    )

    assert data == {"post": None, "page": None}


@pytest.mark.parametrize("slug", HIDDEN)
async def test_node_nodes_and_id_lookups_are_null(
    gql: GraphQLClient, engine: AsyncEngine, slug: str
) -> None:
    await _content(engine)
    visible = await gql.data('{ post(slug: "published") { id } }')
    hidden_id = encode_id("Post", list(POSTS).index(slug) + 1)  # posts are inserted in order

    data = await gql.data(
        "query Q($id: ID!, $ids: [ID!]!) { node(id: $id) { id } nodes(ids: $ids) { id } "
        "post(id: $id) { id } }",
        {"id": hidden_id, "ids": [visible["post"]["id"], hidden_id]},
    )

    assert data == {"node": None, "nodes": [visible["post"], None], "post": None}


async def test_nested_lists_and_counts(gql: GraphQLClient, engine: AsyncEngine) -> None:
    await _content(engine)
    data = await gql.data(
        '{ author(slug: "writer") { postCount posts { totalCount nodes { slug } } } '
        'tag(slug: "t") { postCount posts { totalCount nodes { slug } } } }'
    )

    for owner in ("author", "tag"):
        assert data[owner]["postCount"] == 2
        assert data[owner]["posts"] == {
            "totalCount": 2,
            "nodes": [{"slug": "scheduled-past"}, {"slug": "published"}],
        }


async def test_translations_and_related(gql: GraphQLClient, engine: AsyncEngine) -> None:
    await _content(engine)
    data = await gql.data(
        '{ post(slug: "published") { translations { slug } related(first: 10) { slug } } }'
    )

    assert data["post"] == {
        "translations": [{"slug": "published-fr"}],
        "related": [{"slug": "scheduled-past"}],
    }


async def test_page_tree(gql: GraphQLClient, engine: AsyncEngine) -> None:
    await _content(engine)
    data = await gql.data(
        '{ page(path: "/root") { children { path } } '
        'child: page(path: "/root/published") { parent { path } ancestors { path } } }'
    )

    assert sorted(child["path"] for child in data["page"]["children"]) == [
        "/root/published",
        "/root/scheduled-past",
    ]
    assert data["child"] == {"parent": {"path": "/root"}, "ancestors": [{"path": "/root"}]}


async def test_search_results_and_count(gql: GraphQLClient, engine: AsyncEngine) -> None:
    await _content(engine)
    data = await gql.data(
        '{ search(query: "zebra", types: [POST, PAGE], first: 50) { totalCount '
        "edges { node { ... on Post { slug } ... on Page { path } } } } }"
    )

    found = sorted(
        edge["node"].get("slug") or edge["node"]["path"] for edge in data["search"]["edges"]
    )
    assert found == [
        "/root",
        "/root/published",
        "/root/scheduled-past",
        "published",
        "scheduled-past",
    ]
    assert data["search"]["totalCount"] == 5


async def test_filters_cannot_name_a_hidden_entry(gql: GraphQLClient, engine: AsyncEngine) -> None:
    await _content(engine)
    data = await gql.data(
        '{ posts(where: {OR: [{slug: {in: ["draft", "archived", "scheduled-future"]}}, '
        "{status: {in: [DRAFT, ARCHIVED]}}]}) { totalCount nodes { slug } } }"
    )

    assert data["posts"] == {"totalCount": 0, "nodes": []}
