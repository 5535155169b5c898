"""SMPP 3.4 time strings: schedule_delivery_time, validity_period, final_date.

A time field is empty (the lone NUL on the wire) or 16 characters ``YYMMDDhhmmsstnnp``:

* ``p`` is ``+`` or ``-``: an absolute local time, ``nn`` quarter hours ahead of (``+``) or
  behind (``-``) UTC, ``t`` tenths of a second;
* ``p`` is ``R``: a relative time, an offset from the SMSC's "now"; ``t`` and ``nn`` must be 0.

``YY`` always means 2000 + YY: the 3.4 fields name times around the time of use, and a
simulator never meets a 1990s schedule. Every datetime returned is timezone-aware UTC.

This module never reads the clock: callers pass ``now``. ``SmppTimeError`` is raised for any
malformed string; the caller maps it to ESME_RINVSCHED or ESME_RINVEXPIRY by field.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = [
    "RelativeTime",
    "SmppTimeError",
    "add_relative",
    "format_absolute",
    "format_relative",
    "parse",
    "parse_relative",
]

_LENGTH = 16
_MAX_QUARTER_HOURS = 48
_DIGITS = frozenset("0123456789")


class SmppTimeError(ValueError):
    """A time string that is not a valid SMPP 3.4 time."""


@dataclass(frozen=True, slots=True)
class RelativeTime:
    """The offset of a relative (``R``) time string; each field is 0-99."""

    years: int = 0
    months: int = 0
    days: int = 0
    hours: int = 0
    minutes: int = 0
    seconds: int = 0

    def __post_init__(self) -> None:
        for name in ("years", "months", "days", "hours", "minutes", "seconds"):
            value = getattr(self, name)
            if not 0 <= value <= 99:
                raise SmppTimeError(f"relative {name} must be 0-99, got {value}")


_Parts = tuple[int, int, int, int, int, int, int, int, str]


def _split(value: str) -> _Parts:
    """Check the common shape and return the eight numeric parts and ``p``."""
    if len(value) != _LENGTH:
        raise SmppTimeError(f"time string must be 16 characters, got {len(value)}: {value!r}")
    # Explicit ASCII set: str.isdigit() also accepts characters such as '²'.
    if not _DIGITS.issuperset(value[:15]):
        raise SmppTimeError(f"time string must have digits in positions 1-15: {value!r}")
    return (
        int(value[0:2]),
        int(value[2:4]),
        int(value[4:6]),
        int(value[6:8]),
        int(value[8:10]),
        int(value[10:12]),
        int(value[12]),
        int(value[13:15]),
        value[15],
    )


def parse(value: str, now: datetime) -> datetime | None:
    """Parse a time field; ``''`` gives ``None``, anything else an aware UTC datetime.

    A relative time is resolved against ``now`` (aware) with :func:`add_relative`.
    """
    if value == "":
        return None
    parts = _split(value)
    yy, mo, dd, hh, mi, ss, t, nn, p = parts
    if p == "R":
        return add_relative(now, _relative_from_parts(value, parts))
    if p not in "+-":
        raise SmppTimeError(f"time string must end in '+', '-' or 'R', got {p!r}: {value!r}")
    if nn > _MAX_QUARTER_HOURS:
        raise SmppTimeError(f"UTC offset must be 00-48 quarter hours, got {nn:02d}: {value!r}")
    if not 1 <= mo <= 12:
        raise SmppTimeError(f"month must be 01-12, got {mo:02d}: {value!r}")
    year = 2000 + yy
    last_day = calendar.monthrange(year, mo)[1]
    if not 1 <= dd <= last_day:
        raise SmppTimeError(
            f"day must be 01-{last_day} in {year}-{mo:02d}, got {dd:02d}: {value!r}"
        )
    if hh > 23 or mi > 59 or ss > 59:
        raise SmppTimeError(f"time of day out of range, {hh:02d}:{mi:02d}:{ss:02d}: {value!r}")
    offset = timedelta(minutes=15 * nn)
    local = datetime(year, mo, dd, hh, mi, ss, t * 100_000, tzinfo=UTC)
    # '+' means the local time is ahead of UTC, so UTC is local minus the offset.
    return local - offset if p == "+" else local + offset


def parse_relative(value: str) -> RelativeTime:
    """Parse a relative (``R``) time string without resolving it against a clock."""
    parts = _split(value)
    if parts[8] != "R":
        raise SmppTimeError(f"relative time string must end in 'R', got {parts[8]!r}: {value!r}")
    return _relative_from_parts(value, parts)


def _relative_from_parts(value: str, parts: _Parts) -> RelativeTime:
    yy, mo, dd, hh, mi, ss, t, nn, _ = parts
    if t != 0:
        raise SmppTimeError(f"relative time must have tenths 0, got {t}: {value!r}")
    if nn != 0:
        raise SmppTimeError(f"relative time must have UTC offset 00, got {nn:02d}: {value!r}")
    return RelativeTime(yy, mo, dd, hh, mi, ss)


def add_relative(now: datetime, rel: RelativeTime) -> datetime:
    """``now`` + ``rel`` in UTC: years and months by the calendar, the rest as a duration.

    Adding months keeps the day of month, clamped to the target month's length
    (Jan 31 + 1 month = Feb 28/29), as people and most SMSCs read "one month".
    """
    if now.utcoffset() is None:
        # A naive clock is the caller's bug, not the peer's: not an SmppTimeError.
        raise ValueError("now must be timezone-aware")
    base = now.astimezone(UTC)
    if rel.years or rel.months:
        index = base.year * 12 + (base.month - 1) + rel.years * 12 + rel.months
        year, month0 = divmod(index, 12)
        day = min(base.day, calendar.monthrange(year, month0 + 1)[1])
        base = base.replace(year=year, month=month0 + 1, day=day)
    return base + timedelta(
        days=rel.days, hours=rel.hours, minutes=rel.minutes, seconds=rel.seconds
    )


def format_absolute(dt: datetime, tz_quarter_hours: int = 0) -> str:
    """Format an aware datetime as local time ``tz_quarter_hours`` (-48..48) from UTC.

    Sub-tenth precision is truncated. The local year must be 2000-2099.
    """
    if dt.utcoffset() is None:
        raise ValueError("dt must be timezone-aware")
    if not -_MAX_QUARTER_HOURS <= tz_quarter_hours <= _MAX_QUARTER_HOURS:
        raise SmppTimeError(f"UTC offset must be -48..48 quarter hours, got {tz_quarter_hours}")
    local = dt.astimezone(UTC) + timedelta(minutes=15 * tz_quarter_hours)
    if not 2000 <= local.year <= 2099:
        raise SmppTimeError(f"year {local.year} is outside 2000-2099, the range of YY")
    sign = "-" if tz_quarter_hours < 0 else "+"
    return (
        f"{local.year - 2000:02d}{local.month:02d}{local.day:02d}"
        f"{local.hour:02d}{local.minute:02d}{local.second:02d}"
        f"{local.microsecond // 100_000}{abs(tz_quarter_hours):02d}{sign}"
    )


def format_relative(rel: RelativeTime) -> str:
    """Format a relative offset as ``YYMMDDhhmmss000R``."""
    return (
        f"{rel.years:02d}{rel.months:02d}{rel.days:02d}"
        f"{rel.hours:02d}{rel.minutes:02d}{rel.seconds:02d}000R"
    )
