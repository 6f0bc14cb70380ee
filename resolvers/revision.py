"""Revisions: each post's and page's history, newest first, paginated per entry."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, true

from masthead.models import Revision, table_of
from masthead.resolvers.core.access import REVISION_READERS, require_owner, require_role
from masthead.resolvers.core.context import ReadContext, Viewer
from masthead.resolvers.core.listing import Children, Listing
from masthead.resolvers.core.pagination import SortKey
from masthead.resolvers.core.where import FilterSpec

revisions = table_of(Revision)
REVISION_COLUMNS = (
    revisions.c.id.label("pk"),
    revisions.c.version,
    revisions.c.action,
    revisions.c.token_name,
    revisions.c.created_at,
    revisions.c.snapshot,
)


def revision_listing(entity_type: str) -> tuple[Listing, Children]:
    """The listing of one type's revisions and the path from an entry to them."""

    def scope(_ctx: ReadContext, _locale: str | None) -> Sequence[ColumnElement[bool]]:
        return (revisions.c.entity_type == entity_type,)

    listing = Listing(
        name=f"{entity_type}.revisions",
        table=revisions,
        columns=REVISION_COLUMNS,
        # Only readers allowed by role list revisions, and nothing filters them by relation.
        filters=FilterSpec(columns={}, visibility=lambda _viewer, _now: true()),
        orderings={"VERSION_DESC": SortKey("version", revisions.c.version, descending=True)},
        primary_key=SortKey("pk", revisions.c.id, descending=True),
        default_order=("VERSION_DESC",),
        scope=scope,
    )
    return listing, Children(f"{entity_type}.revisions", revisions.c.entity_id, revisions)


POST_REVISIONS = revision_listing("Post")
PAGE_REVISIONS = revision_listing("Page")


def check_revision_reader(viewer: Viewer, author_id: int | None = None) -> None:
    """Revisions are for those who may edit the entry: authors of their own posts, editors."""
    require_role(viewer, REVISION_READERS, "read revisions")
    require_owner(viewer, author_id, "read the revisions of")
