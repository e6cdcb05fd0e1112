"""The retry schedule of outbound calls: exponential backoff with seeded jitter.

Retry ``n`` (1 = the first retry) comes ``base * 2**(n-1)`` seconds after
attempt ``n``, times ``1 ± jitter`` drawn from the caller's generator (seed
it per delivery and attempt, and the schedule is reproducible).
"""

from __future__ import annotations

import random
from datetime import timedelta

__all__ = ["backoff"]


def backoff(retry: int, base_seconds: float, jitter: float, rng: random.Random) -> timedelta:
    """Delay before retry number ``retry``, rounded to the millisecond."""
    nominal = base_seconds * 2 ** (retry - 1)
    return timedelta(seconds=round(nominal * (1 + rng.uniform(-jitter, jitter)), 3))
