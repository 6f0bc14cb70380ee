"""Bodies are rendered when written (create, update, restore, import) and never when read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.demo.generator import generate_document
from masthead.graphiql.examples import load_examples
from masthead.interchange import import_document
from masthead.models import RENDERED_COLUMNS, Page, Post, table_of
from masthead.resolvers.core.ids import decode_id
from masthead.resolvers.core.markdown import (
    RENDERS,
    reading_time_minutes,
    to_html,
    to_text,
    word_count,
)
from tests.conftest import GraphQLClient, TokenMaker
from tests.factories import Factory
from tests.writing import CREATE_POST, DELETE_POST, PUBLISH_POST, RESTORE_POST, UPDATE_POST, gid

BODY = """# Field notes

We **don't** stop: see [the docs](https://example.com) and [this](javascript:alert(1)).

| bird | count |
|------|------:|
| wren | 3 |

```python
print("hello")
```

<script>alert("no")</script>
""" + " ".join(f"word{n}" for n in range(420))
OTHER_BODY = "Short *second* body."
CREATE_PAGE = """mutation($input: PageInput!) {
  createPage(input: $input) { page { id } userErrors { field message } } }"""
SNAPSHOTS = """query($id: ID!) { post(id: $id) { revisions(first: 10) { nodes { snapshot } } } }"""


def rendered(body: str) -> dict[str, Any]:
    """What the stored columns hold for `body`, by the read-time functions of old."""
    counts = {"word_count": word_count(body), "reading_time_minutes": reading_time_minutes(body)}
    return {"body_html": to_html(body), "body_text": to_text(body), **counts}


async def stored_rows(
    engine: AsyncEngine, model: type[Any], pk: int | None = None
) -> list[dict[str, Any]]:
    """The body and rendered columns of a table's rows (or of one), in id order."""
    table = table_of(model)
    columns = [table.c[name] for name in ("body", *RENDERED_COLUMNS)]
    statement = select(*columns).order_by(table.c.id)
    if pk is not None:
        statement = statement.where(table.c.id == pk)
    async with engine.connect() as connection:
        return [dict(row) for row in (await connection.execute(statement)).mappings()]


async def stored(engine: AsyncEngine, model: type[Any], global_id: str) -> dict[str, Any]:
    """One entry's body and rendered columns, by global ID."""
    (row,) = await stored_rows(engine, model, decode_id(global_id, model.__name__))
    return row


async def _create_post(gql: GraphQLClient, engine: AsyncEngine, headers: dict[str, str]) -> str:
    author = await Factory(engine).author()
    post_input = {"slug": "notes", "title": "Notes", "author": gid("Author", author), "body": BODY}
    post_id: str = (await gql.data(CREATE_POST, {"input": post_input}, headers))["createPost"][
        "post"
    ]["id"]
    return post_id


async def test_a_created_post_and_page_store_their_rendered_body(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    headers = await token("editor")
    post_id = await _create_post(gql, engine, headers)
    page_input = {"slug": "about", "title": "About", "body": BODY}
    page = (await gql.data(CREATE_PAGE, {"input": page_input}, headers))["createPage"]["page"]

    post_row = await stored(engine, Post, post_id)
    page_row = await stored(engine, Page, page["id"])

    expected = {"body": BODY, **rendered(BODY)}
    assert (post_row, page_row) == (expected, expected)
    assert (post_row["word_count"] > 420, post_row["reading_time_minutes"]) == (True, 3)
    assert "<script>" not in post_row["body_html"]
    assert 'href="javascript' not in post_row["body_html"]


async def test_an_update_renders_the_body_only_when_it_changes(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    headers = await token("editor")
    post_id = await _create_post(gql, engine, headers)
    await gql.data(UPDATE_POST, {"id": post_id, "input": {"body": OTHER_BODY}}, headers)
    after_body = await stored(engine, Post, post_id)

    renders = RENDERS.count
    await gql.data(UPDATE_POST, {"id": post_id, "input": {"title": "Retitled"}}, headers)
    await gql.data(UPDATE_POST, {"id": post_id, "input": {"body": OTHER_BODY}}, headers)
    await gql.data(PUBLISH_POST, {"id": post_id}, headers)
    renders = RENDERS.count - renders

    assert after_body == {"body": OTHER_BODY, **rendered(OTHER_BODY)}
    assert renders == 0
    assert await stored(engine, Post, post_id) == after_body


async def test_restoring_a_revision_renders_its_body_again(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    headers = await token("editor")
    post_id = await _create_post(gql, engine, headers)
    await gql.data(UPDATE_POST, {"id": post_id, "input": {"body": OTHER_BODY}}, headers)

    await gql.data(RESTORE_POST, {"id": post_id, "version": 1}, headers)
    restored = await stored(engine, Post, post_id)
    await gql.data(UPDATE_POST, {"id": post_id, "input": {"body": OTHER_BODY}}, headers)
    await gql.data(DELETE_POST, {"id": post_id}, headers)
    await gql.data(RESTORE_POST, {"id": post_id, "version": 3}, headers)
    undeleted = await stored(engine, Post, post_id)

    assert restored == {"body": BODY, **rendered(BODY)}
    assert undeleted == restored


async def test_revision_snapshots_keep_markdown_only(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    headers = await token("editor")
    post_id = await _create_post(gql, engine, headers)
    await gql.data(UPDATE_POST, {"id": post_id, "input": {"body": OTHER_BODY}}, headers)

    nodes = (await gql.data(SNAPSHOTS, {"id": post_id}, headers))["post"]["revisions"]["nodes"]

    assert [node["snapshot"]["body"] for node in nodes] == [OTHER_BODY, BODY]
    assert [set(RENDERED_COLUMNS) & set(node["snapshot"]) for node in nodes] == [set(), set()]


async def test_import_stores_every_entry_rendered(engine: AsyncEngine) -> None:
    await import_document(engine, generate_document(posts=12, seed=3))

    entries = [*await stored_rows(engine, Post), *await stored_rows(engine, Page)]

    assert len(entries) > 12
    assert [
        entry for entry in entries if entry != {"body": entry["body"], **rendered(entry["body"])}
    ] == []
    assert any("<table>" in entry["body_html"] for entry in entries)


POST_BODIES = """query { posts(first: 50) { nodes { markdown: body(format: MARKDOWN)
  html: body(format: HTML) text: body(format: TEXT) wordCount readingTimeMinutes } } }"""
PAGE_BODIES = """query { pages(first: 50) { nodes { markdown: body(format: MARKDOWN)
  html: body(format: HTML) text: body(format: TEXT) } } }"""


def _from_markdown(node: dict[str, Any]) -> dict[str, Any]:
    markdown = node["markdown"]
    expected = {"markdown": markdown, "html": to_html(markdown), "text": to_text(markdown)}
    if "wordCount" in node:
        expected |= {"wordCount": word_count(markdown),
                     "readingTimeMinutes": reading_time_minutes(markdown)}  # fmt: skip
    return expected


async def test_reads_never_render_markdown(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    await import_document(engine, generate_document(posts=30, seed=1))
    preview = await token("editor")
    renders = RENDERS.count

    reads = [(example.query, example.variables) for example in load_examples()]
    reads += [(POST_BODIES, {}), (PAGE_BODIES, {})]
    answers = [await gql.data(query, variables, headers)
               for headers in (None, preview) for query, variables in reads]  # fmt: skip
    renders = RENDERS.count - renders

    assert renders == 0
    nodes = [node for answer in answers for key in ("posts", "pages") if key in answer
             for node in answer[key].get("nodes", []) if "markdown" in node]  # fmt: skip
    assert len(nodes) > 30
    assert [node for node in nodes if node != _from_markdown(node)] == []
