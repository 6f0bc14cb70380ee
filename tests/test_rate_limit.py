"""Rate limits in cost points: budgets per caller, the real client behind trusted proxies,
one budget shared through Redis, and a Redis that does not answer."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pytest

from masthead.edge.rate_limit import BACKEND_ERRORS, RateLimiter, client_address, parse_networks
from masthead.settings import Settings
from tests.processes import free_port
from tests.redis_probe import REDIS_URL

PROXIES = parse_networks("10.0.0.0/8, 192.168.1.1")


@pytest.fixture
def limiter() -> Iterator[Callable[..., RateLimiter]]:
    """Limiters with a budget of 100 points unless told otherwise, closed afterwards."""
    made: list[RateLimiter] = []

    def make(**settings: object) -> RateLimiter:
        made.append(RateLimiter(Settings(**{"rate_limit_points": 100, **settings})))  # type: ignore[arg-type]
        return made[-1]

    yield make
    for each in made:
        each.close()


async def test_a_caller_is_refused_once_its_points_are_spent(
    limiter: Callable[..., RateLimiter],
) -> None:
    limits = limiter()

    first = await limits.charge("203.0.113.9", 60, with_token=False)
    second = await limits.charge("203.0.113.9", 60, with_token=False)

    assert first is not None
    assert second is not None
    assert (first.allowed, first.remaining) == (True, 40)
    assert second.allowed is False
    assert second.headers()["Retry-After"] == str(max(second.reset_seconds, 1))
    assert second.headers()["RateLimit-Policy"] == '"cost";q=100;w=60'


async def test_each_caller_has_a_budget_of_its_own(limiter: Callable[..., RateLimiter]) -> None:
    limits = limiter()
    await limits.charge("203.0.113.9", 100, with_token=False)

    other = await limits.charge("203.0.113.10", 100, with_token=False)

    assert other is not None
    assert other.allowed


async def test_a_token_spends_from_the_token_budget(limiter: Callable[..., RateLimiter]) -> None:
    limits = limiter(rate_limit_token_points=1000)

    quota = await limits.charge("token:1", 500, with_token=True)

    assert quota is not None
    assert (quota.allowed, quota.limit, quota.remaining) == (True, 1000, 500)


async def test_a_request_costlier_than_the_whole_budget_is_refused(
    limiter: Callable[..., RateLimiter],
) -> None:
    quota = await limiter().charge("203.0.113.9", 101, with_token=False)

    assert quota is not None
    assert quota.allowed is False


async def test_zero_points_means_no_limit(limiter: Callable[..., RateLimiter]) -> None:
    assert await limiter(rate_limit_points=0).charge("a", 10**9, with_token=False) is None


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy() -> None:
    assert client_address("198.51.100.7", "203.0.113.9", PROXIES) == "198.51.100.7"
    assert client_address("10.1.2.3", "203.0.113.9", PROXIES) == "203.0.113.9"


def test_a_forged_forwarded_address_on_the_left_is_ignored() -> None:
    forged = "1.2.3.4, 203.0.113.9, 192.168.1.1"

    assert client_address("10.1.2.3", forged, PROXIES) == "203.0.113.9"


def test_a_request_from_a_trusted_proxy_without_forwarding_is_the_proxy() -> None:
    assert client_address("10.1.2.3", None, PROXIES) == "10.1.2.3"


async def test_limiters_on_one_redis_share_one_budget(
    redis_prefix: str, limiter: Callable[..., RateLimiter]
) -> None:
    first, second = (limiter(redis_url=REDIS_URL, redis_prefix=redis_prefix) for _ in range(2))

    spent = await first.charge("203.0.113.9", 70, with_token=False)
    refused = await second.charge("203.0.113.9", 70, with_token=False)

    assert spent is not None
    assert spent.allowed
    assert refused is not None
    assert refused.allowed is False
    assert refused.remaining == 30


async def test_a_redis_that_does_not_answer_serves_the_request_with_a_warning(
    limiter: Callable[..., RateLimiter],
    caplog: pytest.LogCaptureFixture,
) -> None:
    limits = limiter(redis_url=f"redis://127.0.0.1:{free_port()}/0")
    before = BACKEND_ERRORS._value.get()  # noqa: SLF001 - the counter's current value

    with caplog.at_level(logging.WARNING, logger="masthead.rate_limit"):
        quota = await limits.charge("203.0.113.9", 10, with_token=False)

    assert quota is None
    assert BACKEND_ERRORS._value.get() == before + 1  # noqa: SLF001
    assert "request served" in caplog.text
