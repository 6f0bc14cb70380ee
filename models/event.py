"""Event: the outbox of content changes, written in the transaction of each change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from masthead.models.base import Base, utcnow


class Event(Base):
    """One content change (`action` on `entity_type` `entity_id`); consumers come later."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(20))
    entity_type: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int]
    token_name: Mapped[str | None] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    delivered_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_events_undelivered", "delivered_at", "id"),)
