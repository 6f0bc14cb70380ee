"""Content vocabulary the schema shares with the models: status and body rendering."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from masthead.models import ContentStatus
from masthead.resolvers.core.markdown import reading_time_minutes, to_html, to_text, word_count

RENDERERS: dict[str, Callable[[str], str]] = {"HTML": to_html, "MARKDOWN": str, "TEXT": to_text}


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


def render_body(source: str, body_format: str) -> str:
    """The body in the requested format (`HTML`, `MARKDOWN` or `TEXT`)."""
    return RENDERERS[body_format](source)


__all__ = [
    "LIVE",
    "ContentStatus",
    "publicly_visible",
    "reading_time_minutes",
    "render_body",
    "word_count",
]
