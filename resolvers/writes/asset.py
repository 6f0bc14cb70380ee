"""Writing assets: uploads checked by their bytes, stored under unique names; alt and caption."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import re
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import filetype
from PIL import Image, UnidentifiedImageError
from sqlalchemy import Row, insert

from masthead.interchange.fields import text
from masthead.models import Asset, table_of
from masthead.resolvers.core.context import ReadContext
from masthead.resolvers.core.entity import EntitySpec, WriteState, parse_input
from masthead.resolvers.core.entry_writes import delete_entry
from masthead.resolvers.core.writes import (
    Change,
    Problems,
    Rejected,
    record_change,
    write_transaction,
)
from masthead.resolvers.writes.rules import text_rule

assets = table_of(Asset)
IMAGE_TYPES = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp", "AVIF": "avif"}
OTHER_TYPES = {
    "application/pdf": "pdf",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "audio/x-wav": "wav",
}
ACCEPTED = ", ".join(sorted([*IMAGE_TYPES, *(ext.upper() for ext in OTHER_TYPES.values())]))


@dataclass(frozen=True)
class Sniffed:
    """What the bytes of an upload are, whatever its name says."""

    mime_type: str
    extension: str
    width: int | None = None
    height: int | None = None


def _image(data: bytes) -> Sniffed | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind, (width, height) = image.format, image.size
                image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    except (OSError, SyntaxError, ValueError) as error:
        message = f"is a damaged image ({error})"
        raise Rejected.one(path="file", code="INVALID", message=message) from error
    if kind not in IMAGE_TYPES:
        return None
    return Sniffed(Image.MIME[kind], IMAGE_TYPES[kind], width, height)


def sniff(data: bytes) -> Sniffed:
    """The type of a file from its bytes: images through Pillow, others by magic numbers."""
    image = _image(data)
    if image is not None:
        return image
    kind = filetype.guess(data)
    if kind is None or kind.mime not in OTHER_TYPES:
        message = f"is not a file type Masthead accepts ({ACCEPTED})"
        raise Rejected.one(path="file", code="INVALID", message=message)
    return Sniffed(kind.mime, OTHER_TYPES[kind.mime])


def stored_name(original: str, extension: str) -> str:
    """A collision-free file name that keeps a readable stem of the original."""
    stem = re.sub(r"[^a-z0-9]+", "-", Path(original).stem.lower()).strip("-")[:60] or "file"
    return f"{stem}-{secrets.token_hex(6)}.{extension}"


def _check_size(data: bytes, limit: int) -> None:
    if not data:
        raise Rejected.one(path="file", code="INVALID", message="is empty")
    if len(data) > limit:
        message = f"is {len(data)} bytes, over the upload limit of {limit} bytes"
        raise Rejected.one(path="file", code="TOO_LONG", message=message)


def _save(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with path.open("xb") as file:  # never overwrite: a clash is an error, not a silent loss
        file.write(data)
    return path


async def upload_asset(
    ctx: ReadContext, *, data: bytes, filename: str, alt: str | None, caption: str | None
) -> Row[Any]:
    """Store an uploaded file and its metadata (the row as stored); a failure leaves neither."""
    problems = Problems()
    values, _, _ = parse_input(ASSET_WRITES, {"alt": alt, "caption": caption}, problems)
    if problems:
        raise Rejected(problems.items)
    _check_size(data, ctx.settings.max_upload_bytes)
    sniffed = await asyncio.to_thread(sniff, data)
    name = stored_name(filename, sniffed.extension)
    path = await asyncio.to_thread(_save, Path(ctx.settings.media_dir), name, data)
    try:
        async with write_transaction(ctx) as connection:
            row = (await connection.execute(
                insert(assets).values(
                    filename=name, mime_type=sniffed.mime_type, size=len(data),
                    width=sniffed.width, height=sniffed.height, created_at=ctx.now,
                    **values,
                ).returning(*assets.c)
            )).one()  # fmt: skip
            change = Change("create", "Asset", row.id, public_after=True)
            await record_change(connection, ctx, change)
    except BaseException:
        await asyncio.to_thread(path.unlink, missing_ok=True)
        raise
    return row


ASSET_RULES = {
    "alt": text_rule("alt", "alt", text(max_length=1000, nullable=True)),
    "caption": text_rule("caption", "caption", text(max_length=20_000, nullable=True)),
}
ASSET_WRITES = EntitySpec(
    name="Asset",
    table=assets,
    rules=ASSET_RULES,
    keeps_revisions=False,
)


async def delete_asset(ctx: ReadContext, pk: int) -> int:
    """Delete an asset's row (references to it become null), then its file."""
    names: list[str] = []

    async def remember(state: WriteState) -> None:
        if state.current is not None:
            names.append(state.current.filename)

    await delete_entry(ctx, dataclasses.replace(ASSET_WRITES, before_delete=remember), pk)
    folder = Path(ctx.settings.media_dir)
    for name in names:
        await asyncio.to_thread((folder / Path(name).name).unlink, missing_ok=True)
    return pk
