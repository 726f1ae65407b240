"""A sliding-window rate limit kept in the shared cache (Redis when REDIS_URL is set).

For each key the cache holds the times of the requests allowed in the last
`window` seconds (a sliding log: at most `limit` entries). A request is
allowed when fewer than `limit` fall inside the window; a refused one is not
recorded, and its Retry-After is exactly when the oldest entry leaves the
window. Unlike a fixed window, no client can burst twice the limit across a
boundary. The read-modify-write is not atomic: two requests from the same
learner at the same instant may both get through, which for a per-learner
submission limit is an acceptable overshoot.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    allowed: bool
    retry_after: int  # whole seconds until a request would be allowed (0 when allowed)


def rate_limit_hit(*, key: str, limit: int, window: int, now: float | None = None) -> Limit:
    """Record one request for `key` if fewer than `limit` happened in the last `window` seconds."""
    now = time.time() if now is None else now
    cache_key = f"ratelimit:{key}"
    recent = [t for t in cache.get(cache_key, []) if now - t < window]
    if len(recent) >= limit:
        return Limit(False, max(1, math.ceil(recent[-limit] + window - now)))
    recent.append(now)
    cache.set(cache_key, recent[-limit:], timeout=window + 5)
    return Limit(True, 0)
