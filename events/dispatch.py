"""Hands each outbox event to the hooks that hear of it: one delivery row per hook.

The oldest undelivered events are claimed in id order (PostgreSQL: `FOR UPDATE SKIP
LOCKED`, so processes never claim the same one; SQLite: the write lock), and in the same
transaction their deliveries are inserted and `delivered_at` set: an event is handed
over exactly once, or not at all if the process stops half-way.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from masthead.events.messages import (
    TYPE_NAMES,
    EntryRenderer,
    encode,
    entry_facts,
    event_body,
    message_id,
)
from masthead.models import Event, Webhook, WebhookDelivery, table_of, utcnow
from masthead.resolvers.core.changes import told_action
from masthead.resolvers.core.write_queue import writing_connection

events = table_of(Event)
webhooks = table_of(Webhook)
deliveries = table_of(WebhookDelivery)
BATCH = 50
UNHEARD_BATCH = 1000  # with no active hook, events are only marked: larger batches
log = logging.getLogger("masthead.events")


def hears(hook: Row[Any], event: Row[Any]) -> str | None:
    """The action `hook` is told of `event`, or None when its filters leave the event out."""
    type_name = TYPE_NAMES.get(event.entity_type)
    if hook.types and type_name not in hook.types:
        return None
    action = told_action(
        event.action,
        public_before=event.public_before,
        public_after=event.public_after,
        sees_drafts=hook.include_drafts,
    )
    if action is None or (hook.actions and action not in hook.actions):
        return None
    return action


class Dispatcher:
    """Turns undelivered events into deliveries, rendering each entry once per viewer."""

    def __init__(self, engine: AsyncEngine, render: EntryRenderer, write_timeout_s: float) -> None:
        self.engine = engine
        self.render = render
        self.write_timeout_s = write_timeout_s

    async def dispatch(self) -> int:
        """Hand over one batch of the oldest undelivered events; how many were claimed."""
        async with self.engine.connect() as connection:  # a read first: no write lock for nothing
            waiting = select(events.c.id).where(events.c.delivered_at.is_(None)).limit(1)
            if await connection.scalar(waiting) is None:
                return 0
        async with writing_connection(self.engine, self.write_timeout_s) as connection:
            active = select(webhooks).where(webhooks.c.active.is_(True)).order_by(webhooks.c.id)
            hooks = (await connection.execute(active)).all()
            statement = (
                select(events)
                .where(events.c.delivered_at.is_(None))
                .order_by(events.c.id)
                .limit(BATCH if hooks else UNHEARD_BATCH)
                .with_for_update(skip_locked=True)
            )
            claimed = (await connection.execute(statement)).all()
            now = utcnow()
            rows = [
                row for event in claimed for row in await self._rows(connection, event, hooks, now)
            ]
            if rows:
                await connection.execute(insert(deliveries), rows)
            if claimed:
                ids = [event.id for event in claimed]
                handed = update(events).where(events.c.id.in_(ids)).values(delivered_at=now)
                await connection.execute(handed)
            await connection.commit()
        return len(claimed)

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
