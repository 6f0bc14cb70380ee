"""Loader factories: rows by key, row lists by key and counts by key, one statement a batch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from operator import attrgetter
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from strawberry.dataloader import DataLoader

from masthead.resolvers.core.context import LoadFunction, ReadContext
from masthead.resolvers.core.read_keys import Lookup, lookup_type
from masthead.resolvers.core.statements import KEYS, shared_statement

_KEY = attrgetter("lookup_key")


Build = Callable[[], Select[Any]]


def rows_by_key(
    ctx: ReadContext,
    name: Hashable,
    build: Build,
    key: ColumnElement[Any],
    row_key: Callable[[Any], Any] = _KEY,
) -> DataLoader[Any, Any | None]:
    """One row (or None) per key: `base WHERE key IN (…)`; a tuple key gives `row_key`.

    `build` makes the base statement, once for every operation of the same shape (see
    `statements.py`): `name` must say all it depends on beyond the viewer and the default
    locale. A key that is an entry's primary key makes a lookup: its answer depends on
    those entries only.
    """

    def statement() -> Select[Any]:
        base = build()
        labelled = base if row_key is not _KEY else base.add_columns(key.label("lookup_key"))
        return labelled.where(key.in_(KEYS))

    def make() -> LoadFunction:
        entity_type = lookup_type(key)
        shared = shared_statement(("rows_by_key", name, ctx.shape), statement)

        async def load(keys: list[Any]) -> list[Any | None]:
            lookup = None if entity_type is None else Lookup(entity_type, keys)
            rows = await ctx.rows(shared, lookup, {"keys": keys})
            found = {row_key(row): row for row in rows}
            return [found.get(k) for k in keys]

        return load

    return ctx.loader(("rows_by_key", name), make)


def row_lists_by_key(
    ctx: ReadContext, name: Hashable, build: Build, key: ColumnElement[Any]
) -> DataLoader[Any, list[Any]]:
    """Every row per key, in the base statement's order: `base WHERE key IN (…)`."""

    def statement() -> Select[Any]:
        return build().add_columns(key.label("lookup_key")).where(key.in_(KEYS))

    def make() -> LoadFunction:
        shared = shared_statement(("row_lists_by_key", name, ctx.shape), statement)

        async def load(keys: list[Any]) -> list[list[Any]]:
            groups: dict[Any, list[Any]] = defaultdict(list)
            for row in await ctx.rows(shared, parameters={"keys": keys}):
                groups[row.lookup_key].append(row)
            return [groups.get(k, []) for k in keys]

        return load

    return ctx.loader(("row_lists_by_key", name), make)


def counts_by_key(
    ctx: ReadContext, name: Hashable, build: Build, key: ColumnElement[Any]
) -> DataLoader[Any, int]:
    """How many rows of the base statement each key has, grouped in one statement."""

    def statement() -> Select[Any]:
        return build().with_only_columns(key, func.count()).group_by(key).where(key.in_(KEYS))

    def make() -> LoadFunction:
        shared = shared_statement(("counts_by_key", name, ctx.shape), statement)

        async def load(keys: list[Any]) -> list[int]:
            rows = await ctx.rows(shared, parameters={"keys": keys})
            counts = dict(tuple(row) for row in rows)
            return [counts.get(k, 0) for k in keys]

        return load

    return ctx.loader(("counts_by_key", name), make)


def counted_rows(base: Select[Any]) -> Select[Any]:
    """The statement counting the rows `base` selects."""
    return select(func.count()).select_from(base.subquery())


async def count_rows(ctx: ReadContext, counted: Select[Any]) -> int:
    """Run a `counted_rows` statement."""
    rows: Sequence[Any] = await ctx.rows(counted)
    return int(rows[0][0])
