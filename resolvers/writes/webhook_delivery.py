"""Queuing deliveries by hand: a test ping, and sending an earlier message again.

Both only add a `pending` row due now; the delivery worker sends it. A ping row carries
neither event nor body: the worker builds the ping's body when it sends it.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import Row, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from masthead.models import Webhook, WebhookDelivery, table_of
from masthead.resolvers.core.context import ReadContext
from masthead.resolvers.core.writes import Rejected, write_transaction

webhooks = table_of(Webhook)
deliveries = table_of(WebhookDelivery)
MESSAGE_PREFIX = "msg_"


def new_message_id() -> str:
    """A Standard Webhooks `webhook-id`: `msg_` and 128 random bits, unique per message."""
    return MESSAGE_PREFIX + secrets.token_hex(16)


async def _queue(connection: AsyncConnection, ctx: ReadContext, **values: Any) -> Row[Any]:
    statement = insert(deliveries).values(
        **values, status="pending", attempts=0, next_attempt_at=ctx.now, created_at=ctx.now
    )
    return (await connection.execute(statement.returning(*deliveries.c))).one()


async def ping_webhook(ctx: ReadContext, *, pk: int) -> Row[Any]:
    """Queue a test message to a hook, active or not (to try it before switching it on)."""
    async with write_transaction(ctx) as connection:
        found = await connection.scalar(select(webhooks.c.id).where(webhooks.c.id == pk))
        if found is None:
            raise Rejected.one(path="id", code="NOT_FOUND", message="no webhook has this ID")
        return await _queue(
            connection, ctx, webhook_id=pk, event_id=None, body=None, message_id=new_message_id()
        )


async def redeliver(ctx: ReadContext, *, delivery_pk: int) -> Row[Any]:
    """Queue a delivery's message again to its hook: same event, body and `webhook-id`.

    Receivers that deduplicate by `webhook-id` take it once; the original row keeps its
    own outcome.
    """
    columns = (deliveries.c.webhook_id, deliveries.c.event_id, deliveries.c.message_id,
               deliveries.c.body)  # fmt: skip
    async with write_transaction(ctx) as connection:
        original = (
            await connection.execute(select(*columns).where(deliveries.c.id == delivery_pk))
        ).one_or_none()
        if original is None:
            message = "no webhook delivery has this ID"
            raise Rejected.one(path="deliveryId", code="NOT_FOUND", message=message)
        return await _queue(connection, ctx, **original._asdict())
