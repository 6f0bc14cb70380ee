"""Engine creation for SQLite and PostgreSQL, and the SQL statement counter."""

from __future__ import annotations

import sqlite3
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import quote

from prometheus_client import Counter
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from masthead.settings import Settings, async_database_url, get_settings
from masthead.sqlite_driver import one_trip_module

# Connections a process may open beyond `MASTHEAD_POOL_SIZE` in a burst.
BURST_CONNECTIONS = 10

SQL_STATEMENTS = Counter(
    "masthead_sql_statements", "SQL statements sent to the database", ["backend"]
)


class StatementTally:
    """Counts statements in this process; tests read it around a request."""

    total = 0


# The statements of the current request, when something (the request log) counts them.
_REQUEST_STATEMENTS: ContextVar[list[int] | None] = ContextVar(
    "masthead_request_statements", default=None
)


def count_request_statements() -> list[int]:
    """Start counting the current request's statements: the one-item list holds the count."""
    tally = [0]
    _REQUEST_STATEMENTS.set(tally)
    return tally


def _count_statement(backend: str) -> Any:
    counter = SQL_STATEMENTS.labels(backend=backend)

    def before_cursor_execute(*_args: object) -> None:
        StatementTally.total += 1
        counter.inc()
        tally = _REQUEST_STATEMENTS.get()
        if tally is not None:
            tally[0] += 1

    return before_cursor_execute


def _configure_sqlite(engine: AsyncEngine, settings: Settings) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(settings.sqlite_busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Negative: a size in KiB. Each pooled connection has its own page cache.
        cursor.execute(f"PRAGMA cache_size=-{int(settings.sqlite_cache_kib)}")
        cursor.close()


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_dev, status.st_ino


def _watch_sqlite_file(engine: AsyncEngine, *, must_exist: bool) -> None:
    """Notice a database file that is gone, and (`must_exist`) never make an empty one.

    A pooled connection keeps reading a file that was moved, deleted or replaced: it is
    dropped at checkout (one `stat`, no statement).
    """

    @event.listens_for(engine.sync_engine, "do_connect")
    def open_file(_dialect: object, record: Any, cargs: list[Any], cparams: dict[str, Any]) -> None:
        name = str(cargs[0])
        if cparams.get("uri") or name in {"", ":memory:"}:
            return
        record.info["sqlite_file"] = path = Path(name).resolve()
        if must_exist:
            cargs[0], cparams["uri"] = f"file:{quote(str(path))}?mode=rw", True

    @event.listens_for(engine.sync_engine, "connect")
    def remember_file(_dbapi_connection: object, record: Any) -> None:
        if "sqlite_file" in record.info:
            record.info["sqlite_identity"] = _file_identity(record.info["sqlite_file"])

    @event.listens_for(engine.sync_engine, "checkout")
    def check_file(_dbapi_connection: object, record: Any, _proxy: object) -> None:
        path = record.info.get("sqlite_file")
        if path is not None and _file_identity(path) != record.info.get("sqlite_identity"):
            message = f"{path} was moved, deleted or replaced"
            raise DisconnectionError(message)


def _drop_closed_connections(engine: AsyncEngine) -> None:
    """Replace a pooled connection the server closed (restart, failover) at checkout.

    asyncpg knows a closed socket without asking the server: no round trip per checkout,
    unlike `pool_pre_ping`.
    """

    @event.listens_for(engine.sync_engine, "checkout")
    def check_open(dbapi_connection: Any, _record: object, _proxy: object) -> None:
        if dbapi_connection.driver_connection.is_closed():
            message = "the database server closed the connection"
            raise DisconnectionError(message)


class StatementWatch:
    """The connections one request holds, so that its deadline can stop their statements.

    PostgreSQL stops a statement when the waiting task is cancelled (asyncpg sends a
    cancel request) and by its own `statement_timeout`; SQLite runs the statement in
    aiosqlite's thread, which only `sqlite3.Connection.interrupt()` stops.
    """

    def __init__(self) -> None:
        self.records: set[Any] = set()

    def interrupt(self) -> None:
        """Interrupt the SQLite statements running on the request's connections now."""
        for record in list(self.records):
            driver = getattr(record.dbapi_connection, "driver_connection", None)
            connection = getattr(driver, "_connection", None)  # aiosqlite's sqlite3 connection
            if isinstance(connection, sqlite3.Connection):
                connection.interrupt()  # thread-safe: the statement fails with "interrupted"


# The watch of the request this task (and the tasks it starts) works for.
STATEMENT_WATCH: ContextVar[StatementWatch | None] = ContextVar("statement_watch", default=None)


def _watch_checkouts(engine: AsyncEngine) -> None:
    """Each checked-out connection joins the watch of the request that borrowed it."""

    @event.listens_for(engine.sync_engine, "checkout")
    def borrow(_dbapi_connection: object, record: Any, _proxy: object) -> None:
        watch = STATEMENT_WATCH.get()
        if watch is not None:
            watch.records.add(record)
            record.info["statement_watch"] = watch

    @event.listens_for(engine.sync_engine, "checkin")
    def give_back(_dbapi_connection: object, record: Any) -> None:
        watch = record.info.pop("statement_watch", None)
        if watch is not None:
            watch.records.discard(record)


def _serving_timeouts(settings: Settings) -> dict[str, Any]:
    """Serving PostgreSQL's bounds: a statement as long as a request, a lock wait as a write.

    `statement_timeout` follows `MASTHEAD_REQUEST_TIMEOUT_MS` (0: none); `lock_timeout`
    follows `MASTHEAD_WRITE_TIMEOUT_S`.
    """
    timeouts = {"lock_timeout": str(max(int(settings.write_timeout_s * 1000), 1))}
    if settings.request_timeout_ms:
        timeouts["statement_timeout"] = str(settings.request_timeout_ms)
    return {"server_settings": timeouts}


def is_sqlite(url: str) -> bool:
    """Whether a database URL points at SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(
    settings: Settings | None = None, url: str | None = None, *, must_exist: bool = False
) -> AsyncEngine:
    """An async engine for the configured database (or `url`), counting every statement.

    `must_exist` (serving): a missing SQLite file is an unavailable database, not a new
    empty one; only `masthead migrate` creates it.
    """
    settings = settings or get_settings()
    url = async_database_url(url) if url else settings.database_url
    if is_sqlite(url):
        engine = create_async_engine(
            url,
            # Every connection a burst opens stays open: a new SQLite connection costs a
            # thread and a cold page cache, and connections opened and closed with each
            # burst made resident memory creep (16 clients: 13 to 18 open, changing
            # every few seconds). The most open stays the same.
            pool_size=settings.pool_size + BURST_CONNECTIONS,
            max_overflow=0,
            module=one_trip_module(settings.sqlite_inline_read_ms),
        )
        _configure_sqlite(engine, settings)
        _watch_sqlite_file(engine, must_exist=must_exist)
        backend = "sqlite"
    else:
        engine = create_async_engine(
            url,
            pool_size=settings.pool_size,
            max_overflow=BURST_CONNECTIONS,
            # Serving only: a migration or an import may run longer and wait longer for locks.
            connect_args=_serving_timeouts(settings) if must_exist else {},
        )
        _drop_closed_connections(engine)
        backend = "postgresql"
    event.listen(engine.sync_engine, "before_cursor_execute", _count_statement(backend))
    _watch_checkouts(engine)
    return engine
