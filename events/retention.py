"""How long the outbox and the delivery log keep what is done: pruning old rows.

A finished delivery (succeeded or failed) is kept `webhook_retention_days` after it
finished, so `webhook { deliveries }` shows a month of history and a message can be sent
again; an event handed to every hook is kept as long, unless a kept delivery still
names it. Nothing waiting is ever pruned: pending and sending deliveries, and events not
yet handed over, stay however old they are.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import Event, WebhookDelivery, table_of
from masthead.resolvers.core.write_queue import writing_connection
from masthead.settings import Settings

events = table_of(Event)
deliveries = table_of(WebhookDelivery)
FINISHED = ("succeeded", "failed")
BATCH = 5000  # rows a statement removes at most: the write lock is never held for long


async def prune(engine: AsyncEngine, settings: Settings, now: datetime) -> int:
    """Remove finished deliveries and handed-over events past retention; how many rows."""
    if not settings.webhook_retention_days:
        return 0
    cutoff = now - timedelta(days=settings.webhook_retention_days)
    old_deliveries = select(deliveries.c.id).where(
        deliveries.c.status.in_(FINISHED), deliveries.c.finished_at < cutoff
    )
    named = select(deliveries.c.event_id).where(deliveries.c.event_id.is_not(None))
    old_events = select(events.c.id).where(
        events.c.delivered_at < cutoff, events.c.id.not_in(named)
    )
    removed = 0
    async with writing_connection(engine, settings.write_timeout_s) as connection:
        for table, old in ((deliveries, old_deliveries), (events, old_events)):
            statement = delete(table).where(table.c.id.in_(old.limit(BATCH).scalar_subquery()))
            removed += (await connection.execute(statement)).rowcount or 0
        await connection.commit()
    return removed
