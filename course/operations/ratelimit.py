"""Sliding-window rate limits, counted atomically: in Redis when REDIS_URL is set, in this process otherwise.

For each key the store holds the times of the requests allowed in the last
`window` seconds (a sliding log, at most `limit` entries that matter). A
request is allowed when fewer than `limit` fall inside the window; a refused
one is not recorded, and its Retry-After is exactly when the oldest entry
leaves the window. Unlike a fixed window, no client can burst twice the
limit across a boundary.

Counting is atomic, so under any burst at most `limit` requests pass:
- with Redis, one Lua script trims, counts and records in a single step (a
  sorted set per key), shared by every process;
- without Redis, a lock guards a per-process dictionary (one process only:
  several processes need REDIS_URL to share a count).

An allowed hit returns a token; `release()` gives the slot back. The log-in
form takes a slot before checking the password and releases it when the
password was right, so only failures count and a burst of wrong guesses still
cannot exceed the limit while they are being checked.

Redis is optional at run time: when it does not answer (refused, or silent
past REDIS_TIMEOUT_SECONDS), counting falls back to this process's own
window, a warning is logged, and Redis is not asked again for
REDIS_RETRY_SECONDS, so a hung Redis costs one request at most the timeout.
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from dataclasses import dataclass

import structlog
from django.conf import settings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Limit:
    allowed: bool
    retry_after: int  # whole seconds until a request would be allowed (0 when allowed)
    key: str = ""
    token: str = ""  # names the recorded hit, for release()
    remaining: int = 0  # requests still allowed in the window after this one (for the RateLimit header)
    reset: int = 0  # whole seconds until the oldest counted request leaves the window and frees a slot


# KEYS[1]: the key. ARGV: now (seconds, float), window (seconds), limit, token.
# Returns {1, seconds until the oldest counted hit leaves, slots left} when recorded,
# {0, seconds until the hit that blocks leaves, 0} when refused.
_HIT = """
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local n = redis.call('ZCARD', key)
if n < limit then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('EXPIRE', key, math.ceil(window) + 5)
  local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return {1, tostring(tonumber(first[2]) + window - now), limit - n - 1}
end
local oldest = redis.call('ZRANGE', key, n - limit, n - limit, 'WITHSCORES')
return {0, tostring(tonumber(oldest[2]) + window - now), 0}
"""


class LocalWindows:
    """The sliding log in this process, behind a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: dict[str, list[tuple[float, str]]] = {}

    def hit(self, key: str, limit: int, window: float, now: float, token: str) -> tuple[bool, float, int]:
        with self._lock:
            recent = [(t, name) for t, name in self._hits.get(key, ()) if now - t < window]
            if len(recent) >= limit:
                self._hits[key] = recent
                return False, recent[-limit][0] + window - now, 0
            recent.append((now, token))
            self._hits[key] = recent
            if len(self._hits) > 10_000:  # forget keys whose windows are over, so memory stays bounded
                self._hits = {k: v for k, v in self._hits.items() if v and now - v[-1][0] < 3600}
            return True, recent[0][0] + window - now, limit - len(recent)

    def release(self, key: str, token: str) -> None:
        with self._lock:
            self._hits[key] = [(t, name) for t, name in self._hits.get(key, ()) if name != token]

    def clear(self) -> None:
        with self._lock:
            self._hits.clear()


class RedisWindows:
    """The sliding log in Redis, one atomic script per hit."""

    def __init__(self, url: str, timeout: float) -> None:
        # Imported here, not at the top: only a site with REDIS_URL pays for the client (0.1-0.3 s of a start).
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self.errors = redis.RedisError  # what `Limiter` treats as "Redis is down"
        # No retries: a Redis that does not answer within the timeout is down for this request.
        self.client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout,
                                           retry=Retry(NoBackoff(), 0), health_check_interval=0)
        self._script = self.client.register_script(_HIT)

    def hit(self, key: str, limit: int, window: float, now: float, token: str) -> tuple[bool, float, int]:
        allowed, wait, remaining = self._script(keys=[f"ratelimit:{key}"], args=[repr(now), window, limit, token])
        return bool(allowed), float(wait), int(remaining)

    def release(self, key: str, token: str) -> None:
        self.client.zrem(f"ratelimit:{key}", token)

    def ping(self) -> bool:
        return bool(self.client.ping())


class Limiter:
    """Redis when configured and answering, this process's windows otherwise."""

    def __init__(self) -> None:
        self.local = LocalWindows()
        self._redis: RedisWindows | None = None
        self._redis_url = ""
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _shared(self, *, even_if_paused: bool = False) -> RedisWindows | None:
        """The Redis windows for settings.REDIS_URL; None without one, or while paused after a failure."""
        url = settings.REDIS_URL
        if not url:
            return None
        with self._lock:
            if self._redis is None or self._redis_url != url:
                self._redis, self._redis_url, self._down_until = RedisWindows(url, settings.REDIS_TIMEOUT_SECONDS), url, 0.0
            if not even_if_paused and time.monotonic() < self._down_until:
                return None
            return self._redis

    def _failed(self, error: Exception) -> None:
        with self._lock:
            first = self._down_until == 0.0 or time.monotonic() >= self._down_until
            self._down_until = time.monotonic() + settings.REDIS_RETRY_SECONDS
        if first:
            log.warning("redis_unavailable", error=type(error).__name__,
                        effect="rate limits counted per process", retry_in_seconds=settings.REDIS_RETRY_SECONDS)

    def _recovered(self) -> None:
        if self._down_until:
            with self._lock:
                self._down_until = 0.0
            log.info("redis_available", effect="rate limits shared again")

    def hit(self, *, key: str, limit: int, window: int, now: float | None = None) -> Limit:
        now = time.time() if now is None else now
        token = uuid.uuid4().hex
        shared = self._shared()
        if shared is not None:
            try:
                allowed, wait, remaining = shared.hit(key, limit, window, now, token)
                self._recovered()
                return _limit(allowed, wait, key, token, remaining)
            except shared.errors as error:
                self._failed(error)
        allowed, wait, remaining = self.local.hit(key, limit, window, now, token)
        return _limit(allowed, wait, key, token, remaining)

    def release(self, hit: Limit) -> None:
        """Give back the slot `hit` took (a no-op for a refused hit)."""
        if not hit.allowed or not hit.token:
            return
        self.local.release(hit.key, hit.token)
        shared = self._shared()
        if shared is not None:
            try:
                shared.release(hit.key, hit.token)
            except shared.errors as error:
                self._failed(error)

    def shared_status(self) -> dict | None:
        """For /health: None without Redis, else whether it answers now (asked even while paused)."""
        shared = self._shared(even_if_paused=True)
        if shared is None:
            return None
        try:
            shared.ping()
        except shared.errors as error:
            self._failed(error)
            return {"ok": False, "error": type(error).__name__, "effect": "rate limits counted per process"}
        self._recovered()
        return {"ok": True}


def _limit(allowed: bool, wait: float, key: str, token: str, remaining: int = 0) -> Limit:
    if allowed:
        return Limit(True, 0, key, token, remaining=max(0, remaining), reset=max(1, math.ceil(wait)))
    seconds = max(1, math.ceil(wait))
    return Limit(False, seconds, key, "", remaining=0, reset=seconds)


limiter = Limiter()


def rate_limit_hit(*, key: str, limit: int, window: int, now: float | None = None) -> Limit:
    """Record one request for `key` if fewer than `limit` happened in the last `window` seconds."""
    return limiter.hit(key=key, limit=limit, window=window, now=now)


def rate_limit_release(hit: Limit) -> None:
    limiter.release(hit)
