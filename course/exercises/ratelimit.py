"""A fixed-window rate limit in the shared cache (Redis when REDIS_URL is set)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    allowed: bool
    retry_after: int  # seconds until the window resets (when not allowed)


def rate_limit_hit(*, key: str, limit: int, window: int) -> Limit:
    """Count one event for `key`; allow at most `limit` per `window` seconds."""
    now = int(time.time())
    window_start = now - now % window
    cache_key = f"ratelimit:{key}:{window_start}"
    cache.add(cache_key, 0, timeout=window + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        return Limit(False, max(1, window_start + window - now))
    return Limit(True, 0)
