"""The checker's settings: the ``[checks]`` table as a record (docs/checks.md).

Every key has a default, so an absent table (zero-config development mode, or a config file
without it) runs every check with these values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .registry import CODES, Severity

__all__ = ["ChecksConfig", "QuietHours"]


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Local time of day, in minutes since midnight; ``start > end`` spans midnight."""

    start: int = 21 * 60
    end: int = 8 * 60

    def contains(self, minute: int) -> bool:
        if self.start <= self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end

    def __str__(self) -> str:
        return (
            f"{self.start // 60:02d}:{self.start % 60:02d}-{self.end // 60:02d}:{self.end % 60:02d}"
        )


@dataclass(frozen=True, slots=True)
class ChecksConfig:
    enabled: bool = True  # false: no check runs and nothing is observed (the hot path as before)
    reply_sla: float = 300.0  # seconds an MO delivered to the app may wait for an MT back
    duplicate_window: float = 10.0  # the same text to the same handset within it: a duplicate
    quiet_hours: QuietHours | None = QuietHours()  # None: never quiet
    # An MT within this long after the handset's last MO to that sender is a reply, which
    # quiet hours allow (24 h: the usual "customer care window").
    reply_window: float = 86_400.0
    max_parts: int = 10  # more parts than this: segment.too_many
    segment_timeout: float = 60.0  # parts still missing this long after the first: incomplete
    slow_response: float = 1.0  # a deliver_sm answered later than this: protocol.slow_resp
    # ISO 3166 country of handsets whose carrier has none ("" : their quiet hours unchecked).
    country: str = ""
    disabled: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)  # per-code override

    def __post_init__(self) -> None:
        for code in (*self.disabled, *self.severity):
            if code not in CODES:
                raise ValueError(f"unknown check code {code!r}")

    def severity_of(self, code: str) -> Severity | None:
        """The severity findings of ``code`` get; None when the check is off."""
        if not self.enabled or code in self.disabled:
            return None
        return self.severity.get(code, CODES[code].severity)
