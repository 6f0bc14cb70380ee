"""The `/graphql` endpoint: Strawberry's ASGI view with Masthead's context and error codes."""

from __future__ import annotations

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

from edge.errors import format_error, request_error
from graphiql.examples import load_examples
from graphiql.page import render_page
from models import utcnow
from resolvers.core.context import ReadContext, Viewer
from settings import Settings


class GraphQLView(GraphQL[ReadContext, None]):
    """One read context per operation; every error carries `extensions.code`."""

    def __init__(self, *args: Any, settings: Settings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.settings = settings
        base = settings.public_base_url.rstrip("/")
        self.media_base_url = f"{base}{settings.media_url_path}"
        self.graphiql_page = render_page(endpoint="/graphql", examples=load_examples())

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL with the example queries, every asset served by Masthead itself."""
        return HTMLResponse(self.graphiql_page)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refusals before execution (bad body, unknown operation) are GraphQL errors too."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as refusal:
            response = JSONResponse(
                request_error(refusal.reason),
                status_code=refusal.status_code,
            )
        await response(scope, receive, send)

    async def get_context(
        self,
        request: Request | WebSocket,
        response: Response | WebSocket,
    ) -> ReadContext:
        """The request's viewer, clock and database access."""
        return ReadContext(
            request.app.state.engine,
            viewer=Viewer(),
            now=utcnow(),
            default_locale=self.settings.default_locale,
            media_base_url=self.media_base_url,
        )

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
        """Data and errors, each error with its code (internal ones masked in production)."""
        response: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            mask = self.settings.env == "production"
            response["errors"] = [format_error(e, mask_internal=mask) for e in result.errors]
        if result.extensions:
            response["extensions"] = result.extensions
        return response
