"""`masthead seed`: load realistic demo content (deterministic for a given seed)."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.cli.database_access import migrated_engine
from masthead.cli.main import CommandError
from masthead.demo.media import MediaError
from masthead.demo.seed import seed
from masthead.interchange import InterchangeError
from masthead.models import Post
from masthead.settings import get_settings


def register(commands: Any) -> None:
    """Add the `seed` sub-command."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "seed", help="load realistic demo content and its media files, with a progress bar"
    )
    parser.add_argument(
        "--posts", type=int, default=200, help="posts to write (200), plus ~10%% translations"
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="random seed (1): the same seed gives the same content"
    )
    parser.add_argument(
        "--if-empty", action="store_true", help="do nothing when the database already has posts"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Seed the configured database."""
    if args.posts < 1:
        msg = f"--posts must be at least 1, not {args.posts}"
        raise CommandError(msg)
    return asyncio.run(_seed(args.posts, args.seed, if_empty=args.if_empty))


async def _has_posts(engine: AsyncEngine) -> bool:
    async with engine.connect() as connection:
        return bool(await connection.scalar(select(func.count()).select_from(Post)))


async def _seed(posts: int, seed_value: int, *, if_empty: bool) -> int:
    async with migrated_engine() as engine:
        if if_empty and await _has_posts(engine):
            print("The database already has posts: nothing seeded.")
            return 0
        media_dir = Path(get_settings().media_dir)
        try:
            summary = await seed(engine, posts=posts, seed=seed_value, media_dir=media_dir)
        except InterchangeError as error:
            msg = f"cannot seed: {error}"
            raise CommandError(msg) from error
        except MediaError as error:
            raise CommandError(str(error)) from error
    print(f"Seeded {summary}.")
    return 0
