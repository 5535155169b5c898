"""The delivery-retry summary: one line per account and window, statuses by name."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smsc.retrylog import RetrySummary


def test_a_burst_of_retries_is_one_line_per_account_when_the_window_ends() -> None:
    s = RetrySummary(interval=5.0)
    lines: list[str] = []
    for i in range(180):
        lines += s.add("acme", "ESME_RX_T_APPN", 100.0 + i * 0.01)
    for i in range(20):
        lines += s.add("acme", "no response", 102.0 + i * 0.01)
    lines += s.add("shop", "ESME_RTHROTTLED", 103.0)
    assert lines == []  # nothing before the window ends
    assert s.due() == 105.0
    assert s.flush(104.9) == []
    assert s.flush(105.0) == [
        "deliveries to acme: 200 retried (ESME_RX_T_APPN x180, no response x20) in the last 5 s",
        "deliveries to shop: 1 retried (ESME_RTHROTTLED x1) in the last 5 s",
    ]
    assert s.due() is None
    assert s.flush(200.0, force=True) == []  # said once


def test_a_retry_after_the_window_ended_reports_it_first_without_a_timer() -> None:
    s = RetrySummary(interval=5.0)
    s.add("acme", "no response", 0.0)
    lines = s.add("acme", "ESME_RSYSERR", 7.5)
    assert lines == ["deliveries to acme: 1 retried (no response x1) in the last 7.5 s"]
    assert s.due() == 12.5  # the new retry opened the next window
    assert s.flush(0.0, force=True) == [
        "deliveries to acme: 1 retried (ESME_RSYSERR x1) in the last 0 s"
    ]


def test_the_development_mode_queue_is_named_for_what_it_is() -> None:
    s = RetrySummary()
    s.add("", "no response", 1.0)
    assert s.flush(1.0, force=True) == [
        "deliveries to any receiver: 1 retried (no response x1) in the last 0 s"
    ]


def test_interval_must_be_positive() -> None:
    with pytest.raises(ValueError, match="interval"):
        RetrySummary(0)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.sampled_from(["ESME_RX_T_APPN", "no response"]),
            st.floats(0, 2, allow_nan=False),
        ),
        max_size=200,
    )
)
def test_every_retry_is_counted_once_and_lines_come_at_most_once_per_interval(
    events: list[tuple[str, str, float]],
) -> None:
    s = RetrySummary(interval=5.0)
    now = 0.0
    emitted: list[tuple[float, str]] = []
    for account, reason, step in events:
        now += step
        emitted += [(now, line) for line in s.add(account, reason, now)]
    emitted += [(now, line) for line in s.flush(now, force=True)]
    total = sum(int(line.split(": ")[1].split()[0]) for _, line in emitted)
    assert total == len(events)
    # At most one line per account per window, windows at least `interval` apart.
    by_account: dict[str, list[float]] = {}
    for t, line in emitted:
        by_account.setdefault(line.split(":")[0], []).append(t)
    for times in by_account.values():
        inner = times[:-1]  # the forced last flush may come early
        assert all(b - a >= 5.0 for a, b in itertools.pairwise(inner))
