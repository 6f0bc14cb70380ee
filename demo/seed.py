"""Load generated demo content through the importer, with progress bars on stderr."""

from __future__ import annotations

import sys

from sqlalchemy.ext.asyncio import AsyncEngine
from tqdm import tqdm

from masthead.demo.generator import generate_document
from masthead.interchange import ImportSummary, import_document


async def seed(
    engine: AsyncEngine, *, posts: int, seed: int, progress: bool = True
) -> ImportSummary:
    """Generate `posts` demo posts (plus translations) from `seed` and import them."""
    with tqdm(
        total=posts, desc="Generating", unit=" posts", file=sys.stderr, disable=not progress
    ) as bar:
        bar.update(1)  # the welcome post
        document = generate_document(posts=posts, seed=seed, progress=bar.update)
    with tqdm(desc="Importing", unit=" entries", file=sys.stderr, disable=not progress) as bar:

        def advance(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        return await import_document(engine, document, progress=advance)
