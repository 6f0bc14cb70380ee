"""Seeded coin flips, so that shares read as "in 85% of posts" rather than comparisons."""

from __future__ import annotations

import random


def chance(rng: random.Random, share: float) -> bool:
    """True for about `share` of the calls."""
    return rng.random() < share
