"""What the process keeps in memory: gauges read at each scrape of `/metrics`, malloc's arenas."""

from __future__ import annotations

import _sqlite3
import ctypes
import os
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any

from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.resolvers.core.bounded_cache import CacheSize
from masthead.resolvers.core.direct_reads import compiled_reads

CACHE_GAUGES = (
    ("masthead_cache_bytes", "Bytes a cache holds now (estimated from what it keeps)", "bytes"),
    ("masthead_cache_entries", "Entries a cache holds now", "entries"),
    ("masthead_cache_max_bytes", "Bytes a cache may hold at most", "max_bytes"),
)


# glibc's `mallopt` parameter for the most arenas, and the number Masthead asks for.
M_ARENA_MAX = -8
MALLOC_ARENAS = 2


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Keep glibc's malloc to `arenas` arenas, unless `MALLOC_ARENA_MAX` already says.

    Otherwise every thread that allocates (aiosqlite runs one per SQLite connection) may
    get an arena of its own, up to eight per core, and memory freed in one arena is seldom
    handed back: resident memory creeps up while the connections come and go. False where
    there is no such setting (not glibc).
    """
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_ARENA_MAX, arenas))


@cache
def _sqlite_memory_function() -> Any:
    try:
        function = ctypes.CDLL(_sqlite3.__file__).sqlite3_memory_used
    except (OSError, AttributeError):
        return None
    function.restype = ctypes.c_int64
    return function


def sqlite_memory_used() -> int | None:
    """The bytes SQLite holds in this process (page caches, prepared statements, schemas).

    `sqlite3_memory_used()` of the library Python's `sqlite3` module uses; None when that
    library does not export it.
    """
    function = _sqlite_memory_function()
    return None if function is None else int(function())


class OpenConnections:
    """The driver connections an engine holds open, followed through the pool's events."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.connections: dict[int, Any] = {}
        sync_engine = engine.sync_engine
        event.listen(sync_engine, "connect", self._opened)
        event.listen(sync_engine, "close", self._closed)
        event.listen(sync_engine, "close_detached", self._closed)

    def _opened(self, dbapi_connection: Any, _record: object) -> None:
        self.connections[id(dbapi_connection)] = dbapi_connection

    def _closed(self, dbapi_connection: Any, *_args: object) -> None:
        self.connections.pop(id(dbapi_connection), None)

    def prepared_statements(self) -> int:
        """PostgreSQL statements prepared and kept by the open connections (asyncpg's)."""
        caches = (
            getattr(each, "_prepared_statement_cache", None) for each in self.connections.values()
        )
        return sum(len(each) for each in caches if each is not None)

    def compiled_statements(self) -> int:
        """SQL statements kept compiled, SQLAlchemy's and (SQLite) the direct reads'.

        SQLAlchemy's for this engine are bounded by `query_cache_size`; direct reads
        compile each shared statement once, bounded by the shared statements' cache.
        """
        compiled = self.engine.sync_engine._compiled_cache  # noqa: SLF001 - read only
        direct = compiled_reads() if self.engine.dialect.name == "sqlite" else 0
        return (len(compiled) if compiled is not None else 0) + direct


class MemoryCollector(Collector):
    """The gauges of one app's caches and database connections."""

    def __init__(
        self, caches: Callable[[], Iterable[CacheSize]], connections: OpenConnections
    ) -> None:
        self.caches = caches
        self.connections = connections

    def collect(self) -> Iterator[Metric]:
        """Read every size now."""
        sizes = list(self.caches())
        for name, documentation, attribute in CACHE_GAUGES:
            family = GaugeMetricFamily(name, documentation, labels=["cache"])
            for size in sizes:
                family.add_metric([size.name], getattr(size, attribute))
            yield family
        yield from self._database()

    def _database(self) -> Iterator[Metric]:
        connections = self.connections
        yield GaugeMetricFamily(
            "masthead_database_connections",
            "Database connections open in this process",
            value=len(connections.connections),
        )
        yield GaugeMetricFamily(
            "masthead_sql_compiled_statements",
            "SQL statements kept compiled (SQLAlchemy's cache and SQLite's direct reads)",
            value=connections.compiled_statements(),
        )
        yield GaugeMetricFamily(
            "masthead_sql_prepared_statements",
            "PostgreSQL statements kept prepared by the open connections",
            value=connections.prepared_statements(),
        )
        used = sqlite_memory_used() if connections.engine.dialect.name == "sqlite" else None
        if used is not None:
            yield GaugeMetricFamily(
                "masthead_sqlite_memory_bytes",
                "Bytes SQLite holds in this process: page caches, prepared statements, schemas",
                value=used,
            )


def memory_registry(collector: MemoryCollector) -> CollectorRegistry:
    """A registry of its own for one app's gauges, served after the process-wide metrics."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return registry
