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
        n: str | None = browser.execute_script(
            f"return document.querySelector('li.finding-count[data-code=\"{code}\"] .n')"
            "?.textContent ?? null"
        )
        return n

    wait_until(
        browser,
        "both findings counted",
        lambda: (
            count("encoding.ucs2_not_needed") == "1"
            and count("compliance.no_opt_out_notice") == "1"
        ),
    )
    assert (
        browser.execute_script("return document.getElementById('findings-total').textContent")
        == "(2)"
    )
    # Each look is one script: the inbox re-renders its lists at any time.
    opened = f"const b = document.querySelector('button[data-handset=\"{HANDSET}\"]');"
    wait_until(
        browser,
        "the conversation",
        lambda: browser.execute_script(opened + "b?.click(); return !!b"),
    )
    badge = wait_until(
        browser,
        "a badge on the message",
        lambda: browser.execute_script(
            "const b = document.querySelector('#messages li[data-id] .finding-badge');"
            " return b && [b.textContent, b.title]"
        ),
    )
    assert badge[0] == "⚠ 2"
    assert "encoding.ucs2_not_needed" in badge[1]

    browser.execute_script("document.getElementById('findings-clear').click()")
    wait_until(browser, "the panel emptied", lambda: css(browser, "#findings-empty:not([hidden])"))
    wait_until(browser, "the badge gone", lambda: not css(browser, ".finding-badge"))
