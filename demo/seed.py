"""Load generated demo content through the importer and write its files, with progress bars."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine
from tqdm import tqdm

from masthead.demo.generator import generate_demo
from masthead.demo.media import write_media
from masthead.interchange import ImportProgress, ImportSummary, import_document


async def seed(
    engine: AsyncEngine,
    *,
    posts: int,
    seed: int,
    media_dir: Path | None = None,
    progress: bool = True,
) -> ImportSummary:
    """Generate `posts` demo posts (plus translations) from `seed` and import them.

    The files of their assets go to `media_dir` first (None: rows only), so that no stored
    asset ever points at a missing file. Their names change with their bytes, so writing
    them never changes what an asset already stored shows.
    """
    with tqdm(desc="Generating", unit=" steps", file=sys.stderr, disable=not progress) as bar:
        demo = generate_demo(posts=posts, seed=seed, progress=_advancing(bar))
    if media_dir is not None:
        await _write_files(demo.files, media_dir, progress=progress)
    with tqdm(desc="Importing", unit=" entries", file=sys.stderr, disable=not progress) as bar:
        return await import_document(engine, demo.document, progress=_advancing(bar))


def _advancing(bar: tqdm) -> ImportProgress:
    """A progress callback moving `bar` to `done` of `total`."""

    def advance(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    return advance


async def _write_files(files: dict[str, bytes], media_dir: Path, *, progress: bool) -> None:
    """Write the files in a thread, with their own progress bar."""
    with tqdm(total=len(files), desc="Writing media", unit=" files", file=sys.stderr,
              disable=not progress) as bar:  # fmt: skip
        await asyncio.to_thread(write_media, media_dir, files, bar.update)
