"""The generic write operations: create, update, delete, change status, restore a revision.

Each runs in one transaction: load and lock the entry, check everything, then write the
row, its link rows, its revision and its event, or write nothing and raise `Rejected`.
Each returns the row as it wrote it: the acknowledgment describes this write, not a later one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from masthead.interchange.export import entry_document
from masthead.models import Revision, table_of
from masthead.resolvers.core.content import publicly_visible
from masthead.resolvers.core.context import ReadContext
from masthead.resolvers.core.entity import (
    EntitySpec,
    Hook,
    WriteState,
    check_references,
    check_unique,
    derive,
    missing_required,
    parse_input,
)
from masthead.resolvers.core.writes import (
    Change,
    Problems,
    Rejected,
    fresh_id,
    record_change,
    write_transaction,
)

revisions = table_of(Revision)


async def _locked_row(spec: EntitySpec, connection: AsyncConnection, pk: int) -> Row[Any]:
    statement = select(spec.table).where(spec.table.c.id == pk).with_for_update()
    row = (await connection.execute(statement)).first()
    if row is None:
        raise Rejected.one(path="id", code="NOT_FOUND", message=f"no {spec.name} has this ID")
    return row


async def _lists_of(spec: EntitySpec, connection: AsyncConnection, pk: int) -> dict[str, list[int]]:
    lists: dict[str, list[int]] = {}
    for key, ref in spec.lists.items():
        link = ref.link
        statement = (
            select(link.c[ref.item_column])
            .where(link.c[ref.owner_column] == pk)
            .order_by(link.c.position)
        )
        lists[key] = list((await connection.execute(statement)).scalars())
    return lists


async def _write_lists(state: WriteState, spec: EntitySpec, pk: int) -> None:
    for key, pks in state.lists.items():
        ref = spec.lists[key]
        await state.connection.execute(delete(ref.link).where(ref.link.c[ref.owner_column] == pk))
        if pks:
            rows = [{ref.owner_column: pk, ref.item_column: item, "position": position}
                    for position, item in enumerate(pks)]  # fmt: skip
            await state.connection.execute(insert(ref.link), rows)


async def _check(spec: EntitySpec, state: WriteState) -> None:
    await spec.prepare(state)
    await check_references(spec, state)
    await check_unique(spec, state)
    if state.problems:
        raise Rejected(state.problems.items)
    derive(spec, state)  # once the write is sure to happen: rendering a body costs


async def _record(
    spec: EntitySpec, state: WriteState, row: Row[Any], action: str, *, created: bool
) -> None:
    """The revision and event of a write; `row` is the entry as the write left it."""
    await spec.after_write(state)
    snapshot = None
    version = None
    if spec.keeps_revisions:
        # A new entry has no link rows but those just written: nothing to read back.
        lists = {key: state.lists.get(key, []) for key in spec.lists} if created else state.lists
        snapshot = await _snapshot(spec, state.connection, row, lists)
        version = row.version
    now = state.ctx.now
    before = publicly_visible(state.current, now)
    change = Change(
        action, spec.name, row.id, version, snapshot, before, publicly_visible(row, now)
    )
    await record_change(state.connection, state.ctx, change)


async def _snapshot(
    spec: EntitySpec,
    connection: AsyncConnection,
    row: Row[Any],
    written: Mapping[str, list[int]] | None = None,
) -> dict[str, Any]:
    """Every column but the derived ones, every link list, and the entry in the import format.

    The lists the write set are taken as `written`; the others are read.
    """
    lists = dict(written or {})
    if set(spec.lists) - set(lists):
        lists = {**await _lists_of(spec, connection, row.id), **lists}
    entry = await entry_document(connection, spec.name, row.id)
    columns = {key: value for key, value in row._asdict().items()
               if key not in spec.derived_columns}  # fmt: skip
    return {**columns, **lists, "entry": entry}


def _stamps(spec: EntitySpec, now: datetime, *, created: bool) -> dict[str, Any]:
    stamps: dict[str, Any] = {}
    if "updated_at" in spec.table.c:
        stamps["updated_at"] = now
    if created and "created_at" in spec.table.c:
        stamps["created_at"] = now
    return stamps


async def create_entry(ctx: ReadContext, spec: EntitySpec, given: Mapping[str, Any]) -> Row[Any]:
    """Insert a new entry from an input's fields; the row as inserted."""
    problems = Problems()
    missing_required(spec, given, problems)
    values, lists, extras = parse_input(spec, given, problems)
    async with write_transaction(ctx) as connection:
        state = WriteState(ctx, connection, values, lists, extras, None, problems)
        await spec.authorize(state)
        return await _insert(spec, state, action="create")


async def _insert(spec: EntitySpec, state: WriteState, *, action: str) -> Row[Any]:
    await _check(spec, state)
    values = {**state.values, **_stamps(spec, state.ctx.now, created=True)}
    if "id" not in values and spec.keeps_revisions:
        pk = await fresh_id(state.connection, spec.table, spec.name)
        if pk is not None:
            values["id"] = pk
    statement = insert(spec.table).values(**values).returning(*spec.table.c)
    row = (await state.connection.execute(statement)).one()
    await _write_lists(state, spec, row.id)
    await _record(spec, state, row, action, created=True)
    return row


async def update_entry(
    ctx: ReadContext,
    spec: EntitySpec,
    pk: int,
    given: Mapping[str, Any],
    expected_version: int | None = None,
) -> Row[Any]:
    """Change the given fields of an entry; a stale `expected_version` is a CONFLICT."""
    problems = Problems()
    changes, lists, extras = parse_input(spec, given, problems)
    async with write_transaction(ctx) as connection:
        current = await _locked_row(spec, connection, pk)
        if expected_version is not None and current.version != expected_version:
            message = (f"the entry is at version {current.version}, not {expected_version}: "
                       "someone else changed it; read it again and reapply your edit")  # fmt: skip
            raise Rejected.one(path="expectedVersion", code="CONFLICT", message=message)
        values = {**current._asdict(), **changes}
        state = WriteState(ctx, connection, values, lists, extras, current, problems)
        await spec.authorize(state)
        return await _update(spec, state, action="update")


async def _update(spec: EntitySpec, state: WriteState, *, action: str) -> Row[Any]:
    await _check(spec, state)
    current = state.current
    assert current is not None  # noqa: S101 (updates start from the locked row)
    table = spec.table
    values = {
        column: value
        for column, value in state.values.items()
        if column in table.c and column != "id" and getattr(current, column) != value
    }
    values |= _stamps(spec, state.ctx.now, created=False)
    condition = table.c.id == current.id
    if spec.versioned:
        values["version"] = current.version + 1
        condition = condition & (table.c.version == current.version)
    row = current  # nothing to change (an asset given its own alt text)
    if values:  # the row is locked, so the condition matches
        statement = update(table).where(condition).values(**values).returning(*table.c)
        row = (await state.connection.execute(statement)).one()
    await _write_lists(state, spec, current.id)
    await _record(spec, state, row, action, created=False)
    return row


async def change_entry(
    ctx: ReadContext, spec: EntitySpec, pk: int, compute: Hook, action: str
) -> Row[Any]:
    """Set columns the API computes from the row (status, publication date)."""
    async with write_transaction(ctx) as connection:
        current = await _locked_row(spec, connection, pk)
        state = WriteState(ctx, connection, current._asdict(), {}, {}, current)
        await spec.authorize(state)
        await compute(state)
        return await _update(spec, state, action=action)


async def delete_entry(ctx: ReadContext, spec: EntitySpec, pk: int) -> int:
    """Delete an entry; its revisions stay, the last one a snapshot of what was deleted."""
    async with write_transaction(ctx) as connection:
        current = await _locked_row(spec, connection, pk)
        state = WriteState(ctx, connection, current._asdict(), {}, {}, current)
        await spec.authorize(state)
        await spec.before_delete(state)
        if state.problems:
            raise Rejected(state.problems.items)
        snapshot = None
        version = None
        if spec.keeps_revisions:
            snapshot = await _snapshot(spec, connection, current)
            version = current.version + 1
        await connection.execute(delete(spec.table).where(spec.table.c.id == pk))
        before = publicly_visible(current, ctx.now)
        change = Change("delete", spec.name, pk, version, snapshot, public_before=before)
        await record_change(connection, ctx, change)
    return pk


async def _revision(connection: AsyncConnection, spec: EntitySpec, pk: int, version: int) -> Any:
    where = (revisions.c.entity_type == spec.name, revisions.c.entity_id == pk)
    snapshot = await connection.scalar(
        select(revisions.c.snapshot).where(*where, revisions.c.version == version)
    )
    if snapshot is None:
        raise Rejected.one(
            path="version", code="NOT_FOUND", message=f"this {spec.name} has no version {version}"
        )
    latest = await connection.scalar(select(func.max(revisions.c.version)).where(*where))
    return snapshot, int(latest)


async def restore_entry(
    ctx: ReadContext, spec: EntitySpec, pk: int, version: int, restored: Mapping[str, Any]
) -> Row[Any]:
    """Bring back the content of a revision: onto the entry, or as a draft if it was deleted.

    `restored` holds the columns a deleted entry comes back with (status, dates).
    """
    async with write_transaction(ctx) as connection:
        snapshot, latest = await _revision(connection, spec, pk, version)
        content = {column: snapshot.get(column) for column in spec.content_columns}
        lists = {key: list(snapshot.get(key, [])) for key in spec.lists}
        current = (await connection.execute(
            select(spec.table).where(spec.table.c.id == pk).with_for_update()
        )).first()  # fmt: skip
        if current is None:
            values = {**content, **restored, "id": pk, "version": latest + 1}
            if "translation_group" in spec.table.c:
                values["translation_group"] = snapshot.get("translation_group")
            state = WriteState(ctx, connection, values, lists, {}, None)
            await spec.authorize(state)
            return await _insert(spec, state, action="restore")
        state = WriteState(ctx, connection, {**current._asdict(), **content}, lists, {}, current)
        await spec.authorize(state)
        return await _update(spec, state, action="restore")
