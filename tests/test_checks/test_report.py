"""The run report from a run driven through the core: its figures, Markdown and HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from checks_harness import DEST, SOURCE, CheckHarness, udh_part

from smsc.checks import ChecksConfig
from smsc.report import checker_summary, message_counts, render_html, render_markdown
from smsc.report import report_data as build

NOTICE = b" Reply STOP to opt out"


def a_run() -> dict[str, Any]:
    """3 messages (one in 2 parts) to 3 handsets, one of which STOPs; 2 MO, one answered."""
    h = CheckHarness(ChecksConfig(reply_sla=300))
    esme = h.client()
    esme.submit(short_message=b"Hello" + NOTICE)
    esme.submit(short_message=b"Hi there", destination_addr="447700900002")  # no notice
    esme.submit(destination_addr="447700900003", **udh_part(1, 2, 1, b"a" * 153))
    esme.submit(destination_addr="447700900003", **udh_part(1, 2, 2, NOTICE))
    h.core.inject_mo_text(DEST, SOURCE, "Thanks, when?", h.now)
    h.core.inject_mo_text("447700900002", SOURCE, "STOP", h.now)
    h.core.inject_mo_text("447700900003", SOURCE, "Who is this?", h.now)
    h.flush()
    h.advance(30)
    esme.submit(short_message=b"Tomorrow at 10")  # answers DEST after 30 s
    h.advance(400)  # 447700900003 waited past the SLA
    return build(message_counts(h.store), checker_summary(h.core.checks), h.now)


def test_the_figures_of_a_run() -> None:
    data = a_run()
    assert (data["mt_messages"], data["mt_parts"]) == (4, 5)
    assert data["parts"] == {"1": 3, "2": 1}
    assert data["messages"]["mt"] == {"DELIVERED": 5}
    assert sum(data["messages"]["mo"].values()) == 3
    replies = data["replies"]
    assert (replies["mo"], replies["answered_in_sla"], replies["rate"]) == (2, 1, 0.5)
    assert replies["times"]["p50"] == 30.0
    assert data["opt_outs"] == {"pairs": 1, "contacted": 3, "rate": 1 / 3}
    assert data["responses"]["count"] == 3  # the three MO (no receipt was asked for)
    found = data["findings"]
    assert found["by_code"]["compliance.no_opt_out_notice"] == 1
    assert found["by_code"]["conversation.unanswered"] == 1
    assert found["total"] == 2 and found["by_severity"]["warning"] == 2


def test_markdown_leads_with_the_headline_figures() -> None:
    md = render_markdown(a_run())
    assert "| messages sent | **4** | 5 parts |" in md
    assert "| findings | **2** | 0 errors, 2 warnings, 0 info |" in md
    assert "| reply rate | **50%** | of 2 MO answered within 300 s |" in md
    assert "| opt-out rate | **33%** | of 3 handsets messaged |" in md
    assert "| `conversation.unanswered` | warning | 1 |" in md


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.refs += [v or "" for k, v in attrs if k in ("src", "href")]


def test_the_html_page_is_self_contained_with_charts() -> None:
    page = render_html(a_run())
    parser = _Page()
    parser.feed(page)
    assert parser.tags.count("svg") == 5 and "script" not in parser.tags
    assert parser.refs == []  # no external asset of any kind
    assert re.search(r"id='headline-messages'><span class=value>4</span>", page)


def test_text_from_the_app_is_escaped() -> None:
    data = a_run()
    data["findings"]["latest"][0]["text"] = "<script>alert(1)</script>"
    page = render_html(data)
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_a_report_with_checks_off_still_counts_messages() -> None:
    h = CheckHarness(ChecksConfig(enabled=False))
    h.client().submit(short_message=b"x")
    data = build(message_counts(h.store), checker_summary(h.core.checks), h.now)
    assert "MT parts stored | **1**" in render_markdown(data)
    assert "<svg" in render_html(data)
