"""How fresh a cached public answer is: the change log's position and the next go-live."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, union_all
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import ContentStatus, Event, Page, Post, table_of

events = table_of(Event)
# How far below the newest event a write that commits late is still noticed: it would
# have to stay open while this many other changes committed to go unseen.
LATE_COMMIT_WINDOW = 1000


async def content_generation(engine: AsyncEngine) -> int:
    """Where the change log stands: it moves with every write (and every import).

    The newest event's id, and how many events the last `LATE_COMMIT_WINDOW` ids hold: on
    PostgreSQL a write holding id 6 may commit after id 7 is visible, which leaves the
    newest id as it was but adds one event below it.
    """
    newest = select(func.max(events.c.id)).scalar_subquery()
    recent = select(func.coalesce(func.max(events.c.id), 0), func.count()).where(
        events.c.id > newest - LATE_COMMIT_WINDOW
    )
    async with engine.connect() as connection:
        top, count = (await connection.execute(recent)).one()
    return int(top) * (LATE_COMMIT_WINDOW + 1) + int(count)


async def next_go_live(engine: AsyncEngine, now: datetime) -> datetime | None:
    """When the next scheduled post or page becomes visible: public answers expire then."""
    pending = [
        select(func.min(table.c.published_at).label("at")).where(
            table.c.status == ContentStatus.SCHEDULED, table.c.published_at > now
        )
        for table in (table_of(Post), table_of(Page))
    ]
    combined = union_all(*pending).subquery()
    async with engine.connect() as connection:
        at: datetime | None = await connection.scalar(select(func.min(combined.c.at)))
    return None if at is None else aggregated_time(at)


def aggregated_time(value: datetime | str) -> datetime:
    """A time an aggregate read back, in UTC: SQLite's min() loses the column type (text)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
