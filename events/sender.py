"""Sends due deliveries: claim with a lease, POST, then record the outcome in one transaction.

A claim sets `sending` and `lease_until` and commits before the POST, so another process
never sends the same message meanwhile. A process that dies mid-send leaves its lease to
run out; the message is then sent again with the same `webhook-id` (at least once).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import Row, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from masthead.events.attempts import Message, Outcome, attempt
from masthead.events.messages import encode, iso, ping_body
from masthead.events.schedule import next_attempt
from masthead.models import Webhook, WebhookDelivery, table_of, utcnow
from masthead.resolvers.core.write_queue import writing_connection
from masthead.settings import Settings

webhooks = table_of(Webhook)
deliveries = table_of(WebhookDelivery)


@dataclass(frozen=True)
class Claim:
    """A delivery this process holds until `lease_until`, and what it needs to record it."""

    message: Message
    lease_until: datetime
    attempts: int
    created_at: datetime


def lease_for(settings: Settings) -> timedelta:
    """How long a claim lasts: the attempt's time-out, then the wait to record the outcome.

    A sender that keeps its claim past this could send a message another one sends too.
    """
    return timedelta(seconds=settings.webhook_timeout_s + settings.write_timeout_s + 2)


def attempt_at() -> Any:
    """When a pending delivery is due: its next attempt, or at once if none was set (a ping)."""
    return func.coalesce(deliveries.c.next_attempt_at, deliveries.c.created_at)


def due(now: datetime) -> Any:
    """Deliveries to send now: pending and due, or claimed by a sender whose lease ran out."""
    return or_(
        and_(deliveries.c.status == "pending", attempt_at() <= now),
        and_(deliveries.c.status == "sending", deliveries.c.lease_until < now),
    )


class Sender:
    """Claims, sends and records deliveries for one engine.

    `backoff_scale` multiplies the retry schedule (tests shrink it).
    """

    def __init__(
        self, engine: AsyncEngine, settings: Settings, *, backoff_scale: float = 1.0
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.backoff_scale = backoff_scale
        self.client = httpx.AsyncClient(follow_redirects=False, timeout=settings.webhook_timeout_s)

    async def close(self) -> None:
        """Close the HTTP connections."""
        await self.client.aclose()

    async def claim(self, limit: int) -> list[Claim]:
        """Up to `limit` due deliveries of active hooks, leased to this process."""
        now = utcnow()
        lease_until = now + lease_for(self.settings)
        async with writing_connection(self.engine, self.settings.write_timeout_s) as connection:
            statement = (
                select(deliveries, webhooks.c.url, webhooks.c.secret)
                .join(webhooks, webhooks.c.id == deliveries.c.webhook_id)
                .where(due(now), webhooks.c.active.is_(True))
                .order_by(deliveries.c.id)
                .limit(limit)
                .with_for_update(of=deliveries, skip_locked=True)
            )
            rows = (await connection.execute(statement)).all()
            if rows:
                await connection.execute(
                    update(deliveries)
                    .where(deliveries.c.id.in_([row.id for row in rows]))
                    .values(status="sending", lease_until=lease_until)
                )
            await connection.commit()
        return [_claim(row, lease_until) for row in rows]

    async def send(self, claim: Claim) -> str:
        """One attempt and its record; the outcome: succeeded, retrying, failed or lost."""
        outcome = await attempt(
            self.client,
            claim.message,
            timeout_s=self.settings.webhook_timeout_s,
            allow_private=self.settings.webhook_allow_private,
        )
        return await self.record(claim, outcome)

    async def record(self, claim: Claim, outcome: Outcome) -> str:
        """Write the attempt's outcome, if this process still holds the claim.

        The result names the outcome: succeeded, retrying, failed, or lost (the lease ran
        out and another sender took the message over).
        """
        values = self._outcome_values(claim, outcome, utcnow())
        held = (
            deliveries.c.id == claim.message.delivery_id,
            deliveries.c.status == "sending",
            deliveries.c.lease_until == claim.lease_until,
        )
        async with writing_connection(self.engine, self.settings.write_timeout_s) as connection:
            written = await connection.execute(update(deliveries).where(*held).values(**values))
            if written.rowcount != 1:
                await connection.rollback()
                return "lost"
            await self._tally(connection, claim, outcome, finished=values.get("finished_at"))
            await connection.commit()
        return "retrying" if values["status"] == "pending" else str(values["status"])

    def _outcome_values(self, claim: Claim, outcome: Outcome, now: datetime) -> dict[str, Any]:
        """The delivery's columns after this attempt: done, or when to try again."""
        attempts = claim.attempts + 1
        values: dict[str, Any] = {
            "attempts": attempts,
            "last_status_code": outcome.status_code,
            "last_duration_ms": outcome.duration_ms,
            "last_error": outcome.error,
            "lease_until": None,
        }
        if outcome.succeeded:
            return values | {"status": "succeeded", "finished_at": now}
        retry_at = next_attempt(
            attempts,
            created_at=claim.created_at,
            now=now,
            retry_for_s=self.settings.webhook_retry_for_s,
            scale=self.backoff_scale,
        )
        if retry_at is None:
            return values | {"status": "failed", "finished_at": now}
        return values | {"status": "pending", "next_attempt_at": retry_at}

    async def _tally(
        self,
        connection: AsyncConnection,
        claim: Claim,
        outcome: Outcome,
        finished: datetime | None,
    ) -> None:
        """The hook's run of failed deliveries: reset by a success, disabling it at the limit."""
        hook = webhooks.c
        where = hook.id == claim.message.webhook_id
        if outcome.succeeded:
            await connection.execute(update(webhooks).where(where).values(consecutive_failures=0))
            return
        if finished is None:
            return  # still retrying: not yet a failed delivery
        limit = self.settings.webhook_disable_after
        await connection.execute(
            update(webhooks).where(where).values(consecutive_failures=hook.consecutive_failures + 1)
        )
        reason = (
            f"disabled at {iso(finished)} after {limit} deliveries in a row failed; "
            f"the last one: {outcome.error}"
        )[:1000]
        await connection.execute(
            update(webhooks)
            .where(where, hook.active.is_(True), hook.consecutive_failures >= limit)
            .values(active=False, disabled_reason=reason, updated_at=finished)
        )


def _claim(row: Row[Any], lease_until: datetime) -> Claim:
    body = row.body if row.body is not None else encode(ping_body(row.webhook_id, row.created_at))
    message = Message(row.id, row.webhook_id, row.message_id, row.url, row.secret, body)
    return Claim(message, lease_until, row.attempts, row.created_at)
