"""Webhooks and their deliveries: seen by admins only; read by id, listed, deliveries per hook."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, select, true
from strawberry.dataloader import DataLoader

from masthead.models import Event, Webhook, WebhookDelivery, table_of
from masthead.resolvers.core.access import ADMINS
from masthead.resolvers.core.context import ReadContext, Viewer
from masthead.resolvers.core.listing import Children, Listing, unlocalized
from masthead.resolvers.core.loaders import rows_by_key
from masthead.resolvers.core.pagination import SortKey
from masthead.resolvers.core.statements import NOW, SqlTime
from masthead.resolvers.core.where import FilterSpec

webhooks = table_of(Webhook)
deliveries = table_of(WebhookDelivery)
events = table_of(Event)

# Never the secret: it is shown once, when the hook is created.
WEBHOOK_COLUMNS = (
    webhooks.c.id.label("pk"),
    webhooks.c.url,
    webhooks.c.types,
    webhooks.c.actions,
    webhooks.c.include_drafts,
    webhooks.c.active,
    webhooks.c.description,
    webhooks.c.disabled_reason,
    webhooks.c.consecutive_failures,
    webhooks.c.created_at,
    webhooks.c.updated_at,
)
# Never the body: it is what the receiver was sent, signed.
DELIVERY_COLUMNS = (
    deliveries.c.id.label("pk"),
    deliveries.c.webhook_id,
    deliveries.c.event_id,
    deliveries.c.message_id,
    deliveries.c.status,
    deliveries.c.attempts,
    deliveries.c.next_attempt_at,
    deliveries.c.last_status_code,
    deliveries.c.last_duration_ms,
    deliveries.c.last_error,
    deliveries.c.created_at,
    deliveries.c.finished_at,
)
EVENT_COLUMNS = (
    events.c.id.label("pk"),
    events.c.action,
    events.c.entity_type,
    events.c.entity_id,
    events.c.public_before,
    events.c.public_after,
    events.c.occurred_at,
)


def webhook_visibility(viewer: Viewer, _now: SqlTime) -> ColumnElement[bool]:
    """THE rule for webhooks and their deliveries: admins see them all, nobody else any."""
    return true() if viewer.role in ADMINS else false()


WEBHOOK_LISTING = Listing(
    name="Webhook",
    table=webhooks,
    columns=WEBHOOK_COLUMNS,
    filters=FilterSpec(columns={}, visibility=webhook_visibility),
    orderings={"CREATED_ASC": SortKey("pk", webhooks.c.id)},
    primary_key=SortKey("pk", webhooks.c.id),
    default_order=("CREATED_ASC",),
    scope=unlocalized(webhook_visibility),
)
NEWEST_FIRST = SortKey("pk", deliveries.c.id, descending=True)
DELIVERY_LISTING = Listing(
    name="WebhookDelivery",
    table=deliveries,
    columns=DELIVERY_COLUMNS,
    filters=FilterSpec(columns={}, visibility=webhook_visibility),
    orderings={"NEWEST_FIRST": NEWEST_FIRST},
    primary_key=NEWEST_FIRST,
    default_order=("NEWEST_FIRST",),
    scope=unlocalized(webhook_visibility),
)
DELIVERIES_OF_WEBHOOK = Children("Webhook.deliveries", deliveries.c.webhook_id, deliveries)


def webhooks_by_id(ctx: ReadContext) -> DataLoader[int, Any | None]:
    """The operation's loader of webhook rows (without secrets) by primary key."""
    build = lambda: select(*WEBHOOK_COLUMNS).where(webhook_visibility(ctx.viewer, NOW))  # noqa: E731
    return rows_by_key(ctx, "Webhook", build, webhooks.c.id)


async def webhook_by_id(ctx: ReadContext, pk: int | None) -> Any | None:
    """A webhook row the viewer may see, by primary key (batched), or None."""
    return None if pk is None else await webhooks_by_id(ctx).load(pk)


async def delivery_by_id(ctx: ReadContext, pk: int | None) -> Any | None:
    """A delivery row the viewer may see, by primary key (batched), or None."""
    if pk is None:
        return None
    build = lambda: select(*DELIVERY_COLUMNS).where(webhook_visibility(ctx.viewer, NOW))  # noqa: E731
    return await rows_by_key(ctx, "WebhookDelivery", build, deliveries.c.id).load(pk)


async def event_by_id(ctx: ReadContext, pk: int | None) -> Any | None:
    """The outbox event a delivery carries (batched), or None for a ping."""
    if pk is None:
        return None
    build = lambda: select(*EVENT_COLUMNS).where(webhook_visibility(ctx.viewer, NOW))  # noqa: E731
    return await rows_by_key(ctx, "WebhookEvent", build, events.c.id).load(pk)
