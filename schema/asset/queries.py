"""Root queries of assets: `asset` and `assets`."""

from __future__ import annotations

from typing import Annotated

import strawberry

from masthead.resolvers.asset import ASSET_LISTING, asset_by_id
from masthead.resolvers.core.ids import decode_id
from masthead.resolvers.core.listing import list_args
from masthead.schema.asset.inputs import AssetWhere
from masthead.schema.asset.types import Asset
from masthead.schema.core.arguments import After, First
from masthead.schema.core.connection import Connection, listed
from masthead.schema.core.context import Info, from_optional_row, from_row
from masthead.schema.core.directives import CONNECTION_SIZE


@strawberry.type
class AssetQueries:
    """`asset` and `assets`."""

    @strawberry.field(description="One asset by ID.")
    async def asset(self, info: Info, id: strawberry.ID) -> Asset | None:  # noqa: A002
        """Null when no asset has this ID."""
        return from_optional_row(Asset, await asset_by_id(info.context, decode_id(id, "Asset")))

    @strawberry.field(description="Assets, newest first.", directives=[CONNECTION_SIZE])
    async def assets(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        where: Annotated[
            AssetWhere | None, strawberry.argument(description="Only assets matching.")
        ] = None,
    ) -> Connection[Asset]:
        """One statement for the page, one more when `totalCount` is read."""
        return await listed(
            info,
            ASSET_LISTING,
            list_args(first=first, after=after, where=where),
            lambda row: from_row(Asset, row),
        )
