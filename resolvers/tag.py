"""Tags: always visible; read by id or slug, listed, and the tags of posts in editor order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select, true
from strawberry.dataloader import DataLoader

from masthead.models import PostTag, Tag
from masthead.resolvers.core.context import ReadContext, Viewer
from masthead.resolvers.core.ids import decode_id
from masthead.resolvers.core.listing import Listing, unlocalized
from masthead.resolvers.core.loaders import row_lists_by_key, rows_by_key
from masthead.resolvers.core.pagination import SortKey, parse_datetime
from masthead.resolvers.core.statements import SqlTime
from masthead.resolvers.core.where import ColumnFilter, FilterSpec

tags = Tag.__table__
post_tags = PostTag.__table__
TAG_COLUMNS = (
    tags.c.id.label("pk"),
    tags.c.slug,
    tags.c.name,
    tags.c.description,
    tags.c.created_at,
    tags.c.updated_at,
    tags.c.version,
)


def tag_visibility(_viewer: Viewer, _now: SqlTime) -> ColumnElement[bool]:
    """THE rule for tags: they carry no status, so all are visible (not so their posts)."""
    return true()


TAG_FILTERS = FilterSpec(
    visibility=tag_visibility,
    columns={
        "id": ColumnFilter(tags.c.id, lambda value: decode_id(value, "Tag")),
        "slug": ColumnFilter(tags.c.slug),
        "name": ColumnFilter(tags.c.name),
        "description": ColumnFilter(tags.c.description),
        "created_at": ColumnFilter(tags.c.created_at),
    },
)

TAG_LISTING = Listing(
    name="Tag",
    table=tags,
    columns=TAG_COLUMNS,
    filters=TAG_FILTERS,
    orderings={
        "NAME_ASC": SortKey("name", tags.c.name),
        "NAME_DESC": SortKey("name", tags.c.name, descending=True),
        "SLUG_ASC": SortKey("slug", tags.c.slug),
        "CREATED_AT_DESC": SortKey("created_at", tags.c.created_at, True, parse=parse_datetime),
    },
    primary_key=SortKey("pk", tags.c.id),
    default_order=("NAME_ASC",),
    scope=unlocalized(tag_visibility),
)


async def tag_by_id(ctx: ReadContext, pk: int | None) -> Any | None:
    """A tag row by primary key (batched), or None."""
    if pk is None:
        return None
    return await rows_by_key(ctx, "Tag", lambda: select(*TAG_COLUMNS), tags.c.id).load(pk)


async def tag_by_slug(ctx: ReadContext, slug: str) -> Any | None:
    """A tag row by slug (batched), or None."""
    loader = rows_by_key(ctx, "Tag.slug", lambda: select(*TAG_COLUMNS), tags.c.slug)
    return await loader.load(slug)


def tags_by_post(ctx: ReadContext) -> DataLoader[int, list[Any]]:
    """The operation's loader of each post's tags, in the editor's order."""
    return row_lists_by_key(ctx, "Post.tags", _tags_in_order, post_tags.c.post_id)


def _tags_in_order() -> Select[Any]:
    joined = select(*TAG_COLUMNS).join(post_tags, post_tags.c.tag_id == tags.c.id)
    return joined.order_by(post_tags.c.post_id, post_tags.c.position)
