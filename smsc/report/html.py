"""The report as one self-contained HTML page: inline CSS and SVG charts, no script and no
external asset, so it opens anywhere, offline, attached to a ticket."""

from __future__ import annotations

from html import escape
from typing import Any

from ..checks import CODES
from .headline import headlines, ms, when
from .svg import bar_chart

__all__ = ["render_html"]

_SEVERITY_COLOURS = {"error": "#c0392b", "warning": "#d68910", "info": "#2e86c1"}

_CSS = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1000px;
  color: #1d2330; padding: 0 1rem; }
h1 { margin-bottom: .2rem; } .generated { color: #5b6475; margin-top: 0; }
.headlines { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr));
  gap: .8rem; margin: 1.5rem 0; }
.headline { border: 1px solid #d7dce5; border-radius: 8px; padding: .8rem 1rem; }
.headline .value { display: block; font-size: 1.9rem; font-weight: 650; }
.headline .label { display: block; font-weight: 600; }
.headline .detail { display: block; color: #5b6475; font-size: .85rem; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
svg text { font: 12px system-ui, sans-serif; fill: #1d2330; }
svg .chart-title { font-weight: 650; font-size: 14px; }
table { border-collapse: collapse; margin: .5rem 0 1.5rem; }
td, th { border-bottom: 1px solid #e3e7ee; padding: .3rem .7rem; text-align: left; }
td.n, th.n { text-align: right; }
.sev { font-weight: 600; } .sev-error { color: #c0392b; } .sev-warning { color: #b9770e; }
.sev-info { color: #2e86c1; } code { font-size: .92em; }
"""


def _table(head: list[str], rows: list[list[str]], numeric: frozenset[int] = frozenset()) -> str:
    def cell(tag: str, i: int, v: str) -> str:
        cls = ' class="n"' if i in numeric else ""
        return f"<{tag}{cls}>{v}</{tag}>"

    out = ["<table><tr>", *(cell("th", i, escape(h)) for i, h in enumerate(head)), "</tr>"]
    for row in rows:
        out += ["<tr>", *(cell("td", i, v) for i, v in enumerate(row)), "</tr>"]
    out.append("</table>")
    return "".join(out)


def render_html(data: dict[str, Any]) -> str:
    parts = [
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>",
        "<meta name=viewport content='width=device-width, initial-scale=1'>",
        f"<title>smsc run report, {escape(when(data['generated']))}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>smsc run report</h1>",
        f"<p class=generated>Generated {escape(when(data['generated']))}.</p>",
        "<section class=headlines>",
    ]
    for key, label, value, detail in headlines(data):
        parts.append(
            f"<div class=headline id='headline-{key}'><span class=value>{escape(value)}</span>"
            f"<span class=label>{escape(label)}</span>"
            f"<span class=detail>{escape(detail)}</span></div>"
        )
    parts.append("</section>")
    msgs = data["messages"]
    charts = [
        bar_chart("MT parts by state", sorted(msgs["mt"].items())),
        bar_chart("MO parts by state", sorted(msgs["mo"].items()), "#5a9e6f"),
    ]
    if data.get("enabled"):
        found = data["findings"]
        by_code = [(c, n) for c, n in found["by_code"].items() if n]
        charts.insert(0, bar_chart("Findings by code", by_code, "#c0392b"))
        resp = data["responses"]
        rows = [(bar["label"], bar["count"]) for bar in resp["histogram"]]
        charts.append(bar_chart("The app's deliver_sm response times", rows, "#7d5ba6"))
        parts_rows = [(f"{k} part(s)", v) for k, v in data["parts"].items()]
        charts.append(bar_chart("Messages by number of parts", parts_rows, "#3b8686"))
    parts += ["<h2>Charts</h2><section class=charts>", *charts, "</section>"]
    if data.get("enabled"):
        parts.append(_details(data))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _details(data: dict[str, Any]) -> str:
    found = data["findings"]
    rows = []
    for code, n in found["by_code"].items():
        check = CODES[code]
        sev = check.severity.value
        rows.append(
            [
                f"<code>{escape(code)}</code>",
                f"<span class='sev sev-{sev}'>{sev}</span>",
                str(n),
                escape(check.about),
            ]
        )
    out = ["<h2>Findings by code</h2>", _table(["code", "default severity", "findings", "about"],
                                               rows, frozenset({2}))]  # fmt: skip
    if found["latest"]:
        latest = [
            [
                escape(f"{f['severity']}"),
                f"<code>{escape(f['code'])}</code>",
                escape(str(f.get("handset") or "")),
                escape(str(f.get("message_id") or "")),
                escape(f["text"]),
            ]
            for f in found["latest"]
        ]
        out += [
            f"<h2>Latest findings ({len(found['latest'])} of {found['total']})</h2>",
            _table(["severity", "code", "handset", "message", "what to do"], latest),
        ]
    resp, replies = data["responses"], data["replies"]
    out.append(
        "<h2>Times</h2>"
        + _table(
            ["", "median", "p95", "p99", "max", "count"],
            [
                [
                    "deliver_sm response",
                    *(escape(ms(resp[k])) for k in ("p50", "p95", "p99", "max")),
                    str(resp["count"]),
                ],
                [
                    "reply to an MO",
                    *(escape(ms(replies["times"][k])) for k in ("p50", "p95", "p99", "max")),
                    str(replies["mo"]),
                ],
            ],
            frozenset({5}),
        )
    )
    return "\n".join(out)
