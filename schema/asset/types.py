"""The `Asset` type: a media file's metadata and URL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from masthead.resolvers.asset import asset_by_id, asset_url
from masthead.resolvers.core.ids import encode_id
from masthead.schema.core.context import Info, from_optional_row
from masthead.schema.core.node import Node


@strawberry.type(description="A media file: images carry `width` and `height`.")
class Asset(Node):
    """An uploaded file's metadata."""

    pk: strawberry.Private[int]
    filename: str = strawberry.field(description="File name, unique among assets.")
    mime_type: str = strawberry.field(description="Media type, e.g. `image/png`.")
    size: int = strawberry.field(description="Size in bytes.")
    width: int | None = strawberry.field(description="Width in pixels (images only).")
    height: int | None = strawberry.field(description="Height in pixels (images only).")
    alt: str | None = strawberry.field(description="Alternative text for screen readers.")
    caption: str | None = strawberry.field(description="Caption shown with the file.")
    created_at: datetime = strawberry.field(description="When the file was added.")

    @strawberry.field(description="Opaque global ID.")
    def id(self) -> strawberry.ID:
        """`Asset:<pk>`, encoded."""
        return strawberry.ID(encode_id("Asset", self.pk))

    @strawberry.field(description="Where the file is served; absolute when configured so.")
    def url(self, info: Info) -> str:
        """The media URL of the file."""
        return asset_url(info.context, self.filename)


def build_asset(_parent: Any, row: Any | None) -> Asset | None:
    """An asset object over a row loaded for a parent's relation."""
    return from_optional_row(Asset, row)


async def load_asset(info: Info, pk: int | None) -> Asset | None:
    """An asset by primary key through the operation's loader."""
    return from_optional_row(Asset, await asset_by_id(info.context, pk))
