"""Findings as people read them: one line each (the CLI, the pytest plugin's failure
message, the Markdown report). Works on the API's JSON form of a finding."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

__all__ = ["finding_line", "findings_text"]


def finding_line(f: Mapping[str, object]) -> str:
    """``12:00:01 warning protocol.duplicate_submit [shop] 447700900123 msg 17...: text``."""
    when = datetime.fromtimestamp(float(f["time"]), UTC).strftime("%H:%M:%S")  # type: ignore[arg-type]
    about = " ".join(
        str(part)
        for part in (
            f"[{f['account']}]" if f.get("account") else None,
            f.get("handset"),
            f"msg {f['message_id']}" if f.get("message_id") else None,
        )
        if part
    )
    return f"{when} {f['severity']:<7} {f['code']} {about}: {f['text']}"


def findings_text(found: Iterable[Mapping[str, object]]) -> str:
    return "\n".join(finding_line(f) for f in found)
