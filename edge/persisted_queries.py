"""Automatic persisted queries and trusted documents: a document sent by its hash or id.

A client sends `extensions.persistedQuery {version: 1, sha256Hash}` (Apollo's automatic
persisted queries) or `documentId` (GraphQL over HTTP), without the document. A known hash
runs its document; an unknown one answers `PERSISTED_QUERY_NOT_FOUND`, and the client
sends the hash again with the document, which is checked against the hash, run and kept.
Kept documents live in process (least recently used beyond `MASTHEAD_PERSISTED_QUERY_BYTES`)
or, with `MASTHEAD_REDIS_URL`, in Redis for every process (for
`MASTHEAD_PERSISTED_QUERY_TTL_S`). A Redis that does not answer makes a hash unknown (the
client then sends the document): requests are still served, a warning is logged.

With trusted documents (`MASTHEAD_TRUSTED_DOCUMENTS`), anonymous callers (every caller
with `MASTHEAD_TRUSTED_DOCUMENTS_ONLY=all`) run only the manifest's documents: any other is
`PERSISTED_QUERY_NOT_ALLOWED`, and they cannot add documents to the store.
"""

from __future__ import annotations

import logging
import re
from typing import Protocol

from coredis import ConnectionPool, Redis
from coredis.exceptions import RedisError
from prometheus_client import Counter

from masthead.edge.errors import Refused
from masthead.edge.request_log import note_request
from masthead.edge.trusted_documents import TrustedDocuments, document_hash, document_key
from masthead.resolvers.core.bounded_cache import BoundedCache, text_bytes
from masthead.settings import Settings

logger = logging.getLogger("masthead.persisted_queries")
PERSISTED_QUERIES = Counter(
    "masthead_persisted_queries",
    "Documents sent by hash or id: hit (found), miss (unknown), registered (kept)",
    ["result"],
)
PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
PERSISTED_QUERY_NOT_ALLOWED = "PERSISTED_QUERY_NOT_ALLOWED"
# Apollo's clients retry with the document when they read this message (or the code).
NOT_FOUND_MESSAGE = "PersistedQueryNotFound"
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
MAX_ID_CHARS = 256
# Documents larger than this run but are not kept: no single request fills the store.
MAX_KEPT_DOCUMENT_BYTES = 64 * 1024


class DocumentStore(Protocol):
    """Where automatic persisted queries are kept, by the SHA-256 of their text."""

    async def get(self, key: str) -> str | None:
        """The document stored under `key`, if any."""

    async def put(self, key: str, document: str) -> None:
        """Keep `document` under `key`."""


class MemoryDocuments:
    """In process: least recently used documents forgotten beyond a total size in bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.documents: BoundedCache[str, str] = BoundedCache(
            "persisted_queries", max_bytes, text_bytes
        )

    async def get(self, key: str) -> str | None:
        """The document, now the most recently used."""
        return self.documents.get(key)

    async def put(self, key: str, document: str) -> None:
        """Keep the document, forgetting the least recently used beyond the size."""
        if self.documents.get(key) is None:
            self.documents.put(key, document)


class RedisDocuments:
    """In Redis, shared by every process, each document kept for a time after it was sent."""

    def __init__(self, url: str, prefix: str, ttl_seconds: int) -> None:
        self.pool = ConnectionPool.from_url(url, connect_timeout=1.0, stream_timeout=1.0)
        self.redis: Redis[bytes] = Redis(connection_pool=self.pool)
        self.prefix = f"{prefix}:apq:"
        self.ttl_seconds = ttl_seconds

    async def get(self, key: str) -> str | None:
        """The document, or None when Redis has none or does not answer."""
        try:
            stored = await self.redis.get(self.prefix + key)
        except RedisError as error:
            logger.warning("persisted query store unavailable, hash treated as unknown: %s", error)
            PERSISTED_QUERIES.labels("store_error").inc()
            return None
        return stored.decode() if stored is not None else None

    async def put(self, key: str, document: str) -> None:
        """Keep the document (a Redis that does not answer keeps nothing: a warning)."""
        try:
            await self.redis.set(self.prefix + key, document, ex=self.ttl_seconds)
        except RedisError as error:
            logger.warning("persisted query store unavailable, document not kept: %s", error)
            PERSISTED_QUERIES.labels("store_error").inc()

    def close(self) -> None:
        """Close the connections to Redis."""
        self.pool.disconnect()


def document_store(settings: Settings) -> DocumentStore | None:
    """The store the settings ask for: Redis, in process, or none (persisted queries off)."""
    if not settings.persisted_queries:
        return None
    if settings.redis_url:
        url = settings.redis_url.removeprefix("async+")
        return RedisDocuments(url, settings.redis_prefix, settings.persisted_query_ttl_s)
    return MemoryDocuments(settings.persisted_query_bytes)


def _bad_request(message: str) -> Refused:
    return Refused(400, "BAD_USER_INPUT", message, document=True)


def requested_key(extensions: object, document_id: object) -> tuple[str | None, bool]:
    """The hash or id a request names, and whether it came as an automatic persisted query.

    Malformed `persistedQuery` or `documentId` values are BAD_USER_INPUT.
    """
    persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    if persisted is not None:
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            message = "`extensions.persistedQuery` must be {version: 1, sha256Hash: <hex>}"
            raise _bad_request(message)
        sha256 = persisted.get("sha256Hash")
        if not isinstance(sha256, str) or not SHA256_HEX.fullmatch(sha256):
            message = "`extensions.persistedQuery.sha256Hash` must be 64 lowercase hex digits"
            raise _bad_request(message)
        return sha256, True
    if document_id is None:
        return None, False
    if not isinstance(document_id, str) or not 0 < len(document_id) <= MAX_ID_CHARS:
        message = f"`documentId` must be a string of 1 to {MAX_ID_CHARS} characters"
        raise _bad_request(message)
    return document_key(document_id), False


class PersistedDocuments:
    """Turns a request's hash or id into its document, under the trusted-documents rule."""

    def __init__(self, settings: Settings, trusted: TrustedDocuments | None) -> None:
        self.store = document_store(settings)
        self.trusted = trusted
        self.only_for_all = settings.trusted_documents_only == "all"

    def restricted(self, *, with_token: bool) -> bool:
        """Whether this caller may run only the manifest's documents."""
        return self.trusted is not None and (self.only_for_all or not with_token)

    def check_free_document(self, document: str, *, with_token: bool) -> None:
        """Refuse a document sent in full that this caller may not run."""
        if self.restricted(with_token=with_token) and not self.trusted_document(document):
            message = "only the documents this API trusts may run: send a registered document"
            raise Refused(403, PERSISTED_QUERY_NOT_ALLOWED, message, document=True)

    def trusted_document(self, document: str) -> bool:
        """Whether the manifest holds this exact document."""
        return self.trusted is not None and self.trusted.trusts(document)

    async def document(
        self, query: str | None, key: str | None, *, automatic: bool, with_token: bool
    ) -> tuple[str | None, bool]:
        """The document to run, and whether to keep it under `key` once it is admitted."""
        if query is not None:
            if automatic and key != document_hash(query):
                message = "the document's SHA-256 does not match `persistedQuery.sha256Hash`"
                raise _bad_request(message)
            self.check_free_document(query, with_token=with_token)
            keep = (
                automatic and self.store is not None and not self.restricted(with_token=with_token)
            )
            return query, keep and len(query.encode()) <= MAX_KEPT_DOCUMENT_BYTES
        if key is None:
            return None, False
        found = self.trusted.get(key) if self.trusted is not None else None
        if found is None and self.store is not None and not self.restricted(with_token=with_token):
            found = await self.store.get(key)
        outcome = "hit" if found is not None else "miss"
        PERSISTED_QUERIES.labels(outcome).inc()
        note_request(persisted=outcome)
        if found is None:
            raise Refused(404, PERSISTED_QUERY_NOT_FOUND, NOT_FOUND_MESSAGE, document=True)
        return found, False

    async def keep(self, key: str, document: str) -> None:
        """Keep an admitted document sent with its hash."""
        if self.store is not None:
            await self.store.put(key, document)
            PERSISTED_QUERIES.labels("registered").inc()

    def close(self) -> None:
        """Close the store's connections, if it has any."""
        if isinstance(self.store, RedisDocuments):
            self.store.close()
