"""The `/graphql` endpoint: Strawberry's ASGI view with Masthead's context and error codes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from masthead.edge.errors import MASKED_MESSAGE, format_error, request_error
from masthead.edge.http_caching import with_cache_headers
from masthead.edge.response_cache import CachedAnswer, ResponseCache
from masthead.edge.unavailable import DatabaseUnavailable, outage_behind, unavailable_response
from masthead.graphiql.examples import graphiql_examples
from masthead.graphiql.page import render_page
from masthead.models import utcnow
from masthead.resolvers.core.context import ReadContext, Viewer
from masthead.resolvers.core.freshness import content_generation, next_go_live
from masthead.resolvers.token import viewer_for_token
from masthead.schema.core.errors import INTERNAL, logger
from masthead.settings import Settings

# Room for the multipart envelope (operations, map, part headers) around an upload.
MULTIPART_OVERHEAD = 64 * 1024


class Refused(Exception):
    """A request refused before execution, with its HTTP status and GraphQL error code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class GraphQLView(GraphQL[ReadContext, None]):
    """One context per operation, with the token's viewer; every error carries a code."""

    def __init__(
        self,
        *args: Any,
        settings: Settings,
        clock: Callable[[], datetime] = utcnow,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.settings = settings
        self.clock = clock
        entries = settings.response_cache_entries
        self.cache = ResponseCache(entries) if entries > 0 else None
        base = settings.public_base_url.rstrip("/")
        self.media_base_url = f"{base}{settings.media_url_path}"
        self.graphiql_page = render_page(endpoint="/graphql", examples=graphiql_examples())

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL with the example queries, every asset served by Masthead itself."""
        return HTMLResponse(self.graphiql_page)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refusals before execution (bad body, bad token, unknown operation) are errors too."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            self._check_multipart(request)
            response = await self._answer(request)
        except HTTPException as refusal:
            body = request_error(refusal.reason)
            if request.method == "GET" and "mutations are not allowed" in refusal.reason:
                # GraphQL over HTTP: a mutation over GET is the wrong method, not a bad body.
                response = JSONResponse(body, status_code=405, headers={"Allow": "POST"})
            else:
                response = JSONResponse(body, status_code=refusal.status_code)
        except Refused as refusal:
            body = request_error(refusal.message, refusal.code)
            headers = {"WWW-Authenticate": "Bearer"} if refusal.status == 401 else None  # noqa: PLR2004
            response = JSONResponse(body, status_code=refusal.status, headers=headers)
        except DatabaseUnavailable as unavailable:
            response = unavailable_response(unavailable.outage)
        except Exception as error:  # noqa: BLE001 - every answer is GraphQL JSON, even a crash
            response = await self._failure(request, error)
        finally:
            await request.close()  # uploaded files spooled to disk are released at once
        await with_cache_headers(request, response)(scope, receive, send)

    async def _failure(self, request: Request, error: Exception) -> Response:
        """503 when the database is down or behind; else a masked 500 (the log has it all)."""
        outage = await outage_behind([error], request.app.state.engine)
        if outage is not None:
            return unavailable_response(outage)
        logger.error("internal error: %s", type(error).__name__, exc_info=error)
        return JSONResponse(request_error(MASKED_MESSAGE, INTERNAL), status_code=500)

    async def _answer(self, request: Request) -> Response:
        """Run the request, or reuse the public answer to the same request while fresh."""
        key = None if self.cache is None else await self.cache.key(request)
        if self.cache is None or key is None:
            return await self.run(request)
        engine = request.app.state.engine
        now = self.clock()
        generation = await content_generation(engine)
        cached = self.cache.get(key, generation, now)
        if cached is not None:
            return Response(cached.body, media_type=cached.media_type)
        response = await self.run(request)
        if response.status_code == 200 and getattr(request.state, "cacheable", False):  # noqa: PLR2004
            expires = await next_go_live(engine, now)
            media_type = response.headers.get("content-type", "application/json")
            answer = CachedAnswer(bytes(response.body), media_type, generation, expires)
            self.cache.put(key, answer)
        return response

    def _check_multipart(self, request: Request) -> None:
        """Multipart bodies carry uploads: only with a token, and within the upload limit.

        A browser sends a multipart form cross-site without asking first, but never with an
        `Authorization` header: requiring one keeps uploads safe from forged requests (CSRF).
        """
        if not request.headers.get("content-type", "").startswith("multipart/"):
            return
        if "authorization" not in request.headers:
            message = "multipart requests (uploads) need `Authorization: Bearer <token>`"
            raise Refused(401, "UNAUTHENTICATED", message)
        limit = self.settings.max_upload_bytes + MULTIPART_OVERHEAD
        if int(request.headers.get("content-length") or 0) > limit:
            message = f"the request body is larger than the upload limit of {limit} bytes"
            raise Refused(413, "PAYLOAD_TOO_LARGE", message)

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
        """The request's viewer, clock and database access."""
        return ReadContext(
            request.app.state.engine,
            viewer=await self._viewer(request),
            now=self.clock(),
            default_locale=self.settings.default_locale,
            media_base_url=self.media_base_url,
            settings=self.settings,
        )

    async def _raise_outage(self, request: Request, result: ExecutionResult) -> None:
        originals = [e.original_error for e in result.errors or () if e.original_error]
        if originals:
            outage = await outage_behind(originals, request.app.state.engine)
            if outage is not None:
                raise DatabaseUnavailable(outage)

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
        response: GraphQLHTTPResponse = {"data": result.data}
        if isinstance(request, Request):
            request.state.cacheable = not result.errors
            await self._raise_outage(request, result)
        if result.errors:
            mask = self.settings.env == "production"
            response["errors"] = [format_error(e, mask_internal=mask) for e in result.errors]
        if result.extensions:
            response["extensions"] = result.extensions
        return response
