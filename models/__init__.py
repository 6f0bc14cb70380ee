"""SQLAlchemy models: one module per content type, plus the shared base."""

from masthead.models.asset import Asset
from masthead.models.author import Author
from masthead.models.base import RENDERED_COLUMNS, Base, ContentStatus, table_of, utcnow
from masthead.models.event import Event, EventAction
from masthead.models.page import Page
from masthead.models.post import Post, PostCoAuthor, PostTag
from masthead.models.revision import Revision
from masthead.models.tag import Tag
from masthead.models.token import ROLES, ApiToken
from masthead.models.webhook import Webhook, WebhookDelivery

__all__ = [
    "RENDERED_COLUMNS",
    "ROLES",
    "ApiToken",
    "Asset",
    "Author",
    "Base",
    "ContentStatus",
    "Event",
    "EventAction",
    "Page",
    "Post",
    "PostCoAuthor",
    "PostTag",
    "Revision",
    "Tag",
    "Webhook",
    "WebhookDelivery",
    "table_of",
    "utcnow",
]
