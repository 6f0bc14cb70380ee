"""One log line per HTTP request, and the request id that ties it to the client's report.

The id is the client's `X-Request-Id` when it is a sensible token (letters, digits and
`._:-`, at most 128), else a new one; either way the answer returns it in `X-Request-Id`.
The line is JSON in production (for a log pipeline) and `key=value` text in development;
the `/graphql` view adds what it knows through `note_request` (operation, cost, its first
error's code, a persisted query's hit or miss), and the line counts the SQL statements the
request sent; refusals are also counted by code in `masthead_refusals_total`.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar

from prometheus_client import Counter
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from masthead.database import count_request_statements

logger = logging.getLogger("masthead.request")
REFUSALS = Counter(
    "masthead_refusals",
    "Requests refused before running, or stopped while running (TIMEOUT), by error code",
    ["code"],
)
INTERNAL = "INTERNAL_SERVER_ERROR"  # a failure, not a refusal: logged with its code only
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_FACTS: ContextVar[dict[str, object] | None] = ContextVar("masthead_request", default=None)


def note_request(**facts: object) -> None:
    """Add facts to the current request's log line (nothing outside a request)."""
    current = _FACTS.get()
    if current is not None:
        current.update(facts)


def request_id(scope: Scope) -> str:
    """The client's `X-Request-Id` when it is a sensible token, else a new id."""
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            given = bytes(value).decode("latin-1")
            if REQUEST_ID.fullmatch(given):
                return given
    return uuid.uuid4().hex


class _Formatter(logging.Formatter):
    def __init__(self, *, as_json: bool) -> None:
        super().__init__()
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        facts: dict[str, object] = getattr(record, "facts", {})
        if self.as_json:
            return json.dumps(facts, separators=(",", ":"), default=str)
        return " ".join(f"{key}={value}" for key, value in facts.items())


def configure_request_log(*, as_json: bool) -> None:
    """Send request lines to standard error, once per process."""
    if any(isinstance(handler.formatter, _Formatter) for handler in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter(as_json=as_json))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


class RequestLogMiddleware:
    """Gives each request an id, returns it in `X-Request-Id` and logs one line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; log it when its answer is done."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        identifier = request_id(scope)
        facts: dict[str, object] = {"request_id": identifier}
        facts.update(method=scope["method"], path=scope["path"])
        token = _FACTS.set(facts)
        statements = count_request_statements()
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Request-Id"] = identifier
                facts["status"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log_request(facts, started, statements[0])
            _FACTS.reset(token)


def log_request(facts: dict[str, object], started: float, statements: int) -> None:
    """Write a request's line, with its duration since `started` (`time.perf_counter`)."""
    facts["duration_ms"] = round((time.perf_counter() - started) * 1000, 2)
    facts["statements"] = statements
    if "code" in facts and facts["code"] != INTERNAL:
        REFUSALS.labels(code=str(facts["code"])).inc()
    logger.info("request", extra={"facts": facts})
