"""What a webhook receives: the JSON body of an event or a ping, built once and kept.

`type` is `<content type>.<action>` in lower case (`post.published`, `page.deleted`,
`author.updated`); a test delivery is `webhook.ping`. The body of an event is built when
the event is dispatched and stored with the delivery, so every retry sends the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncConnection

from masthead.models import Asset, Author, Page, Post, Revision, Tag, table_of
from masthead.resolvers.core.changes import TYPE_NAMES, keys_of_change
from masthead.resolvers.core.ids import encode_id

# How a hook's viewer reads an entry: (entity type, entity id, sees drafts) → the entry's
# fields, or None when that viewer cannot see it. The server provides it at start-up.
EntryRenderer = Callable[[str, int, bool], Awaitable[dict[str, Any] | None]]

TABLES = {model.__name__: table_of(model) for model in (Post, Page, Author, Tag, Asset)}
FACTS = ("slug", "path", "locale")
revisions = table_of(Revision)


def iso(moment: datetime) -> str:
    """A UTC time in ISO 8601 with a `Z`: `2026-12-07T09:30:00.123Z`."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


def encode(body: dict[str, Any]) -> str:
    """The exact text sent (and signed): compact JSON, UTF-8 kept as is."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def message_id(event_id: int, webhook_id: int) -> str:
    """The `webhook-id` of an event's message to one hook, the same on every attempt."""
    return f"msg_{event_id}_{webhook_id}"


async def entry_facts(connection: AsyncConnection, entity_type: str, pk: int) -> dict[str, Any]:
    """The entry's slug, path and locale: from its row, or from its last revision if gone."""
    table = TABLES.get(entity_type)
    columns = [] if table is None else [table.c[name] for name in FACTS if name in table.c]
    if table is None or not columns:  # an asset: known by its ID alone
        return dict.fromkeys(FACTS)
    row = (await connection.execute(select(*columns).where(table.c.id == pk))).first()
    if row is not None:
        return {name: getattr(row, name, None) for name in FACTS}
    statement = (
        select(revisions.c.snapshot)
        .where(revisions.c.entity_type == entity_type, revisions.c.entity_id == pk)
        .order_by(revisions.c.id.desc())
        .limit(1)
    )
    snapshot = await connection.scalar(statement) or {}
    return {name: snapshot.get(name) for name in FACTS}


def event_body(
    event: Row[Any], *, action: str, facts: dict[str, Any], data: dict[str, Any] | None
) -> dict[str, Any]:
    """The body of one event as one hook is told of it (`action`, `data` as it may read)."""
    type_name = TYPE_NAMES.get(event.entity_type, event.entity_type.upper())
    return {
        "type": f"{type_name.lower()}.{action.lower()}",
        "timestamp": iso(event.occurred_at),
        "eventId": event.id,
        "action": action,
        "contentType": type_name,
        "id": encode_id(event.entity_type, event.entity_id),
        **facts,
        "version": event.version,
        "keys": keys_of_change(event.entity_type, event.entity_id),
        "data": data,
    }


def ping_body(webhook_id: int, created_at: datetime) -> dict[str, Any]:
    """The body of a test delivery (`pingWebhook`): the same on every attempt."""
    return {
        "type": "webhook.ping",
        "timestamp": iso(created_at),
        "webhook": encode_id("Webhook", webhook_id),
        "data": {"message": "Masthead can reach this URL"},
    }
