"""Shared statements on SQLite run on the driver directly, with SQLAlchemy's rows and errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy.exc
from sqlalchemy import JSON, String, bindparam, event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import ContentStatus, Post
from masthead.resolvers.core.context import ReadContext, Viewer
from masthead.resolvers.core.direct_reads import direct_read
from masthead.resolvers.core.statements import KEYS, NOW, shared_statement
from masthead.settings import Settings
from tests import backends
from tests.factories import Factory

pytestmark = pytest.mark.skipif(backends.BACKEND != "sqlite", reason="SQLite's driver")

LATER = datetime(2040, 1, 1, tzinfo=UTC)


def _context(engine: AsyncEngine, settings: Settings, *, direct: bool) -> ReadContext:
    return ReadContext(
        engine,
        viewer=Viewer(),
        now=LATER,
        default_locale="en",
        media_base_url="/media",
        settings=settings.model_copy(update={"sqlite_direct_reads": direct}),
    )


def _posts() -> Any:
    """Timestamps, a boolean, an enum, a constant `IN` list and a per-request one."""
    published = (ContentStatus.PUBLISHED, ContentStatus.SCHEDULED)
    return shared_statement(
        ("test_direct_reads", "posts"),
        lambda: (
            select(
                Post.id.label("pk"),
                Post.slug,
                Post.status,
                Post.featured,
                Post.published_at,
                Post.created_at,
            )
            .where(Post.id.in_(KEYS), Post.status.in_(published), Post.published_at <= NOW)
            .order_by(Post.id)
        ),
    )


@pytest.fixture
async def post_ids(engine: AsyncEngine) -> list[int]:
    """Three published posts, one featured, and a draft."""
    factory = Factory(engine)
    ids = [(await factory.post(featured=i == 1))["id"] for i in range(3)]
    ids.append((await factory.post(status=ContentStatus.DRAFT))["id"])
    return ids


async def _rows(context: ReadContext, statement: Any, parameters: dict[str, Any]) -> list[Any]:
    try:
        return list(await context.rows(statement, parameters=parameters))
    finally:
        await context.close()


async def test_a_shared_statement_gives_sqlalchemys_rows_run_directly(
    engine: AsyncEngine, settings: Settings, post_ids: list[int]
) -> None:
    direct = await _rows(_context(engine, settings, direct=True), _posts(), {"keys": post_ids})
    through = await _rows(_context(engine, settings, direct=False), _posts(), {"keys": post_ids})

    assert issubclass(type(direct[0]), tuple)  # a named row: run on the driver
    assert not issubclass(type(through[0]), tuple)  # SQLAlchemy's Row
    assert [tuple(row) for row in direct] == [tuple(row) for row in through]
    assert direct[0]._fields == through[0]._fields
    assert [row._asdict() for row in direct] == [row._asdict() for row in through]
    assert [dict(row._mapping) for row in direct] == [dict(row._mapping) for row in through]  # noqa: SLF001 (public API, underscored)
    assert len(direct) == 3  # the draft is not published
    assert direct[0].published_at.tzinfo is UTC
    assert {row.featured for row in direct} == {True, False}
    assert {row.status for row in direct} == {ContentStatus.PUBLISHED}


async def test_lists_of_other_lengths_and_an_empty_list(
    engine: AsyncEngine, settings: Settings, post_ids: list[int]
) -> None:
    for keys in ([post_ids[0]], post_ids[:2], post_ids, []):
        direct = await _rows(_context(engine, settings, direct=True), _posts(), {"keys": keys})
        through = await _rows(_context(engine, settings, direct=False), _posts(), {"keys": keys})
        assert [tuple(row) for row in direct] == [tuple(row) for row in through]
    compiled = direct_read(_posts(), engine.dialect)
    assert compiled is not None
    assert compiled.statement({"keys": [], "now": LATER}) is None  # SQLAlchemy's empty IN


async def test_every_direct_statement_is_heard_by_cursor_listeners(
    engine: AsyncEngine, settings: Settings, post_ids: list[int]
) -> None:
    heard: list[dict[str, Any]] = []

    def note(_conn: Any, _cursor: Any, sql: str, _params: Any, context: Any, _many: bool) -> None:
        heard.extend(context.compiled_parameters)

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        rows = await _rows(_context(engine, settings, direct=True), _posts(), {"keys": post_ids})
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)

    assert issubclass(type(rows[0]), tuple)
    assert len(heard) == 1
    assert heard[0]["keys"] == post_ids
    assert heard[0]["now"] == LATER


async def test_a_statement_built_per_request_runs_through_sqlalchemy(
    engine: AsyncEngine, settings: Settings, post_ids: list[int]
) -> None:
    statement = select(Post.id).where(Post.id.in_(post_ids))

    rows = await _rows(_context(engine, settings, direct=True), statement, {})

    assert len(rows) == 4
    assert not issubclass(type(rows[0]), tuple)


async def test_an_error_on_the_driver_is_sqlalchemys_error(
    engine: AsyncEngine, settings: Settings
) -> None:
    statement = _of_document("json", String, lambda document: func.json_extract(document, "$.a"))
    context = _context(engine, settings, direct=True)
    try:
        good = await context.rows(statement, parameters={"document": '{"a": 7}'})
        with pytest.raises(sqlalchemy.exc.OperationalError, match="malformed JSON"):
            await context.rows(statement, parameters={"document": "{"})
        again = await context.rows(statement, parameters={"document": '{"a": 8}'})
    finally:
        await context.close()
    assert issubclass(type(good[0]), tuple)
    assert (good[0].value, again[0].value) == (7, 8)


async def test_a_null_value_goes_through_its_types_processor_as_in_sqlalchemy(
    engine: AsyncEngine, settings: Settings
) -> None:
    statement = _of_document("json_type", JSON, func.json_type)
    answers = []
    for direct in (True, False):
        context = _context(engine, settings, direct=direct)
        try:
            answers.append(await context.rows(statement, parameters={"document": None}))
        finally:
            await context.close()

    assert issubclass(type(answers[0][0]), tuple)  # ran on the driver
    assert answers[0][0].value == answers[1][0].value == "null"  # JSON's null, not SQL's NULL


def _of_document(name: str, kind: Any, function: Callable[[Any], Any]) -> Any:
    """A shared statement selecting `function` of a `document` parameter as `value`."""
    document = bindparam("document", type_=kind)
    return shared_statement(
        ("test_direct_reads", name), lambda: select(function(document).label("value"))
    )
