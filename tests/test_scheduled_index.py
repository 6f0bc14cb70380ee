"""The go-live checks read the scheduled rows through their own index, not every post."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.events.go_live import _due
from masthead.models import Page, Post, table_of
from tests.backends import BACKEND

NOW = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)


async def test_posts_and_pages_have_an_index_on_status_and_time(engine: AsyncEngine) -> None:
    def indexes_of(sync: sa.Connection, table: str) -> list[Any]:
        return list(sa.inspect(sync).get_indexes(table))

    async with engine.connect() as connection:
        found = {t: await connection.run_sync(indexes_of, t) for t in ("posts", "pages")}
    for table, indexes in found.items():
        columns = {index["name"]: index["column_names"] for index in indexes}
        assert columns[f"ix_{table}_scheduled"] == ["status", "published_at"]


# PostgreSQL's planner scans tables this small whatever index exists.
@pytest.mark.skipif(BACKEND != "sqlite", reason="a query plan of SQLite's")
async def test_the_due_check_searches_the_scheduled_index(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        for model in (Post, Page):
            table = table_of(model)
            statement = sa.select(table.c.id).where(*_due(table, NOW))
            compiled = statement.compile(engine.sync_engine, compile_kwargs={"literal_binds": True})
            plan = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")
            details = " ".join(str(row[-1]) for row in plan)
            assert f"ix_{table.name}_scheduled" in details, details
