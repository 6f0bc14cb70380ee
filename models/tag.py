"""Tag: a label posts carry, in editor order."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from masthead.models.base import LAST, Base, Timestamped, Versioned


class Tag(Timestamped, Versioned, Base):
    """A tag; `slug` is unique."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    description: Mapped[str | None] = mapped_column(Text, sort_order=LAST)
