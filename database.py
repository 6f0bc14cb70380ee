"""Engine creation for SQLite and PostgreSQL, and the SQL statement counter."""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from masthead.settings import Settings, async_database_url, get_settings

SQL_STATEMENTS = Counter(
    "masthead_sql_statements", "SQL statements sent to the database", ["backend"]
)


class StatementTally:
    """Counts statements in this process; tests read it around a request."""

    total = 0


def _count_statement(backend: str) -> Any:
    counter = SQL_STATEMENTS.labels(backend=backend)

    def before_cursor_execute(*_args: object) -> None:
        StatementTally.total += 1
        counter.inc()

    return before_cursor_execute


def _configure_sqlite(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def is_sqlite(url: str) -> bool:
    """Whether a database URL points at SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(settings: Settings | None = None, url: str | None = None) -> AsyncEngine:
    """An async engine for the configured database (or `url`), counting every statement."""
    settings = settings or get_settings()
    url = async_database_url(url) if url else settings.database_url
    if is_sqlite(url):
        engine = create_async_engine(url, pool_size=settings.pool_size, max_overflow=10)
        _configure_sqlite(engine, settings.sqlite_busy_timeout_ms)
        backend = "sqlite"
    else:
        engine = create_async_engine(url, pool_size=settings.pool_size, max_overflow=10)
        backend = "postgresql"
    event.listen(engine.sync_engine, "before_cursor_execute", _count_statement(backend))
    return engine
