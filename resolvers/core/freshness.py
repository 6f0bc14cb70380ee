"""How fresh a cached public answer is: the change log's position and the next go-live."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, union_all
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import ContentStatus, Event, Page, Post, table_of

events = table_of(Event)


async def content_generation(engine: AsyncEngine) -> int:
    """The newest event's id: every write (and every import) adds one, so it moves on change."""
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.coalesce(func.max(events.c.id), 0))) or 0)


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
    if at is not None and at.tzinfo is None:  # SQLite's min() loses the column type
        at = datetime.fromisoformat(str(at)).replace(tzinfo=now.tzinfo)
    return at
