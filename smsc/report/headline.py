"""The figures both renderings lead with, formatted once."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

__all__ = ["Headline", "headlines", "ms", "pct", "when"]

Headline = tuple[str, str, str, str]  # (key, label, value, detail)


def when(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{100 * rate:.0f}%"


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    return f"{1000 * seconds:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def headlines(data: dict[str, Any]) -> list[Headline]:
    if not data.get("enabled"):
        mt = sum(data["messages"]["mt"].values())
        return [("messages", "MT parts stored", str(mt), "the app checker is off")]
    found = data["findings"]
    sev = found["by_severity"]
    replies = data["replies"]
    opt = data["opt_outs"]
    resp = data["responses"]
    return [
        ("messages", "messages sent", str(data["mt_messages"]), f"{data['mt_parts']} parts"),
        (
            "findings",
            "findings",
            str(found["total"]),
            f"{sev['error']} errors, {sev['warning']} warnings, {sev['info']} info",
        ),
        (
            "replies",
            "reply rate",
            pct(replies["rate"]),
            f"of {replies['mo']} MO answered within {data['settings']['reply_sla']:g} s",
        ),
        ("optouts", "opt-out rate", pct(opt["rate"]), f"of {opt['contacted']} handsets messaged"),
        (
            "responses",
            "deliver_sm response",
            ms(resp["p50"]),
            f"median of {resp['count']}; p95 {ms(resp['p95'])}, max {ms(resp['max'])}",
        ),
    ]
