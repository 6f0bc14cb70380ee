"""Exit 0 when the Redis server at the given URL answers, 1 otherwise."""

from __future__ import annotations

import asyncio
import os
import sys

from coredis import ConnectionPool, Redis

REDIS_URL = os.environ.get("MASTHEAD_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


async def probe(url: str) -> bool:
    """Whether the Redis server at `url` answers a PING within three seconds."""
    pool = ConnectionPool.from_url(url)
    try:
        async with asyncio.timeout(3):
            return bool(await Redis(connection_pool=pool).ping())
    except Exception:  # noqa: BLE001 - any failure means it does not answer
        return False
    finally:
        pool.disconnect()


if __name__ == "__main__":
    sys.exit(0 if asyncio.run(probe(sys.argv[1])) else 1)
