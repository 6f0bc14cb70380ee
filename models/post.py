"""Post: an article with an author, co-authors, tags in editor order and a cover image."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from masthead.models.asset import Asset
from masthead.models.author import Author
from masthead.models.base import (
    LATE,
    Base,
    ContentStatus,
    Localized,
    Timestamped,
    Versioned,
    WithMarkdownBody,
    WithSeo,
)
from masthead.models.tag import Tag

STATUS_ENUM = Enum(ContentStatus, name="content_status", native_enum=False, length=20)


class PostTag(Base):
    """A tag on a post; `position` keeps the editor's order."""

    __tablename__ = "post_tags"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_post_tags_tag_id_post_id", "tag_id", "post_id"),
        # A post's tags in order, read from the index alone (migration 0007).
        Index("ix_post_tags_in_order", "post_id", "position", "tag_id"),
    )


class PostCoAuthor(Base):
    """A co-author of a post, in the editor's order."""

    __tablename__ = "post_co_authors"

    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True
    )
    author_id: Mapped[int] = mapped_column(
        ForeignKey("authors.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_post_co_authors_author_id", "author_id"),
        Index("ix_post_co_authors_in_order", "post_id", "position", "author_id"),
    )


class Post(Timestamped, Versioned, Localized, WithSeo, WithMarkdownBody, Base):
    """A post in one locale; translations share `translation_group`."""

    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    excerpt: Mapped[str | None] = mapped_column(Text, sort_order=LATE)
    status: Mapped[ContentStatus] = mapped_column(STATUS_ENUM, default=ContentStatus.DRAFT)
    published_at: Mapped[datetime | None]
    featured: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id", ondelete="RESTRICT"))
    cover_image_id: Mapped[int | None] = mapped_column(
        ForeignKey("assets.id", ondelete="SET NULL"), index=True
    )
    seo_og_image_id: Mapped[int | None] = mapped_column(
        ForeignKey("assets.id", ondelete="SET NULL"), index=True
    )

    author: Mapped[Author] = relationship(lazy="raise")
    cover_image: Mapped[Asset | None] = relationship(foreign_keys=[cover_image_id], lazy="raise")
    tags: Mapped[list[Tag]] = relationship(
        secondary="post_tags", order_by=PostTag.position, lazy="raise", viewonly=True
    )

    __table_args__ = (
        UniqueConstraint("slug", "locale"),
        # Listings scan these in date order and read the visibility columns from the index.
        Index("ix_posts_listing", "locale", "published_at", "status", "id"),
        # The go-live checks: the scheduled rows alone, by time (migration 0006).
        Index("ix_posts_scheduled", "status", "published_at"),
        Index("ix_posts_author_listing", "author_id", "locale", "published_at", "status", "id"),
        Index("ix_posts_updated_at", "updated_at", "id"),
        Index("ix_posts_title", "title", "id"),
    )
