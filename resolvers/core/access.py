"""Who may do what: the token roles (preview, author, editor, admin), checked before any write."""

from __future__ import annotations

from masthead.resolvers.core.context import Viewer
from masthead.resolvers.core.errors import Forbidden, Unauthenticated

ADMINS = frozenset({"admin"})
EDITORS = frozenset({"editor", "admin"})
WRITERS = frozenset({"author", "editor", "admin"})
REVISION_READERS = WRITERS


def require_role(viewer: Viewer, roles: frozenset[str], action: str) -> None:
    """Refuse `action` unless the viewer's role is one of `roles`."""
    if viewer.is_anonymous:
        msg = f"{action} needs an API token: send `Authorization: Bearer <token>`"
        raise Unauthenticated(msg)
    if viewer.role not in roles:
        allowed = ", ".join(sorted(roles))
        msg = f"the {viewer.role} role cannot {action} (allowed: {allowed})"
        raise Forbidden(msg)


def require_owner(viewer: Viewer, author_id: int | None, action: str) -> None:
    """An `author` token works only on its own posts; editors and admins on any."""
    if viewer.role == "author" and author_id != viewer.author_id:
        msg = f"an author token can only {action} its own posts"
        raise Forbidden(msg)
