"""The submission rate limit: a sliding window, no burst across the boundary, an honest Retry-After."""

import pytest
from django.core.cache import cache

from course.operations.ratelimit import rate_limit_hit


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def hits(times, limit=3, window=60):
    return [rate_limit_hit(key="k", limit=limit, window=window, now=t) for t in times]


def test_the_limit_is_enforced_within_a_window():
    results = hits([0.0, 1.0, 2.0, 3.0])
    assert [r.allowed for r in results] == [True, True, True, False]
    assert 1 <= results[-1].retry_after <= 60


def test_no_double_burst_across_a_window_boundary():
    # Three at the very end of one window, then three right after the boundary.
    results = hits([59.0, 59.5, 59.9, 60.1, 60.2, 60.3])
    assert [r.allowed for r in results] == [True, True, True, False, False, False]


def test_retry_after_is_when_a_request_will_really_be_allowed():
    refused = hits([10.0, 11.0, 12.0, 13.0])[-1]
    assert not refused.allowed
    later = 13.0 + refused.retry_after
    assert rate_limit_hit(key="k", limit=3, window=60, now=later).allowed
    cache.clear()
    hits([10.0, 11.0, 12.0])
    assert not rate_limit_hit(key="k", limit=3, window=60, now=later - 2).allowed


def test_refused_requests_do_not_count_against_the_learner():
    hits([0.0, 1.0, 2.0])
    for t in range(3, 30):
        assert not rate_limit_hit(key="k", limit=3, window=60, now=float(t)).allowed
    assert rate_limit_hit(key="k", limit=3, window=60, now=130.0).allowed


def test_keys_are_independent():
    hits([0.0, 1.0, 2.0])
    assert rate_limit_hit(key="other", limit=3, window=60, now=3.0).allowed
