"""How many connections a burst opens, and which of them the pool keeps afterwards.

On SQLite every connection a burst opened stays open (a new one costs a thread and a cold
page cache, and connections opened and closed with every burst made memory creep); on
PostgreSQL the pool keeps `MASTHEAD_POOL_SIZE` and closes the burst's others.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from masthead.database import BURST_CONNECTIONS, create_engine, is_sqlite
from masthead.settings import Settings


async def test_a_burst_opens_at_most_ten_more_and_sqlite_keeps_them(settings: Settings) -> None:
    settings = settings.model_copy(update={"pool_size": 2})
    engine = create_engine(settings)
    most = settings.pool_size + BURST_CONNECTIONS
    try:
        connections = [await engine.connect() for _ in range(most)]
        for connection in connections:
            await connection.execute(text("SELECT 1"))

        # One more waits for a connection: the pool holds no more than that.
        waiting = asyncio.create_task(engine.connect().start())
        await asyncio.sleep(0.05)
        assert not waiting.done()

        for connection in connections:
            await connection.close()
        await (await waiting).close()

        kept = engine.pool.checkedin()  # type: ignore[attr-defined]
        assert kept == (most if is_sqlite(settings.database_url) else settings.pool_size)
    finally:
        await engine.dispose()
