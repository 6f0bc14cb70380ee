"""Content vocabulary the schema shares with the models: status and the stored body."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from masthead.models import ContentStatus
from masthead.resolvers.core.context import Viewer

# Where a read row carries each format of the body: writes rendered them, reads never do.
BODY_ATTRIBUTES = {"HTML": "body_html", "MARKDOWN": "markdown", "TEXT": "body_text"}


LIVE = (ContentStatus.PUBLISHED, ContentStatus.SCHEDULED)


def publicly_visible(row: Any, now: datetime) -> bool:
    """Whether the public sees this entry row at `now`: the row-level twin of the types' rules.

    Entries with a status (posts, pages) are visible when PUBLISHED, or SCHEDULED once
    `published_at <= now`; entries without one (authors, tags, assets) always are.
    """
    if row is None:
        return False
    status = getattr(row, "status", None)
    if status is None:
        return True
    published_at = getattr(row, "published_at", None)
    return status in LIVE and published_at is not None and published_at <= now


def dated_for(viewer: Viewer) -> tuple[str, ...]:
    """The sort keys the visibility of posts and pages keeps from NULL for `viewer`.

    The public sees an entry once `published_at <= now`, so never one without a date;
    editors see drafts, which may have none.
    """
    return () if viewer.sees_drafts else ("published_at",)


def stored_body(entry: Any, body_format: str) -> str:
    """The body in the requested format (`HTML`, `MARKDOWN` or `TEXT`), as last written."""
    body: str = getattr(entry, BODY_ATTRIBUTES[body_format])
    return body


__all__ = [
    "BODY_ATTRIBUTES",
    "LIVE",
    "ContentStatus",
    "dated_for",
    "publicly_visible",
    "stored_body",
]
