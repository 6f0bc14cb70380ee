"""Writing the demo's files into the media folder: whole files only, identical ones kept."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from pathlib import Path


class MediaError(Exception):
    """The media folder cannot take the files, told in one line."""


def write_media(
    folder: Path, files: Mapping[str, bytes], progress: Callable[[int], object] | None = None
) -> None:
    """Write each file under its name in `folder`.

    A file already there with the same bytes is kept as it is; `progress` is told of each file.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            if not _holds(folder / name, data):
                _replace(folder / name, data)
            if progress is not None:
                progress(1)
    except OSError as error:
        msg = f"cannot write the demo's media files in {folder}: {error.strerror or error}"
        raise MediaError(msg) from error


def _holds(path: Path, data: bytes) -> bool:
    """Whether `path` is a file with exactly these bytes."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except FileNotFoundError:
        return False


def _replace(path: Path, data: bytes) -> None:
    """Put `data` at `path` all at once: written in full under a hidden name, then renamed.

    The hidden name starts with a dot, which the media route never serves, so a reader sees
    the old file or the new one, never part of one, and a failure leaves no part behind.
    No fsync: a disk flush per file would cost more than drawing the files, and it guards
    against a power cut, not against a failed or interrupted seed.
    """
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
