"""Rate limiter and outstanding-request counter: exact limits, with time passed in."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smsc.throttle import OutstandingCounter, RateLimiter

# -- examples --------------------------------------------------------------------------------


def test_ten_per_second_refuses_the_eleventh_in_the_same_second() -> None:
    limiter = RateLimiter.per_second(10)
    assert all(limiter.allow(100.0) for _ in range(10))
    assert not limiter.allow(100.0)
    assert not limiter.allow(100.999)
    assert limiter.allow(101.0)  # the burst at 100.0 left the window [100.0, 101.0)


def test_window_slides_per_message_not_per_second_boundary() -> None:
    limiter = RateLimiter.per_second(10)
    times = [0.5 + i * 0.05 for i in range(10)]  # 0.50 .. 0.95
    assert all(limiter.allow(t) for t in times)
    assert not limiter.allow(1.2)  # a fixed 1-second bucket would have reset at 1.0
    assert not limiter.allow(1.49)
    assert limiter.allow(1.5)  # exactly one message (0.50) has left the window
    assert not limiter.allow(1.5)


def test_refused_attempts_use_no_capacity() -> None:
    limiter = RateLimiter.per_second(2)
    assert limiter.allow(0.0) and limiter.allow(0.5)
    for i in range(100):
        assert not limiter.allow(0.6 + i * 0.001)
    assert limiter.allow(1.0)


def test_count_is_all_or_nothing() -> None:
    limiter = RateLimiter.per_second(5)
    assert limiter.allow(0.0, count=3)
    assert not limiter.allow(0.1, count=3)  # 6 > 5: nothing taken ...
    assert limiter.allow(0.1, count=2)  # ... so the remaining 2 are still there
    assert limiter.in_window(0.1) == 5
    assert not limiter.allow(0.2)


def test_count_above_the_limit_is_never_allowed() -> None:
    limiter = RateLimiter.per_second(3)
    assert not limiter.allow(0.0, count=4)
    assert limiter.next_allowed(0.0, count=4) == math.inf
    assert limiter.allow(0.0, count=3)


def test_time_going_backwards_lets_nothing_extra_through() -> None:
    limiter = RateLimiter.per_second(3)
    assert limiter.allow(10.0, count=3)
    assert not limiter.allow(0.0)
    assert not limiter.allow(9.5)
    assert limiter.allow(11.0)


def test_next_allowed_is_when_the_oldest_needed_message_leaves() -> None:
    limiter = RateLimiter.per_second(3)
    limiter.allow(0.0)
    limiter.allow(0.2, count=2)
    assert limiter.next_allowed(0.5) == 1.0
    assert limiter.next_allowed(0.5, count=2) == 1.2
    assert limiter.next_allowed(0.5, count=3) == 1.2
    assert limiter.next_allowed(2.0) == 2.0  # already free


def test_fractional_rates_keep_their_long_run_rate() -> None:
    half = RateLimiter.per_second(0.5)
    assert (half.limit, half.window) == (1, 2.0)
    two_and_a_half = RateLimiter.per_second(2.5)
    assert two_and_a_half.limit == 2
    assert two_and_a_half.window == pytest.approx(0.8)
    assert half.allow(0.0)
    assert not half.allow(1.9)
    assert half.allow(2.0)


@pytest.mark.parametrize("rate", [0, -1, math.inf, math.nan])
def test_bad_rates_are_refused(rate: float) -> None:
    with pytest.raises(ValueError, match="rate"):
        RateLimiter.per_second(rate)


def test_bad_limits_windows_and_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="limit"):
        RateLimiter(0)
    with pytest.raises(ValueError, match="window"):
        RateLimiter(1, 0.0)
    with pytest.raises(ValueError, match="count"):
        RateLimiter(1).allow(0.0, count=0)


# -- properties ------------------------------------------------------------------------------

arrival_times = st.lists(
    st.floats(min_value=0.0, max_value=20.0, allow_nan=False), min_size=0, max_size=200
).map(sorted)


def accepted_times(limiter: RateLimiter, times: list[float], counts: list[int]) -> list[float]:
    accepted: list[float] = []
    for t, n in zip(times, counts, strict=True):
        if limiter.allow(t, n):
            accepted.extend([t] * n)
    return accepted


@given(rate=st.integers(min_value=1, max_value=30), times=arrival_times, data=st.data())
def test_no_one_second_window_holds_more_than_the_rate(
    rate: int, times: list[float], data: st.DataObject
) -> None:
    counts = data.draw(st.lists(st.integers(1, 4), min_size=len(times), max_size=len(times)))
    accepted = accepted_times(RateLimiter.per_second(rate), times, counts)
    # The fullest window [a, a + 1) starts at an accepted message.
    for a in accepted:
        assert sum(1 for t in accepted if a <= t < a + 1.0) <= rate


@given(
    rate=st.floats(min_value=0.05, max_value=50.0, allow_nan=False),
    times=arrival_times,
)
def test_any_rate_holds_its_limit_per_window(rate: float, times: list[float]) -> None:
    limiter = RateLimiter.per_second(rate)
    accepted = accepted_times(limiter, times, [1] * len(times))
    for a in accepted:
        assert sum(1 for t in accepted if a <= t < a + limiter.window) <= limiter.limit


@given(
    rate=st.one_of(
        st.integers(min_value=1, max_value=100).map(float),
        st.floats(min_value=0.05, max_value=100.0, allow_nan=False),
    ),
    slack=st.floats(min_value=1e-3, max_value=10.0),
    start=st.floats(min_value=0.0, max_value=1e6),
    n=st.integers(min_value=1, max_value=300),
)
def test_evenly_spaced_arrivals_below_the_rate_are_never_refused(
    rate: float, slack: float, start: float, n: int
) -> None:
    limiter = RateLimiter.per_second(rate)
    gap = (1.0 / rate) * (1.0 + slack)
    assert all(limiter.allow(start + k * gap) for k in range(n))


@given(
    limit=st.integers(min_value=1, max_value=10),
    window=st.floats(min_value=0.1, max_value=5.0),
    steps=st.lists(
        st.tuples(st.floats(min_value=0.0, max_value=3.0), st.integers(1, 12)), max_size=100
    ),
)
def test_matches_a_brute_force_model(
    limit: int, window: float, steps: list[tuple[float, int]]
) -> None:
    limiter = RateLimiter(limit, window)
    model: list[tuple[float, int]] = []  # every accepted (time, count)
    now = 0.0
    for gap, count in steps:
        now += gap
        in_window = sum(n for t, n in model if t + window > now)
        expected = in_window + count <= limit
        # next_allowed agrees with allow: now if it will succeed, later otherwise.
        at = limiter.next_allowed(now, count)
        assert (at == now) is expected
        assert limiter.allow(now, count) is expected
        if expected:
            model.append((now, count))
        assert limiter.in_window(now) == sum(n for t, n in model if t + window > now)


@given(
    limit=st.integers(min_value=1, max_value=10),
    steps=st.lists(
        st.tuples(st.floats(min_value=0.0, max_value=2.0), st.integers(1, 10)),
        min_size=1,
        max_size=60,
    ),
)
def test_next_allowed_is_the_earliest_time_that_works(
    limit: int, steps: list[tuple[float, int]]
) -> None:
    now = 0.0
    limiter = RateLimiter(limit, 1.0)
    for gap, count in steps[:-1]:
        now += gap
        limiter.allow(now, min(count, limit))
    count = min(steps[-1][1], limit)
    at = limiter.next_allowed(now, count)
    assert at >= now
    if at > now:
        assert not limiter.allow(math.nextafter(at, -math.inf), count)
    assert limiter.allow(at, count)


# -- outstanding requests --------------------------------------------------------------------


def test_outstanding_counter_caps_and_releases() -> None:
    counter = OutstandingCounter(2)
    assert counter.acquire(1)
    assert counter.acquire(2)
    assert counter.full
    assert not counter.acquire(3)
    assert 3 not in counter
    assert counter.release(1)
    assert counter.acquire(3)
    assert len(counter) == 2
    assert 2 in counter and 3 in counter


def test_outstanding_counter_ignores_duplicates_and_unknown_releases() -> None:
    counter = OutstandingCounter(5)
    assert counter.acquire(7)
    assert not counter.acquire(7)  # same sequence_number still unanswered
    assert len(counter) == 1
    assert counter.release(7)
    assert not counter.release(7)
    assert not counter.release(99)
    assert len(counter) == 0


def test_outstanding_counter_needs_a_positive_limit() -> None:
    with pytest.raises(ValueError, match="limit"):
        OutstandingCounter(0)


def test_a_rate_near_zero_allows_one_then_none_for_a_century() -> None:
    limiter = RateLimiter.per_second(5e-324)  # a window of 1/rate would be infinite
    assert limiter.allow(0.0)
    assert not limiter.allow(50 * 365 * 86400.0)
