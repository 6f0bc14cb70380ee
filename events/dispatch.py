"""Hands each outbox event to the hooks that hear of it: one delivery row per hook.

The oldest undelivered events are claimed in id order (PostgreSQL: `FOR UPDATE SKIP
LOCKED`, so processes never claim the same one; SQLite: the write lock, checking again
under it that each event is still undelivered), and in the same transaction their
deliveries are inserted and `delivered_at` set: an event is handed over exactly once, or
not at all if the process stops half-way.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from masthead.events.messages import (
    EntryRenderer,
    encode,
    entry_facts,
    event_body,
    message_id,
)
from masthead.models import Event, Webhook, WebhookDelivery, table_of, utcnow
from masthead.resolvers.core.changes import heard_action
from masthead.resolvers.core.write_queue import writing_connection

events = table_of(Event)
webhooks = table_of(Webhook)
deliveries = table_of(WebhookDelivery)
BATCH = 50
UNHEARD_BATCH = 1000  # with no active hook, events are only marked: larger batches
log = logging.getLogger("masthead.events")


async def _active_hooks(connection: AsyncConnection) -> Sequence[Row[Any]]:
    statement = select(webhooks).where(webhooks.c.active.is_(True)).order_by(webhooks.c.id)
    return (await connection.execute(statement)).all()


def _oldest(hooks: Sequence[Row[Any]]) -> Select[Any]:
    """The oldest undelivered events: a small batch to render, or many only to mark."""
    limit = BATCH if hooks else UNHEARD_BATCH
    return select(events).where(events.c.delivered_at.is_(None)).order_by(events.c.id).limit(limit)


async def _hand_over(
    connection: AsyncConnection, claimed: Sequence[Row[Any]], rows: list[dict[str, Any]]
) -> int:
    """Insert the deliveries, mark the events handed over and commit; how many events."""
    if rows:
        await connection.execute(insert(deliveries), rows)
    if claimed:
        ids = [event.id for event in claimed]
        handed = update(events).where(events.c.id.in_(ids)).values(delivered_at=utcnow())
        await connection.execute(handed)
    await connection.commit()
    return len(claimed)


def hears(hook: Row[Any], event: Row[Any]) -> str | None:
    """The action `hook` is told of `event`, or None when its filters leave the event out."""
    return heard_action(
        event, sees_drafts=hook.include_drafts, types=hook.types, actions=hook.actions
    )


class Dispatcher:
    """Turns undelivered events into deliveries, rendering each entry once per viewer."""

    def __init__(self, engine: AsyncEngine, render: EntryRenderer, write_timeout_s: float) -> None:
        self.engine = engine
        self.render = render
        self.write_timeout_s = write_timeout_s

    async def dispatch(self) -> int:
        """Hand over one batch of the oldest undelivered events; how many were handed over."""
        if self.engine.dialect.name == "sqlite":
            return await self._dispatch_prepared()
        async with self.engine.connect() as connection:  # a read first: no lock for nothing
            if await connection.scalar(_oldest([]).limit(1)) is None:
                return 0
        async with writing_connection(self.engine, self.write_timeout_s) as connection:
            hooks = await _active_hooks(connection)
            statement = _oldest(hooks).with_for_update(skip_locked=True)
            claimed = (await connection.execute(statement)).all()
            rows = await self._delivery_rows(connection, claimed, hooks)
            return await _hand_over(connection, claimed, rows)

    async def _dispatch_prepared(self) -> int:
        """SQLite: build the bodies first, then hand over under the write lock.

        No writer waits while entries render; under the lock only the events still
        undelivered are handed over (another process may have taken some meanwhile).
        """
        async with self.engine.connect() as connection:
            hooks = await _active_hooks(connection)
            batch = (await connection.execute(_oldest(hooks))).all()
            rows = await self._delivery_rows(connection, batch, hooks)
        if not batch:
            return 0
        async with writing_connection(self.engine, self.write_timeout_s) as connection:
            ids = [event.id for event in batch]
            undelivered = events.c.id.in_(ids), events.c.delivered_at.is_(None)
            still = set(
                (await connection.execute(select(events.c.id).where(*undelivered))).scalars()
            )
            claimed = [event for event in batch if event.id in still]
            kept = [row for row in rows if row["event_id"] in still]
            return await _hand_over(connection, claimed, kept)

    async def _delivery_rows(
        self, connection: AsyncConnection, batch: Sequence[Row[Any]], hooks: Sequence[Row[Any]]
    ) -> list[dict[str, Any]]:
        """The delivery rows of a batch of events, each body built once."""
        now = utcnow()
        return [row for event in batch for row in await self._rows(connection, event, hooks, now)]

    async def _render(self, event: Row[Any], *, drafts: bool) -> dict[str, Any] | None:
        """The entry as the hook's viewer reads it; None (logged) if it cannot be rendered.

        A database error propagates: the batch is tried again. Any other error must not
        hold every later event back, so that event goes out without its `data`.
        """
        try:
            return await self.render(event.entity_type, event.entity_id, drafts)
        except DBAPIError:
            raise
        except Exception:
            log.exception("event %s: the entry could not be rendered; sent without data", event.id)
            return None

    async def _rows(
        self,
        connection: AsyncConnection,
        event: Row[Any],
        hooks: Sequence[Row[Any]],
        now: datetime,
    ) -> list[dict[str, Any]]:
        """The delivery rows of one event: one per hook that hears of it."""
        told = [(hook, action) for hook in hooks if (action := hears(hook, event)) is not None]
        if not told:
            return []
        facts = await entry_facts(connection, event.entity_type, event.entity_id)
        rendered: dict[bool, dict[str, Any] | None] = {}
        rows = []
        for hook, action in told:
            drafts = bool(hook.include_drafts)
            if drafts not in rendered:
                rendered[drafts] = await self._render(event, drafts=drafts)
            body = event_body(event, action=action, facts=facts, data=rendered[drafts])
            rows.append(
                {
                    "webhook_id": hook.id,
                    "event_id": event.id,
                    "message_id": message_id(event.id, hook.id),
                    "body": encode(body),
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
            )
        return rows
