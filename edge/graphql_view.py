"""The `/graphql` endpoint: Strawberry's ASGI view with Masthead's context and error codes."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, GraphQLRequestProtocol
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult, SubscriptionExecutionResult

from masthead.edge.admission import Admission
from masthead.edge.body_limit import request_body_limited
from masthead.edge.content_generation import ContentGeneration
from masthead.edge.errors import (
    GRAPHQL_RESPONSE,
    JSON,
    MASKED_MESSAGE,
    Refused,
    format_error,
    refusal_response,
)
from masthead.edge.graphql_http import (
    check_parameters,
    is_request_error,
    negotiate,
    refuse_unacceptable,
    result_status,
    strawberry_refusal,
)
from masthead.edge.http_caching import with_cache_headers
from masthead.edge.rate_limit import Caller, Quota, RateLimiter, caller_of, parse_networks
from masthead.edge.request_log import note_request
from masthead.edge.response_cache import CachedAnswer, ResponseCache
from masthead.edge.subscriptions import ConnectionLimit, SubscriptionHandler, TextAdapter
from masthead.edge.surrogate_keys import render_keys
from masthead.edge.trusted_documents import load_manifest
from masthead.edge.unavailable import (
    DatabaseUnavailable,
    Outage,
    outage_behind,
    unavailable_response,
)
from masthead.graphiql.examples import graphiql_examples
from masthead.graphiql.page import graphiql_response, render_page
from masthead.models import utcnow
from masthead.resolvers.core.context import ReadContext, Viewer
from masthead.resolvers.core.freshness import next_go_live
from masthead.resolvers.core.read_keys import ReadKeys
from masthead.resolvers.token import viewer_for_token
from masthead.schema.core.errors import INTERNAL, error_code, logger
from masthead.settings import Settings

RATE_LIMITED = "RATE_LIMITED"
# How long a WebSocket may stay open before its `connection_init` (then closed with 4408).
CONNECTION_INIT_WAIT = timedelta(seconds=10)


# The request's caller, and what its charge left, from the answer's start to its end.
_CALLER: ContextVar[Caller | None] = ContextVar("masthead_caller", default=None)
_QUOTA: ContextVar[Quota | None] = ContextVar("masthead_quota", default=None)
# The media type the request's answer takes, whatever the answer is.
_MEDIA_TYPE: ContextVar[str] = ContextVar("masthead_media_type", default=JSON)


class GraphQLView(GraphQL[ReadContext, None]):
    """One context per operation, with the token's viewer; every error carries a code.

    WebSockets speak `graphql-transport-ws` alone (edge/subscriptions.py).
    """

    graphql_transport_ws_handler_class = SubscriptionHandler
    websocket_adapter_class = TextAdapter  # type: ignore[assignment]

    def __init__(
        self,
        *args: Any,
        settings: Settings,
        generation: ContentGeneration,
        clock: Callable[[], datetime] = utcnow,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("subscription_protocols", (GRAPHQL_TRANSPORT_WS_PROTOCOL,))
        kwargs.setdefault("allowed_origins", settings.cors_origins)
        kwargs.setdefault("connection_init_wait_timeout", CONNECTION_INIT_WAIT)
        kwargs.setdefault("max_subscriptions_per_connection", None)  # ours is in the handler
        super().__init__(*args, **kwargs)
        self.settings = settings
        self.clock = clock
        self.generation = generation
        entries, max_bytes = settings.response_cache_entries, settings.response_cache_bytes
        self.cache = ResponseCache(max_bytes, entries) if entries and max_bytes else None
        trusted = load_manifest(settings.trusted_documents) if settings.trusted_documents else None
        self.admission = Admission(settings, self.schema, trusted)
        self.rate_limiter = RateLimiter(settings)
        self.trusted_proxies = parse_networks(settings.trusted_proxies)
        self.sockets = ConnectionLimit(
            settings.subscription_connections_per_client, self.trusted_proxies
        )
        base = settings.public_base_url.rstrip("/")
        self.media_base_url = f"{base}{settings.media_url_path}"
        self.graphiql_page = render_page(endpoint="/graphql", examples=graphiql_examples())

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL with the example queries, every asset served by Masthead itself."""
        return graphiql_response(self.graphiql_page)

    def should_render_graphql_ide(self, request: Any) -> bool:
        """GraphiQL switched off: a browser's GET is a GET without a query, not a 404."""
        if {"extensions", "documentId"} & set(request.query_params):
            return False  # a persisted query sent by GET, whatever the client accepts
        return self.graphql_ide is not None and super().should_render_graphql_ide(request)

    def close(self) -> None:
        """Close the connections to Redis, if any (at shutdown)."""
        self.rate_limiter.close()
        self.admission.persisted.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refusals before execution (bad body, bad token, unknown operation) are errors too."""
        if scope["type"] == "websocket":
            await self.sockets.serve(scope, receive, send, super().__call__)
            return
        request = Request(scope=scope, receive=receive)
        accepted = negotiate(request.headers.get("accept"))
        answer_as = accepted or JSON
        media = _MEDIA_TYPE.set(answer_as)
        caller = _CALLER.set(caller_of(request, self.trusted_proxies))
        quota = _QUOTA.set(None)
        try:
            if accepted is None:
                refuse_unacceptable(request)
            limited = request_body_limited(request, receive, self.settings)
            request = Request(scope=scope, receive=limited)
            response = await self._answer(request)
        except HTTPException as refusal:
            cost: dict[str, object] = {"cost": self._nothing_ran()}
            response = strawberry_refusal(refusal, request, answer_as, cost)
        except Refused as refusal:
            note_request(code=refusal.code)
            refusal.extensions.setdefault("cost", self._nothing_ran())
            response = refusal.response(answer_as)
        except DatabaseUnavailable as unavailable:
            note_request(code="SERVICE_UNAVAILABLE")
            response = unavailable_response(unavailable.outage, answer_as)
        except Exception as error:  # noqa: BLE001 - every answer is GraphQL JSON, even a crash
            response = await self._failure(request, error)
        finally:
            await request.close()  # uploaded files spooled to disk are released at once
        charged = _QUOTA.get()
        if charged is not None:
            response.headers.update(charged.headers())
        _CALLER.reset(caller)
        _QUOTA.reset(quota)
        _MEDIA_TYPE.reset(media)
        keys = None if "authorization" in request.headers else self._surrogate_keys(request)
        await with_cache_headers(request, response, keys)(scope, receive, send)

    async def _charge(self, points: int) -> None:
        """Spend `points` of the caller's budget; RATE_LIMITED (429) when it is spent."""
        caller = _CALLER.get()
        if caller is None:
            return
        quota = await self.rate_limiter.charge(caller.key, points, with_token=caller.with_token)
        _QUOTA.set(quota)
        if quota is not None and not quota.allowed:
            message = (
                f"the rate limit of {quota.limit} cost points per {quota.window_seconds} s "
                f"is spent: try again in {max(quota.reset_seconds, 1)} s"
            )
            refused = Refused(429, RATE_LIMITED, message)
            refused.extensions["cost"] = {"requested": points, "limit": self.settings.max_cost}
            raise refused

    def _nothing_ran(self) -> dict[str, int]:
        """`extensions.cost` of a request refused before it ran (unless its cost refused it)."""
        return {"requested": 0, "limit": self.settings.max_cost}

    async def _failure(self, request: Request, error: Exception) -> Response:
        """503 when the database is down or behind; else a masked 500 (the log has it all)."""
        outage = await outage_behind([error], request.app.state.engine)
        if outage is not None:
            return unavailable_response(outage, _MEDIA_TYPE.get())
        logger.error("internal error: %s", type(error).__name__, exc_info=error)
        return refusal_response(MASKED_MESSAGE, INTERNAL, status=500, media_type=_MEDIA_TYPE.get())

    async def _answer(self, request: Request) -> Response:
        """Run the request, or reuse the public answer to the same request while fresh."""
        key = None if self.cache is None else await self.cache.key(request, _MEDIA_TYPE.get())
        if self.cache is None or key is None:
            return await self.run(request)
        await self.admission.check_before_cache(request)
        engine = request.app.state.engine
        now = self.clock()
        generation = await self.generation.current()
        cached = self.cache.get(key, generation, now)
        if cached is not None:
            note_request(cache="hit")
            request.state.surrogate_keys = cached.keys
            return Response(cached.body, media_type=cached.media_type)
        response = await self.run(request)
        if response.status_code == 200 and getattr(request.state, "cacheable", False):  # noqa: PLR2004
            expires = await next_go_live(engine, now)
            media_type = response.headers.get("content-type", "application/json")
            keys = self._surrogate_keys(request)
            answer = CachedAnswer(bytes(response.body), media_type, generation, expires, keys)
            self.cache.put(key, answer)
        return response

    def _surrogate_keys(self, request: Request) -> str | None:
        """The keys of a public answer, worked out once (None when they are switched off)."""
        state = request.state
        if not hasattr(state, "surrogate_keys"):
            limit = self.settings.surrogate_key_bytes
            read_keys = getattr(state, "read_keys", None)
            state.surrogate_keys = render_keys(read_keys, limit) if limit else None
        keys: str | None = state.surrogate_keys
        return keys

    async def _viewer(self, request: Request | WebSocket) -> Viewer:
        header = request.headers.get("authorization")
        if header is None:
            return Viewer()
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Refused(
                401, "UNAUTHENTICATED", "the Authorization header must be `Bearer <token>`"
            )
        viewer = await viewer_for_token(request.app.state.engine, secret.strip())
        if viewer is None:
            raise Refused(401, "UNAUTHENTICATED", "the token is unknown or has been revoked")
        return viewer

    async def get_context(
        self,
        request: Request | WebSocket,
        response: Response | WebSocket,
    ) -> ReadContext:
        """The request's viewer, clock and database access; a public answer's keys.

        A WebSocket's viewer is known once its `connection_init` arrives (the handler).
        """
        if isinstance(request, WebSocket):
            return self._read_context(request.app.state.engine, Viewer())
        viewer = await self._viewer(request)
        read_keys = None
        if viewer.is_anonymous and self.settings.surrogate_key_bytes:
            read_keys = request.state.read_keys = ReadKeys()
        return self._read_context(request.app.state.engine, viewer, read_keys)

    def _read_context(
        self, engine: AsyncEngine, viewer: Viewer, read_keys: ReadKeys | None = None
    ) -> ReadContext:
        return ReadContext(
            engine,
            viewer=viewer,
            now=self.clock(),
            default_locale=self.settings.default_locale,
            media_base_url=self.media_base_url,
            settings=self.settings,
            clock=self.clock,
            read_keys=read_keys,
        )

    async def _document_ids(
        self, request: AsyncHTTPRequestAdapter, operations: list[GraphQLRequestData]
    ) -> list[object]:
        """Each operation's `documentId` (GraphQL over HTTP), which Strawberry does not read.

        Looked for only when an operation came without its document.
        """
        if all(operation.query is not None for operation in operations):
            return [None] * len(operations)
        if request.method == "GET":
            return [request.query_params.get("documentId")]
        data = self.decode_json(await request.get_body())
        items = data if isinstance(data, list) else [data]
        return [item.get("documentId") if isinstance(item, dict) else None for item in items]

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """The request's operations, each document held to the limits before any runs."""
        data = await super().parse_http_body(request)
        operations = data if isinstance(data, list) else [data]
        for operation in operations:
            check_parameters(operation)
        caller = _CALLER.get()
        requested, names = await self.admission.admit(
            operations,
            await self._document_ids(request, operations),
            with_token=caller is not None and caller.with_token,
        )
        note_request(operation=",".join(names), cost=requested)
        await self._charge(requested)
        return data

    def _validate_batch_request(
        self, request_data: list[GraphQLRequestData], protocol: GraphQLRequestProtocol
    ) -> None:
        """Replaces Strawberry's check, which reads a schema option Masthead does not set."""
        self.admission.check_batch(request_data)

    async def execute_operation(  # noqa: PLR0913
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: ReadContext,
        root_value: None,
        sub_response: Response,
    ) -> ExecutionResult | list[ExecutionResult] | SubscriptionExecutionResult:
        """A batch runs one operation after another, each with a context of its own.

        A context holds one connection, closed when its operation ends: operations sharing
        one, run together as Strawberry would, would close it under each other.
        """
        if not isinstance(request_data, list):
            return await super().execute_operation(
                request, request_adapter, request_data, context, root_value, sub_response
            )
        return [
            await self.execute_single(
                request=request,
                request_adapter=request_adapter,
                sub_response=sub_response,
                context=self._read_context(context.engine, context.viewer, context.read_keys),
                root_value=root_value,
                request_data=operation,
            )
            for operation in request_data
        ]

    async def _raise_outage(self, request: Request, result: ExecutionResult) -> None:
        originals = [e.original_error for e in result.errors or () if e.original_error]
        if originals:
            outage = await outage_behind(originals, request.app.state.engine)
            # A write refused after another field of the operation wrote is an error in a
            # 200 answer: a 503 would hide the write that was made.
            wrote = any(value is not None for value in (result.data or {}).values())
            if outage is not None and not (outage is Outage.WRITE_TIMEOUT and wrote):
                raise DatabaseUnavailable(outage)

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        """The result in the negotiated media type, with its GraphQL-over-HTTP status.

        Strawberry's sub-response is left out: Masthead's context never hands it to a
        resolver, so it holds nothing to copy.
        """
        media_type = _MEDIA_TYPE.get()
        status = result_status(response_data, media_type)
        return Response(self.encode_json(response_data), status, media_type=media_type)

    def encode_json(self, data: object) -> bytes:
        """orjson: several times faster than the standard library on large results."""
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        """Orjson for request bodies too."""
        return orjson.loads(data)

    async def process_result(
        self,
        request: Request | WebSocket,
        result: ExecutionResult,
    ) -> GraphQLHTTPResponse:
        """Data and errors, each error with its code (internal ones masked in production).

        An error that says the database is down or behind answers the request with 503:
        part of an answer from a database that stopped midway is not worth keeping.
        """
        response: GraphQLHTTPResponse = {}
        # A request error in application/graphql-response+json has no `data`: nothing ran.
        if _MEDIA_TYPE.get() != GRAPHQL_RESPONSE or not is_request_error(result):
            response["data"] = result.data
        if isinstance(request, Request):
            # A batch is kept only if every one of its answers is.
            request.state.cacheable = (
                getattr(request.state, "cacheable", True) and not result.errors
            )
            await self._raise_outage(request, result)
        if result.errors:
            mask = self.settings.env == "production"
            response["errors"] = [format_error(e, mask_internal=mask) for e in result.errors]
            note_request(code=error_code(result.errors[0]))  # the log line's and the metric's
        if result.extensions:
            response["extensions"] = result.extensions
        return response
