"""Delivery retries summarised for the log, sans-I/O: the caller passes ``now``.

An ESME that answers every deliver_sm with ESME_RX_T_APPN, or a receiver bind that stops
answering, makes every queued receipt fail and retry: one log line per attempt buried the
rest of the log after a load run. Instead each retry is counted per account and reason
(a status name, or "no response"), and one line per account sums up a window of
``interval`` seconds::

    deliveries to acme: 200 retried (ESME_RX_T_APPN x180, no response x20) in the last 5 s

``add`` returns the lines of a window that has ended by ``now``; ``due`` says when the open
window ends, so that the adapter can ``flush`` it on a timer once retries stop coming.
"""

from __future__ import annotations

from collections import Counter

__all__ = ["DEFAULT_INTERVAL", "RetrySummary"]

DEFAULT_INTERVAL = 5.0
ANY_ACCOUNT_NAME = "any receiver"  # development mode's MO queue: whichever bind receives


class RetrySummary:
    def __init__(self, interval: float = DEFAULT_INTERVAL) -> None:
        if not interval > 0:
            raise ValueError(f"interval must be > 0 seconds, got {interval}")
        self.interval = interval
        self._start: float | None = None  # when the open window began; None: none open
        self._counts: dict[str, Counter[str]] = {}

    def due(self) -> float | None:
        """When the open window ends (its lines are then due); None when nothing is counted."""
        return None if self._start is None else self._start + self.interval

    def add(self, account: str, reason: str, now: float) -> list[str]:
        """Count one retry of a delivery to ``account``; returns the lines of a window that
        ended before it (usually none)."""
        lines = self.flush(now)
        if self._start is None:
            self._start = now
        counts = self._counts.get(account)
        if counts is None:
            counts = self._counts[account] = Counter()
        counts[reason] += 1
        return lines

    def flush(self, now: float, *, force: bool = False) -> list[str]:
        """The lines of the open window if it has ended by ``now`` (or ``force``, e.g. at
        shutdown), one per account; the window is then closed."""
        start = self._start
        if start is None or (now < start + self.interval and not force):
            return []
        elapsed = max(now - start, 0.0)
        lines = [
            _line(account, counts, elapsed) for account, counts in sorted(self._counts.items())
        ]
        self._start = None
        self._counts = {}
        return lines


def _line(account: str, counts: Counter[str], elapsed: float) -> str:
    total = sum(counts.values())
    # Most frequent first; ties by name so that a line reads the same run after run.
    reasons = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    detail = ", ".join(f"{reason} x{n}" for reason, n in reasons)
    who = account or ANY_ACCOUNT_NAME
    return f"deliveries to {who}: {total} retried ({detail}) in the last {round(elapsed, 1):g} s"
