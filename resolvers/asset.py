"""Assets: always visible; read by id, listed, filtered."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select, true
from strawberry.dataloader import DataLoader

from masthead.models import Asset
from masthead.resolvers.core.context import ReadContext, Viewer
from masthead.resolvers.core.ids import decode_id
from masthead.resolvers.core.listing import Listing, unlocalized
from masthead.resolvers.core.loaders import rows_by_key
from masthead.resolvers.core.pagination import SortKey, parse_datetime
from masthead.resolvers.core.statements import SqlTime
from masthead.resolvers.core.where import ColumnFilter, FilterSpec

assets = Asset.__table__
ASSET_COLUMNS = (
    assets.c.id.label("pk"),
    assets.c.filename,
    assets.c.mime_type,
    assets.c.size,
    assets.c.width,
    assets.c.height,
    assets.c.alt,
    assets.c.caption,
    assets.c.created_at,
)


def asset_visibility(_viewer: Viewer, _now: SqlTime) -> ColumnElement[bool]:
    """THE rule for assets: every asset is public (its file is served to anyone with the URL)."""
    return true()


ASSET_FILTERS = FilterSpec(
    visibility=asset_visibility,
    columns={
        "id": ColumnFilter(assets.c.id, lambda value: decode_id(value, "Asset")),
        "filename": ColumnFilter(assets.c.filename),
        "mime_type": ColumnFilter(assets.c.mime_type),
        "size": ColumnFilter(assets.c.size),
        "width": ColumnFilter(assets.c.width),
        "height": ColumnFilter(assets.c.height),
        "created_at": ColumnFilter(assets.c.created_at),
    },
)

ASSET_LISTING = Listing(
    name="Asset",
    table=assets,
    columns=ASSET_COLUMNS,
    filters=ASSET_FILTERS,
    orderings={
        "CREATED_AT_DESC": SortKey("created_at", assets.c.created_at, True, parse=parse_datetime),
        "CREATED_AT_ASC": SortKey("created_at", assets.c.created_at, parse=parse_datetime),
        "FILENAME_ASC": SortKey("filename", assets.c.filename),
    },
    primary_key=SortKey("pk", assets.c.id, descending=True),
    default_order=("CREATED_AT_DESC",),
    scope=unlocalized(asset_visibility),
)


def assets_by_id(ctx: ReadContext) -> DataLoader[int, Any | None]:
    """The operation's loader of asset rows by primary key."""
    return rows_by_key(ctx, "Asset", lambda: select(*ASSET_COLUMNS), assets.c.id)


async def asset_by_id(ctx: ReadContext, pk: int | None) -> Any | None:
    """An asset row by primary key (batched), or None."""
    return None if pk is None else await assets_by_id(ctx).load(pk)


def asset_url(ctx: ReadContext, filename: str) -> str:
    """Where the file is served, absolute when a public base URL is configured."""
    return f"{ctx.media_base_url}/{filename}"
