"""Content vocabulary the schema shares with the models: status and body rendering."""

from __future__ import annotations

from collections.abc import Callable

from masthead.models import ContentStatus
from masthead.resolvers.core.markdown import reading_time_minutes, to_html, to_text, word_count

RENDERERS: dict[str, Callable[[str], str]] = {"HTML": to_html, "MARKDOWN": str, "TEXT": to_text}


def render_body(source: str, body_format: str) -> str:
    """The body in the requested format (`HTML`, `MARKDOWN` or `TEXT`)."""
    return RENDERERS[body_format](source)


__all__ = ["ContentStatus", "reading_time_minutes", "render_body", "word_count"]
