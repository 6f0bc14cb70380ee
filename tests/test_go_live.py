"""Go-live events: a scheduled entry announces itself once, at its time, whoever is running."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.database import create_engine
from masthead.events.go_live import announce_go_live
from masthead.events.worker import EventWorker
from masthead.models import ContentStatus, Event, table_of, utcnow
from masthead.settings import Settings
from tests.conftest import TokenMaker
from tests.factories import Factory
from tests.webhooks import add_hook, receiving, running, verified
from tests.writing import PUBLISH_POST, UPDATE_POST, gid

NOW = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
events = table_of(Event)
PUBLIC = "query($id: ID!) { post(id: $id) { title status version } }"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No pruning: these clocks run years ahead of the real time deliveries are stamped with,
    so a worker's first pass would count every finished delivery as past retention."""
    return settings.model_copy(update={"webhook_retention_days": 0})


class Clock:
    """The time the app sees; a test moves it instead of sleeping."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class SteppingClock:
    """A clock that passes `at` after its first `calls` readings: time moving during a pass."""

    def __init__(self, before: datetime, after: datetime, calls: int) -> None:
        self.before, self.after, self.calls = before, after, calls

    def __call__(self) -> datetime:
        self.calls -= 1
        return self.before if self.calls >= 0 else self.after


async def _go_live_events(engine: AsyncEngine) -> list[tuple[str, int, int | None]]:
    async with engine.connect() as connection:
        statement = (
            select(events.c.entity_type, events.c.entity_id, events.c.version)
            .where(events.c.action == "go_live", events.c.public_after.is_(True))
            .order_by(events.c.id)
        )
        return [tuple(row) for row in (await connection.execute(statement)).all()]


async def _scheduled(factory: Factory, at: datetime, **values: Any) -> dict[str, Any]:
    return await factory.post(status=ContentStatus.SCHEDULED, published_at=at, **values)


async def test_a_scheduled_post_is_announced_once_when_its_time_comes(
    settings: Settings, engine: AsyncEngine, token: TokenMaker
) -> None:
    clock = Clock()
    post = await Factory(engine).post(status=ContentStatus.DRAFT, published_at=None, title="Soon")
    at = NOW + timedelta(hours=1)
    with receiving() as public, receiving() as preview:
        await add_hook(engine, public.url)
        await add_hook(engine, preview.url, include_drafts=True)
        async with running(settings, engine, clock=clock) as app:
            headers = await token("editor")
            await app.gql.data(
                PUBLISH_POST, {"id": gid("Post", post), "at": at.isoformat()}, headers
            )
            await app.worker.dispatch_once()
            assert public.received == []  # nobody hears of a schedule before its time
            clock.now = at
            app.worker.wake()
            [live] = await public.wait_for(1)
            to_preview = await preview.wait_for(2)
            seen = await app.gql.data(PUBLIC, {"id": gid("Post", post)})
            await app.worker.dispatch_once()

    body = verified(live)
    assert (body["type"], body["action"], body["version"]) == ("post.published", "PUBLISHED", 2)
    assert body["data"]["title"] == "Soon"
    # A hook that sees drafts heard of the schedule when it was made, then of the go-live.
    assert sorted(each.json()["action"] for each in to_preview) == ["PUBLISHED", "SCHEDULED"]
    assert seen["post"] == {"title": "Soon", "status": "PUBLISHED", "version": 2}
    assert await _go_live_events(engine) == [("Post", post["id"], 2)]
    assert (len(public.received), len(preview.received)) == (1, 2)


async def test_going_live_keeps_the_version_an_editor_expects(
    settings: Settings, engine: AsyncEngine, token: TokenMaker
) -> None:
    factory = Factory(engine)
    post = await _scheduled(factory, NOW - timedelta(minutes=1), title="Due")
    async with running(settings, engine, clock=Clock()) as app:
        await app.worker.dispatch_once()
        given = {"id": gid("Post", post), "input": {"title": "Edited"}, "v": 1}
        edited = await app.gql.data(UPDATE_POST, given, await token("editor"))

    assert edited["updatePost"]["userErrors"] == []
    assert edited["updatePost"]["post"]["version"] == 2
    assert edited["updatePost"]["post"]["status"] == "PUBLISHED"


async def test_an_entry_whose_time_passed_while_no_server_ran_is_announced_at_start(
    settings: Settings, engine: AsyncEngine
) -> None:
    factory = Factory(engine)
    post = await _scheduled(factory, NOW - timedelta(days=2))
    page = await factory.page(status=ContentStatus.SCHEDULED, published_at=NOW)
    later = await _scheduled(factory, NOW + timedelta(days=1))
    with receiving() as receiver:
        await add_hook(engine, receiver.url)
        async with running(settings, engine, clock=Clock()) as _app:
            received = await receiver.wait_for(2)

    assert sorted(each.json()["type"] for each in received) == ["page.published", "post.published"]
    assert await _go_live_events(engine) == [("Post", post["id"], 1), ("Page", page["id"], 1)]
    assert later["id"] not in {entity_id for _type, entity_id, _v in await _go_live_events(engine)}


async def test_two_processes_racing_announce_each_entry_once(
    settings: Settings, engine: AsyncEngine
) -> None:
    factory = Factory(engine)
    posts = [await _scheduled(factory, NOW - timedelta(seconds=n)) for n in range(10)]
    other = create_engine(settings)
    try:
        counts = await asyncio.gather(
            *(announce_go_live(each, settings, Clock()) for each in (engine, other, engine, other))
        )
    finally:
        await other.dispose()

    assert sum(counts) == len(posts)
    assert sorted(entity_id for _t, entity_id, _v in await _go_live_events(engine)) == sorted(
        post["id"] for post in posts
    )


async def test_two_apps_on_one_store_deliver_each_go_live_once(
    settings: Settings, engine: AsyncEngine
) -> None:
    clock = Clock()
    at = NOW + timedelta(minutes=5)
    factory = Factory(engine)
    posts = [await _scheduled(factory, at) for _ in range(5)]
    other = create_engine(settings)
    with receiving() as receiver:
        await add_hook(engine, receiver.url)
        async with (
            running(settings, engine, clock=clock) as one,
            running(settings, other, clock=clock) as two,
        ):
            clock.now = at
            one.worker.wake()
            two.worker.wake()
            received = await receiver.wait_for(len(posts))
            await one.worker.dispatch_once()
            await two.worker.dispatch_once()
    await other.dispose()

    assert len(await _go_live_events(engine)) == len(posts)
    assert sorted(each.headers["webhook-id"] for each in receiver.received) == sorted(
        each.headers["webhook-id"] for each in received
    )
    assert len({each.headers["webhook-id"] for each in receiver.received}) == len(posts)
    assert len(receiver.received) == len(posts)


async def test_a_go_live_on_the_real_clock_is_announced_by_its_timer_not_a_poll(
    settings: Settings, engine: AsyncEngine
) -> None:
    at = utcnow() + timedelta(seconds=1)
    with receiving() as receiver:
        await add_hook(engine, receiver.url)
        async with running(settings, engine, events_poll_s=60) as _app:
            await asyncio.sleep(0)  # the worker's first look happens before the time
            post = await _scheduled(Factory(engine), at)
            _app.worker.wake()  # it learns of the schedule (a write behind the API)
            [received] = await receiver.wait_for(1, timeout_s=20)

    assert received.json()["id"] == gid("Post", post)
    async with engine.connect() as connection:
        occurred = await connection.scalar(
            select(events.c.occurred_at).where(events.c.action == "go_live")
        )
    assert occurred is not None
    assert occurred >= at


async def test_a_go_live_falling_due_during_a_pass_sets_the_timer_not_the_poll(
    settings: Settings, engine: AsyncEngine
) -> None:
    at = NOW + timedelta(seconds=1)
    await _scheduled(Factory(engine), at)
    # The pass starts and announces before `at`; by the time it looks for the next
    # go-live, `at` has passed. The entry is still scheduled: the timer must be for it.
    polling = settings.model_copy(update={"events_poll_s": 60.0})
    worker = EventWorker(engine, polling, _no_render, SteppingClock(NOW, at, calls=1))

    delay = await worker.dispatch_once()

    # Announced in this pass, or the next pass is due by `at`: never a poll away.
    assert await _go_live_events(engine) or delay <= 1.01


async def _no_render(_type: str, _pk: int, _drafts: bool) -> dict[str, Any] | None:
    return None
