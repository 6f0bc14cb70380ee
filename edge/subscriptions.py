"""GraphQL over WebSocket (`graphql-transport-ws`) on `/graphql`: sign-in, limits, pings.

The token comes in the `connection_init` payload (`{"Authorization": "Bearer <token>"}`,
`{"authorization": ...}`, `{"headers": {"Authorization": ...}}` as GraphiQL sends it, or
`{"token": "<token>"}`), else from the handshake's `Authorization` header; an unknown one
closes the connection with 4403. Each operation is admitted as over HTTP (document limits,
cost, trusted documents, rate limit) and runs with a read context of its own.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import Counter
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from contextlib import aclosing, suppress
from typing import TYPE_CHECKING, Any

from graphql import GraphQLFormattedError
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http import GraphQLRequestData
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
    _OperationStreamClosed,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    ErrorMessage,
    Message,
    SubscribeMessage,
)

from masthead.edge.errors import Refused, format_error
from masthead.edge.rate_limit import Network, client_address
from masthead.resolvers.core.context import ReadContext, Viewer
from masthead.resolvers.token import viewer_for_token

if TYPE_CHECKING:
    from strawberry.schema.schema import StreamResult

    from masthead.edge.graphql_view import GraphQLView

TOO_MANY_SUBSCRIPTIONS = "TOO_MANY_SUBSCRIPTIONS"
RATE_LIMITED = "RATE_LIMITED"
FORBIDDEN_CLOSE = 4403  # graphql-transport-ws: the token is unknown or malformed
TOO_MANY_CONNECTIONS_CLOSE = 4429  # this client has `subscription_connections_per_client`
PING_TIMEOUT_CLOSE = 4408  # no answer to two pings in a row
App = Callable[[Scope, Receive, Send], Awaitable[None]]


def payload_token(payload: Mapping[str, Any]) -> str | None:
    """The token a `connection_init` payload carries, `Bearer ` taken off; "" if malformed."""
    headers = payload.get("headers")
    for source in (payload, headers if isinstance(headers, Mapping) else {}):
        for key in ("Authorization", "authorization"):
            value = source.get(key)
            if value is not None:
                scheme, _, secret = str(value).partition(" ")
                return secret.strip() if scheme.lower() == "bearer" else ""
    token = payload.get("token")
    return None if token is None else str(token).removeprefix("Bearer ").strip()


class TextAdapter(ASGIWebSocketAdapter):
    """Sends each message as a text frame, as the protocol asks (orjson encodes bytes)."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        """One JSON text message."""
        encoded = self.view.encode_json(message)
        try:
            await self.ws.send_text(encoded.decode() if isinstance(encoded, bytes) else encoded)
        except WebSocketDisconnect as error:
            raise WebSocketDisconnected from error


def client_of(websocket: WebSocket, trusted: tuple[Network, ...]) -> str:
    """The client's address: the peer's, or behind trusted proxies the one they name."""
    peer = websocket.client.host if websocket.client else "unknown"
    return client_address(peer, websocket.headers.get("x-forwarded-for"), trusted)


class ConnectionLimit:
    """Open WebSocket connections per client address, at most `limit` each (this process)."""

    def __init__(self, limit: int, trusted: tuple[Network, ...]) -> None:
        self.limit = limit
        self.trusted = trusted
        self.open: Counter[str] = Counter()

    async def serve(self, scope: Scope, receive: Receive, send: Send, app: App) -> None:
        """Run the connection, or refuse it (4429) when its client has too many open."""
        websocket = WebSocket(scope, receive, send)
        client = client_of(websocket, self.trusted)
        if self.open[client] >= self.limit:
            wanted = GRAPHQL_TRANSPORT_WS_PROTOCOL in scope.get("subprotocols", ())
            await websocket.accept(GRAPHQL_TRANSPORT_WS_PROTOCOL if wanted else None)
            reason = f"Too many connections: {self.limit} per client"
            await websocket.close(TOO_MANY_CONNECTIONS_CLOSE, reason)
            return
        self.open[client] += 1
        try:
            await app(scope, receive, send)
        finally:
            self.open[client] -= 1
            if not self.open[client]:
                del self.open[client]


async def _coded(results: StreamResult, *, mask: bool) -> AsyncGenerator[Any, None]:
    """The results, each error's message and extensions as `format_error` gives them."""
    async for result in results:
        for error in getattr(result, "errors", None) or ():
            formatted = format_error(error, mask_internal=mask)
            error.message = str(formatted["message"])
            error.extensions = formatted["extensions"]  # type: ignore[assignment]
        yield result


class SubscriptionHandler(BaseGraphQLTransportWSHandler[ReadContext, None]):
    """Strawberry's protocol handler with Masthead's sign-in, limits, pings and contexts."""

    view: GraphQLView

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.heard = True  # whether the peer said anything since the last ping
        self.pinging: asyncio.Task[None] | None = None
        self.caller = ""

    async def handle_message(self, message: Message) -> None:
        """Any message shows the peer is alive."""
        self.heard = True
        await super().handle_message(message)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        """Sign in with the payload's token (else the handshake's), then acknowledge."""
        payload = message.get("payload") or {}
        if not self.connection_init_received and isinstance(payload, dict):
            viewer = await self._viewer(payload)
            if viewer is None:
                await self.websocket.close(code=FORBIDDEN_CLOSE, reason="Forbidden")
                return
            self.context.viewer = viewer
        await super().handle_connection_init(message)
        if self.connection_acknowledged and self.pinging is None:
            self.pinging = asyncio.get_running_loop().create_task(self._ping())

    async def _viewer(self, payload: Mapping[str, Any]) -> Viewer | None:
        """The viewer of the connection's token; None for an unknown or malformed one."""
        token = payload_token(payload)
        websocket = self.websocket.ws  # type: ignore[attr-defined]
        if token is None:
            token = payload_token({"Authorization": websocket.headers.get("authorization")})
        if token is None:
            self.caller = "address:" + client_of(websocket, self.view.trusted_proxies)
            return Viewer()
        self.caller = "token:" + hashlib.sha256(f"Bearer {token}".encode()).hexdigest()[:32]
        return await viewer_for_token(self.context.engine, token) if token else None

    async def _ping(self) -> None:
        """Ping every `subscription_ping_s`; close a peer silent for two pings in a row."""
        interval = self.view.settings.subscription_ping_s
        missed = 0
        while True:
            await asyncio.sleep(interval)
            missed = 0 if self.heard else missed + 1
            if missed >= 2:  # noqa: PLR2004 - two pings unanswered
                await self.websocket.close(code=PING_TIMEOUT_CLOSE, reason="No pong to two pings")
                return
            self.heard = False
            with suppress(WebSocketDisconnected):
                await self.send_message({"type": "ping"})

    async def shutdown(self) -> None:
        """Stop pinging, then Strawberry's shutdown."""
        if self.pinging is not None:
            self.pinging.cancel()
        await super().shutdown()

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        """Run the operation unless a limit refuses it: an error message, the socket stays open."""
        if self.connection_acknowledged and message["id"] not in self.operations:
            refusal = await self._refusal(message)
            if refusal is not None:
                extensions = {**refusal.extensions, "code": refusal.code}
                error = GraphQLFormattedError(message=refusal.message, extensions=extensions)
                refused = ErrorMessage(id=message["id"], type="error", payload=[error])
                await self.send_message(refused)
                return
        await super().handle_subscribe(message)

    async def _refusal(self, message: SubscribeMessage) -> Refused | None:
        """Why the operation may not run: the connection's limit, its document, its cost."""
        limit = self.view.settings.subscriptions_per_connection
        if len(self.operations) >= limit:
            text = f"this connection runs {limit} operations already, the most it may"
            return Refused(429, TOO_MANY_SUBSCRIPTIONS, text)
        payload = message["payload"]
        with_token = not self.context.viewer.is_anonymous
        operation = GraphQLRequestData(
            query=payload.get("query"),
            variables=payload.get("variables"),
            operation_name=payload.get("operationName"),
            extensions=payload.get("extensions"),
        )
        try:
            if isinstance(operation.query, str):
                self.view.admission.persisted.check_free_document(
                    operation.query, with_token=with_token
                )
            cost, _name = self.view.admission.operation(operation)
            await self._charge(cost, with_token=with_token)
        except Refused as refused:
            return refused
        return None

    async def _charge(self, cost: int, *, with_token: bool) -> None:
        """Spend the operation's cost from the caller's budget, shared with HTTP."""
        limiter = self.view.rate_limiter
        quota = await limiter.charge(self.caller, cost, with_token=with_token)
        if quota is not None and not quota.allowed:
            wait = max(quota.reset_seconds, 1)
            text = f"the rate limit of {quota.limit} cost points is spent: try again in {wait} s"
            raise Refused(429, RATE_LIMITED, text)

    async def _send_result_stream(
        self, operation: Operation[ReadContext, None], result_source: StreamResult
    ) -> None:
        """Strawberry's, each error given its code (and masked in production) as over HTTP."""
        mask = self.view.settings.env == "production"
        await super()._send_result_stream(operation, _coded(result_source, mask=mask))

    async def run_operation(self, operation: Operation[ReadContext, None]) -> None:
        """Strawberry's, with a read context for this operation alone.

        The connection's operations run at once, and a context's connection is closed when
        its operation ends: sharing one, they would close it under each other.
        """
        try:
            result_source = await self.schema.stream(
                operation.query,
                variable_values=operation.variables,
                context_value=self.context.sibling(),
                root_value=self.root_value,
                operation_name=operation.operation_name,
            )
            async with aclosing(result_source):
                await self._send_result_stream(operation, result_source)
            await operation.send_operation_message({"id": operation.id, "type": "complete"})
        except _OperationStreamClosed:
            return
        except Exception as error:
            await self.handle_task_exception(error)
            with suppress(Exception):
                await operation.send_operation_message({"id": operation.id, "type": "complete"})
            self.operations.pop(operation.id, None)
            raise
