"""The events worker inside each server process: go-live, dispatch and delivery loops.

It runs two loops. One announces entries going live and dispatches outbox events, woken
by a write committed in this process, by the next go-live time, or every
`events_poll_s` (writes from other processes). The other claims due deliveries and sends
a few at once, so a slow receiver never delays the first loop. Errors (a database that is
down) are logged and retried at the next poll; they never stop the server.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.events import metrics
from masthead.events.dispatch import Dispatcher, deliveries, events, webhooks
from masthead.events.go_live import announce_go_live
from masthead.events.messages import EntryRenderer
from masthead.events.retention import prune
from masthead.events.sender import Claim, Sender, attempt_at
from masthead.models import utcnow
from masthead.resolvers.core.freshness import aggregated_time, next_go_live
from masthead.resolvers.core.writes import after_commit
from masthead.settings import Settings

log = logging.getLogger("masthead.events")
EARLY = timedelta(milliseconds=5)  # a timer may fire a little before its time
CONTENDED_S = 0.05
STOP_GRACE_S = 10.0
PRUNE_EVERY = timedelta(hours=1)


async def _wait(event: asyncio.Event, seconds: float) -> None:
    try:
        async with asyncio.timeout(max(seconds, 0.0)):
            await event.wait()
    except TimeoutError:
        pass


async def _finish(tasks: Collection[asyncio.Task[None]], grace_s: float) -> None:
    """Wait up to `grace_s` for the tasks, then cancel those still running."""
    if not tasks:
        return
    _done, pending = await asyncio.wait(tasks, timeout=grace_s)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)


class EventWorker:
    """Announces go-live events, dispatches the outbox and sends webhooks for one engine.

    `backoff_scale` shrinks the retry schedule (tests); `concurrency` is how many
    deliveries are in flight at once.
    """

    def __init__(  # noqa: PLR0913
        self,
        engine: AsyncEngine,
        settings: Settings,
        render: EntryRenderer,
        clock: Callable[[], datetime] = utcnow,
        *,
        backoff_scale: float = 1.0,
        concurrency: int = 8,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.dispatcher = Dispatcher(engine, render, settings.write_timeout_s)
        self.backoff_scale = backoff_scale
        self.concurrency = concurrency
        self.wakeup = asyncio.Event()
        self.send_wakeup = asyncio.Event()
        self.stopping = False
        self.sender: Sender | None = None
        self._loops: list[asyncio.Task[None]] = []
        self._inflight: set[asyncio.Task[None]] = set()
        self._unlisten: Callable[[], None] | None = None
        self._next_prune = datetime.min.replace(tzinfo=UTC)

    @property
    def running(self) -> bool:
        """Whether both loops are alive (an error never ends them; only `stop` does)."""
        return bool(self._loops) and not any(loop.done() for loop in self._loops)

    def wake(self) -> None:
        """Look at the outbox now (a change was committed)."""
        self.wakeup.set()

    async def start(self) -> None:
        """Start both loops in the running event loop."""
        self.sender = Sender(self.engine, self.settings, backoff_scale=self.backoff_scale)
        self._unlisten = after_commit(self.engine, self.wake)
        self._loops = [self._spawn(self._dispatch_loop()), self._spawn(self._send_loop())]

    @staticmethod
    def _spawn(loop: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        return asyncio.get_running_loop().create_task(loop)

    async def stop(self) -> None:
        """Stop the loops; sends in flight get a moment to finish, or keep their lease."""
        self.stopping = True
        if self._unlisten is not None:
            self._unlisten()
        self.wakeup.set()
        self.send_wakeup.set()
        grace = min(self.settings.webhook_timeout_s, STOP_GRACE_S)
        # A loop waiting for a database that does not answer is cancelled; a send that
        # does not finish in time keeps its delivery `sending` until the lease runs out.
        await _finish(self._loops, grace)
        await _finish(self._inflight, grace)
        if self.sender is not None:
            await self.sender.close()

    async def _dispatch_loop(self) -> None:
        while not self.stopping:
            self.wakeup.clear()
            try:
                delay = await self.dispatch_once()
            except Exception:
                log.exception("webhook dispatch failed; trying again at the next poll")
                delay = self.settings.events_poll_s
            await _wait(self.wakeup, delay)

    async def dispatch_once(self) -> float:
        """Announce due go-lives and dispatch every waiting event; seconds until needed again."""
        # The clock is read before the announcement: a go-live that falls due while this
        # pass runs is then either announced by it or found by the timer lookup below.
        now = self.clock()
        metrics.GO_LIVE.inc(await announce_go_live(self.engine, self.settings, self.clock))
        while not self.stopping and (claimed := await self.dispatcher.dispatch()):
            metrics.DISPATCHED.inc(claimed)
            self.send_wakeup.set()
        await self._count_backlog()
        if now >= self._next_prune:  # at start, then hourly
            self._next_prune = now + PRUNE_EVERY
            if removed := await prune(self.engine, self.settings, now):
                log.info("pruned %d finished deliveries and handed-over events", removed)
        delay = self.settings.events_poll_s
        at = await next_go_live(self.engine, now)
        if at is not None:
            delay = min(delay, (at - now + EARLY).total_seconds())
        return delay

    async def _count_backlog(self) -> None:
        unfinished = deliveries.c.status.in_(("pending", "sending"))
        waiting = select(func.count()).where(events.c.delivered_at.is_(None)).scalar_subquery()
        statement = select(waiting, select(func.count()).where(unfinished).scalar_subquery())
        async with self.engine.connect() as connection:
            counts = (await connection.execute(statement)).one()
        metrics.BACKLOG.labels("events").set(counts[0])
        metrics.BACKLOG.labels("deliveries").set(counts[1])

    async def _send_loop(self) -> None:
        while not self.stopping:
            self.send_wakeup.clear()
            try:
                delay = await self.send_due()
            except Exception:
                log.exception("claiming webhook deliveries failed; trying again at the next poll")
                delay = self.settings.events_poll_s
            await _wait(self.send_wakeup, delay)

    async def send_due(self) -> float:
        """Claim due deliveries into the free slots; seconds until one may be due."""
        assert self.sender is not None  # noqa: S101 (started)
        free = self.concurrency - len(self._inflight)
        if free <= 0:
            return self.settings.events_poll_s  # a finishing send wakes the loop
        delay = await self._until_due()  # a read first: no write lock when nothing is due
        if delay > 0:
            return delay
        claims = await self.sender.claim(free)
        for claim in claims:
            task = self._spawn(self._deliver(claim))
            self._inflight.add(task)
            task.add_done_callback(self._finished)
        if not claims:
            return CONTENDED_S  # due, but another process holds them right now
        return 0.0 if len(claims) < free else self.settings.events_poll_s

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._inflight.discard(task)
        self.send_wakeup.set()

    async def _deliver(self, claim: Claim) -> None:
        assert self.sender is not None  # noqa: S101 (started)
        try:
            metrics.DELIVERIES.labels(await self.sender.send(claim)).inc()
        except Exception:
            log.exception("recording webhook delivery %s failed", claim.message.message_id)

    async def _until_due(self) -> float:
        """Seconds until the next pending delivery or lease is due, at most a poll."""
        pending = deliveries.c.status == "pending"
        active = select(webhooks.c.id).where(webhooks.c.active.is_(True))
        soonest = select(
            func.min(attempt_at()).filter(pending),
            func.min(deliveries.c.lease_until).filter(deliveries.c.status == "sending"),
        ).where(deliveries.c.webhook_id.in_(active))
        async with self.engine.connect() as connection:
            times = (await connection.execute(soonest)).one()
        now = utcnow()
        delay = self.settings.events_poll_s
        for at in times:
            if at is not None:
                delay = min(delay, (aggregated_time(at) - now).total_seconds() + 0.001)
        return delay
