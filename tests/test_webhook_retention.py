"""Pruning: finished deliveries and handed-over events go after retention, nothing waiting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.events.retention import prune
from masthead.models import Event, WebhookDelivery, table_of
from masthead.settings import Settings
from tests.webhooks import add_hook

events = table_of(Event)
deliveries = table_of(WebhookDelivery)
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=31)
RECENT = NOW - timedelta(days=29)


async def _event(engine: AsyncEngine, name: str, delivered_at: datetime | None) -> int:
    values = {"action": "update", "entity_type": "Post", "entity_id": 1, "token_name": name,
              "occurred_at": OLD, "delivered_at": delivered_at}  # fmt: skip
    async with engine.begin() as connection:
        statement = insert(events).values(**values).returning(events.c.id)
        return int((await connection.execute(statement)).scalar_one())


async def _delivery(
    engine: AsyncEngine, hook: int, event: int | None, status: str, finished: datetime | None
) -> None:
    values = {"webhook_id": hook, "event_id": event, "message_id": f"msg_{status}_{finished}",
              "status": status, "finished_at": finished, "created_at": OLD}  # fmt: skip
    async with engine.begin() as connection:
        await connection.execute(insert(deliveries).values(**values))


async def _left(engine: AsyncEngine) -> tuple[set[str], set[tuple[str, bool]]]:
    async with engine.connect() as connection:
        names = set((await connection.execute(select(events.c.token_name))).scalars())
        kept = (
            await connection.execute(select(deliveries.c.status, deliveries.c.finished_at))
        ).all()
    return names, {(status, finished is not None and finished > OLD) for status, finished in kept}


async def test_old_finished_rows_go_and_everything_waiting_stays(
    settings: Settings, engine: AsyncEngine
) -> None:
    hook = await add_hook(engine, "http://127.0.0.1:9/hook")
    await _event(engine, "old, handed over", OLD)
    await _event(engine, "recent, handed over", RECENT)
    await _event(engine, "old, not handed over yet", None)
    waited_on = await _event(engine, "old, a delivery still waits", OLD)
    sent = await _event(engine, "old, its delivery old too", OLD)
    await _delivery(engine, hook, sent, "succeeded", OLD)
    await _delivery(engine, hook, None, "failed", OLD)
    await _delivery(engine, hook, None, "succeeded", RECENT)
    await _delivery(engine, hook, waited_on, "pending", None)

    removed = await prune(engine, settings, NOW)

    names, kept = await _left(engine)
    assert names == {"recent, handed over", "old, not handed over yet",
                     "old, a delivery still waits"}  # fmt: skip
    assert kept == {("succeeded", True), ("pending", False)}
    assert removed == 4  # two deliveries, then two events (one freed by its delivery)


async def test_retention_zero_keeps_everything(settings: Settings, engine: AsyncEngine) -> None:
    await _event(engine, "old, handed over", OLD)

    removed = await prune(engine, settings.model_copy(update={"webhook_retention_days": 0}), NOW)

    assert removed == 0
    assert (await _left(engine))[0] == {"old, handed over"}
