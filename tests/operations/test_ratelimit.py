"""The rate limit: a sliding window, no burst across the boundary, an honest Retry-After, atomic counting,
and Redis optional (its loss costs one timeout, then limits are counted per process)."""

import socket
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from course.operations.ratelimit import Limiter


@pytest.fixture(params=["local", "redis"])
def limiter(request, settings):
    """A fresh limiter counting in this process, or in a real redis-server."""
    settings.REDIS_URL = request.getfixturevalue("redis_url") if request.param == "redis" else ""
    return Limiter()


@pytest.fixture
def key():
    return f"test:{uuid.uuid4().hex}"  # Redis outlives a test: every test counts under a key of its own


def hits(limiter, key, times, limit=3, window=60):
    return [limiter.hit(key=key, limit=limit, window=window, now=t) for t in times]


def test_the_limit_is_enforced_within_a_window(limiter, key):
    results = hits(limiter, key, [0.0, 1.0, 2.0, 3.0])
    assert [r.allowed for r in results] == [True, True, True, False]
    assert results[-1].retry_after == 57  # the first hit leaves the window at 60


def test_no_double_burst_across_a_window_boundary(limiter, key):
    # Three at the very end of one window, then three right after the boundary.
    results = hits(limiter, key, [59.0, 59.5, 59.9, 60.1, 60.2, 60.3])
    assert [r.allowed for r in results] == [True, True, True, False, False, False]


def test_retry_after_is_when_a_request_will_really_be_allowed(limiter, key):
    refused = hits(limiter, key, [10.0, 11.0, 12.0, 13.0])[-1]
    assert not refused.allowed
    later = 13.0 + refused.retry_after
    assert not limiter.hit(key=key, limit=3, window=60, now=later - 1).allowed
    assert limiter.hit(key=key, limit=3, window=60, now=later).allowed


def test_refused_requests_do_not_count_against_the_learner(limiter, key):
    hits(limiter, key, [0.0, 1.0, 2.0])
    for t in range(3, 30):
        assert not limiter.hit(key=key, limit=3, window=60, now=float(t)).allowed
    assert limiter.hit(key=key, limit=3, window=60, now=130.0).allowed


def test_keys_are_independent(limiter, key):
    hits(limiter, key, [0.0, 1.0, 2.0])
    assert limiter.hit(key=key + ":other", limit=3, window=60, now=3.0).allowed


def test_a_released_hit_gives_its_slot_back(limiter, key):
    first, second, third = hits(limiter, key, [0.0, 1.0, 2.0])
    assert not limiter.hit(key=key, limit=3, window=60, now=3.0).allowed
    limiter.release(second)
    assert limiter.hit(key=key, limit=3, window=60, now=4.0).allowed
    assert not limiter.hit(key=key, limit=3, window=60, now=5.0).allowed


def test_under_a_burst_exactly_the_limit_passes(limiter, key):
    """64 threads at once against a limit of 10: the count is atomic, so never 11."""
    start = threading.Barrier(64)

    def one(_):
        start.wait()
        return limiter.hit(key=key, limit=10, window=60).allowed

    with ThreadPoolExecutor(64) as pool:
        allowed = sum(pool.map(one, range(64)))
    assert allowed == 10


def silent_server():
    """A port that accepts connections and never answers: a hung Redis."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    return listener


def test_a_hung_redis_costs_one_timeout_then_limits_hold_per_process(settings, key, caplog):
    listener = silent_server()
    settings.REDIS_URL = f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    settings.REDIS_TIMEOUT_SECONDS = 0.25
    limiter = Limiter()
    started = time.perf_counter()
    first = limiter.hit(key=key, limit=2, window=60)
    took_first = time.perf_counter() - started
    started = time.perf_counter()
    rest = [limiter.hit(key=key, limit=2, window=60) for _ in range(20)]
    took_rest = time.perf_counter() - started
    listener.close()
    assert first.allowed and [r.allowed for r in rest[:2]] == [True, False]  # the fallback still limits
    assert took_first < 1.0  # one timeout (0.25 s), not redis-py's retries nor the OS's
    assert took_rest < took_first  # the others did not wait on Redis at all
    assert limiter.shared_status()["ok"] is False


def test_a_stopped_redis_is_used_again_once_it_is_back(settings, key, tmp_path):
    from .conftest import free_port

    port = free_port()
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    settings.REDIS_RETRY_SECONDS = 0
    limiter = Limiter()
    assert limiter.hit(key=key, limit=5, window=60).allowed  # nothing listens: counted locally
    assert limiter.shared_status()["ok"] is False
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while limiter.shared_status()["ok"] is False:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)  # waiting for the port
        limiter.hit(key=key, limit=5, window=60)
        import redis

        assert redis.Redis.from_url(settings.REDIS_URL).zcard(f"ratelimit:{key}") == 1  # counted in Redis again
    finally:
        server.terminate()
        server.wait(timeout=10)
