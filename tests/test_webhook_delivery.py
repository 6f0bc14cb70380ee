"""Webhook delivery: signed POSTs to a real receiver, filters, retries, failures, pings."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.database import create_engine
from masthead.events.attempts import pinned
from masthead.events.dispatch import Dispatcher
from masthead.events.schedule import next_attempt
from masthead.events.worker import EventWorker
from masthead.models import Event, table_of
from masthead.resolvers.core.ids import decode_id, encode_id
from masthead.settings import Settings
from tests.conftest import GraphQLClient, TokenMaker
from tests.factories import Factory
from tests.webhooks import (
    SECRET,
    Received,
    Receiver,
    add_hook,
    deliveries,
    delivery_rows,
    hook_row,
    receiving,
    running,
    verified,
)
from tests.writing import CREATE_POST, DELETE_POST, PUBLISH_POST, UNPUBLISH_POST, UPDATE_POST, gid

CREATE_PAGE = """mutation($input: PageInput!) {
  createPage(input: $input) { page { id } userErrors { code } } }"""


async def _post_story(gql: GraphQLClient, engine: AsyncEngine, headers: dict[str, str]) -> str:
    """Create a draft, edit it twice, publish it, edit it live, unpublish it: six events."""
    author = await Factory(engine).author()
    given = {"slug": "story", "title": "Secret draft", "author": gid("Author", author)}
    created = await gql.data(CREATE_POST, {"input": given}, headers)
    post_id: str = created["createPost"]["post"]["id"]
    await gql.data(UPDATE_POST, {"id": post_id, "input": {"title": "Still secret"}}, headers)
    await gql.data(UPDATE_POST, {"id": post_id, "input": {"title": "Public title"}}, headers)
    await gql.data(PUBLISH_POST, {"id": post_id}, headers)
    await gql.data(UPDATE_POST, {"id": post_id, "input": {"excerpt": "Live edit"}}, headers)
    await gql.data(UNPUBLISH_POST, {"id": post_id}, headers)
    return post_id


async def test_a_published_post_reaches_a_hook_signed(
    settings: Settings, engine: AsyncEngine, token: TokenMaker
) -> None:
    with receiving() as receiver:
        await add_hook(engine, receiver.url)
        async with running(settings, engine) as app:
            author = await Factory(engine).author()
            given = {"slug": "hello", "title": "Hello", "author": gid("Author", author)}
            headers = await token("editor")
            created = await app.gql.data(CREATE_POST, {"input": given}, headers)
            post_id = created["createPost"]["post"]["id"]
            await app.gql.data(PUBLISH_POST, {"id": post_id}, headers)
            [received] = await receiver.wait_for(1)

    body = verified(received)
    assert received.headers["content-type"] == "application/json"
    assert received.headers["user-agent"].startswith("Masthead-Webhooks/")
    assert received.headers["webhook-id"].startswith("msg_")
    assert body["type"] == "post.published"
    assert (body["action"], body["contentType"], body["id"]) == ("PUBLISHED", "POST", post_id)
    assert (body["slug"], body["locale"], body["version"]) == ("hello", "en", 2)
    assert body["keys"] == [f"post:{decode_id(post_id, 'Post')}", "posts"]
    assert body["timestamp"].endswith("Z")
    assert body["data"]["title"] == "Hello"
    assert body["data"]["status"] == "PUBLISHED"


async def test_a_public_hook_never_hears_of_drafts(
    settings: Settings, engine: AsyncEngine, token: TokenMaker
) -> None:
    with receiving() as public, receiving() as preview:
        await add_hook(engine, public.url)
        await add_hook(engine, preview.url, include_drafts=True)
        async with running(settings, engine) as app:
            await _post_story(app.gql, engine, await token("editor"))
            told_preview = await preview.wait_for(6)
            told_public = await public.wait_for(3)

    preview_actions = [body["action"] for body in _by_event(told_preview)]
    assert preview_actions == [
        "CREATED",
        "UPDATED",
        "UPDATED",
        "PUBLISHED",
        "UPDATED",
        "UNPUBLISHED",
    ]
    assert all(each.json()["data"]["slug"] == "story" for each in told_preview)
    assert [body["action"] for body in _by_event(told_public)] == [
        "PUBLISHED",
        "UPDATED",
        "UNPUBLISHED",
    ]
    assert all(b"secret" not in each.body.lower() for each in told_public)
    assert _by_event(told_public)[-1]["data"] is None


async def test_hooks_hear_only_the_types_and_actions_they_ask_for(
    settings: Settings, engine: AsyncEngine, token: TokenMaker
) -> None:
    with receiving() as pages, receiving() as deletions:
        await add_hook(engine, pages.url, types=["PAGE"], include_drafts=True)
        await add_hook(engine, deletions.url, actions=["DELETED"], include_drafts=True)
        async with running(settings, engine) as app:
            headers = await token("editor")
            post_id = await _post_story(app.gql, engine, headers)
            await app.gql.data(DELETE_POST, {"id": post_id}, headers)
            await app.gql.data(CREATE_PAGE, {"input": {"slug": "about", "title": "A"}}, headers)
            [page_created] = await pages.wait_for(1)
            [post_deleted] = await deletions.wait_for(1)
            await app.worker.dispatch_once()  # every event has been handed over

    assert page_created.json()["type"] == "page.created"
    assert page_created.json()["path"] == "/about"
    assert post_deleted.json()["type"] == "post.deleted"
    assert post_deleted.json()["slug"] == "story"
    assert post_deleted.json()["data"] is None
    assert len(await delivery_rows(engine)) == 2  # of 8 events, one to each hook


async def test_a_failing_receiver_is_retried_with_the_same_message_until_it_accepts(
    settings: Settings, engine: AsyncEngine
) -> None:
    with receiving(Receiver(answer=lambda n: 500 if n < 2 else 204)) as receiver:
        hook = await add_hook(engine, receiver.url, consecutive_failures=5)
        async with running(settings, engine, backoff_scale=0.01) as _app:
            await _record_event(engine)
            attempts = await receiver.wait_for(3)
            await _until(engine, lambda rows: rows[0].status == "succeeded")

    [delivery] = await delivery_rows(engine)
    assert (delivery.attempts, delivery.last_status_code, delivery.last_error) == (3, 204, None)
    assert delivery.finished_at is not None
    assert {each.headers["webhook-id"] for each in attempts} == {delivery.message_id}
    assert {each.body for each in attempts} == {delivery.body.encode()}
    assert all(verified(each) for each in attempts)
    assert (await hook_row(engine, hook)).consecutive_failures == 0


def test_an_attempt_connects_to_the_address_it_checked_and_names_the_host() -> None:
    url = "https://hooks.example.com:8443/in?site=1"

    connect, host, extensions = pinned(url, ["2001:db8::1", "93.184.216.34"])

    assert connect == "https://93.184.216.34:8443/in?site=1"
    assert host == {"host": "hooks.example.com:8443"}
    assert extensions == {"sni_hostname": "hooks.example.com"}
    assert pinned("http://[2001:db8::1]/in", ["2001:db8::1"])[0] == "http://[2001:db8::1]/in"
    assert pinned(url, []) == (url, {}, {})  # private addresses allowed: nothing was resolved


async def test_a_pinned_request_reaches_the_checked_address_with_the_host_named() -> None:
    with receiving() as receiver:
        port = urlsplit(receiver.url).port
        url, host, extensions = pinned(f"http://hooks.invalid:{port}/hook", ["127.0.0.1"])
        async with httpx.AsyncClient() as client:
            answer = await client.post(url, content=b"{}", headers=host, extensions=extensions)

    assert answer.status_code == 200
    assert receiver.received[0].headers["host"] == f"hooks.invalid:{port}"


def test_the_retry_schedule_backs_off_with_jitter_and_ends_with_the_retry_window() -> None:
    created = datetime(2030, 1, 1, tzinfo=UTC)
    window = 3600
    at: datetime | None = created
    times: list[datetime] = []
    while at is not None:
        times.append(at)
        at = next_attempt(len(times), created_at=created, now=at, retry_for_s=window)

    waits = [(later - earlier).total_seconds() for earlier, later in pairwise(times)]
    assert 4 <= waits[0] <= 6
    assert 24 <= waits[1] <= 36
    assert 96 <= waits[2] <= 144
    assert times[-1] == created + timedelta(seconds=window)  # one last attempt at the bound
    assert len(times) == 7  # 0 s, 5 s, 35 s, 2.6 min, 12.6 min, 42.6 min (±20 %), 1 h


async def test_a_hook_that_keeps_failing_is_disabled_with_the_reason(
    settings: Settings, engine: AsyncEngine
) -> None:
    with receiving(Receiver(answer=lambda _n: 503)) as receiver:
        hook = await add_hook(engine, receiver.url)
        changes: dict[str, Any] = {"webhook_retry_for_s": 0, "webhook_disable_after": 2}
        async with running(settings, engine, **changes) as app:
            await _record_event(engine)
            await _record_event(engine)
            await _until(engine, lambda rows: [r.status for r in rows] == ["failed"] * 2)
            await _record_event(engine)
            await app.worker.dispatch_once()

    row = await hook_row(engine, hook)
    assert (row.active, row.consecutive_failures) == (False, 2)
    assert "after 2 deliveries in a row failed" in row.disabled_reason
    assert "HTTP 503" in row.disabled_reason
    assert len(await delivery_rows(engine)) == 2  # a disabled hook hears of nothing more
    assert len(receiver.received) == 2


async def test_a_receiver_that_does_not_answer_in_time_fails_the_attempt(
    settings: Settings, engine: AsyncEngine
) -> None:
    with receiving(Receiver(delay_s=1.0)) as receiver:
        await add_hook(engine, receiver.url)
        changes: dict[str, Any] = {"webhook_timeout_s": 0.2, "webhook_retry_for_s": 0}
        async with running(settings, engine, **changes) as _app:
            await _record_event(engine)
            await _until(engine, lambda rows: rows[0].status == "failed")

    [delivery] = await delivery_rows(engine)
    assert (delivery.last_error, delivery.last_status_code) == ("no answer within 0.2 s", None)
    assert len(receiver.received) == 1


async def test_a_redirect_is_not_followed_and_fails_the_attempt(
    settings: Settings, engine: AsyncEngine
) -> None:
    with receiving(Receiver(answer=lambda _n: 302)) as receiver:
        await add_hook(engine, receiver.url)
        async with running(settings, engine, webhook_retry_for_s=0) as _app:
            await _record_event(engine)
            await _until(engine, lambda rows: rows[0].status == "failed")

    [delivery] = await delivery_rows(engine)
    assert delivery.last_status_code == 302
    assert delivery.last_error == "the receiver answered HTTP 302 (redirects are not followed)"
    assert len(receiver.received) == 1


async def test_stopping_lets_a_send_in_flight_finish(
    settings: Settings, engine: AsyncEngine
) -> None:
    with receiving(Receiver(delay_s=0.5)) as receiver:
        await add_hook(engine, receiver.url)
        async with running(settings, engine) as _app:
            await _record_event(engine)
            await receiver.wait_for(1)  # the receiver holds its answer back
        rows = await delivery_rows(engine)  # the worker has stopped

    assert [(row.status, row.attempts) for row in rows] == [("succeeded", 1)]
    assert len(receiver.received) == 1


async def test_a_private_address_is_refused_at_delivery_time(
    settings: Settings, engine: AsyncEngine
) -> None:
    with receiving() as receiver:
        await add_hook(engine, receiver.url)  # saved while allowed, or its name resolved then
        async with running(settings, engine, webhook_allow_private=False) as _app:
            await _record_event(engine)
            await _until(engine, lambda rows: rows[0].attempts == 1)

    [delivery] = await delivery_rows(engine)
    assert delivery.status == "pending"  # retried later, the address checked again
    assert delivery.last_error.startswith("refused: the URL points to a private")
    assert receiver.received == []


async def test_a_claim_left_by_a_crashed_sender_is_sent_again_once_its_lease_runs_out(
    settings: Settings, engine: AsyncEngine
) -> None:
    with receiving() as receiver:
        hook = await add_hook(engine, receiver.url)
        now = datetime.now(UTC)
        claimed = {"webhook_id": hook, "status": "sending", "body": '{"type":"tag.created"}'}
        async with engine.begin() as connection:
            await connection.execute(
                insert(deliveries),
                [
                    claimed | {"message_id": "msg_1_1", "lease_until": now - timedelta(seconds=1)},
                    claimed | {"message_id": "msg_2_1", "lease_until": now + timedelta(hours=1)},
                ],
            )
        async with running(settings, engine) as _app:
            [received] = await receiver.wait_for(1)
            await _until(engine, lambda rows: rows[0].status == "succeeded")

    assert received.headers["webhook-id"] == "msg_1_1"
    assert received.body == b'{"type":"tag.created"}'
    assert [row.status for row in await delivery_rows(engine)] == ["succeeded", "sending"]


async def test_a_ping_reaches_the_hook_signed(settings: Settings, engine: AsyncEngine) -> None:
    with receiving() as receiver:
        hook = await add_hook(engine, receiver.url)
        async with engine.begin() as connection:
            row = {"webhook_id": hook, "message_id": "msg_ping_1"}  # due at once: no time set
            await connection.execute(insert(deliveries).values(**row))
        async with running(settings, engine) as _app:
            [received] = await receiver.wait_for(1)
            await _until(engine, lambda rows: rows[0].status == "succeeded")

    body = verified(received, SECRET)
    assert received.headers["webhook-id"] == "msg_ping_1"
    assert body["type"] == "webhook.ping"
    assert body["webhook"] == encode_id("Webhook", hook)


def _by_event(received: list[Received]) -> list[Any]:
    """The bodies in event order (several deliveries are in flight at once)."""
    return sorted((each.json() for each in received), key=lambda body: body["eventId"])


async def test_an_asset_event_carries_the_asset_and_no_slug(
    settings: Settings, engine: AsyncEngine
) -> None:
    with receiving() as receiver:
        await add_hook(engine, receiver.url, types=["ASSET"])
        async with running(settings, engine) as _app:
            await _record_event(engine)
            asset = await _record_event(engine, "Asset")
            [received] = await receiver.wait_for(1)

    body = verified(received)
    assert (body["type"], body["id"], body["slug"]) == (
        "asset.created",
        encode_id("Asset", asset),
        None,
    )
    assert body["data"]["filename"].startswith("image-")
    assert body["keys"] == [f"asset:{asset}", "assets"]


async def test_a_hook_hears_only_of_events_after_it_was_added(
    settings: Settings, engine: AsyncEngine
) -> None:
    with receiving() as receiver:
        async with running(settings, engine) as app:
            for _ in range(3):
                await _record_event(engine)
            await app.worker.dispatch_once()
            await add_hook(engine, receiver.url)
            latest = await _record_event(engine)
            await app.worker.dispatch_once()
            [received] = await receiver.wait_for(1)

    assert received.json()["id"] == encode_id("Tag", latest)
    assert len(await delivery_rows(engine)) == 1


async def test_processes_dispatching_at_once_hand_each_event_over_once(
    settings: Settings, engine: AsyncEngine
) -> None:
    await add_hook(engine, "http://127.0.0.1:9/never-called")
    for _ in range(30):
        await _record_event(engine)
    other = create_engine(settings)
    try:
        racing = [Dispatcher(each, _nothing, 5.0) for each in (engine, other, engine, other)]
        counts = await asyncio.gather(*(each.dispatch() for each in racing))
    finally:
        await other.dispose()

    rows = await delivery_rows(engine)
    assert sum(counts) == 30
    assert sorted(row.event_id for row in rows) == sorted({row.event_id for row in rows})
    assert len(rows) == 30


async def test_a_database_that_is_down_is_logged_and_retried(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    # A PostgreSQL server that is not there: nothing listens on port 1.
    down = "postgresql+asyncpg://postgres@127.0.0.1:1/masthead"
    gone = settings.model_copy(update={"database_url": down, "events_poll_s": 0.05})
    engine = create_engine(gone, must_exist=True)
    worker = EventWorker(engine, gone, _nothing)
    await worker.start()
    for _ in range(500):  # a deadline of 10 s
        if len(_failures(caplog)) >= 4:
            break
        await asyncio.sleep(0.02)
    alive = worker.running
    await worker.stop()
    await engine.dispose()

    assert len(_failures(caplog)) >= 4  # tried again and again
    assert alive


def _failures(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [each for each in caplog.records if each.name == "masthead.events"]


async def _nothing(_type: str, _pk: int, _drafts: bool) -> dict[str, Any] | None:
    return None


async def _record_event(engine: AsyncEngine, entity_type: str = "Tag") -> int:
    """One event as a write records it: a new public tag (or asset); the entry's id."""
    n = uuid.uuid4().hex[:8]
    factory = Factory(engine)
    if entity_type == "Asset":
        entry = await factory.asset(filename=f"image-{n}.png")
    else:
        entry = await factory.tag(slug=f"tag-{n}", name=f"Tag {n}")
    async with engine.begin() as connection:
        await connection.execute(
            insert(table_of(Event)).values(
                action="create", entity_type=entity_type, entity_id=entry["id"], public_after=True
            )
        )
    return int(entry["id"])


async def _until(engine: AsyncEngine, done: Any, timeout_s: float = 10.0) -> None:
    """Poll the delivery rows until `done(rows)` holds, within a deadline."""
    deadline = time.monotonic() + timeout_s
    rows: list[Any] = []
    while time.monotonic() < deadline:
        rows = await delivery_rows(engine)
        if rows and done(rows):
            return
        await asyncio.sleep(0.02)
    message = f"the deliveries did not get there: {rows}"
    raise AssertionError(message)
