"""Findings: what the checker saw wrong, kept newest last in a bounded list, with every one
counted by code and severity (the counts survive the list's bound: /metrics reads them)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count

from .registry import CODES, Severity

__all__ = ["DEFAULT_LIMIT", "Finding", "FindingQuery", "Findings"]

DEFAULT_LIMIT = 10_000  # findings kept; the oldest go first (a flood must not grow memory)


@dataclass(slots=True)
class Finding:
    """One problem seen in the app's traffic."""

    id: int
    code: str
    severity: Severity
    time: float
    account: str
    text: str  # what happened and what to do, one line
    message_id: str | None = None
    handset: str | None = None
    sender: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "code": self.code,
            "severity": self.severity.value,
            "time": self.time,
            "account": self.account,
            "message_id": self.message_id,
            "handset": self.handset,
            "sender": self.sender,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class FindingQuery:
    """Filters of GET /api/v1/findings; every one given must match."""

    code: str | None = None
    severity: Severity | None = None  # this severity or worse
    account: str | None = None
    handset: str | None = None
    message_ids: frozenset[str] | None = None
    since: float | None = None  # time >= since

    def matches(self, f: Finding) -> bool:
        return (
            (self.code is None or f.code == self.code)
            and (self.severity is None or f.severity.rank >= self.severity.rank)
            and (self.account is None or f.account == self.account)
            and (self.handset is None or f.handset == self.handset)
            and (self.message_ids is None or f.message_id in self.message_ids)
            and (self.since is None or f.time >= self.since)
        )


class Findings:
    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self._items: deque[Finding] = deque(maxlen=limit)
        self._ids = count(1)
        # (code, severity) -> findings made since start (never reset: metrics are monotonic)
        self.counts: dict[tuple[str, Severity], int] = {}
        # Told of each new finding (the event stream); called synchronously.
        self.listeners: list[Callable[[Finding], None]] = []

    def __len__(self) -> int:
        return len(self._items)

    def add(
        self,
        code: str,
        severity: Severity,
        time: float,
        account: str,
        text: str,
        message_id: str | None = None,
        handset: str | None = None,
        sender: str | None = None,
    ) -> Finding:
        assert code in CODES, code
        f = Finding(
            next(self._ids), code, severity, time, account, text, message_id, handset, sender
        )
        self._items.append(f)
        key = (code, severity)
        self.counts[key] = self.counts.get(key, 0) + 1
        for listener in self.listeners:
            listener(f)
        return f

    def find(self, query: FindingQuery = FindingQuery(), limit: int | None = None) -> list[Finding]:
        """Matching findings, newest first."""
        out: list[Finding] = []
        for f in reversed(self._items):
            if query.matches(f):
                out.append(f)
                if limit is not None and len(out) >= limit:
                    break
        return out

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._items)

    def by_code(self) -> dict[str, int]:
        """Findings kept, per code (the inbox panel and the report)."""
        out: dict[str, int] = {}
        for f in self._items:
            out[f.code] = out.get(f.code, 0) + 1
        return out

    def clear(self) -> int:
        """Forget every finding kept; how many there were. Counts stay (monotonic)."""
        n = len(self._items)
        self._items.clear()
        return n
