"""The content generation of cached answers, known without a statement while a signal vouches.

The generation itself is the change log's position (`resolvers/core/freshness.py`): one
query. It is asked again only when something says content may have changed:

- a write committed in this process (`after_commit`, before the write is answered);
- on SQLite, `PRAGMA data_version` on a read-only connection of the process's own: SQLite
  changes it when any other connection, in any process, commits (microseconds, read on
  the event loop);
- on PostgreSQL, a notice on the event bus (LISTEN/NOTIFY or Redis) that another process
  committed, trusted only while the bus is connected and for at most `RECHECK_S`: a
  writer that announces nothing (`masthead import`, SQL by hand) is seen within it.

Without a signal (no bus yet, the bus down, an in-memory database) every request asks.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.resolvers.core.freshness import content_generation
from masthead.resolvers.core.writes import after_commit, before_answer

# How long a PostgreSQL generation is trusted on the bus's word alone.
RECHECK_S = 1.0
Signal = tuple[int, ...]


class WakeBus(Protocol):
    """What is needed of the event bus (events/bus.py): its wake-ups, its connection."""

    connected: bool

    def on_wake(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call `callback` whenever a process announces a commit; returns its undo."""

    async def carried(self) -> None:
        """Return once the other processes have heard of the last commit (bounded)."""


class DataVersion:
    """SQLite's `PRAGMA data_version` on a read-only connection held by the process.

    Its value changes when another connection commits. The file is checked by identity
    (one `stat`), so a file replaced under the server is not watched in its old copy.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._identity = _identity(path)
        self._connection = sqlite3.connect(
            f"file:{quote(str(path))}?mode=ro",
            uri=True,
            timeout=0,
            isolation_level=None,
            check_same_thread=False,  # opened by whichever thread builds the app
        )

    @classmethod
    def of(cls, engine: AsyncEngine) -> DataVersion | None:
        """The watch of the engine's SQLite file; None for PostgreSQL or in-memory SQLite."""
        name = engine.url.database
        if engine.dialect.name != "sqlite" or not name or name == ":memory:":
            return None
        path = Path(name).resolve()
        try:
            return cls(path) if path.exists() else None
        except sqlite3.Error:
            return None

    def read(self) -> int | None:
        """The current value; None when it cannot be known (file replaced, locked)."""
        if _identity(self.path) != self._identity:
            return None
        try:
            row = self._connection.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            return None
        return int(row[0])

    def close(self) -> None:
        """Close the connection."""
        self._connection.close()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_dev, status.st_ino


class ContentGeneration:
    """The generation cached answers are checked against, for one engine in one process."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        recheck_s: float = RECHECK_S,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.recheck_s = recheck_s
        self.monotonic = monotonic
        self.commits = 0  # this process's committed writes
        self.notices = 0  # the bus's wake-ups: other processes' commits
        self.sqlite = engine.dialect.name == "sqlite"
        self._watch: DataVersion | None = None  # opened at the first request that asks
        self.bus: WakeBus | None = None
        self._known: tuple[Signal, int, float] | None = None
        self._undo = [after_commit(engine, self._committed)]

    def _committed(self) -> None:
        self.commits += 1

    def _noticed(self) -> None:
        self.notices += 1

    def listen(self, bus: WakeBus) -> None:
        """Trust the bus's notices of other processes' commits (PostgreSQL) while connected.

        A write is answered once its own notice came back on the bus: the other
        processes heard of it by then, so the writer's next read is fresh anywhere.
        """
        self.bus = bus
        self._undo.append(bus.on_wake(self._noticed))
        if not self.sqlite:
            self._undo.append(before_answer(self.engine, bus.carried))

    def close(self) -> None:
        """Stop listening and close the SQLite watch."""
        for undo in self._undo:
            with contextlib.suppress(ValueError):
                undo()
        self._undo.clear()
        if self._watch is not None:
            self._watch.close()
            self._watch = None

    def signal(self) -> Signal | None:
        """What moves when content may have changed; None when nothing vouches for it."""
        if self.sqlite:
            if self._watch is None:
                self._watch = DataVersion.of(self.engine)
            version = None if self._watch is None else self._watch.read()
            return None if version is None else (self.commits, version)
        if self.bus is None or not self.bus.connected:
            return None
        return (self.commits, self.notices)

    def known(self) -> int | None:
        """The generation if nothing may have changed since it was read; no statement."""
        if self._known is None:
            return None
        seen, generation, at = self._known
        if self.signal() != seen:
            return None
        if not self.sqlite and self.monotonic() - at > self.recheck_s:
            return None
        return generation

    async def current(self) -> int:
        """The generation: known, or read (one statement) and remembered with its signal.

        The signal is read before the generation, so a commit in between moves it and the
        next request reads the generation again.
        """
        known = self.known()
        if known is not None:
            return known
        signal = self.signal()
        started = self.monotonic()
        generation = await content_generation(self.engine)
        self._known = None if signal is None else (signal, generation, started)
        return generation
