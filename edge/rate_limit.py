"""Rate limits counted in cost points per window, per token and per client address.

The counting is the `limits` library's sliding-window counter: in process by default, in
Redis when `MASTHEAD_REDIS_URL` is set, so that every server process draws on one budget.
A Redis that does not answer never refuses a request: the request is served, a warning is
logged and `masthead_rate_limit_backend_errors_total` counts it.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from coredis import ConnectionPool
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.errors import StorageError
from prometheus_client import Counter
from starlette.requests import Request

from masthead.settings import Settings

logger = logging.getLogger("masthead.rate_limit")
BACKEND_ERRORS = Counter(
    "masthead_rate_limit_backend_errors",
    "Rate-limit checks that could not reach their storage (the request was served)",
)
RATE_LIMITED = Counter(
    "masthead_rate_limited_requests", "Requests refused with RATE_LIMITED", ["caller"]
)
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Quota:
    """One caller's budget after a charge: whether it was allowed and what is left."""

    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int
    window_seconds: int

    def headers(self) -> dict[str, str]:
        """`RateLimit-Policy` and `RateLimit` (IETF httpapi draft), `Retry-After` if refused."""
        headers = {
            "RateLimit-Policy": f'"cost";q={self.limit};w={self.window_seconds}',
            "RateLimit": f'"cost";r={self.remaining};t={self.reset_seconds}',
        }
        if not self.allowed:
            headers["Retry-After"] = str(max(self.reset_seconds, 1))
        return headers


def parse_networks(text: str) -> tuple[Network, ...]:
    """`10.0.0.1, 192.168.0.0/16` as networks; a ValueError names a bad entry."""
    return tuple(
        ipaddress.ip_network(entry.strip(), strict=False)
        for entry in text.split(",")
        if entry.strip()
    )


def _is_trusted(address: str, trusted: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(peer: str, forwarded_for: str | None, trusted: Iterable[Network]) -> str:
    """The real client: the peer, or behind trusted proxies the nearest other address.

    `X-Forwarded-For` is read from the right, skipping trusted proxies: its left part is
    whatever the client wrote.
    """
    trusted = tuple(trusted)
    if not forwarded_for or not _is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop
    return hops[0] if hops else peer


class Caller(NamedTuple):
    """Whose rate-limit budget a request spends."""

    key: str
    with_token: bool


def caller_of(request: Request, trusted: Iterable[Network]) -> Caller:
    """Whose budget a request spends: its token's, or its client address's."""
    header = request.headers.get("authorization", "")
    if header:
        return Caller("token:" + hashlib.sha256(header.encode()).hexdigest()[:32], True)
    peer = request.client.host if request.client else "unknown"
    forwarded = request.headers.get("x-forwarded-for")
    return Caller("address:" + client_address(peer, forwarded, trusted), False)


class RateLimiter:
    """Charges a request's cost to its caller's budget for the current window."""

    def __init__(self, settings: Settings) -> None:
        self.window_seconds = settings.rate_limit_window_s
        self.anonymous = self._item(settings.rate_limit_points)
        self.token = self._item(settings.rate_limit_token_points)
        storage: Storage
        # The connection pool is ours, so that closing the limiter closes its connections.
        self.pool: ConnectionPool | None = None
        if settings.redis_url:
            url = settings.redis_url.removeprefix("async+")
            self.pool = ConnectionPool.from_url(url)
            storage = RedisStorage(
                f"async+{url}",
                wrap_exceptions=True,
                key_prefix=settings.redis_prefix,
                connection_pool=self.pool,  # type: ignore[arg-type]
            )
        else:
            storage = MemoryStorage()
        self.strategy = SlidingWindowCounterRateLimiter(storage)

    def close(self) -> None:
        """Close the connections to Redis, if any."""
        if self.pool is not None:
            self.pool.disconnect()

    def _item(self, points: int) -> RateLimitItem | None:
        return RateLimitItemPerSecond(points, self.window_seconds) if points > 0 else None

    async def charge(self, caller: str, points: int, *, with_token: bool) -> Quota | None:
        """Take `points` from `caller`'s budget.

        None when no limit applies, or when the storage does not answer (then the request
        is served).
        """
        item = self.token if with_token else self.anonymous
        if item is None:
            return None
        try:
            allowed = await self.strategy.hit(item, "cost", caller, cost=max(points, 1))
            stats = await self.strategy.get_window_stats(item, "cost", caller)
        except StorageError as error:
            BACKEND_ERRORS.inc()
            logger.warning("rate limit storage unavailable, request served: %s", error)
            return None
        if not allowed:
            RATE_LIMITED.labels(caller="token" if with_token else "address").inc()
        reset = max(math.ceil(stats.reset_time - time.time()), 0)
        return Quota(allowed, item.amount, stats.remaining, reset, self.window_seconds)
