"""Publishing: now, backdated, scheduled (live on time with no job), and back to draft."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import ContentStatus
from masthead.server import create_app
from masthead.settings import Settings
from tests.conftest import GraphQLClient, TokenMaker
from tests.factories import Factory
from tests.writing import PUBLISH_POST, UNPUBLISH_POST, gid

NOW = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
PUBLIC = """query($id: ID!) { post(id: $id) { title }
  posts { totalCount nodes { title } } }"""


class Clock:
    """The time the app's requests see; a test moves it instead of sleeping."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def timed(
    settings: Settings, engine: AsyncEngine, clock: Clock
) -> AsyncIterator[GraphQLClient]:
    app = create_app(settings, engine=engine, clock=clock)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield GraphQLClient(client)


async def _draft(engine: AsyncEngine) -> dict[str, object]:
    return await Factory(engine).post(status=ContentStatus.DRAFT, published_at=None, title="Soon")


async def test_publish_without_a_date_goes_live_now(
    timed: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    post = await _draft(engine)

    data = await timed.data(PUBLISH_POST, {"id": gid("Post", post)}, await token("editor"))

    published = data["publishPost"]["post"]
    assert (published["status"], published["publishedAt"]) == ("PUBLISHED", NOW.isoformat())
    assert (await timed.data(PUBLIC, {"id": gid("Post", post)}))["post"] == {"title": "Soon"}


async def test_a_scheduled_post_stays_hidden_until_its_time_then_shows_everywhere(
    timed: GraphQLClient, engine: AsyncEngine, token: TokenMaker, clock: Clock
) -> None:
    post = await _draft(engine)
    at = NOW + timedelta(hours=1)
    data = await timed.data(
        PUBLISH_POST, {"id": gid("Post", post), "at": at.isoformat()}, await token("editor")
    )
    assert data["publishPost"]["post"]["status"] == "SCHEDULED"

    clock.now = at - timedelta(seconds=1)
    early = await timed.data(PUBLIC, {"id": gid("Post", post)})
    clock.now = at
    on_time = await timed.data(PUBLIC, {"id": gid("Post", post)})

    assert early == {"post": None, "posts": {"totalCount": 0, "nodes": []}}
    assert on_time == {
        "post": {"title": "Soon"},
        "posts": {"totalCount": 1, "nodes": [{"title": "Soon"}]},
    }


async def test_a_past_date_publishes_backdated(
    timed: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    post = await _draft(engine)
    at = NOW - timedelta(days=30)

    data = await timed.data(
        PUBLISH_POST, {"id": gid("Post", post), "at": at.isoformat()}, await token("editor")
    )

    assert data["publishPost"]["post"]["status"] == "PUBLISHED"
    assert data["publishPost"]["post"]["publishedAt"] == at.isoformat()


async def test_a_date_without_offset_is_bad_input(
    timed: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    post = await _draft(engine)

    body = await timed.query(
        PUBLISH_POST, {"id": gid("Post", post), "at": "2030-07-01T09:00:00"}, await token("editor")
    )

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_unpublish_hides_the_post_at_once(
    timed: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    post = await Factory(engine).post(title="Live")

    data = await timed.data(UNPUBLISH_POST, {"id": gid("Post", post)}, await token("editor"))

    assert data["unpublishPost"]["post"]["status"] == "DRAFT"
    assert (await timed.data(PUBLIC, {"id": gid("Post", post)}))["post"] is None
