"""The write path's machinery: user problems, one transaction per change, revision and event."""

from __future__ import annotations

import enum
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from masthead.models import Event, Revision, table_of
from masthead.resolvers.core.context import ReadContext
from masthead.resolvers.core.write_queue import writing_connection

revisions = table_of(Revision)
events = table_of(Event)
log = logging.getLogger("masthead.writes")

# What runs after each write transaction on an engine commits: what reads the outbox
# (the change feed, webhook delivery) wakes at once instead of at its next poll.
# Callbacks return at once; one that raises is logged and never undoes the write's answer.
_AFTER_COMMIT: weakref.WeakKeyDictionary[Engine, list[Callable[[], None]]] = (
    weakref.WeakKeyDictionary()
)
# What a write waits for once committed, before it is answered (bounded waits only).
_BEFORE_ANSWER: weakref.WeakKeyDictionary[Engine, list[Callable[[], Awaitable[None]]]] = (
    weakref.WeakKeyDictionary()
)


def after_commit(engine: AsyncEngine, callback: Callable[[], None]) -> Callable[[], None]:
    """Call `callback` after every write transaction on `engine` commits; returns its undo."""
    callbacks = _AFTER_COMMIT.setdefault(engine.sync_engine, [])
    callbacks.append(callback)
    return lambda: callbacks.remove(callback)


def before_answer(
    engine: AsyncEngine, callback: Callable[[], Awaitable[None]]
) -> Callable[[], None]:
    """Await `callback` after each write on `engine` commits, before it returns; its undo.

    For waits the write's answer must not outrun (the other processes told of it).
    """
    callbacks = _BEFORE_ANSWER.setdefault(engine.sync_engine, [])
    callbacks.append(callback)
    return lambda: callbacks.remove(callback)


async def _settled(engine: AsyncEngine) -> None:
    for callback in tuple(_BEFORE_ANSWER.get(engine.sync_engine, ())):
        try:
            await callback()
        except Exception:  # the write is committed: a callback's trouble must not undo it
            log.exception("a before-answer callback failed")


def _committed(engine: AsyncEngine) -> None:
    for callback in tuple(_AFTER_COMMIT.get(engine.sync_engine, ())):
        try:
            callback()
        except Exception:  # the write is committed: a callback's trouble must not undo it
            log.exception("an after-commit callback failed")


@dataclass(frozen=True)
class UserProblem:
    """Why a change was not made, for the user to act on: `field` is the input's path."""

    field: tuple[str, ...]
    message: str
    code: str


@dataclass
class Problems:
    """Every problem found while checking one change; any of them means nothing is written."""

    items: list[UserProblem] = field(default_factory=list)

    def add(self, path: tuple[str, ...] | str, code: str, message: str) -> None:
        """Record one problem with the input field at `path`."""
        self.items.append(UserProblem((path,) if isinstance(path, str) else path, message, code))

    def __bool__(self) -> bool:
        return bool(self.items)


class Rejected(Exception):
    """Raised inside a write transaction to roll it back and answer with user problems."""

    def __init__(self, problems: list[UserProblem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems

    @classmethod
    def one(cls, *, path: tuple[str, ...] | str, code: str, message: str) -> Rejected:
        """A rejection for a single problem."""
        problems = Problems()
        problems.add(path, code, message)
        return cls(problems.items)


@asynccontextmanager
async def write_transaction(ctx: ReadContext) -> AsyncIterator[AsyncConnection]:
    """One transaction that commits only if the block finishes; nothing is half-written.

    Writers take turns for the write lock (`writing_connection`), so checks and writes see
    one state; one that cannot start within `MASTHEAD_WRITE_TIMEOUT_S` raises
    `WriteTimedOut`. A constraint that a concurrent writer won becomes a `CONFLICT` problem.
    The engine's `after_commit` callbacks run once it has committed, then its
    `before_answer` ones are awaited.
    """
    async with writing_connection(ctx.engine, ctx.settings.write_timeout_s) as connection:
        try:
            yield connection
            await connection.commit()
        except IntegrityError as error:
            await connection.rollback()
            raise _lost_race(error) from error
        except BaseException:
            await connection.rollback()
            raise
    ctx.forget()
    _committed(ctx.engine)
    await _settled(ctx.engine)


async def fresh_id(connection: AsyncConnection, table: Table, entity_type: str) -> int | None:
    """The id a new entry must take on SQLite; None where the database's sequence knows.

    SQLite reuses the largest rowid once its row is deleted; a new entry must not inherit
    the revisions a deleted one left under that id. PostgreSQL sequences never go back.
    """
    if connection.dialect.name != "sqlite":
        return None
    return await unused_id(connection, table, entity_type)


async def unused_id(connection: AsyncConnection, table: Table, entity_type: str) -> int:
    """An id no entry of the type has had, nor will be given.

    On SQLite: past every id seen in the table and its revisions; on PostgreSQL: the next
    value of the table's sequence.
    """
    if connection.dialect.name == "postgresql":
        sequence = func.pg_get_serial_sequence(table.name, "id")
        return int(await connection.scalar(select(func.nextval(sequence))) or 0)
    largest = select(func.max(table.c.id)).scalar_subquery()
    remembered = (
        select(func.max(revisions.c.entity_id))
        .where(revisions.c.entity_type == entity_type)
        .scalar_subquery()
    )
    top = await connection.scalar(
        select(func.max(func.coalesce(largest, 0), func.coalesce(remembered, 0)))
    )
    return int(top or 0) + 1


def _lost_race(error: IntegrityError) -> Rejected:
    """A unique constraint a concurrent writer won: a taken slug or path, or a version."""
    text = str(error.orig).lower()
    if "slug" in text or "path" in text:
        message = "was taken by a concurrent change a moment ago"
        return Rejected.one(path="slug", code="TAKEN", message=message)
    message = "a concurrent change got there first; read the entry again and retry"
    return Rejected.one(path="id", code="CONFLICT", message=message)


def jsonable(value: Any) -> Any:
    """A column value as JSON: timestamps in ISO 8601, enums by name."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


@dataclass(frozen=True)
class Change:
    """One change to record: what happened to which entry, at which version."""

    action: str
    entity_type: str
    entity_id: int
    version: int | None = None
    snapshot: dict[str, Any] | None = None
    public_before: bool = False  # whether the public could see the entry before the change
    public_after: bool = False  # and after it


async def record_change(connection: AsyncConnection, ctx: ReadContext, change: Change) -> None:
    """The revision (when the type keeps them) and the outbox event of one change."""
    who = ctx.viewer.token_name
    if change.snapshot is not None:
        await connection.execute(
            insert(revisions).values(
                entity_type=change.entity_type,
                entity_id=change.entity_id,
                version=change.version,
                action=change.action,
                snapshot={key: jsonable(value) for key, value in change.snapshot.items()},
                token_name=who,
                created_at=ctx.now,
            )
        )
    await connection.execute(
        insert(events).values(
            action=change.action,
            entity_type=change.entity_type,
            entity_id=change.entity_id,
            version=change.version,
            public_before=change.public_before,
            public_after=change.public_after,
            token_name=who,
            occurred_at=ctx.now,
        )
    )
