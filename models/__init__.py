"""SQLAlchemy models: one module per content type, plus the shared base."""

from models.asset import Asset
from models.author import Author
from models.base import Base, ContentStatus, utcnow
from models.page import Page
from models.post import Post, PostCoAuthor, PostTag
from models.revision import Revision
from models.tag import Tag

__all__ = [
    "Asset",
    "Author",
    "Base",
    "ContentStatus",
    "Page",
    "Post",
    "PostCoAuthor",
    "PostTag",
    "Revision",
    "Tag",
    "utcnow",
]
