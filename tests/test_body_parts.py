"""A read fetches only the parts of stored bodies its fields need, and each part it needs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.resolvers.core.markdown import to_html, to_text, word_count
from tests.conftest import GraphQLClient
from tests.factories import Factory

BODY = "# Notes\n\nSome *emphasis* and a [link](https://example.com)."
PARTS = ("html", "text", "markdown", "counts")


@contextmanager
def parts_read(engine: AsyncEngine) -> Iterator[set[str]]:
    """The body parts the statements run inside the block asked the database for."""
    read: set[str] = set()

    def note(_conn: Any, _cursor: Any, _sql: str, _params: Any, context: Any, _many: bool) -> None:
        for parameters in context.compiled_parameters:
            read.update(part for part in PARTS if parameters.get(f"read_body_{part}"))

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        yield read
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)


async def test_a_page_of_titles_reads_no_body(gql: GraphQLClient, engine: AsyncEngine) -> None:
    author = await Factory(engine).author()
    await Factory(engine).post(body=BODY, author_id=author["id"])
    document = (
        "{ posts { nodes { title author { posts { nodes { slug } } } } } pages { nodes { path } } }"
    )

    with parts_read(engine) as read:
        await gql.data(document)

    assert read == set()


async def test_each_format_asked_for_is_read_and_answered(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    author = await Factory(engine).author()
    await Factory(engine).post(slug="notes", body=BODY, author_id=author["id"])
    await Factory(engine).page(path="/about", body=BODY)
    document = """query($format: BodyFormat!) {
      post(slug: "notes") { author { posts { nodes { ...Body } } } }
      page(path: "/about") { body(format: $format) } }
    fragment Body on Post { body wordCount }"""

    answers = {}
    for body_format in ("TEXT", "MARKDOWN"):
        with parts_read(engine) as read:
            data = await gql.data(document, {"format": body_format})
        answers[body_format] = (read, data["post"]["author"]["posts"]["nodes"], data["page"])

    post = [{"body": to_html(BODY), "wordCount": word_count(BODY)}]
    assert answers == {
        "TEXT": ({"html", "counts", "text"}, post, {"body": to_text(BODY)}),
        "MARKDOWN": ({"html", "counts", "markdown"}, post, {"body": BODY}),
    }
