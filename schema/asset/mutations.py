"""Mutations of assets: upload (GraphQL multipart request), alt and caption, delete."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.file_uploads import Upload

from resolvers.asset import asset_by_id
from resolvers.core.access import EDITORS, WRITERS, require_role
from resolvers.core.entry_writes import update_entry
from resolvers.writes.asset import ASSET_WRITES, delete_asset, upload_asset
from schema.asset.types import Asset
from schema.core.context import Info, from_optional_row
from schema.core.mutations import (
    DeletePayload,
    UserError,
    attempt,
    deletion,
    entry_id,
    given_fields,
)

AssetId = Annotated[strawberry.ID, strawberry.argument(description="The asset's global ID.")]
UNSET: Any = strawberry.UNSET


@strawberry.input(description="An asset's editable text; omitted fields stay unchanged.")
class AssetInput:
    """Alt text and caption."""

    alt: str | None = strawberry.field(default=UNSET, description="Alternative text.")
    caption: str | None = strawberry.field(default=UNSET, description="Caption.")


@strawberry.type(description="The asset a mutation wrote, or why nothing was written.")
class AssetPayload:
    """Result of an asset mutation."""

    asset: Asset | None = strawberry.field(description="The asset after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was written.")


async def _payload(info: Info, write: Any) -> AssetPayload:
    pk, errors = await attempt(write)
    row = None if pk is None else await asset_by_id(info.context, pk)
    return AssetPayload(asset=from_optional_row(Asset, row), user_errors=errors)


async def _read(file: Any) -> tuple[bytes, str]:
    """The upload's bytes and name; its spooled temporary file is closed at once."""
    try:
        data: bytes = await file.read()
    finally:
        await file.close()
    return data, getattr(file, "filename", None) or "upload"


@strawberry.type
class AssetMutations:
    """Writes of assets."""

    @strawberry.mutation(
        description="Upload a file (multipart request): its type is read from the bytes, "
        "images get width and height."
    )
    async def upload_asset(
        self,
        info: Info,
        file: Annotated[Upload, strawberry.argument(description="The file part.")],
        alt: Annotated[str | None, strawberry.argument(description="Alternative text.")] = None,
        caption: Annotated[str | None, strawberry.argument(description="Caption.")] = None,
    ) -> AssetPayload:
        """Authors, editors and admins; over `MASTHEAD_MAX_UPLOAD_BYTES` is TOO_LONG."""
        require_role(info.context.viewer, WRITERS, "upload assets")
        data, filename = await _read(file)
        write = upload_asset(info.context, data=data, filename=filename, alt=alt, caption=caption)
        return await _payload(info, write)

    @strawberry.mutation(description="Change an asset's alt text or caption.")
    async def update_asset(
        self,
        info: Info,
        id: AssetId,  # noqa: A002
        input: AssetInput,  # noqa: A002
    ) -> AssetPayload:
        """Editors and admins."""
        require_role(info.context.viewer, EDITORS, "update assets")
        pk = entry_id(id, "Asset")
        return await _payload(
            info, update_entry(info.context, ASSET_WRITES, pk, given_fields(input))
        )

    @strawberry.mutation(description="Delete an asset and its file; entries that used it lose it.")
    async def delete_asset(self, info: Info, id: AssetId) -> DeletePayload:  # noqa: A002
        """Editors and admins."""
        require_role(info.context.viewer, EDITORS, "delete assets")
        return await deletion("Asset", delete_asset(info.context, entry_id(id, "Asset")))
