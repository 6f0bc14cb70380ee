"""The public response cache: anonymous query answers, reused until content changes.

An answer is reused only while the content generation has not moved (the change log's
position, known without a statement while a change signal vouches for it:
edge/content_generation.py) and until the next scheduled entry goes live. Requests with
a token are never cached: they may see drafts. A hit is answered by `edge/fast_hits.py`
before the framework sees the request.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from prometheus_client import Counter
from starlette.requests import Request

from masthead.edge.http_caching import etag_of
from masthead.resolvers.core.bounded_cache import BoundedCache, CacheSize, text_bytes

CACHE_LOOKUPS = Counter(
    "masthead_response_cache", "Public GraphQL answers looked up in the cache", ["result"]
)
MAX_KEYED_BODY = 64 * 1024
# An answer's own object, its generation and expiry, beyond its key and body.
ANSWER_BYTES = 150


@dataclass(frozen=True)
class CachedAnswer:
    """A response body, when it stops being valid, and its surrogate keys."""

    body: bytes
    media_type: str
    generation: int
    expires: datetime | None
    keys: str | None = None

    @cached_property
    def etag(self) -> str:
        """Its ETag, worked out once (a GET's answer sends it on every hit)."""
        return etag_of(self.body)

    def fresh(self, generation: int, now: datetime) -> bool:
        """Whether nothing changed since it was made and nothing went live."""
        return generation == self.generation and (self.expires is None or now < self.expires)


def _answer_bytes(key: str, answer: CachedAnswer) -> int:
    return text_bytes(key, answer.body, answer.keys or "") + ANSWER_BYTES


class ResponseCache:
    """A least-recently-used map from request key to answer (one per process).

    Bounded by the bytes of its keys and bodies (`MASTHEAD_RESPONSE_CACHE_BYTES`) and by
    a number of answers (`MASTHEAD_RESPONSE_CACHE_ENTRIES`); an answer larger than the
    whole budget is served but not kept.
    """

    def __init__(self, max_bytes: int, entries: int) -> None:
        self._answers: BoundedCache[str, CachedAnswer] = BoundedCache(
            "response", max_bytes, _answer_bytes, max_entries=entries
        )

    def size(self) -> CacheSize:
        """What it holds now, for `/metrics`."""
        return self._answers.size()

    async def key(self, request: Request, media_type: str) -> str | None:
        """The request's key, or None when it must not be cached (token, non-JSON, large).

        The answer's media type is part of it: the same request asked for in the other
        media type has another body (and, for a request error, another status).
        """
        if "authorization" in request.headers:
            return None
        if request.method == "GET" and not {"query", "extensions"} & set(request.query_params):
            return None  # GraphiQL's page, or a refusal: no need to ask the database first
        if request.method == "GET":
            return get_key(media_type, request.url.query)
        if request.headers.get("content-type", "").startswith("application/json"):
            return post_key(media_type, await request.body())
        return None

    def get(
        self, key: str, generation: int, now: datetime, *, count_miss: bool = True
    ) -> CachedAnswer | None:
        """The fresh answer for `key`, if there is one (a miss is counted unless told not)."""
        answer = self._answers.get(key)
        if answer is None or not answer.fresh(generation, now):
            if count_miss:
                CACHE_LOOKUPS.labels("miss").inc()
            return None
        CACHE_LOOKUPS.labels("hit").inc()
        return answer

    def put(self, key: str, answer: CachedAnswer) -> None:
        """Keep an answer, forgetting the least recently used beyond the bounds."""
        self._answers.put(key, answer)


def get_key(media_type: str, query: str) -> str:
    """A GET's key: its query string and the answer's media type."""
    return hashlib.sha256(f"GET\n{media_type}\n{query}".encode()).hexdigest()


def post_key(media_type: str, body: bytes) -> str | None:
    """A JSON POST's key: its body and the answer's media type; None for a large body."""
    if len(body) > MAX_KEYED_BODY:
        return None
    return hashlib.sha256(f"POST\n{media_type}\n".encode() + body).hexdigest()
