"""Per-account rate limiting and per-bind outstanding-request caps. Pure: time is passed in.

Why a sliding-window log and not a token bucket: "10 msg/s" must mean at most 10 accepted
messages in *any* one-second interval, and the 11th refused with ESME_RTHROTTLED. A token bucket
with burst = rate lets a client spend a full bucket and then the tokens that refill during the
next second, up to nearly 2 x rate inside one second; a bucket with a small burst refuses
clients that send 10 messages back to back at the start of each second, which is what most
ESME throttles do. The log keeps the time of every accepted message of the last window, so the
limit is exact, at the cost of memory proportional to the rate (the config caps it).

Intervals are half-open: a message accepted at ``t`` counts against arrivals in
``[t, t + window)``, so a client sending exactly every ``1/rate`` seconds is never refused.
"""

from __future__ import annotations

import math
from collections import deque

__all__ = ["OutstandingCounter", "RateLimiter"]


MAX_WINDOW = 100 * 365 * 86400.0  # seconds


class RateLimiter:
    """At most ``limit`` messages accepted in any half-open interval of ``window`` seconds.

    ``now`` is any monotonic clock in seconds. If it goes backwards, the latest time seen is
    used instead, which can only make the limiter stricter, never let more through.
    """

    __slots__ = ("_accepted", "_last", "_total", "limit", "window")

    def __init__(self, limit: int, window: float = 1.0) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        if not (window > 0 and math.isfinite(window)):
            raise ValueError(f"window must be a positive number of seconds, got {window}")
        self.limit = limit
        self.window = window
        self._accepted: deque[tuple[float, int]] = deque()  # (time, count), oldest first
        self._total = 0  # sum of the counts in _accepted
        self._last = -math.inf

    @classmethod
    def per_second(cls, rate: float) -> RateLimiter:
        """A limiter for ``rate`` messages per second.

        An integral rate is exact: at most ``rate`` in any one-second interval. A fractional
        rate keeps its long-run value with the smallest whole burst: ``floor(rate)`` (at least
        1) per ``floor(rate) / rate`` seconds, e.g. 2.5/s is 2 per 0.8 s and 0.5/s is 1 per 2 s.
        """
        if not (rate > 0 and math.isfinite(rate)):
            raise ValueError(f"rate must be a positive number, got {rate}")
        if rate == int(rate):
            return cls(int(rate), 1.0)
        limit = max(1, math.floor(rate))
        # A rate near 0 (5e-324/s) would make the window infinite: a century is as good.
        return cls(limit, min(limit / rate, MAX_WINDOW))

    def _expire(self, now: float) -> float:
        now = max(now, self._last)
        self._last = now
        accepted = self._accepted
        while accepted and accepted[0][0] + self.window <= now:
            self._total -= accepted.popleft()[1]
        return now

    def in_window(self, now: float) -> int:
        """Messages accepted in ``(now - window, now]``."""
        self._expire(now)
        return self._total

    def allow(self, now: float, count: int = 1) -> bool:
        """Accept ``count`` messages at ``now`` (all or none); False means ESME_RTHROTTLED.

        A refused attempt uses no capacity, so a client retrying in a tight loop is not
        locked out for longer than its own excess. A ``count`` above ``limit`` is always
        refused.
        """
        if count < 1:
            raise ValueError(f"count must be at least 1, got {count}")
        now = self._expire(now)
        if self._total + count > self.limit:
            return False
        accepted = self._accepted
        if accepted and accepted[-1][0] == now:
            accepted[-1] = (now, accepted[-1][1] + count)
        else:
            accepted.append((now, count))
        self._total += count
        return True

    def next_allowed(self, now: float, count: int = 1) -> float:
        """The earliest time at or after ``now`` when ``allow(t, count)`` would succeed
        (``math.inf`` if ``count`` exceeds the limit). Does not accept anything."""
        if count < 1:
            raise ValueError(f"count must be at least 1, got {count}")
        if count > self.limit:
            return math.inf
        now = self._expire(now)
        excess = self._total + count - self.limit
        if excess <= 0:
            return now
        for t, n in self._accepted:
            excess -= n
            if excess <= 0:
                return t + self.window
        raise AssertionError("unreachable: the window holds more than the excess")


class OutstandingCounter:
    """Requests received on one bind and not yet answered, keyed by sequence_number.

    ``acquire`` refuses beyond ``limit`` (the session then answers with the account's
    ``outstanding_status``) and refuses a sequence_number that is already outstanding, so a
    duplicate cannot be counted twice or released early by its twin.
    """

    __slots__ = ("_open", "limit")

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        self.limit = limit
        self._open: set[int] = set()

    def __len__(self) -> int:
        return len(self._open)

    def __contains__(self, sequence_number: object) -> bool:
        return sequence_number in self._open

    @property
    def full(self) -> bool:
        return len(self._open) >= self.limit

    def acquire(self, sequence_number: int) -> bool:
        if sequence_number in self._open or self.full:
            return False
        self._open.add(sequence_number)
        return True

    def release(self, sequence_number: int) -> bool:
        """Forget an answered request; False if it was not outstanding."""
        if sequence_number not in self._open:
            return False
        self._open.remove(sequence_number)
        return True
