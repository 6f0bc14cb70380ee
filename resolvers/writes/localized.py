"""What posts and pages share on the write side: locale, translation group, body size."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table, select

from masthead.models import ContentStatus, EventAction
from masthead.resolvers.core.context import ReadContext
from masthead.resolvers.core.entity import EntitySpec, WriteState, decode_reference
from masthead.resolvers.core.entry_writes import change_entry
from masthead.resolvers.writes.rules import check_body_size


async def _group_of(state: WriteState, table: Table, type_name: str) -> str | None:
    source = state.extras.get("translation_of")
    if source is None:
        return None
    pk = decode_reference(("translationOf",), source, type_name, state.problems)
    if pk is None:
        return None
    group = await state.connection.scalar(select(table.c.translation_group).where(table.c.id == pk))
    if group is None:
        state.problems.add("translationOf", "NOT_FOUND", f"no {type_name} has this ID")
    return group


async def prepare_localized(state: WriteState, table: Table, type_name: str) -> None:
    """Default locale, the translation group to join, one entry per locale in a group."""
    check_body_size(state)
    values = state.values
    if values.get("locale") is None and state.current is None:
        values["locale"] = state.ctx.default_locale
    group = await _group_of(state, table, type_name)
    if group is not None:
        values["translation_group"] = group
    elif values.get("translation_group") is None:
        values["translation_group"] = f"{type_name.lower()}-{uuid.uuid4().hex}"
    conditions = [
        table.c.translation_group == values["translation_group"],
        table.c.locale == values["locale"],
    ]
    if state.current is not None:
        conditions.append(table.c.id != state.current.id)
    clash = await state.connection.scalar(select(table.c.id).where(*conditions).limit(1))
    if clash is not None:
        message = f"this entry already has a translation in {values['locale']}"
        state.problems.add("locale", "TAKEN", message)


def publication(now: datetime, at: datetime | None, current: Any) -> dict[str, Any]:
    """Status and date for publishing at `at` (now if omitted): future dates schedule it."""
    if at is None:
        keep = current.status == ContentStatus.PUBLISHED and current.published_at is not None
        return {"status": ContentStatus.PUBLISHED,
                "published_at": current.published_at if keep else now}  # fmt: skip
    status = ContentStatus.SCHEDULED if at > now else ContentStatus.PUBLISHED
    return {"status": status, "published_at": at}


UNPUBLISHED = {"status": ContentStatus.DRAFT, "published_at": None}


async def publish_entry(
    ctx: ReadContext, spec: EntitySpec, pk: int, at: datetime | None
) -> Row[Any]:
    """Publish now, at a past date, or schedule for a future one (visible on time)."""

    async def compute(state: WriteState) -> None:
        assert state.current is not None  # noqa: S101 (status changes start from the row)
        state.values.update(publication(ctx.now, at, state.current))

    action = EventAction.SCHEDULE if at is not None and at > ctx.now else EventAction.PUBLISH
    return await change_entry(ctx, spec, pk, compute, action)


async def unpublish_entry(ctx: ReadContext, spec: EntitySpec, pk: int) -> Row[Any]:
    """Back to draft: hidden from the public at once, scheduled date dropped."""

    async def compute(state: WriteState) -> None:
        state.values.update(UNPUBLISHED)

    return await change_entry(ctx, spec, pk, compute, "unpublish")
