"""Webhook and WebhookDelivery: where events are sent, and each attempt to send one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from masthead.models.base import Base, utcnow


class Webhook(Base):
    """A receiver URL with its signing secret and the events it wants.

    `types` and `actions` hold GraphQL enum names (`POST`, `PUBLISHED`); empty means all.
    `disabled_reason` says why delivery stopped for a hook that kept failing.
    """

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(200))
    types: Mapped[list[str]] = mapped_column(JSON, default=list)
    actions: Mapped[list[str]] = mapped_column(JSON, default=list)
    include_drafts: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str | None] = mapped_column(String(1000))
    disabled_reason: Mapped[str | None] = mapped_column(String(1000))
    consecutive_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)


class WebhookDelivery(Base):
    """One message to one hook (an event, or a ping) and the outcome of its latest attempt.

    `message_id` is the Standard Webhooks `webhook-id`: the same on every retry and
    redelivery, so receivers deduplicate by it. `status` is `pending` (waiting for
    `next_attempt_at`), `sending` (claimed until `lease_until`; a crashed sender's claim
    runs out and the message is sent again), `succeeded` or `failed`.
    """

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    event_id: Mapped[int | None]
    message_id: Mapped[str] = mapped_column(String(100))
    body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None]
    lease_until: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_duration_ms: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    finished_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_webhook", "webhook_id", "id"),
    )
