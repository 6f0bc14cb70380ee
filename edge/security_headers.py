"""Security headers on every answer: no sniffing, no referrer, a Content-Security-Policy."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Answers that are data (JSON, text, scripts): nothing may run or load in their name.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
# Uploaded files: even an HTML or SVG file that slipped through runs no script.
MEDIA_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'"
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


class SecurityHeadersMiddleware:
    """Adds `nosniff`, `Referrer-Policy` and, unless the route set its own, a strict CSP."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers as the answer starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.update(COMMON_HEADERS)
                if "content-security-policy" not in headers:
                    headers["Content-Security-Policy"] = DATA_POLICY
            await send(message)

        await self.app(scope, receive, send_with_headers)
