"""The app checker in the web inbox, in a real headless Chromium: the findings panel counts
by code as findings happen (live, from the event stream), the message they are about gets a
badge, and Clear empties the panel. Every wait is bounded."""

from __future__ import annotations

from typing import Any

from interop.conftest import SmpplibEsme
from test_inbox import browser, css, needs_chromium, open_inbox, wait_until  # noqa: F401

from smsc.pytest_plugin import Simulator

HANDSET = "447700900779"


@needs_chromium
def test_findings_show_live_with_counts_and_a_badge_on_the_message(
    smsc: Simulator,
    browser: Any,  # noqa: F811 - the fixture
) -> None:
    open_inbox(browser, smsc)
    wait_until(browser, "the findings panel", lambda: css(browser, "#findings-empty"))
    with SmpplibEsme(smsc.smpp_address) as esme:
        esme.bind("transceiver")
        resp = esme.submit(
            source_addr="12345",
            destination_addr=HANDSET,
            short_message="Your code is 1234".encode("utf-16-be"),
            data_coding=8,
        )
        assert resp.status == 0

    def count(code: str) -> str | None:
        found = css(browser, f'li.finding-count[data-code="{code}"] .n')
        return found[0].text if found else None

    wait_until(
        browser,
        "both findings counted",
        lambda: (
            count("encoding.ucs2_not_needed") == "1"
            and count("compliance.no_opt_out_notice") == "1"
        ),
    )
    assert css(browser, "#findings-total")[0].text == "(2)"
    css(browser, f'button[data-handset="{HANDSET}"]')[0].click()
    badge = wait_until(
        browser, "a badge on the message", lambda: css(browser, "li[data-id] .finding-badge")
    )[0]
    assert badge.text == "⚠ 2"
    assert "encoding.ucs2_not_needed" in badge.get_attribute("title")

    css(browser, "#findings-clear")[0].click()
    wait_until(browser, "the panel emptied", lambda: css(browser, "#findings-empty:not([hidden])"))
    wait_until(browser, "the badge gone", lambda: not css(browser, ".finding-badge"))
