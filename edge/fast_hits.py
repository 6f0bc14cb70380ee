"""Cached answers sent before the framework sees the request: a hit costs its bytes.

A raw ASGI layer in front of the middleware stack. It recognises a request the response
cache may answer (anonymous, a GET with a query or a JSON POST under the keyed size, same
key as the view's), and when the content generation is known without a statement and the
answer is fresh, sends it with the status and headers the full stack would send: caching
headers (304 on a matching `If-None-Match`), CORS for a listed origin, security headers,
the request id, the request's metrics and log line. Anything else goes on to the app
unchanged, the body it read replayed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from masthead.edge.cors import EXPOSED_HEADERS, ListedOrigins
from masthead.edge.errors import Refused
from masthead.edge.graphql_http import negotiate
from masthead.edge.http_caching import PUBLIC, client_tags
from masthead.edge.metrics import LATENCY, REQUESTS
from masthead.edge.request_log import log_request, request_id
from masthead.edge.response_cache import MAX_KEYED_BODY, CachedAnswer, get_key, post_key
from masthead.edge.security_headers import COMMON_HEADERS, DATA_POLICY

if TYPE_CHECKING:
    from masthead.edge.graphql_view import GraphQLView

PATH = "/graphql"
# What Starlette's URL parsing would drop or cut from a query string: such a request
# goes the long way, so its key is the view's.
UNUSUAL = frozenset("#\t\r\n")
SECURITY = [(name.lower().encode(), value.encode()) for name, value in COMMON_HEADERS.items()]
SECURITY.append((b"content-security-policy", DATA_POLICY.encode()))
NAMES = frozenset({b"authorization", b"accept", b"content-type", b"origin", b"if-none-match"})


@dataclass
class Asked:
    """What a request asks, as far as a cached answer cares."""

    method: str
    headers: dict[bytes, str]
    body: bytes = b""
    complete: bool = True  # False when the client went away before its body arrived
    messages: list[Message] = field(default_factory=list)  # what was received, to replay


class FastHits:
    """Answers fresh cache hits for `/graphql`; hands everything else on to `app`."""

    def __init__(self, app: ASGIApp, *, view: GraphQLView) -> None:
        self.app = app
        self.view = view
        origins = view.settings.cors_origins
        self.origins = ListedOrigins(origins) if origins else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a fresh hit here; pass anything else on."""
        cache = self.view.cache
        if cache is None or scope["type"] != "http" or scope["path"] != PATH:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        asked = await _asked(scope, receive)
        answer = None if asked is None else self._fresh(scope, asked)
        if answer is None or asked is None:
            await self.app(scope, _replay(asked, receive), send)
            return
        await self._send(scope, asked, answer, send, started)

    def _fresh(self, scope: Scope, asked: Asked) -> CachedAnswer | None:
        """The fresh answer, if the view would give it without asking the database."""
        media_type = negotiate(asked.headers.get(b"accept"))
        if media_type is None or b"authorization" in asked.headers or not asked.complete:
            return None
        key = self._key(scope, asked, media_type)
        generation = self.view.generation.known()
        if key is None or generation is None or self.view.cache is None:
            return None
        return self.view.cache.get(key, generation, self.view.clock(), count_miss=False)

    def _key(self, scope: Scope, asked: Asked, media_type: str) -> str | None:
        """The view's key, once the request passes the checks the view makes before it."""
        admission = self.view.admission
        try:
            if asked.method == "POST":
                if not asked.headers.get(b"content-type", "").startswith("application/json"):
                    return None
                admission.check_anonymous_body(asked.body)
                return post_key(media_type, asked.body)
            raw: bytes = scope.get("query_string", b"")
            query = raw.decode()
            params = dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))
            if UNUSUAL & set(query) or not {"query", "extensions"} & params.keys():
                return None
            admission.check_anonymous_document(params.get("query"))
        except (Refused, UnicodeDecodeError):
            return None  # the view refuses it, and says why
        return get_key(media_type, query)

    async def _send(
        self, scope: Scope, asked: Asked, answer: CachedAnswer, send: Send, started: float
    ) -> None:
        status, headers = self._head(asked, answer)
        identifier = request_id(scope)
        headers.append((b"x-request-id", identifier.encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body if status == 200 else b""})  # noqa: PLR2004
        LATENCY.labels(PATH).observe(time.perf_counter() - started)
        REQUESTS.labels(PATH, str(status)).inc()
        facts: dict[str, object] = {"request_id": identifier, "method": asked.method}
        facts.update(path=PATH, cache="hit", status=status)
        log_request(facts, started, 0)

    def _head(self, asked: Asked, answer: CachedAnswer) -> tuple[int, list[tuple[bytes, bytes]]]:
        """The status and headers, in the order the middleware stack gives them."""
        get = asked.method == "GET"
        vary = "Accept, Authorization" if get else "Accept"
        if self.origins is not None:
            vary += ", Origin"
        caching = [(b"vary", vary.encode())]
        if answer.keys is not None:
            caching.append((b"surrogate-key", answer.keys.encode()))
            caching.append((b"cache-tag", answer.keys.replace(" ", ",").encode()))
        status = 200
        if get:
            caching += [(b"etag", answer.etag.encode()), (b"cache-control", PUBLIC.encode())]
            if answer.etag in client_tags(asked.headers.get(b"if-none-match", "")):
                status = 304
        headers = [] if status == 304 else _entity_headers(answer)  # noqa: PLR2004
        headers += caching
        origin = asked.headers.get(b"origin")
        if self.origins is not None and origin is not None and self.origins.allowed(origin):
            allow = self.origins.allow_origin(origin).encode("latin-1")
            headers.append((b"access-control-allow-origin", allow))
            headers.append((b"access-control-expose-headers", EXPOSED_HEADERS.encode()))
        headers += SECURITY
        return status, headers


def _entity_headers(answer: CachedAnswer) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-length", str(len(answer.body)).encode()),
        (b"content-type", answer.media_type.encode("latin-1")),
    ]


async def _asked(scope: Scope, receive: Receive) -> Asked | None:
    """The method, headers and (POST) body, or None for a request the cache never answers.

    A body is read up to the keyed size; past it, what was read is kept for the app.
    """
    method = scope["method"]
    if method not in {"GET", "POST"}:
        return None
    headers: dict[bytes, str] = {}
    for name, value in scope["headers"]:
        if name in NAMES and name not in headers:  # the first one, as Starlette reads it
            headers[name] = value.decode("latin-1")
    asked = Asked(method, headers)
    if method == "GET" or b"authorization" in headers:
        return asked
    chunks = []
    size, more = 0, True
    while more and size <= MAX_KEYED_BODY:
        message = await receive()
        asked.messages.append(message)
        if message["type"] != "http.request":
            asked.complete = False
            return asked
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        more = message.get("more_body", False)
    asked.body = b"".join(chunks)
    return asked


def _replay(asked: Asked | None, receive: Receive) -> Receive:
    """`receive` that gives the messages already read first, then the rest."""
    if asked is None or not asked.messages:
        return receive
    pending = list(asked.messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed
