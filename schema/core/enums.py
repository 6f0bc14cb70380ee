"""Enums shared by several types."""

from __future__ import annotations

from enum import Enum

import strawberry

from masthead.resolvers.core.content import ContentStatus

ContentStatusEnum = strawberry.enum(
    ContentStatus,
    name="ContentStatus",
    description="Life cycle of a post or page.",
)


@strawberry.enum(description="How `body` is returned.")
class BodyFormat(Enum):
    """Formats of an entry's body."""

    HTML = strawberry.enum_value("HTML", description="Rendered and sanitized HTML.")
    MARKDOWN = strawberry.enum_value("MARKDOWN", description="The Markdown source.")
    TEXT = strawberry.enum_value("TEXT", description="Plain text without markup.")
