"""Mutations of assets: upload (GraphQL multipart request), alt and caption, delete."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.file_uploads import Upload

from masthead.resolvers.asset import ASSET_COLUMNS
from masthead.resolvers.core.access import EDITORS, WRITERS, require_role
from masthead.resolvers.writes.asset import ASSET_WRITES, delete_asset, upload_asset
from masthead.schema.asset.types import Asset
from masthead.schema.core.context import Info
from masthead.schema.core.entry_mutations import (
    EntryMutations,
    mutations_type,
    payload_type,
    written_payload,
)
from masthead.schema.core.mutations import attempt

UNSET: Any = strawberry.UNSET


@strawberry.input(description="An asset's editable text; omitted fields stay unchanged.")
class AssetInput:
    """Alt text and caption."""

    alt: str | None = strawberry.field(default=UNSET, description="Alternative text.")
    caption: str | None = strawberry.field(default=UNSET, description="Caption.")


AssetPayload: Any = payload_type(Asset, "asset")
ASSET_MUTATIONS = EntryMutations(
    spec=ASSET_WRITES,
    node=Asset,
    input=AssetInput,
    columns=ASSET_COLUMNS,
    writers=EDITORS,
    creates=False,
    delete=delete_asset,
)
AssetEdits: Any = mutations_type(ASSET_MUTATIONS, AssetPayload)


async def _read(file: Any) -> tuple[bytes, str]:
    """The upload's bytes and name; its spooled temporary file is closed at once."""
    try:
        data: bytes = await file.read()
    finally:
        await file.close()
    return data, getattr(file, "filename", None) or "upload"


@strawberry.type
class AssetUploads:
    """Uploads of assets."""

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
    ) -> AssetPayload:  # type: ignore[valid-type]
        """Authors, editors and admins; over `MASTHEAD_MAX_UPLOAD_BYTES` is TOO_LONG."""
        require_role(info.context.viewer, WRITERS, "upload assets")
        data, filename = await _read(file)
        write = upload_asset(info.context, data=data, filename=filename, alt=alt, caption=caption)
        return written_payload(AssetPayload, ASSET_MUTATIONS, await attempt(write))


@strawberry.type
class AssetMutations(AssetUploads, AssetEdits):  # type: ignore[misc]
    """Writes of assets: uploads (authors too), alt text and caption, deletes."""
