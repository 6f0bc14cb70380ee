"""Statements built once and reused by every operation of the same shape.

SQLAlchemy turns a statement into SQL once per shape (its compiled cache), but building
the statement object, deriving its cache key and matching a new object to the cached
SQL cost more than running it on SQLite: about 0.45 ms a statement. A statement whose
every per-request value is a named parameter (`now`, the keys of a batch, which body
parts to read) is the same object for every request of its shape, so it is built here
once and its cache key is memoized on it.

The key names everything the statement's structure depends on: its kind and name, the
viewer (visibility is part of the structure) and the default locale. Values that change
per request never go into a shared statement; they are the parameters of `ctx.rows`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any, TypeVar
from weakref import WeakSet

from sqlalchemy import BindParameter, String, bindparam

from masthead.models.base import UTCDateTime
from masthead.resolvers.core.bounded_cache import BoundedCache, CacheSize

T = TypeVar("T")
# A time in a statement: the request's, as the parameter `now`, or a fixed one.
SqlTime = datetime | BindParameter[Any]

# The request's time in every statement that compares with it (`ReadContext.parameters`).
NOW: BindParameter[Any] = bindparam("now", type_=UTCDateTime())
# The keys one batch of a loader asks for, and the parents of a batch of nested pages.
KEYS: BindParameter[Any] = bindparam("keys", expanding=True)
PARENT_KEY: BindParameter[Any] = bindparam("parent_key")
# The same keys as one JSON array, for a statement that reads them as rows (`json_each`).
PARENT_KEYS_JSON: BindParameter[Any] = bindparam("parent_keys", type_=String())
# A statement object with its memoized cache key and compiled form's metadata: a few KiB.
STATEMENT_BYTES = 16 * 1024
MAX_STATEMENTS = 2000

_STATEMENTS: BoundedCache[Hashable, Any] = BoundedCache(
    "statements",
    STATEMENT_BYTES * MAX_STATEMENTS,
    lambda _key, _value: STATEMENT_BYTES,
    max_entries=MAX_STATEMENTS,
)


# Every shared statement still held: these, and no statement built per request, are
# worth compiling once for a direct run (`direct_reads.py`).
_SHARED: WeakSet[Any] = WeakSet()


def shared_statement(key: Hashable, build: Callable[[], T]) -> T:
    """The statement built for `key`, built now if no operation of its shape built it yet."""
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = build()
        _STATEMENTS.put(key, statement)
        _SHARED.add(statement)
    return statement  # type: ignore[no-any-return]


def is_shared(statement: object) -> bool:
    """Whether `statement` came from `shared_statement` (and is reused by its shape)."""
    return statement in _SHARED


def statement_cache_size() -> CacheSize:
    """What the shared statements hold, for `/metrics`."""
    return _STATEMENTS.size()
