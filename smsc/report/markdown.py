"""The report as Markdown (a ticket's comment, a CI summary)."""

from __future__ import annotations

from typing import Any

from ..checks import CODES
from ..checks.show import finding_line
from .headline import headlines, ms, when

__all__ = ["render_markdown"]


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(data: dict[str, Any]) -> str:
    out = ["# smsc run report", "", f"Generated {when(data['generated'])}.", ""]
    out += ["| | | |", "|---|---|---|"]
    out += [
        f"| {label} | **{value}** | {_cell(detail)} |"
        for _, label, value, detail in headlines(data)
    ]
    msgs = data["messages"]
    states = sorted({*msgs["mt"], *msgs["mo"]})
    out += ["", "## Messages by state (parts held)", "", "| state | MT | MO |", "|---|---:|---:|"]
    out += [f"| {s} | {msgs['mt'].get(s, 0)} | {msgs['mo'].get(s, 0)} |" for s in states]
    if not states:
        out.append("| (none) | 0 | 0 |")
    if not data.get("enabled"):
        return "\n".join(out) + "\n"
    out += ["", "## Parts per message", "", "| parts | messages |", "|---:|---:|"]
    out += [f"| {k} | {v} |" for k, v in data["parts"].items()]
    resp = data["responses"]
    out += [
        "",
        "## The app's deliver_sm response times",
        "",
        f"{resp['count']} responses: median {ms(resp['p50'])}, p95 {ms(resp['p95'])},"
        f" p99 {ms(resp['p99'])}, max {ms(resp['max'])}"
        f" (slow above {ms(data['settings']['slow_response'])}).",
        "",
        "| response time | responses |",
        "|---|---:|",
    ]
    out += [f"| {bar['label']} | {bar['count']} |" for bar in resp["histogram"]]
    replies = data["replies"]
    out += [
        "",
        "## Conversations",
        "",
        f"{replies['mo']} MO needed an answer; {replies['answered_in_sla']} were answered within"
        f" {data['settings']['reply_sla']:g} s, {replies['waiting']} still wait."
        f" Reply time: median {ms(replies['times']['p50'])}, max {ms(replies['times']['max'])}.",
    ]
    found = data["findings"]
    out += ["", "## Findings by code", "", "| code | severity | findings | about |"]
    out.append("|---|---|---:|---|")
    for code, n in found["by_code"].items():
        check = CODES[code]
        out.append(f"| `{code}` | {check.severity.value} | {n} | {_cell(check.about)} |")
    if found["latest"]:
        out += ["", f"## Latest findings ({len(found['latest'])} of {found['total']})", ""]
        out += [f"- {_cell(finding_line(f))}" for f in found["latest"]]
    return "\n".join(out) + "\n"
