"""The run report rendered in a real headless Chromium: its headline figures read from the
rendered page, and its screenshot drawn (charts and text, not a blank page). The screenshot
is kept as report.png in the test's temporary folder to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from interop.conftest import RawClient, unique_system_id
from png import pixels
from test_inbox import browser, css, needs_chromium  # noqa: F401 - the fixture

import pdu
from smsc.pytest_plugin import Simulator

HANDSET = "447700900888"


def _submit(esme: RawClient, text: bytes, data_coding: int = 0) -> None:
    resp = esme.request(
        pdu.SubmitSm(
            source_addr="12345",
            destination_addr=HANDSET,
            short_message=text,
            data_coding=data_coding,
        )
    )
    assert resp.command_status == 0


@needs_chromium
def test_the_report_page_shows_its_headline_figures_and_charts(
    smsc: Simulator,
    browser: Any,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    with RawClient(smsc.smpp_address) as esme:
        assert esme.bind(system_id=unique_system_id()).command_status == 0
        _submit(esme, b"Your code is 1234")  # no opt-out notice
        _submit(esme, "Your code is 1234".encode("utf-16-be"), 8)  # UCS-2, and a duplicate
        _submit(esme, b"Done. Reply STOP to opt out")
    browser.get(smsc.http_url + "/api/v1/report?format=html")
    figures = {
        key: css(browser, f"#headline-{key} .value")[0].text
        for key in ("messages", "findings", "replies", "optouts")
    }
    assert figures == {"messages": "3", "findings": "3", "replies": "n/a", "optouts": "0%"}
    detail = css(browser, "#headline-findings .detail")[0].text
    assert detail == "0 errors, 3 warnings, 0 info"
    assert len(css(browser, "svg")) == 5
    drawn_bars = [b for b in css(browser, "svg rect") if b.size["width"] > 0]
    assert len(drawn_bars) >= 5  # findings (2 codes), MT by state, responses, parts

    shot = browser.get_screenshot_as_png()
    (tmp_path / "report.png").write_bytes(shot)
    _, _, rgb = pixels(shot)
    drawn = sum(1 for p in rgb if p != (255, 255, 255))
    colours = set(rgb)
    # Text and bars: a fair share of the page is not background, in many colours (the
    # bars' own among them).
    assert drawn > 0.02 * len(rgb), f"only {drawn} of {len(rgb)} pixels drawn"
    assert len(colours) > 50
    assert any(
        abs(r - 0xC0) < 12 and abs(g - 0x39) < 12 and abs(b - 0x2B) < 12 for r, g, b in colours
    )
