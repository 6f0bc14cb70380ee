"""The change feed: one task per process reads new `events` rows and hands them to listeners.

It starts at the newest event when the process starts (a listener hears of what happens
after it starts listening) and reads on when woken (`wake`, by the bus) or every
`MASTHEAD_EVENTS_POLL_S`. On PostgreSQL, event ids come from a sequence: a transaction
holding id 6 may commit after id 7 is visible, so the ids skipped are looked for again for
`GAP_WINDOW_S` (a rolled-back transaction leaves its id unused forever).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prometheus_client import Gauge
from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import Event, table_of
from masthead.resolvers.core.errors import MastheadError

logger = logging.getLogger("masthead.events")
events = table_of(Event)
GAP_WINDOW_S = 60.0  # how long an id skipped by the feed is looked for again
MAX_MISSING = 10_000  # ids remembered as skipped, at most (the oldest are given up first)
BATCH = 500  # events read per statement
QUEUE = 1000  # events a listener may fall behind by before it is dropped
LISTENERS = Gauge("masthead_change_feed_listeners", "Listeners of this process's change feed")


@dataclass(frozen=True)
class FeedEvent:
    """One content change as the outbox recorded it."""

    id: int
    action: str
    entity_type: str
    entity_id: int
    version: int | None
    public_before: bool
    public_after: bool
    occurred_at: datetime


class ListenerTooSlowError(MastheadError):
    """A listener fell `QUEUE` events behind: it was dropped rather than let memory grow."""

    code = "SUBSCRIPTION_TOO_SLOW"

    def __init__(self) -> None:
        super().__init__(
            f"this subscription fell more than {QUEUE} changes behind and was ended: "
            "subscribe again (and read what changed meanwhile with a query)"
        )


class Listener:
    """The events one listener has not read yet, in the order the feed read them."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[FeedEvent | None] = asyncio.Queue()  # bounded by `put`
        self.too_slow = False

    def put(self, event: FeedEvent) -> None:
        """Queue an event; one past `QUEUE` unread drops the listener (its reader raises)."""
        if self.too_slow:
            return
        if self.queue.qsize() >= QUEUE:
            self.too_slow = True
            self.queue.put_nowait(None)  # the mark that ends the reader, after what it has
            return
        self.queue.put_nowait(event)

    def __aiter__(self) -> Listener:
        return self

    async def __anext__(self) -> FeedEvent:
        event = await self.queue.get()
        if event is None:
            raise ListenerTooSlowError
        return event


class ChangeFeed:
    """The process's reader of the outbox and the listeners it hands each event to."""

    def __init__(self, engine: AsyncEngine, *, poll_s: float) -> None:
        self.engine = engine
        self.poll_s = poll_s
        self.last_id: int | None = None
        self.missing: dict[int, float] = {}  # id skipped -> when to stop looking for it
        self.listeners: set[Listener] = set()
        self._woken = asyncio.Event()

    def wake(self) -> None:
        """Read on now: a write committed (here, or in another process)."""
        self._woken.set()

    @contextlib.contextmanager
    def listening(self) -> Iterator[Listener]:
        """A listener for the events read from now until the block ends."""
        listener = Listener()
        self.listeners.add(listener)
        LISTENERS.inc()
        try:
            yield listener
        finally:
            self.listeners.discard(listener)
            LISTENERS.dec()

    async def run(self) -> None:
        """Read on whenever woken, or every `poll_s`, until cancelled; survive outages."""
        failing = False
        while True:
            try:
                await self.read()
            except (SQLAlchemyError, OSError) as error:
                if not failing:
                    logger.warning("the change feed cannot read the outbox: %s", error)
                failing = True
            else:
                failing = False
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll_s):
                    await self._woken.wait()
            self._woken.clear()

    async def read(self) -> None:
        """Hand every event committed since the last read to the listeners."""
        async with self.engine.connect() as connection:
            if self.last_id is None:
                newest = await connection.scalar(select(func.max(events.c.id)))
                self.last_id = int(newest or 0)
                return
            while True:
                rows = (await connection.execute(self._newer())).all()
                self._hand_on(rows)
                if len(rows) < BATCH:
                    break
        self._forget_missing()

    def _newer(self) -> Any:
        """Events past the last read, and the skipped ids that may have committed since."""
        newer = events.c.id > self.last_id
        if self.missing:
            newer = or_(newer, events.c.id.in_(sorted(self.missing)))
        columns = [getattr(events.c, name) for name in FeedEvent.__dataclass_fields__]
        return select(*columns).where(newer).order_by(events.c.id).limit(BATCH)

    def _hand_on(self, rows: Sequence[Any]) -> None:
        """Each row to every listener, noting the ids skipped on the way."""
        deadline = time.monotonic() + GAP_WINDOW_S
        for row in rows:
            event = FeedEvent(**row._mapping)  # noqa: SLF001 - public API, underscored
            if self.missing.pop(event.id, None) is None:
                assert self.last_id is not None  # noqa: S101 - set by the first read
                for skipped in range(self.last_id + 1, event.id):
                    self.missing[skipped] = deadline
                self.last_id = max(self.last_id, event.id)
            for listener in tuple(self.listeners):
                listener.put(event)

    def _forget_missing(self) -> None:
        """Stop looking for ids skipped long ago (rolled back), or the oldest past a bound."""
        now = time.monotonic()
        for skipped in [each for each, until in self.missing.items() if until < now]:
            del self.missing[skipped]
        while len(self.missing) > MAX_MISSING:
            del self.missing[min(self.missing)]


_FEEDS: weakref.WeakKeyDictionary[Engine, ChangeFeed] = weakref.WeakKeyDictionary()


def running_feed(engine: AsyncEngine) -> ChangeFeed | None:
    """The change feed this process runs on the engine's database, if it runs one."""
    return _FEEDS.get(engine.sync_engine)


@contextlib.asynccontextmanager
async def serving_feed(engine: AsyncEngine, feed: ChangeFeed) -> AsyncIterator[ChangeFeed]:
    """Run `feed` (its first read done) as the engine's until the block ends."""
    await _first_read(feed)
    task = asyncio.get_running_loop().create_task(feed.run())
    _FEEDS[engine.sync_engine] = feed
    try:
        yield feed
    finally:
        if _FEEDS.get(engine.sync_engine) is feed:
            del _FEEDS[engine.sync_engine]
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _first_read(feed: ChangeFeed) -> None:
    """Where the feed starts; a database down at start leaves it to the first poll."""
    try:
        await feed.read()
    except (SQLAlchemyError, OSError) as error:
        logger.warning("the change feed cannot read the outbox yet: %s", error)
