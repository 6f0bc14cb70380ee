"""When a failed delivery is tried again: exponential backoff with jitter, in a bounded time.

After the first failed attempt the next waits about 5 s, then 30 s, 2 min, 10 min, 30 min,
1 h, 2 h, 4 h, and 8 h between each later one (each ±20 %), until `webhook_retry_for_s`
after the delivery was made: one last attempt at that bound, then the delivery has failed.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

DELAYS_S = (5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800)
JITTER = 0.2


def retry_delay(attempts: int, *, scale: float = 1.0) -> timedelta:
    """The wait after `attempts` failed attempts (1 after the first); `scale` shrinks it."""
    base = DELAYS_S[min(attempts, len(DELAYS_S)) - 1] * scale
    spread = random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311 - jitter, not a secret
    return timedelta(seconds=base * spread)


def next_attempt(
    attempts: int, *, created_at: datetime, now: datetime, retry_for_s: float, scale: float = 1.0
) -> datetime | None:
    """When to try again after `attempts` failed ones; None when the time is up."""
    deadline = created_at + timedelta(seconds=retry_for_s)
    if now >= deadline:
        return None
    return min(now + retry_delay(attempts, scale=scale), deadline)
