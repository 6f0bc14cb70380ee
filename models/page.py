"""Page: a tree of pages; `path` is the slash-joined slugs from the root."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from masthead.models.base import (
    Base,
    ContentStatus,
    Localized,
    Timestamped,
    Versioned,
    WithMarkdownBody,
    WithSeo,
)
from masthead.models.post import STATUS_ENUM


class Page(Timestamped, Versioned, Localized, WithSeo, WithMarkdownBody, Base):
    """A page in one locale; its parent is a page of the same locale."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(2000))
    slug: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[ContentStatus] = mapped_column(STATUS_ENUM, default=ContentStatus.DRAFT)
    published_at: Mapped[datetime | None]
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("pages.id", ondelete="RESTRICT"), index=True
    )
    seo_og_image_id: Mapped[int | None] = mapped_column(
        ForeignKey("assets.id", ondelete="SET NULL"), index=True
    )

    parent: Mapped[Page | None] = relationship(remote_side=[id], lazy="raise")

    __table_args__ = (
        UniqueConstraint("path", "locale"),
        Index("ix_pages_listing", "locale", "published_at", "status", "id"),
        # The go-live checks: the scheduled rows alone, by time (migration 0006).
        Index("ix_pages_scheduled", "status", "published_at"),
    )
