"""`search`: ranked full-text hits over visible content, highlighted snippets, keyset pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import ContentStatus, Post
from tests.conftest import GraphQLClient
from tests.factories import Factory

SEARCH = """query Search($q: String!, $first: Int, $after: String, $types: [SearchableType!],
  $locale: String) {
  search(query: $q, first: $first, after: $after, types: $types, locale: $locale) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor snippet node {
      __typename
      ... on Post { title locale }
      ... on Page { title }
      ... on Author { name }
      ... on Tag { name }
    } } } }"""

NODES = """query Search($q: String!, $first: Int) { search(query: $q, first: $first) {
  nodes { __typename
    ... on Post { title author { name } tags { name } }
    ... on Page { title }
    ... on Author { name }
    ... on Tag { name } } } }"""


async def _search(gql: GraphQLClient, query: str, **variables: Any) -> dict[str, Any]:
    data = await gql.data(SEARCH, {"q": query, **variables})
    result: dict[str, Any] = data["search"]
    return result


def _titles(result: dict[str, Any]) -> list[str]:
    return [edge["node"].get("title") or edge["node"]["name"] for edge in result["edges"]]


async def test_title_match_outranks_body_only_match(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    factory = Factory(engine)
    await factory.post(title="Gardening notes", body="A long story about marmalade jars.")
    await factory.post(title="Marmalade basics", body="Oranges, sugar and patience.")
    result = await _search(gql, "marmalade")
    assert _titles(result) == ["Marmalade basics", "Gardening notes"]


async def test_every_word_of_the_query_must_match(gql: GraphQLClient, engine: AsyncEngine) -> None:
    factory = Factory(engine)
    await factory.post(title="Quince jelly", body="Slow cooking.")
    await factory.post(title="Quince tart", body="Fast baking.")
    result = await _search(gql, "quince baking")
    assert _titles(result) == ["Quince tart"]


async def test_last_word_matches_as_a_prefix(gql: GraphQLClient, engine: AsyncEngine) -> None:
    await Factory(engine).post(title="Astronomy for beginners")
    result = await _search(gql, "astro")
    assert _titles(result) == ["Astronomy for beginners"]


async def test_diacritics_and_case_are_ignored(gql: GraphQLClient, engine: AsyncEngine) -> None:
    await Factory(engine).post(title="Le Café Crème")
    result = await _search(gql, "CAFE creme")
    assert _titles(result) == ["Le Café Crème"]


async def test_words_in_any_script_are_found_and_highlighted(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await Factory(engine).post(title="Trip", body="Notes on 漢字 from Ærøskøbing.")
    result = await _search(gql, "ærøskøbing 漢字")
    assert result["edges"][0]["snippet"] == (
        "Notes on <mark>漢字</mark> from <mark>Ærøskøbing</mark>."
    )


async def test_snippet_highlights_the_matched_words(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await Factory(engine).post(title="Walks", body="We walked along the fjord at dawn.")
    result = await _search(gql, "fjord")
    snippet = result["edges"][0]["snippet"]
    assert "<mark>fjord</mark>" in snippet
    assert "walked along the" in snippet


async def test_snippet_is_safe_html_with_the_text_escaped(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    body = 'Beware <script>alert("xylophone")</script> & <b onclick="x()">xylophone</b>'
    await Factory(engine).post(title="Music", body=body)
    snippet = (await _search(gql, "xylophone"))["edges"][0]["snippet"]
    assert "<mark>xylophone</mark>" in snippet
    assert "&amp;" in snippet
    assert "&quot;" in snippet
    # SQLite keeps tag-like text (escaped); PostgreSQL's headline drops it.
    without_marks = snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in without_marks
    assert ">" not in without_marks


async def test_snippet_leaves_out_markdown_punctuation(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    body = "## Stripes\n\nRead **bold claims** about [zebras](https://zebra.example.org)."
    await Factory(engine).post(title="Savanna", body=body)
    snippet = (await _search(gql, "zebras"))["edges"][0]["snippet"]
    assert snippet == "Stripes Read bold claims about <mark>zebras</mark>."


async def test_snippet_prefers_the_body_to_the_title(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await Factory(engine).post(title="Lemurs", excerpt=None, body="Lemurs live on Madagascar.")
    snippet = (await _search(gql, "lemurs"))["edges"][0]["snippet"]
    assert snippet == "<mark>Lemurs</mark> live on Madagascar."


async def test_pages_authors_and_tags_are_found(gql: GraphQLClient, engine: AsyncEngine) -> None:
    factory = Factory(engine)
    await factory.page(title="About", body="We love lighthouses.")
    await factory.author(name="Ada Lighthouse", bio="Keeper.")
    await factory.tag(name="Maritime", description="Lighthouses and harbours.")
    result = await _search(gql, "lighthouses")
    kinds = sorted(edge["node"]["__typename"] for edge in result["edges"])
    assert kinds == ["Page", "Tag"]
    result = await _search(gql, "lighthouse")
    kinds = sorted(edge["node"]["__typename"] for edge in result["edges"])
    assert kinds == ["Author", "Page", "Tag"]


async def test_types_limit_the_hits_to_the_given_types(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    factory = Factory(engine)
    await factory.post(title="Origami folds")
    await factory.page(title="Origami club")
    await factory.tag(name="Origami")
    result = await _search(gql, "origami", types=["PAGE", "TAG"])
    assert sorted(_titles(result)) == ["Origami", "Origami club"]
    assert result["totalCount"] == 2


async def test_empty_types_find_nothing(gql: GraphQLClient, engine: AsyncEngine) -> None:
    await Factory(engine).post(title="Origami folds")
    result = await _search(gql, "origami", types=[])
    assert result["edges"] == []
    assert result["totalCount"] == 0


async def test_locale_resolves_each_entry_to_its_best_translation(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    factory = Factory(engine)
    group: dict[str, Any] = {"translation_group": "harbour"}
    await factory.post(title="Harbour lights", locale="en", **group)
    await factory.post(title="Lumières du port harbour", locale="fr", **group)
    await factory.post(title="Harbour tours", locale="en")
    english = await _search(gql, "harbour")
    french = await _search(gql, "harbour", locale="fr-CA")
    assert sorted(_titles(english)) == ["Harbour lights", "Harbour tours"]
    assert sorted(_titles(french)) == ["Harbour tours", "Lumières du port harbour"]
    assert french["totalCount"] == 2


async def test_a_translation_that_does_not_match_hides_its_group(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    factory = Factory(engine)
    await factory.post(title="Harbour lights", locale="en", translation_group="g")
    await factory.post(title="Lumières du port", locale="fr", translation_group="g")
    result = await _search(gql, "harbour", locale="fr")
    assert result["edges"] == []
    assert result["totalCount"] == 0


@pytest.mark.parametrize(
    ("status", "published_at"),
    [
        (ContentStatus.DRAFT, None),
        (ContentStatus.DRAFT, datetime(2024, 1, 1, tzinfo=UTC)),
        (ContentStatus.SCHEDULED, datetime.now(UTC) + timedelta(days=1)),
        (ContentStatus.PUBLISHED, datetime.now(UTC) + timedelta(days=1)),
    ],
)
async def test_hidden_posts_and_pages_are_never_found(
    gql: GraphQLClient, engine: AsyncEngine, status: ContentStatus, published_at: datetime | None
) -> None:
    factory = Factory(engine)
    hidden: dict[str, Any] = {"status": status, "published_at": published_at}
    await factory.post(title="Secret zeppelin", body="zeppelin", excerpt="zeppelin", **hidden)
    await factory.page(title="Secret zeppelin page", body="zeppelin", **hidden)
    result = await _search(gql, "zeppelin")
    assert result["edges"] == []
    assert result["totalCount"] == 0


async def test_scheduled_post_is_found_once_its_time_has_come(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    past = datetime.now(UTC) - timedelta(minutes=1)
    await Factory(engine).post(
        title="Zeppelin launch", status=ContentStatus.SCHEDULED, published_at=past
    )
    assert _titles(await _search(gql, "zeppelin")) == ["Zeppelin launch"]


async def test_an_update_is_searched_by_its_new_text(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    post = await Factory(engine).post(title="Old walrus")
    async with engine.begin() as connection:
        await connection.execute(
            update(Post).where(Post.id == post["id"]).values(title="New narwhal")
        )
    assert (await _search(gql, "walrus"))["edges"] == []
    assert _titles(await _search(gql, "narwhal")) == ["New narwhal"]


async def test_unpublishing_hides_a_post_from_search(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    post = await Factory(engine).post(title="Walrus facts")
    async with engine.begin() as connection:
        await connection.execute(
            update(Post).where(Post.id == post["id"]).values(status=ContentStatus.DRAFT)
        )
    assert (await _search(gql, "walrus"))["totalCount"] == 0


async def test_a_deleted_post_is_no_longer_found(gql: GraphQLClient, engine: AsyncEngine) -> None:
    factory = Factory(engine)
    gone = await factory.post(title="Walrus one")
    await factory.post(title="Walrus two")
    async with engine.begin() as connection:
        await connection.execute(delete(Post).where(Post.id == gone["id"]))
    result = await _search(gql, "walrus")
    assert _titles(result) == ["Walrus two"]
    assert result["totalCount"] == 1


async def test_cursors_walk_every_hit_once_in_rank_order(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    factory = Factory(engine)
    for n in range(9):
        await factory.post(title=f"Kayak trip {n}", body="kayak " * (n % 3))
    for n in range(4):
        await factory.tag(name=f"Kayak club {n}")
    seen: list[str] = []
    after = None
    for _ in range(10):
        page = await _search(gql, "kayak", first=4, after=after)
        seen.extend(edge["cursor"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    whole = await _search(gql, "kayak", first=100)
    assert seen == [edge["cursor"] for edge in whole["edges"]]
    assert len(set(seen)) == whole["totalCount"] == 13


async def test_every_page_counts_every_hit(gql: GraphQLClient, engine: AsyncEngine) -> None:
    factory = Factory(engine)
    for n in range(5):
        await factory.post(title=f"Gannet {n}")
    first = await _search(gql, "gannet", first=2)
    last = await _search(gql, "gannet", first=2, after=first["pageInfo"]["endCursor"])
    beyond = await _search(
        gql, "gannet", first=2, after=_cursor_of_last(await _search(gql, "gannet"))
    )
    assert [first["totalCount"], last["totalCount"], beyond["totalCount"]] == [5, 5, 5]
    assert beyond["edges"] == []


def _cursor_of_last(page: dict[str, Any]) -> str:
    cursor: str = page["edges"][-1]["cursor"]
    return cursor


async def test_ties_break_by_type_then_id(gql: GraphQLClient, engine: AsyncEngine) -> None:
    factory = Factory(engine)
    for _ in range(3):
        await factory.tag(name="Pelican")
    await factory.author(name="Pelican", bio="")
    result = await _search(gql, "pelican")
    kinds = [edge["node"]["__typename"] for edge in result["edges"]]
    assert kinds == ["Author", "Tag", "Tag", "Tag"]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"unbalanced',
        "AND OR NOT",
        "*",
        "col:x",
        "title:walrus",
        "NEAR(",
        "walrus NEAR(a b)",
        "'); DROP TABLE posts; --",
        "^walrus",
        "walrus -seal",
        "(walrus) | seal & !x",
        "walrus:*",
        "\\",
        "Ünïcødé 漢字 🦭 walrus",
        "x" * 5000,
    ],
)
async def test_hostile_queries_are_searched_as_words(
    gql: GraphQLClient, engine: AsyncEngine, query: str
) -> None:
    await Factory(engine).post(title="Walrus", body="A walrus is a seal-like animal.")
    result = await _search(gql, query)
    assert isinstance(result["totalCount"], int)
    assert (await _search(gql, "walrus"))["totalCount"] == 1


async def test_syntax_words_are_plain_words(gql: GraphQLClient, engine: AsyncEngine) -> None:
    await Factory(engine).post(title="Walrus NEAR the shore", body="Not AND or NOT.")
    assert _titles(await _search(gql, "near NOT")) == ["Walrus NEAR the shore"]


@pytest.mark.parametrize("query", ["", "   ", "!?*", "-- ;"])
async def test_a_query_without_words_finds_nothing(
    gql: GraphQLClient, engine: AsyncEngine, query: str
) -> None:
    await Factory(engine).post(title="Walrus")
    result = await _search(gql, query)
    assert result == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "edges": [],
    }


async def test_first_above_100_is_an_error(gql: GraphQLClient) -> None:
    body = await gql.query(SEARCH, {"q": "walrus", "first": 101})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "first" in body["errors"][0]["message"]


@pytest.mark.parametrize("cursor", ["nonsense", "eyJhIjoxfQ", "WyJQb3N0IiwgWzFdXQ"])
async def test_a_bad_cursor_is_bad_user_input(gql: GraphQLClient, cursor: str) -> None:
    body = await gql.query(SEARCH, {"q": "walrus", "after": cursor})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_bad_locale_is_bad_user_input(gql: GraphQLClient) -> None:
    body = await gql.query(SEARCH, {"q": "walrus", "locale": "not a locale"})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_statement_count_does_not_grow_with_page_size(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    factory = Factory(engine)
    tag = await factory.tag(name="Plain", description=None)
    # One shortest (best ranked) hit of each type, then longer ones of every type.
    for n in range(15):
        name = "Heron" if n == 0 else f"Heron {n}"
        await factory.post(title=name, excerpt=None, body="", tags=[tag])
        await factory.page(title=name, body="")
        await factory.author(name=name, bio=None)
        await factory.tag(name=name, description=None)
    counts = {}
    for size in (5, 50):
        data = await gql.data(NODES, {"q": "heron", "first": size})
        kinds = {node["__typename"] for node in data["search"]["nodes"]}
        assert kinds == {"Post", "Page", "Author", "Tag"}
        counts[size] = gql.last_statements
    # The search, one batch per type, then the posts' authors and tags.
    assert counts == {5: 7, 50: 7}


async def test_snippets_and_counts_alone_load_no_entries(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await Factory(engine).post(title="Heron")
    document = """{ search(query: "heron") { totalCount edges { cursor snippet } } }"""
    data = await gql.data(document)
    assert data["search"]["totalCount"] == 1
    # One statement: the page's hits and their count together; no entry is read.
    assert gql.last_statements == 1
