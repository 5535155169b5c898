"""Reading ``[checks]``, the app checker's settings, into ``smsc.checks.ChecksConfig``
(docs/checks.md). Absent, every check runs with its defaults."""

from __future__ import annotations

import difflib
import re

from ..checks import CODES, ChecksConfig, QuietHours, Severity
from ..checks.localtime import ZONES
from .tables import Table
from .values import array, boolean, choice, integer, positive, refuse, seconds

__all__ = ["read_checks"]

_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


def check_code(value: object) -> str:
    """A finding code, with the closest one suggested."""
    if isinstance(value, str) and value in CODES:
        return value
    close = difflib.get_close_matches(str(value), list(CODES), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise refuse(f"must be a check code like 'protocol.no_resp'{hint}", value)


def quiet_hours(value: object) -> QuietHours | None:
    """``"21:00-08:00"`` (local time, may span midnight), or false for never quiet."""
    if value is False:
        return None
    wanted = 'must be "HH:MM-HH:MM" (local time, e.g. "21:00-08:00") or false'
    if not isinstance(value, str):
        raise refuse(wanted, value)
    start, dash, end = value.partition("-")
    a, b = _CLOCK.fullmatch(start.strip()), _CLOCK.fullmatch(end.strip())
    if not dash or a is None or b is None:
        raise refuse(wanted, value)
    first, last = int(a[1]) * 60 + int(a[2]), int(b[1]) * 60 + int(b[2])
    if first == last:
        raise refuse("must not start and end at the same time", value)
    return QuietHours(first, last)


def country(value: object) -> str:
    """An ISO 3166 code the zone table knows, or "" for none."""
    if value == "" or (isinstance(value, str) and value.upper() in ZONES):
        return value.upper()
    raise refuse(
        'must be "" or an ISO 3166 country code with a zone here ('
        + ", ".join(sorted(ZONES))
        + ")",
        value,
    )


def _severities(t: Table) -> dict[str, Severity]:
    """``[checks.severity]``: one key per code (quoted: they hold dots)."""
    parse = choice({s.value: s for s in Severity})
    out: dict[str, Severity] = {}
    for code in CODES:
        given = t.get(code, parse, None)
        if given is not None:
            out[code] = given
    return out


def read_checks(t: Table) -> ChecksConfig:
    d = ChecksConfig()
    return ChecksConfig(
        enabled=t.get("enabled", boolean, d.enabled),
        reply_sla=t.get("reply_sla", positive, d.reply_sla),
        duplicate_window=t.get("duplicate_window", positive, d.duplicate_window),
        quiet_hours=t.get("quiet_hours", quiet_hours, d.quiet_hours),
        reply_window=t.get("reply_window", seconds, d.reply_window),
        max_parts=t.get("max_parts", integer(1, 255), d.max_parts),
        segment_timeout=t.get("segment_timeout", positive, d.segment_timeout),
        slow_response=t.get("slow_response", positive, d.slow_response),
        country=t.get("country", country, d.country),
        disabled=frozenset(t.get("disabled", array(check_code), tuple[str, ...]())),
        severity=t.table("severity", _severities, {}),
    )
