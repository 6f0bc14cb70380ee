"""Cross-origin browser calls: answered for the origins an operator lists, for nobody else."""

from __future__ import annotations

from collections.abc import Collection

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ANY_ORIGIN = "*"
ALLOWED_METHODS = "GET, POST"  # GET carries queries and persisted-query hashes
ALLOWED_HEADERS = "Authorization, Content-Type, X-Request-Id"
# What a client may read of an answer besides the safelisted headers.
EXPOSED_HEADERS = (
    "ETag, Retry-After, RateLimit, RateLimit-Policy, "
    "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, X-Request-Id"
)
# Browsers may keep a preflight's answer this long (Chromium keeps it at most two hours).
MAX_AGE_SECONDS = "7200"


def add_vary(headers: MutableHeaders, name: str) -> None:
    """Add `name` to the `Vary` header, keeping what is there."""
    present = [part.strip() for value in headers.getlist("vary") for part in value.split(",")]
    if name.lower() not in {part.lower() for part in present}:
        headers["Vary"] = ", ".join([*filter(None, present), name])


class ListedOrigins:
    """The origins an operator lists (`*`: any), and what an answer tells each."""

    def __init__(self, origins: Collection[str]) -> None:
        self.any_origin = ANY_ORIGIN in origins
        self.origins = frozenset(origin.lower() for origin in origins)

    def allowed(self, origin: str | None) -> bool:
        """Whether a browser at `origin` may read the answers."""
        return origin is not None and (self.any_origin or origin.lower() in self.origins)

    def allow_origin(self, origin: str) -> str:
        """The `Access-Control-Allow-Origin` value for an allowed origin."""
        return ANY_ORIGIN if self.any_origin else origin


class CORSMiddleware:
    """CORS for listed origins only: no `Access-Control-*` header ever reaches another one.

    Masthead authenticates with bearer tokens, never cookies, so credentials are not
    allowed; every answer varies by `Origin`, so a shared cache keeps them apart.
    """

    def __init__(self, app: ASGIApp, *, origins: Collection[str]) -> None:
        self.app = app
        self.listed = ListedOrigins(origins)
        self._allowed = self.listed.allowed
        self._allow_origin = self.listed.allow_origin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer preflights here; add the origin's headers to every other answer."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        origin = request_headers.get("origin")
        if (
            scope["method"] == "OPTIONS"
            and origin is not None
            and "access-control-request-method" in request_headers
        ):
            await self._preflight(origin)(scope, receive, send)
            return
        allowed = self._allowed(origin)

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                add_vary(headers, "Origin")
                if allowed and origin is not None:
                    headers["Access-Control-Allow-Origin"] = self._allow_origin(origin)
                    headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_cors)

    def _preflight(self, origin: str) -> Response:
        """The methods and headers a listed origin may use; a bare refusal for others.

        A listed origin gets the full list whatever it asked for: the browser compares,
        and its console names the method or header that is missing.
        """
        if not self._allowed(origin):
            refusal = "cross-origin requests from this origin are not allowed"
            return PlainTextResponse(refusal, status_code=403, headers={"Vary": "Origin"})
        headers = {
            "Access-Control-Allow-Origin": self._allow_origin(origin),
            "Access-Control-Allow-Methods": ALLOWED_METHODS,
            "Access-Control-Allow-Headers": ALLOWED_HEADERS,
            "Access-Control-Max-Age": MAX_AGE_SECONDS,
            "Vary": "Origin",
        }
        return Response(status_code=204, headers=headers)
