"""The wake-up bus: a write committed somewhere, so every process looks at the outbox now.

A process that commits a write wakes its own listeners at once and tells the others:
through Redis pub/sub when `MASTHEAD_REDIS_URL` is set (whatever the database), through
PostgreSQL `LISTEN/NOTIFY` on PostgreSQL, and not at all on SQLite alone (one process).
A notification carries no data, only who sent it: listeners read what changed from the
outbox, so a lost one costs at most `MASTHEAD_EVENTS_POLL_S` of delay, never an event.
The bus listens on a connection of its own and reconnects after an outage.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from coredis import Redis
from coredis.commands.pubsub import PubSub
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from masthead.settings import Settings

logger = logging.getLogger("masthead.events")
CHANNEL = "masthead_events"
RETRY_S = 2.0  # between attempts to reach the bus again after an outage
HEALTH_CHECK_S = 10.0  # how often an idle listening connection is asked whether it lives
# The longest a write's answer waits for its notification to come back (a lost one is
# found by polling and by the response cache's recheck).
ECHO_WAIT_S = 0.25


class Bus:
    """The process's listeners, woken by its own commits; other processes are not told."""

    name = "in-process"

    def __init__(self) -> None:
        self.sender = uuid.uuid4().hex  # tells this process's notifications from others'
        self.connected = True
        self._listeners: list[Callable[[], None]] = []

    def on_wake(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` whenever any process announces a commit; returns its undo."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback)

    def announce(self) -> None:
        """A write committed in this process: wake its listeners (and tell the others)."""
        self.wake()

    def wake(self) -> None:
        """Wake this process's listeners."""
        for callback in tuple(self._listeners):
            callback()

    def heard(self, payload: str) -> None:
        """A notification arrived: another process's commit wakes this one's listeners."""
        if payload.partition(" ")[0] != self.sender:
            self.wake()

    async def carried(self) -> None:
        """Return once the other processes have been told of the last commit (at once here)."""

    async def run(self) -> None:
        """Listen for the other processes' notifications until cancelled (none here)."""

    async def close(self) -> None:
        """Release what the bus holds (nothing here)."""


class ListeningBus(Bus):
    """A bus with a listening connection, kept open and opened again after an outage."""

    def __init__(self) -> None:
        super().__init__()
        self.connected = False
        self.down = False  # an outage was logged, and the bus has not been reached since
        self._pending = False
        self._sending: asyncio.Task[None] | None = None
        self._sent = 0  # notifications this process has begun to send
        self._echoed = 0  # the last of them heard back
        self._echo = asyncio.Event()  # set, then replaced, whenever an echo arrives

    def announce(self) -> None:
        """Wake this process's listeners and tell the others, once per burst of commits."""
        super().announce()
        self._pending = True
        if self._sending is None or self._sending.done():
            self._sending = asyncio.get_running_loop().create_task(self._send_pending())

    async def _send_pending(self) -> None:
        """One notification for the commits made while the last one was being sent."""
        while self._pending:
            self._pending = False
            self._sent += 1
            try:
                await self.publish()
            # Whatever a dying connection raises (asyncpg's protocol errors included): the
            # others find the change when they poll, and `run` reconnects.
            except Exception as error:  # noqa: BLE001
                logger.debug("could not notify the other processes: %s", error)

    async def publish(self) -> None:
        """Send one notification to the other processes: `payload`."""
        raise NotImplementedError

    @property
    def payload(self) -> str:
        """The sender, and the number of the notification (its echo tells it was carried)."""
        return f"{self.sender} {self._sent}"

    def heard(self, payload: str) -> None:
        """Another process's notification wakes the listeners; this one's own is its echo."""
        sender, _, number = payload.partition(" ")
        if sender != self.sender:
            self.wake()
        elif number.isdigit() and int(number) > self._echoed:
            self._echoed = int(number)
            heard, self._echo = self._echo, asyncio.Event()
            heard.set()

    async def carried(self) -> None:
        """Wait (at most `ECHO_WAIT_S`) until the notification of the last commit comes back.

        The bus hands one notification to every listening process at once: by the time
        this process hears its own, the others have had theirs, so a write answered after
        this is not read stale from another process's response cache (no wait while the
        bus is down).
        """
        target = self._sent + 1 if self._pending else self._sent
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(ECHO_WAIT_S):
                while self.connected and self._echoed < target:
                    await self._echo.wait()

    async def close(self) -> None:
        """Stop sending: what was pending is dropped (the others poll)."""
        if self._sending is not None:
            self._sending.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sending

    async def run(self) -> None:
        """Listen, and after an outage warn once and try again every `RETRY_S`."""
        while True:
            try:
                await self.listen()
            except Exception as error:  # noqa: BLE001 - the bus outlives whatever its connection raises
                if not self.down:
                    logger.warning(
                        "the %s event bus is unreachable (%s): other processes' changes "
                        "arrive by polling until it is back",
                        self.name,
                        error,
                    )
                self.down = True
            self.connected = False
            await asyncio.sleep(RETRY_S)

    async def listen(self) -> None:
        """Hear notifications until the connection is lost (raise) or closed (return)."""
        raise NotImplementedError

    def listening(self) -> None:
        """The connection is up: catch up at once on what an outage may have hidden."""
        if self.down:
            logger.warning("the %s event bus is reachable again", self.name)
        self.connected, self.down = True, False
        self.wake()


class PostgresBus(ListeningBus):
    """`LISTEN masthead_events` / `pg_notify` on a connection outside the request pool."""

    name = "PostgreSQL"

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__()
        self.engine = create_async_engine(engine.url, poolclass=NullPool)
        self._driver: Any = None  # the asyncpg connection while listening
        self._lock = asyncio.Lock()  # one statement at a time on the asyncpg connection

    async def listen(self) -> None:
        """`LISTEN` until the connection ends; an idle one is checked every while."""
        async with self.engine.connect() as connection:
            driver: Any = (await connection.get_raw_connection()).driver_connection
            lost = asyncio.Event()
            driver.add_termination_listener(lambda _connection: lost.set())
            await driver.add_listener(CHANNEL, self._notified)
            self._driver = driver
            self.listening()
            try:
                while not lost.is_set():
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(HEALTH_CHECK_S):
                            await lost.wait()
                    async with self._lock, asyncio.timeout(HEALTH_CHECK_S):
                        await driver.execute("SELECT 1")
            finally:
                self._driver = None
        message = "the listening connection was closed"
        raise ConnectionError(message)

    @property
    def server_pid(self) -> int | None:
        """The PostgreSQL backend of the listening connection, while it listens."""
        return None if self._driver is None else int(self._driver.get_server_pid())

    def _notified(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        self.heard(payload)

    async def publish(self) -> None:
        """`pg_notify` on the listening connection (none while it is down)."""
        driver = self._driver
        if driver is None:
            return
        async with self._lock:
            await driver.execute("SELECT pg_notify($1, $2)", CHANNEL, self.payload)

    async def close(self) -> None:
        """Stop sending, and close the listening connection."""
        await super().close()
        await self.engine.dispose()


class RedisBus(ListeningBus):
    """Redis pub/sub on `<MASTHEAD_REDIS_PREFIX>:events`."""

    name = "Redis"

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.url = settings.redis_url.removeprefix("async+")
        self.channel = f"{settings.redis_prefix}:events"
        self.client: Redis[str] = Redis.from_url(self.url, decode_responses=True)
        self.client_name = f"masthead-events-{self.sender[:12]}"  # in Redis's CLIENT LIST

    async def listen(self) -> None:
        """Subscribe until the connection fails; Redis is pinged every while."""
        listener: Redis[str] = Redis.from_url(
            self.url, decode_responses=True, client_name=self.client_name
        )
        pubsub = listener.pubsub(ignore_subscribe_messages=True, channels=[self.channel])
        try:
            await pubsub.initialize()
            self.listening()
            await _first_to_end(self._hear(pubsub), self._check(listener))
        finally:
            pubsub.close()
            listener.connection_pool.disconnect()

    async def _hear(self, pubsub: PubSub[str]) -> None:
        async for message in pubsub:
            self.heard(str(message["data"]))

    async def _check(self, client: Redis[str]) -> None:
        """Raise once Redis stops answering (its pub/sub connection would wait forever)."""
        while True:
            await asyncio.sleep(HEALTH_CHECK_S)
            async with asyncio.timeout(HEALTH_CHECK_S):
                await client.ping()

    async def publish(self) -> None:
        """`PUBLISH` the sender on the channel."""
        await self.client.publish(self.channel, self.payload)

    async def close(self) -> None:
        """Stop sending, and close the connections to Redis."""
        await super().close()
        self.client.connection_pool.disconnect()


async def _first_to_end(*work: Coroutine[object, object, None]) -> None:
    """Run all until one ends; cancel the others; raise what the one that ended raised."""
    tasks = [asyncio.ensure_future(each) for each in work]
    try:
        done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for task in done:
        task.result()


def bus_for(engine: AsyncEngine, settings: Settings) -> Bus:
    """Redis when configured (whatever the database), else PostgreSQL's, else in process."""
    if settings.redis_url:
        return RedisBus(settings)
    if engine.dialect.name == "postgresql":
        return PostgresBus(engine)
    return Bus()
