"""Fan-out for one server process: its commits announced on the bus, its feed woken by any."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.events.bus import Bus, bus_for
from masthead.events.feed import ChangeFeed, serving_feed
from masthead.resolvers.core.writes import after_commit
from masthead.settings import Settings


@dataclass(frozen=True)
class FanOut:
    """The process's bus (others may wait on it too: `bus.on_wake`) and its change feed."""

    bus: Bus
    feed: ChangeFeed


@contextlib.asynccontextmanager
async def fanned_out(engine: AsyncEngine, settings: Settings) -> AsyncIterator[FanOut]:
    """Listen on the bus and run the change feed until the block ends (the app's lifespan)."""
    bus = bus_for(engine, settings)
    feed = ChangeFeed(engine, poll_s=settings.events_poll_s)
    undo_wake = bus.on_wake(feed.wake)
    undo_commit = after_commit(engine, bus.announce)
    listening = asyncio.get_running_loop().create_task(bus.run())
    try:
        async with serving_feed(engine, feed):
            yield FanOut(bus, feed)
    finally:
        undo_commit()
        undo_wake()
        listening.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listening
        await bus.close()
