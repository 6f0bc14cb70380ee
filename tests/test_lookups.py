"""Single entries: lookups, body formats and sanitizing, SEO fallbacks, editor order, page tree."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import GraphQLClient
from tests.factories import Factory

HOSTILE = """# Title

Hello **world**, see [docs](https://example.com) and [bad](javascript:alert(1)).

<script>alert("x")</script>
<img src="/a.png" onerror="alert(2)">
<a href="javascript:alert(3)">raw</a>

| a | b |
|---|---|
| 1 | 2 |
"""


async def test_body_html_is_commonmark_and_sanitized(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await Factory(engine).post(slug="hostile", body=HOSTILE)

    data = await gql.data('{ post(slug: "hostile") { body(format: HTML) } }')

    html = data["post"]["body"]
    assert "<h1>Title</h1>" in html
    assert "<strong>world</strong>" in html
    assert 'href="https://example.com"' in html
    assert "<table>" in html
    assert "<td>1</td>" in html
    lowered = html.lower()
    assert "<script" not in lowered
    assert "onerror" not in lowered
    assert 'href="javascript' not in lowered
    assert 'src="javascript' not in lowered


async def test_body_markdown_and_text_formats(gql: GraphQLClient, engine: AsyncEngine) -> None:
    await Factory(engine).post(slug="plain", body="# Head\n\nOne *two* three.")

    data = await gql.data(
        '{ post(slug: "plain") { md: body(format: MARKDOWN) text: body(format: TEXT) '
        "wordCount readingTimeMinutes } }"
    )

    assert data["post"] == {
        "md": "# Head\n\nOne *two* three.",
        "text": "Head\n\nOne two three.",
        "wordCount": 4,
        "readingTimeMinutes": 1,
    }


async def test_reading_time_rounds_up_at_200_words_a_minute(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await Factory(engine).post(slug="long", body=" ".join(["word"] * 401))

    data = await gql.data('{ post(slug: "long") { wordCount readingTimeMinutes } }')

    assert data["post"] == {"wordCount": 401, "readingTimeMinutes": 3}


async def test_seo_falls_back_to_title_excerpt_and_cover(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    factory = Factory(engine)
    cover = await factory.asset(filename="cover.png")
    await factory.post(slug="plain-seo", title="T", excerpt="E", cover_image_id=cover["id"])
    og = await factory.asset(filename="og.png")
    await factory.post(
        slug="own-seo",
        seo_title="ST",
        seo_description="SD",
        seo_canonical_url="https://example.com/own",
        seo_og_image_id=og["id"],
        cover_image_id=cover["id"],
    )
    seo = "seo { title description canonicalUrl ogImage { url } }"

    data = await gql.data(f'{{ a: post(slug: "plain-seo") {{ {seo} }} b: post(slug: "own-seo") '
                          f"{{ {seo} }} }}")  # fmt: skip

    assert data["a"]["seo"] == {
        "title": "T",
        "description": "E",
        "canonicalUrl": None,
        "ogImage": {"url": "/media/cover.png"},
    }
    assert data["b"]["seo"] == {
        "title": "ST",
        "description": "SD",
        "canonicalUrl": "https://example.com/own",
        "ogImage": {"url": "/media/og.png"},
    }


async def test_tags_and_co_authors_keep_editor_order(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    factory = Factory(engine)
    tags = [await factory.tag(slug=slug) for slug in ("zeta", "alpha", "mid")]
    authors = [await factory.author(slug=slug) for slug in ("zed", "amy")]
    await factory.post(slug="ordered", tags=tags[::-1], co_authors=authors)

    data = await gql.data('{ post(slug: "ordered") { tags { slug } coAuthors { slug } } }')

    assert data["post"] == {
        "tags": [{"slug": "mid"}, {"slug": "alpha"}, {"slug": "zeta"}],
        "coAuthors": [{"slug": "zed"}, {"slug": "amy"}],
    }


async def test_lookups_by_id_and_slug_agree_and_unknown_is_null(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    factory = Factory(engine)
    await factory.post(slug="known", tags=[await factory.tag(slug="t1")])
    by_slug = await gql.data('{ post(slug: "known") { id title author { id slug } } }')
    post_id = by_slug["post"]["id"]

    data = await gql.data(
        "query Q($id: ID!, $author: ID!) { post(id: $id) { id title } "
        "node(id: $author) { ... on Author { slug } } "
        'missing: post(slug: "nope") { id } tag(slug: "t1") { slug } '
        'noTag: tag(slug: "nope") { slug } author(slug: "nope") { slug } }',
        {"id": post_id, "author": by_slug["post"]["author"]["id"]},
    )

    assert data == {
        "post": {"id": post_id, "title": by_slug["post"]["title"]},
        "node": {"slug": by_slug["post"]["author"]["slug"]},
        "missing": None,
        "tag": {"slug": "t1"},
        "noTag": None,
        "author": None,
    }


async def test_page_tree_paths_parents_children_and_ancestors(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    factory = Factory(engine)
    docs = await factory.page(path="/docs", title="Docs")
    guide = await factory.page(path="/docs/guide", title="Guide", parent_id=docs["id"])
    await factory.page(path="/docs/guide/install", title="Install", parent_id=guide["id"])
    await factory.page(path="/docs/api", title="API", parent_id=docs["id"])

    data = await gql.data(
        '{ page(path: "/docs/guide/install") { title parent { path } '
        "ancestors { path } } "
        'docs: page(path: "/docs") { parent { path } children { path } } }'
    )

    assert data["page"] == {
        "title": "Install",
        "parent": {"path": "/docs/guide"},
        "ancestors": [{"path": "/docs"}, {"path": "/docs/guide"}],
    }
    assert data["docs"]["parent"] is None
    assert sorted(child["path"] for child in data["docs"]["children"]) == [
        "/docs/api",
        "/docs/guide",
    ]


async def test_related_ranks_by_shared_tags_then_newest_and_agrees_in_lists(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    factory = Factory(engine)
    a, b, c = [await factory.tag(slug=slug) for slug in ("a", "b", "c")]
    await factory.post(slug="source", tags=[a, b, c])
    await factory.post(slug="one-old", tags=[a])
    await factory.post(slug="two", tags=[a, b])
    await factory.post(slug="one-new", tags=[c])
    await factory.post(slug="unrelated", tags=[await factory.tag(slug="d")])

    single = await gql.data('{ post(slug: "source") { related(first: 5) { slug } } }')
    listed = await gql.data("{ posts(first: 10) { nodes { slug related(first: 5) { slug } } } }")

    expected = [{"slug": "two"}, {"slug": "one-new"}, {"slug": "one-old"}]
    assert single["post"]["related"] == expected
    by_slug = {node["slug"]: node["related"] for node in listed["posts"]["nodes"]}
    assert by_slug["source"] == expected
    assert by_slug["two"][0] == {"slug": "source"}
