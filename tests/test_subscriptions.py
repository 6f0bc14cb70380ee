"""`contentChanged` over `graphql-transport-ws` on `/graphql`, with a real WebSocket client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Subprotocol

from masthead.events.feed import running_feed
from masthead.models import Event, EventAction, table_of
from masthead.resolvers.core.ids import encode_id
from masthead.settings import Settings
from tests.conftest import TokenMaker
from tests.factories import Factory
from tests.live_server import live_server
from tests.ws_client import WAIT_S, Socket, opened, until

CHANGES = """subscription ($types: [ContentType!]) {
  contentChanged(types: $types) { action type id node { id ... on Post { title status } } }
}"""
CREATE = """mutation ($input: PostInput!) {
  createPost(input: $input) { post { id } userErrors { message } }
}"""
PUBLISH = "mutation ($id: ID!) { publishPost(id: $id) { post { id } userErrors { message } } }"
UNPUBLISH = "mutation ($id: ID!) { unpublishPost(id: $id) { post { id } userErrors { message } } }"
DELETE = "mutation ($id: ID!) { deletePost(id: $id) { userErrors { message } } }"
UPDATE = """mutation ($id: ID!, $input: PostInput!) {
  updatePost(id: $id, input: $input) { post { id } userErrors { message } }
}"""
CREATE_TAG = "mutation ($input: TagInput!) { createTag(input: $input) { tag { id } } }"


@dataclass
class Live:
    """A served app, an editor writing through it, and subscribers connecting to it."""

    engine: AsyncEngine
    address: str
    http: httpx.AsyncClient
    editor: dict[str, str]
    author_id: str

    @property
    def url(self) -> str:
        """The WebSocket URL of `/graphql`."""
        return f"ws://{self.address}/graphql"

    async def write(self, document: str, **variables: Any) -> Any:
        """Run a mutation as the editor; its data."""
        body = {"query": document, "variables": variables}
        answer = (await self.http.post("/graphql", json=body, headers=self.editor)).json()
        assert "errors" not in answer, answer
        return answer["data"]

    async def draft(self, title: str) -> str:
        """A new draft post's global ID."""
        slug = title.lower().replace(" ", "-")
        post_input = {"slug": slug, "title": title, "author": self.author_id}
        data = await self.write(CREATE, input=post_input)
        assert data["createPost"]["userErrors"] == []
        return str(data["createPost"]["post"]["id"])

    async def listening(self, count: int) -> None:
        """Wait until the app's change feed has `count` listeners (subscriptions started)."""
        feed = running_feed(self.engine)
        assert feed is not None
        await until(lambda: len(feed.listeners) == count, f"{count} subscriptions")

    async def caught_up(self) -> None:
        """Wait until the feed has read every change made so far (none reaches a new
        subscriber then)."""
        async with self.engine.connect() as connection:
            newest = await connection.scalar(select(func.max(table_of(Event).c.id))) or 0
        feed = running_feed(self.engine)
        assert feed is not None
        await until(lambda: (feed.last_id or 0) >= newest, "the feed to catch up")

    async def subscribe(self, socket: Socket, types: list[str] | None = None, n: int = 1) -> None:
        """Subscribe to changes and wait until the server listens for them."""
        await self.caught_up()
        assert (await socket.receive())["type"] == "connection_ack"
        await socket.subscribe("changes", CHANGES, {"types": types})
        await self.listening(n)


LiveMaker = Callable[..., Awaitable[Live]]


@pytest.fixture
async def live(
    settings: Settings, engine: AsyncEngine, token: TokenMaker
) -> AsyncIterator[LiveMaker]:
    """Serves the app with the test's settings changed as given."""
    servers: list[Any] = []

    async def make(**changes: Any) -> Live:
        server = live_server(settings.model_copy(update=changes), engine)
        address = await server.__aenter__()
        http = httpx.AsyncClient(base_url=f"http://{address}")
        servers.append((server, http))
        author = await Factory(engine).author()
        editor = await token("editor")
        return Live(engine, address, http, editor, encode_id("Author", author["id"]))

    yield make
    for server, http in reversed(servers):
        await http.aclose()
        await server.__aexit__(None, None, None)


def change(message: dict[str, Any]) -> dict[str, Any]:
    """The `contentChanged` of a `next` message."""
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    result: dict[str, Any] = message["payload"]["data"]["contentChanged"]
    return result


async def test_the_public_hears_of_a_post_when_it_is_published_and_never_of_its_draft(
    live: LiveMaker,
) -> None:
    app = await live()
    async with opened(app.url) as socket:
        await app.subscribe(socket)
        post = await app.draft("Secret draft")
        await app.write(UPDATE, id=post, input={"title": "Still a draft"})
        await app.write(PUBLISH, id=post)
        told = change(await socket.receive())
    assert told["action"] == "PUBLISHED"
    assert told["id"] == post
    assert told["node"] == {"id": post, "title": "Still a draft", "status": "PUBLISHED"}


async def test_the_public_hears_of_posts_it_could_see_unpublished_and_deleted(
    live: LiveMaker,
) -> None:
    app = await live()
    first, second = await app.draft("First"), await app.draft("Second")
    await app.write(PUBLISH, id=first)
    await app.write(PUBLISH, id=second)
    async with opened(app.url) as socket:
        await app.subscribe(socket)
        await app.write(UNPUBLISH, id=first)
        await app.write(DELETE, id=second)
        unpublished, deleted = change(await socket.receive()), change(await socket.receive())
    assert (unpublished["action"], unpublished["id"], unpublished["node"]) == (
        "UNPUBLISHED", first, None,
    )  # fmt: skip
    assert (deleted["action"], deleted["id"], deleted["node"]) == ("DELETED", second, None)


async def test_a_preview_token_hears_of_drafts(live: LiveMaker, token: TokenMaker) -> None:
    app = await live()
    preview = await token("preview")
    async with opened(app.url, preview) as socket:
        await app.subscribe(socket)
        post = await app.draft("Draft for preview")
        told = change(await socket.receive())
    assert told == {
        "action": "CREATED",
        "type": "POST",
        "id": post,
        "node": {"id": post, "title": "Draft for preview", "status": "DRAFT"},
    }


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(lambda secret: {"Authorization": f"Bearer {secret}"}, id="Authorization"),
        pytest.param(lambda secret: {"authorization": f"Bearer {secret}"}, id="authorization"),
        pytest.param(lambda secret: {"token": secret}, id="token"),
        pytest.param(
            lambda secret: {"headers": {"Authorization": f"Bearer {secret}"}}, id="headers"
        ),
    ],
)
async def test_the_token_is_read_from_each_common_payload_form(
    live: LiveMaker, token: TokenMaker, payload: Callable[[str], dict[str, Any]]
) -> None:
    app = await live()
    secret = (await token("preview"))["Authorization"].removeprefix("Bearer ")
    async with opened(app.url, payload(secret)) as socket:
        await app.subscribe(socket)
        post = await app.draft("Seen by a preview token")
        told = change(await socket.receive())
    assert (told["action"], told["id"]) == ("CREATED", post)


async def test_types_filter_the_changes_heard(live: LiveMaker) -> None:
    app = await live()
    async with opened(app.url) as socket:
        await app.subscribe(socket, types=["TAG"])
        post = await app.draft("Not a tag")
        await app.write(PUBLISH, id=post)
        tag = await app.write(CREATE_TAG, input={"slug": "news", "name": "News"})
        told = change(await socket.receive())
    assert (told["action"], told["type"], told["id"]) == (
        "CREATED", "TAG", tag["createTag"]["tag"]["id"],
    )  # fmt: skip


async def test_a_scheduled_post_going_live_is_published_to_the_public(
    live: LiveMaker, engine: AsyncEngine
) -> None:
    app = await live(events_poll_s=0.1)  # the event is written behind the API: polled
    post = await Factory(engine).post(title="Went live")
    async with opened(app.url) as socket:
        await app.subscribe(socket)
        async with engine.begin() as connection:  # as the go-live worker records it
            await connection.execute(
                insert(Event).values(
                    action=EventAction.GO_LIVE,
                    entity_type="Post",
                    entity_id=post["id"],
                    version=1,
                    public_before=False,
                    public_after=True,
                )
            )
        told = change(await socket.receive())
    assert (told["action"], told["node"]["title"]) == ("PUBLISHED", "Went live")


async def test_an_unknown_token_closes_the_connection_with_4403(live: LiveMaker) -> None:
    app = await live()
    async with opened(app.url, {"Authorization": "Bearer not-a-token"}) as socket:
        code, reason = await socket.closed()
    assert (code, reason) == (4403, "Forbidden")


async def test_a_subscription_over_the_connection_limit_is_refused_and_the_connection_stays(
    live: LiveMaker,
) -> None:
    app = await live(subscriptions_per_connection=1)
    async with opened(app.url) as socket:
        await app.subscribe(socket)
        await socket.subscribe("second", CHANGES)
        refused = await socket.receive()
        await socket.send({"id": "changes", "type": "complete"})
        await app.listening(0)
        await socket.subscribe("third", "{ posts(first: 1) { totalCount } }")
        answered = await socket.receive()
    assert refused["id"] == "second"
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
    assert answered == {
        "id": "third", "type": "next", "payload": answered["payload"],
    }  # fmt: skip
    assert answered["payload"]["data"] == {"posts": {"totalCount": 0}}


async def test_connections_over_the_client_limit_are_closed_with_4429(live: LiveMaker) -> None:
    app = await live(subscription_connections_per_client=1)
    async with opened(app.url) as first:
        assert (await first.receive())["type"] == "connection_ack"
        async with opened(app.url, init=False) as second:
            code, _reason = await second.closed()
    assert code == 4429


async def test_the_server_pings_and_closes_a_peer_that_never_answers(live: LiveMaker) -> None:
    app = await live(subscription_ping_s=0.1)
    async with opened(app.url, answer_pings=False) as socket:
        assert (await socket.receive())["type"] == "connection_ack"
        code, _reason = await socket.closed()
    assert socket.pings == 2
    assert code == 4408


async def test_a_peer_answering_pings_stays_connected(live: LiveMaker) -> None:
    app = await live(subscription_ping_s=0.3)
    async with opened(app.url) as socket:
        await app.subscribe(socket)
        await socket.pinged(4)  # each answered: two in a row unanswered would close it
        post = await app.draft("After pings")
        await app.write(PUBLISH, id=post)
        told = change(await socket.receive())
    assert told["id"] == post


async def test_queries_and_mutations_run_over_the_websocket(
    live: LiveMaker, token: TokenMaker
) -> None:
    app = await live()
    async with opened(app.url, await token("editor")) as socket:
        assert (await socket.receive())["type"] == "connection_ack"
        await socket.subscribe("write", CREATE_TAG, {"input": {"slug": "ws", "name": "WS"}})
        wrote, completed = await socket.receive(), await socket.receive()
        await socket.subscribe("read", '{ tag(slug: "ws") { name } }')
        read = await socket.receive()
    assert wrote["payload"]["data"]["createTag"]["tag"]["id"]
    assert completed == {"id": "write", "type": "complete"}
    assert read["payload"]["data"] == {"tag": {"name": "WS"}}


async def test_an_anonymous_mutation_over_the_websocket_is_refused_as_over_http(
    live: LiveMaker,
) -> None:
    app = await live()
    async with opened(app.url) as socket:
        assert (await socket.receive())["type"] == "connection_ack"
        await socket.subscribe("write", CREATE_TAG, {"input": {"slug": "no", "name": "No"}})
        refused = await socket.receive()
    assert refused["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_document_limits_apply_to_subscriptions(live: LiveMaker) -> None:
    app = await live(max_query_depth=2)
    async with opened(app.url) as socket:
        assert (await socket.receive())["type"] == "connection_ack"
        await socket.subscribe("deep", CHANGES)
        refused = await socket.receive()
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"


async def test_errors_over_the_websocket_carry_their_code_as_over_http(live: LiveMaker) -> None:
    app = await live()
    async with opened(app.url) as socket:
        assert (await socket.receive())["type"] == "connection_ack"
        await socket.subscribe("invalid", "subscription { contentChanged { nothing } }")
        refused = await socket.receive()
    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_token_in_the_handshake_header_is_used_without_one_in_the_payload(
    live: LiveMaker, token: TokenMaker
) -> None:
    app = await live()
    preview = await token("preview")
    async with opened(app.url, headers=preview) as socket:
        await app.subscribe(socket)
        post = await app.draft("Seen through the header")
        told = change(await socket.receive())
    assert (told["action"], told["id"]) == ("CREATED", post)


async def test_a_page_on_another_origin_may_not_open_a_socket_unless_allowed(
    live: LiveMaker,
) -> None:
    app = await live(cors_origins=("https://app.example",))
    with pytest.raises(InvalidStatus) as refused:
        async with opened(app.url, headers={"Origin": "https://evil.example"}):
            pass
    async with opened(app.url, headers={"Origin": "https://app.example"}) as socket:
        acknowledged = await socket.receive()
    assert refused.value.response.status_code == 403
    assert acknowledged["type"] == "connection_ack"


async def test_a_closed_connection_stops_its_subscriptions(live: LiveMaker) -> None:
    app = await live()
    async with opened(app.url) as socket:
        await app.subscribe(socket)
        await socket.subscribe("posts", CHANGES, {"types": ["POST"]})
        await app.listening(2)
    await app.listening(0)  # each listener left the change feed with its connection


async def test_the_legacy_graphql_ws_protocol_is_closed_with_4406(live: LiveMaker) -> None:
    app = await live()
    legacy = [Subprotocol("graphql-ws")]
    async with connect(app.url, subprotocols=legacy, open_timeout=WAIT_S) as connection:
        with pytest.raises(ConnectionClosed) as closed:
            await connection.recv()
    assert connection.subprotocol is None
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4406
