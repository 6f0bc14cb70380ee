"""Timestamps go in as UTC and come out timezone-aware in UTC, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models.base import UTCDateTime
from tests import backends

MOMENTS = [
    datetime(2026, 6, 3, 16, 34, 32, 123456, tzinfo=UTC),
    datetime(2026, 6, 3, 16, 34, 32, tzinfo=UTC),  # no fraction: stored without one
    datetime(1999, 12, 31, 23, 59, 59, 1, tzinfo=timezone(timedelta(hours=-5))),
    datetime(2040, 1, 1, tzinfo=timezone(timedelta(hours=9, minutes=30))),
]


async def test_every_moment_reads_back_as_the_same_instant_in_utc(engine: AsyncEngine) -> None:
    table = Table("moments", MetaData(), Column("id", Integer, primary_key=True),
                  Column("at", UTCDateTime()))  # fmt: skip
    async with engine.begin() as connection:
        await connection.run_sync(table.metadata.create_all)
        await connection.execute(
            insert(table), [{"id": i, "at": at} for i, at in enumerate(MOMENTS)]
        )
        read = (await connection.execute(select(table.c.at).order_by(table.c.id))).scalars().all()
        await connection.run_sync(table.metadata.drop_all)

    assert read == MOMENTS
    assert all(at.tzinfo is UTC for at in read)


@pytest.mark.skipif(backends.BACKEND != "sqlite", reason="PostgreSQL stores no text")
async def test_sqlite_text_in_other_forms_is_read_by_sqlalchemys_parser(
    engine: AsyncEngine,
) -> None:
    table = Table("moments", MetaData(), Column("id", Integer, primary_key=True),
                  Column("at", UTCDateTime()))  # fmt: skip
    async with engine.begin() as connection:
        await connection.run_sync(table.metadata.create_all)
        await connection.execute(
            text("INSERT INTO moments VALUES (1, '2026-06-03 16:34:32.5'), (2, '2026-06-03')")
        )
        read = (await connection.execute(select(table.c.at).order_by(table.c.id))).scalars().all()
        await connection.run_sync(table.metadata.drop_all)

    assert [at.tzinfo for at in read] == [UTC, UTC]
    assert read[1] == datetime(2026, 6, 3, tzinfo=UTC)
    assert read[0].replace(microsecond=0) == datetime(2026, 6, 3, 16, 34, 32, tzinfo=UTC)
