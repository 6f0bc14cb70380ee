"""Author: a person who writes posts."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from masthead.models.asset import Asset
from masthead.models.base import LAST, Base, Timestamped, Versioned


class Author(Timestamped, Versioned, Base):
    """An author; `slug` is unique."""

    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    bio: Mapped[str | None] = mapped_column(Text, sort_order=LAST)
    website: Mapped[str | None] = mapped_column(String(2000))
    avatar_id: Mapped[int | None] = mapped_column(
        ForeignKey("assets.id", ondelete="SET NULL"), index=True
    )

    avatar: Mapped[Asset | None] = relationship(lazy="raise")
