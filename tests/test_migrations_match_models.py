"""The migrations build exactly the tables the models describe (search machinery aside)."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import Base


def _is_search_machinery(difference: Any) -> bool:
    """Full-text search lives in migration 0002 only: FTS5 tables, tsvector columns."""
    text = repr(difference)
    return "search_index" in text or "search_vector" in text


def _differences(connection: Connection) -> list[Any]:
    found = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    return [difference for difference in found if not _is_search_machinery(difference)]


async def test_a_migrated_database_matches_the_models(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        differences = await connection.run_sync(_differences)

    assert differences == []
