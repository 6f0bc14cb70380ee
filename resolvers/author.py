"""Authors: always visible; read by id or slug, listed, and the authors of posts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select, true
from strawberry.dataloader import DataLoader

from masthead.models import Author
from masthead.resolvers.core.context import ReadContext, Viewer
from masthead.resolvers.core.ids import decode_id
from masthead.resolvers.core.listing import Listing, unlocalized
from masthead.resolvers.core.loaders import rows_by_key
from masthead.resolvers.core.pagination import SortKey, parse_datetime
from masthead.resolvers.core.statements import SqlTime
from masthead.resolvers.core.where import ColumnFilter, FilterSpec

authors = Author.__table__
AUTHOR_COLUMNS = (
    authors.c.id.label("pk"),
    authors.c.slug,
    authors.c.name,
    authors.c.bio,
    authors.c.website,
    authors.c.avatar_id,
    authors.c.created_at,
    authors.c.updated_at,
    authors.c.version,
)


def author_visibility(_viewer: Viewer, _now: SqlTime) -> ColumnElement[bool]:
    """THE rule for authors: they carry no status, so all are visible (not so their posts)."""
    return true()


AUTHOR_FILTERS = FilterSpec(
    visibility=author_visibility,
    columns={
        "id": ColumnFilter(authors.c.id, lambda value: decode_id(value, "Author")),
        "slug": ColumnFilter(authors.c.slug),
        "name": ColumnFilter(authors.c.name),
        "bio": ColumnFilter(authors.c.bio),
        "website": ColumnFilter(authors.c.website),
        "created_at": ColumnFilter(authors.c.created_at),
    },
)

AUTHOR_LISTING = Listing(
    name="Author",
    table=authors,
    columns=AUTHOR_COLUMNS,
    filters=AUTHOR_FILTERS,
    orderings={
        "NAME_ASC": SortKey("name", authors.c.name),
        "NAME_DESC": SortKey("name", authors.c.name, descending=True),
        "SLUG_ASC": SortKey("slug", authors.c.slug),
        "CREATED_AT_DESC": SortKey("created_at", authors.c.created_at, True, parse=parse_datetime),
    },
    primary_key=SortKey("pk", authors.c.id),
    default_order=("NAME_ASC",),
    scope=unlocalized(author_visibility),
)


def authors_by_id(ctx: ReadContext) -> DataLoader[int, Any | None]:
    """The operation's loader of author rows by primary key."""
    return rows_by_key(ctx, "Author", lambda: select(*AUTHOR_COLUMNS), authors.c.id)


async def author_by_id(ctx: ReadContext, pk: int | None) -> Any | None:
    """An author row by primary key (batched), or None."""
    return None if pk is None else await authors_by_id(ctx).load(pk)


async def author_by_slug(ctx: ReadContext, slug: str) -> Any | None:
    """An author row by slug (batched), or None."""
    loader = rows_by_key(ctx, "Author.slug", lambda: select(*AUTHOR_COLUMNS), authors.c.slug)
    return await loader.load(slug)
