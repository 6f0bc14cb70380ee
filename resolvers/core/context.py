"""Per-operation context: who is asking, the request's clock, one read connection, loaders."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ClauseElement, Executable, Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from strawberry.dataloader import DataLoader

from masthead.resolvers.core.direct_reads import DirectExecution, DirectRead, direct_read
from masthead.resolvers.core.read_keys import Lookup, ReadKeys
from masthead.resolvers.core.statements import is_shared
from masthead.settings import Settings, get_settings
from masthead.sqlite_driver import OneTripConnection

LoadFunction = Callable[[list[Any]], Awaitable[Sequence[Any]]]
DRAFT_READERS = frozenset({"preview", "author", "editor", "admin"})


@dataclass(frozen=True)
class Viewer:
    """The identity behind a request; anonymous readers are `public`."""

    role: str = "public"
    token_name: str | None = None
    author_id: int | None = None

    @property
    def sees_drafts(self) -> bool:
        """Whether this viewer reads drafts and scheduled entries too."""
        return self.role in DRAFT_READERS

    @property
    def is_anonymous(self) -> bool:
        """Whether the request carried no token."""
        return self.role == "public"


class OperationFinishedError(RuntimeError):
    """A statement asked for after the operation's connection was released."""

    def __init__(self) -> None:
        super().__init__("the operation has finished: no statement may run for it")


class ReadContext:
    """Everything one GraphQL operation shares: statements run on one connection in turn."""

    def __init__(  # noqa: PLR0913
        self,
        engine: AsyncEngine,
        *,
        viewer: Viewer,
        now: datetime,
        default_locale: str,
        media_base_url: str,
        settings: Settings | None = None,
        clock: Callable[[], datetime] | None = None,
        read_keys: ReadKeys | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock  # what `renew` reads the time from (the request's clock)
        self.settings = settings or get_settings()
        self.viewer = viewer
        self.now = now
        self.default_locale = default_locale
        self.media_base_url = media_base_url
        self._connection: AsyncConnection | None = None
        # The connection's driver, when statements may run on it directly (SQLite).
        self._driver: OneTripConnection | None = None
        self._lock = asyncio.Lock()
        self._loaders: dict[Hashable, DataLoader[Any, Any]] = {}
        # Values the operation computes once and reads many times (e.g. parsed selections).
        self.memo: dict[Hashable, Any] = {}
        # Set when the request ran out of time: its connection may be mid-statement.
        self.abandoned = False
        self.closed = False
        # The surrogate keys of what it reads, when its answer may be public (else None).
        self.read_keys = read_keys
        # Parameters every statement of the operation takes: the time visibility is
        # judged at, which body parts it reads.
        self.parameters: dict[str, Any] = {"now": now}

    @property
    def shape(self) -> Hashable:
        """What a shared statement's structure may depend on besides its own key."""
        return (self.viewer, self.default_locale)

    async def rows(
        self,
        statement: Executable,
        lookup: Lookup | None = None,
        parameters: dict[str, Any] | None = None,
    ) -> Sequence[Row[Any]]:
        """Run one statement on the operation's connection (one snapshot per operation).

        Every read of an operation comes here, so here its surrogate keys are recorded;
        `lookup` names the IDs a lookup by primary key asked for. `parameters` are this
        statement's own, beside the operation's.
        """
        values = self.parameters if parameters is None else {**self.parameters, **parameters}
        async with self._lock:
            if self.closed:
                # A loader still running after its operation failed elsewhere: opening a
                # connection now would leave it open, since the operation closed already.
                raise OperationFinishedError
            connection = self._connection or await self._connect()
            direct = self._direct(statement)
            rows = None if direct is None else await self._run_direct(direct, values)
            if rows is not None and direct is not None:
                if self.read_keys is not None:
                    self.read_keys.note_reads(direct.reads, rows, lookup)
                return rows
            result = await connection.execute(statement, values)
            found = result.all()
        if self.read_keys is not None:
            self.read_keys.note(result, found, lookup)
        return found

    async def _connect(self) -> AsyncConnection:
        connection = await self.engine.connect()
        if self.closed:  # the operation ended while this connection was opening
            await connection.close()
            raise OperationFinishedError
        self._connection = connection
        if self.settings.sqlite_direct_reads:
            raw = await connection.get_raw_connection()
            adapted = raw.dbapi_connection
            self._driver = adapted if isinstance(adapted, OneTripConnection) else None
        return connection

    def _direct(self, statement: Executable) -> DirectRead | None:
        if self._driver is None or not isinstance(statement, ClauseElement):
            return None
        return direct_read(statement, self.engine.dialect) if is_shared(statement) else None

    async def _run_direct(self, direct: DirectRead, values: dict[str, Any]) -> list[Any] | None:
        """The rows of a direct run, or None when SQLAlchemy must run the statement.

        A statement the driver refuses runs again through SQLAlchemy, which raises (and
        handles) the error as every other statement's.
        """
        ran = direct.statement(values)
        connection, driver = self._connection, self._driver
        if ran is None or connection is None or driver is None:
            return None
        sql, flat = ran
        execution = DirectExecution(direct, values)
        sync = connection.sync_connection
        if sync is not None:  # an open connection's; its listeners count statements
            sync.dispatch.before_cursor_execute(sync, None, sql, flat, execution, False)
        try:
            outcome = await driver.run(sql, flat)
        except sqlite3.Error:
            return None
        return direct.rows(outcome[1])

    def loader(self, key: Hashable, make: Callable[[], LoadFunction]) -> DataLoader[Any, Any]:
        """The operation's loader for `key`: `make` builds its statement once per operation."""
        loader = self._loaders.get(key)
        if loader is None:
            loader = self._loaders[key] = DataLoader(load_fn=make())
        return loader

    def forget(self) -> None:
        """Drop every loaded row: a write changed what the next read must see."""
        self._loaders.clear()

    async def renew(self) -> None:
        """Start over as a new operation of the same viewer: no connection, nothing loaded.

        A subscription resolves each message this way, at the time it is sent.
        """
        await self.close()
        self.closed = self.abandoned = False
        self._loaders.clear()
        if self.clock is not None:
            self.now = self.parameters["now"] = self.clock()

    def sibling(self) -> ReadContext:
        """A context of its own for another operation of the viewer (on one WebSocket)."""
        return ReadContext(
            self.engine,
            viewer=self.viewer,
            now=self.now if self.clock is None else self.clock(),
            default_locale=self.default_locale,
            media_base_url=self.media_base_url,
            settings=self.settings,
            clock=self.clock,
        )

    async def close(self) -> None:
        """Release the connection (reads only: nothing to commit).

        After a timeout it is dropped instead: a hung database would never answer the
        rollback that returns it to the pool.
        """
        self.closed = True
        if self.abandoned:  # not under the lock: the hung statement may hold it
            await self._release()
            return
        async with self._lock:  # a loader's statement in flight ends before its connection
            await self._release()

    async def _release(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            self._driver = None
            if self.abandoned:
                await connection.invalidate()
            await connection.close()
