"""Exit 0 when the PostgreSQL server at the given URL answers, 1 otherwise."""

from __future__ import annotations

import asyncio
import sys

import asyncpg


async def probe(url: str) -> bool:
    """Whether the PostgreSQL server at `url` answers within three seconds."""
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    try:
        connection = await asyncio.wait_for(asyncpg.connect(dsn), timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await connection.close()
    return True


if __name__ == "__main__":
    sys.exit(0 if asyncio.run(probe(sys.argv[1])) else 1)
