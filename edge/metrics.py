"""Prometheus metrics: requests and latency by route (SQL in `database`, caches in `memory`)."""

from __future__ import annotations

import time

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUESTS = Counter("masthead_http_requests", "HTTP requests answered", ["path", "status"])
LATENCY = Histogram(
    "masthead_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["path"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
KNOWN_PATHS = frozenset({"/graphql", "/healthz", "/readyz", "/metrics"})


class MetricsMiddleware:
    """Counts every HTTP request and observes its latency (pure ASGI: no per-request task)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, timing it and noting its status."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"] if scope["path"] in KNOWN_PATHS else "other"
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            LATENCY.labels(path).observe(time.perf_counter() - started)
            REQUESTS.labels(path, str(status)).inc()


async def metrics(request: Request) -> Response:
    """The Prometheus text exposition: the process's metrics, then the app's memory gauges."""
    own = getattr(request.app.state, "memory_metrics", None)
    body = generate_latest() + (generate_latest(own) if own is not None else b"")
    return Response(body, media_type=CONTENT_TYPE_LATEST)
