"""Revision: a full snapshot of an entry at one version, kept after deletion."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from masthead.models.base import LAST, Base, utcnow


class Revision(Base):
    """One version of one entry; `entity_id` is not a foreign key so deletes keep it."""

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int]
    version: Mapped[int]
    action: Mapped[str] = mapped_column(String(20))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, sort_order=LAST)
    token_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=utcnow)

    __table_args__ = (
        Index("ix_revisions_entity", "entity_type", "entity_id", "version", unique=True),
    )
