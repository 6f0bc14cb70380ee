"""SQLAlchemy models: one module per content type, plus the shared base."""

from models.asset import Asset
from models.author import Author
from models.base import Base, ContentStatus, table_of, utcnow
from models.event import Event
from models.page import Page
from models.post import Post, PostCoAuthor, PostTag
from models.revision import Revision
from models.tag import Tag
from models.token import ROLES, ApiToken

__all__ = [
    "ROLES",
    "ApiToken",
    "Asset",
    "Author",
    "Base",
    "ContentStatus",
    "Event",
    "Page",
    "Post",
    "PostCoAuthor",
    "PostTag",
    "Revision",
    "Tag",
    "table_of",
    "utcnow",
]
