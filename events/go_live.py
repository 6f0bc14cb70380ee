"""Go-live events: a scheduled post or page becoming visible at its `published_at`.

Visibility never waits for this (the public already sees a SCHEDULED entry once its time
has come); what it adds is the event. One write transaction turns every due SCHEDULED
row into PUBLISHED with a conditional UPDATE and records a `go_live` event for each row it
changed: a row changes once, so whichever process gets there first announces it, exactly
once, and an entry whose time passed while no server ran is announced at the next start.
The version stays: the entry's content did not change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Table, exists, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.elements import ColumnElement

from masthead.models import ContentStatus, EventAction, Page, Post, table_of
from masthead.resolvers.core.context import ReadContext, Viewer
from masthead.resolvers.core.writes import Change, record_change, write_transaction
from masthead.settings import Settings

SCHEDULED = {"Post": table_of(Post), "Page": table_of(Page)}


def _due(table: Table, now: datetime) -> list[ColumnElement[bool]]:
    return [
        table.c.status == ContentStatus.SCHEDULED,
        table.c.published_at <= now,
    ]


async def any_due(engine: AsyncEngine, now: datetime) -> bool:
    """Whether a scheduled entry's time has come (a read: no write lock for nothing)."""
    checks = union_all(
        *(select(table.c.id).where(*_due(table, now)) for table in SCHEDULED.values())
    )
    async with engine.connect() as connection:
        return bool(await connection.scalar(select(exists(checks))))


async def announce_go_live(
    engine: AsyncEngine, settings: Settings, clock: Callable[[], datetime]
) -> int:
    """Publish every scheduled entry whose time has come, one event each; how many."""
    ctx = ReadContext(
        engine,
        viewer=Viewer(role="system"),
        now=clock(),
        default_locale=settings.default_locale,
        media_base_url="",
        settings=settings,
    )
    if not await any_due(engine, ctx.now):
        return 0
    announced = 0
    async with write_transaction(ctx) as connection:
        for name, table in SCHEDULED.items():
            statement = (
                update(table)
                .where(*_due(table, ctx.now))
                .values(status=ContentStatus.PUBLISHED)
                .returning(table.c.id, table.c.version)
            )
            for row in (await connection.execute(statement)).all():
                change = Change(
                    EventAction.GO_LIVE,
                    name,
                    row.id,
                    row.version,
                    public_before=False,
                    public_after=True,
                )
                await record_change(connection, ctx, change)
                announced += 1
    return announced
