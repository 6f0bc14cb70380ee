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


@strawberry.enum(description="A kind of content, in event filters and subscriptions.")
class ContentType(Enum):
    """The content types events are about."""

    POST = strawberry.enum_value("POST", description="A post.")
    PAGE = strawberry.enum_value("PAGE", description="A page.")
    AUTHOR = strawberry.enum_value("AUTHOR", description="An author.")
    TAG = strawberry.enum_value("TAG", description="A tag.")
    ASSET = strawberry.enum_value("ASSET", description="An uploaded asset.")


@strawberry.enum(description="What happened to an entry, as the one told of it may see it.")
class ContentAction(Enum):
    """The actions of content events.

    The public is told only of changes to what it could see: a draft becoming visible is
    `PUBLISHED` to it (also when a scheduled entry goes live), a visible entry becoming
    hidden `UNPUBLISHED`.
    """

    CREATED = strawberry.enum_value("CREATED", description="The entry was created.")
    UPDATED = strawberry.enum_value("UPDATED", description="The entry's content changed.")
    DELETED = strawberry.enum_value("DELETED", description="The entry was deleted.")
    PUBLISHED = strawberry.enum_value(
        "PUBLISHED", description="The entry was published or went live at its scheduled time."
    )
    SCHEDULED = strawberry.enum_value(
        "SCHEDULED",
        description="The entry was scheduled to go live at its `publishedAt` (told only to "
        "those who see drafts; everyone hears `PUBLISHED` when it goes live).",
    )
    UNPUBLISHED = strawberry.enum_value(
        "UNPUBLISHED", description="The entry was taken back to draft."
    )
    RESTORED = strawberry.enum_value(
        "RESTORED", description="An earlier revision of the entry was restored."
    )
