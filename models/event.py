"""Event: the outbox of content changes, written in the transaction of each change."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index, String, false, func
from sqlalchemy.orm import Mapped, mapped_column

from masthead.models.base import Base, utcnow


class EventAction(enum.StrEnum):
    """What happened to an entry; stored in `events.action` and `revisions.action`."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    PUBLISH = "publish"
    SCHEDULE = "schedule"  # published with a future `published_at`: visible from then on
    UNPUBLISH = "unpublish"
    RESTORE = "restore"
    GO_LIVE = "go_live"  # a scheduled entry became visible at its `published_at`
    IMPORT = "import"


class Event(Base):
    """One content change (`action` on `entity_type` `entity_id`).

    `public_before` and `public_after` say whether the public could see the entry just
    before and just after the change: who may hear of it follows from them (a change to a
    draft reaches only hooks and subscribers that see drafts). `delivered_at` is set once
    the event has been handed to every matching webhook (a delivery row each).
    """

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(20))
    entity_type: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int]
    version: Mapped[int | None]
    public_before: Mapped[bool] = mapped_column(default=False, server_default=false())
    public_after: Mapped[bool] = mapped_column(default=False, server_default=false())
    token_name: Mapped[str | None] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)
    delivered_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_events_undelivered", "delivered_at", "id"),)
