"""The report's data: a JSON-able dict built from the store (messages by state) and a snapshot
of the checker (counts, rates, times, findings).

``checker_summary`` reads the checker and must run where the core runs (the reactor thread);
``message_counts`` only reads the store (thread-safe), so the HTTP layer runs it in a worker
thread: a large SQLite store is paged through without holding up SMPP traffic.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from pdu import MessageState

from ..checks import CHECKS, Checker, Severity
from ..model import Direction
from ..store import Store

__all__ = ["checker_summary", "message_counts", "percentiles", "report_data"]

PAGE = 5000
LATEST = 50  # findings listed in full in the report
NETWORK_ACCOUNT = "-network"  # the core's owner of the texts the network sends (STOP replies)
# Upper bounds (s) of the response-time histogram's bars; the last bar is everything above.
RESPONSE_BOUNDS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0)


def message_counts(store: Store) -> dict[str, dict[str, int]]:
    """Parts held by the store per direction ("mt", "mo", "network") and state name."""
    counts: dict[str, dict[str, int]] = {"mt": {}, "mo": {}, "network": {}}
    offset = 0
    while True:
        page = store.find_messages(limit=PAGE, offset=offset)
        for m in page:
            if m.account == NETWORK_ACCOUNT:
                kind = "network"
            else:
                kind = "mt" if m.direction is Direction.MT else "mo"
            name = MessageState(m.state).name
            counts[kind][name] = counts[kind].get(name, 0) + 1
        if len(page) < PAGE:
            return counts
        offset += PAGE


def percentiles(values: Sequence[float]) -> dict[str, float | None]:
    """Median, 95th, 99th percentile (nearest rank) and maximum; None when empty."""
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    ordered = sorted(values)
    n = len(ordered)

    def rank(p: float) -> float:
        return ordered[max(0, math.ceil(p * n) - 1)]

    return {"p50": rank(0.5), "p95": rank(0.95), "p99": rank(0.99), "max": ordered[-1]}


def _histogram(values: Sequence[float]) -> list[dict[str, Any]]:
    bars = [0] * (len(RESPONSE_BOUNDS) + 1)
    for v in values:
        i = 0
        while i < len(RESPONSE_BOUNDS) and v > RESPONSE_BOUNDS[i]:
            i += 1
        bars[i] += 1
    labels = [f"≤{b:g} s" for b in RESPONSE_BOUNDS] + [f">{RESPONSE_BOUNDS[-1]:g} s"]
    return [{"label": label, "count": n} for label, n in zip(labels, bars, strict=True)]


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def checker_summary(checks: Checker | None) -> dict[str, Any]:
    """What the checker counted and found (a snapshot: copies, never live structures)."""
    if checks is None:
        return {"enabled": False}
    counts = checks.counts
    conv = checks.conversations
    responses = list(checks.protocol.response_times)
    kept = checks.findings.find()
    by_code = {c.code: 0 for c in CHECKS}
    by_severity = {s.value: 0 for s in Severity}
    for f in kept:
        by_code[f.code] += 1
        by_severity[f.severity.value] += 1
    contacted, opted_out = checks.contacts()
    return {
        "enabled": True,
        "settings": {
            "reply_sla": checks.config.reply_sla,
            "slow_response": checks.config.slow_response,
            "max_parts": checks.config.max_parts,
        },
        "mt_messages": counts.mt_messages,
        "mt_parts": counts.mt_parts,
        "refused": counts.refused,
        "parts": {str(k): v for k, v in sorted(counts.per_parts().items())},
        "replies": {
            "mo": conv.mo,
            "answered_in_sla": conv.answered,
            "rate": _rate(conv.answered, conv.mo),
            "waiting": len(conv.awaiting),
            "times": percentiles(list(conv.reply_times)),
        },
        "opt_outs": {
            "pairs": opted_out,
            "contacted": contacted,
            "rate": _rate(opted_out, contacted),
        },
        "responses": {
            "count": len(responses),
            **percentiles(responses),
            "histogram": _histogram(responses),
        },
        "findings": {
            "total": len(kept),
            "by_code": by_code,
            "by_severity": by_severity,
            "latest": [f.to_dict() for f in kept[:LATEST]],
        },
    }


def report_data(
    messages: dict[str, dict[str, int]], summary: dict[str, Any], now: float
) -> dict[str, Any]:
    return {"generated": now, "messages": messages, **summary}
