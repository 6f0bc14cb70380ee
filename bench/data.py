"""The benchmark database: seeded once per post count and kept in `bench/.data`."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from masthead.migrations.runner import head_revision

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / ".data"
MASTHEAD = Path(sys.executable).parent / "masthead"


def database_url(path: Path) -> str:
    """The SQLAlchemy URL Masthead uses for a SQLite file."""
    return f"sqlite+aiosqlite:///{path.resolve()}"


def media_dir(posts: int) -> Path:
    """Where the seed of `bench-<posts>.db` writes its media files.

    Beside the database, not in the working folder's `media/`: there, they would replace the
    files of a developer's own demo database.
    """
    return DATA_DIR / f"bench-{posts}-media"


def _masthead(path: Path, media: Path, *arguments: str) -> None:
    env = {
        **os.environ,
        "MASTHEAD_DATABASE_URL": database_url(path),
        "MASTHEAD_MEDIA_DIR": str(media),
    }
    print(f"  $ masthead {' '.join(arguments)}", flush=True)
    subprocess.run([str(MASTHEAD), *arguments], env=env, check=True)


def _checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the file so it can be renamed on its own."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def _revision(path: Path) -> str | None:
    """The migration a database file is at (None when it has none)."""
    connection = sqlite3.connect(path)
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    return None if row is None else str(row[0])


def ensure_database(posts: int) -> Path:
    """`bench/.data/bench-<posts>.db`, seeded again whenever the migrations moved on."""
    target = DATA_DIR / f"bench-{posts}.db"
    if target.exists() and _revision(target) == head_revision():
        print(f"Using {target.relative_to(HERE.parent)} (delete it to re-seed)", flush=True)
        return target
    for stale in DATA_DIR.glob(f"{target.name}*"):
        stale.unlink()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial.db")
    for leftover in DATA_DIR.glob(f"{partial.name}*"):
        leftover.unlink()
    print(f"Seeding {posts:,} posts into {target.relative_to(HERE.parent)} (once)", flush=True)
    started = time.monotonic()
    _masthead(partial, media_dir(posts), "migrate")
    _masthead(partial, media_dir(posts), "seed", "--posts", str(posts), "--seed", "1")
    _checkpoint(partial)
    partial.rename(target)
    print(f"Seeded in {time.monotonic() - started:.0f} s", flush=True)
    return target
