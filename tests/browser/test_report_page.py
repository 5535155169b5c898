"""The run report rendered in a real headless Chromium: its headline figures read from the
rendered page, both from its HTML and from its pixels (each figure's screenshot read back with
Tesseract), and its screenshot drawn (charts and text, not a blank page). The screenshots are
kept in the test's temporary folder to look at: report.png and one per figure read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from interop.conftest import RawClient, unique_system_id
from ocr import element_png, needs_tesseract, read_text
from png import pixels
from test_inbox import browser, css, needs_chromium  # noqa: F401 - the fixture

import pdu
from smsc.pytest_plugin import Simulator

HANDSET = "447700900888"
CODE = "Your code is 1234"
# What the test sends (text, data_coding) and the findings (code, severity) each one earns
# with the default [checks] settings (docs/checks.md).
SENT: list[tuple[bytes, int, list[tuple[str, str]]]] = [
    (CODE.encode(), 0, [("compliance.no_opt_out_notice", "warning")]),
    (
        CODE.encode("utf-16-be"),  # GSM-7 carries it, and it repeats the first within 10 s
        8,
        [("encoding.ucs2_not_needed", "warning"), ("protocol.duplicate_submit", "warning")],
    ),
    (b"Done. Reply STOP to opt out", 0, []),
]
# Tesseract reads from these alphabets only, so a 0 is never taken for an O: a headline's
# figure (a count, a rate, "n/a", a time in ms or s) and its lower-case detail line.
FIGURE_CHARS = "0123456789 %./nams"
DETAIL_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz ,;./%"


def _expected() -> tuple[dict[str, str], dict[str, str]]:
    """The headline figures and details that what SENT makes: one part each, no MO sent (so
    no reply rate), and the one handset messaged never opted out."""
    found = [finding for _, _, findings in SENT for finding in findings]
    by_severity = {s: sum(1 for _, sev in found if sev == s) for s in ("error", "warning", "info")}
    handsets, opted_out = {HANDSET}, 0
    figures = {
        "messages": str(len(SENT)),
        "findings": str(len(found)),
        "replies": "n/a",
        "optouts": f"{100 * opted_out // len(handsets)}%",
    }
    details = {
        "messages": f"{len(SENT)} parts",
        "findings": f"{by_severity['error']} errors, {by_severity['warning']} warnings, "
        f"{by_severity['info']} info",
    }
    return figures, details


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
@needs_tesseract
def test_the_report_page_shows_its_headline_figures_and_charts(
    smsc: Simulator,
    browser: Any,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    with RawClient(smsc.smpp_address) as esme:
        assert esme.bind(system_id=unique_system_id()).command_status == 0
        for text, data_coding, _ in SENT:
            _submit(esme, text, data_coding)
    expected_figures, expected_details = _expected()
    browser.get(smsc.http_url + "/api/v1/report?format=html")
    figures = {key: css(browser, f"#headline-{key} .value")[0].text for key in expected_figures}
    assert figures == expected_figures
    details = {key: css(browser, f"#headline-{key} .detail")[0].text for key in expected_details}
    assert details == expected_details
    assert len(css(browser, "svg")) == 5
    drawn_bars = [b for b in css(browser, "svg rect") if b.size["width"] > 0]
    assert len(drawn_bars) >= 5  # findings (2 codes), MT by state, responses, parts

    # The same figures as pixels: each figure and each detail alone, rendered larger (type
    # some 40-60 pixels in size, where Tesseract reads best: the figure's large type at twice
    # its size, the detail's small type at three times), read back as one block of text
    # (psm 6, which reads a lone digit that psm 7, one line, can miss; a detail may wrap).
    seen: dict[str, str] = {}
    for part, scale, chars, keys in (
        ("value", 2, FIGURE_CHARS, expected_figures),
        ("detail", 3, DETAIL_CHARS, expected_details),
    ):
        for key in keys:
            element = css(browser, f"#headline-{key} .{part}")[0]
            png = element_png(browser, element, scale)
            (tmp_path / f"headline-{key}-{part}.png").write_bytes(png)
            seen[f"{key} {part}"] = " ".join(read_text(png, chars))
    assert seen == {
        **{f"{key} value": figure for key, figure in expected_figures.items()},
        **{f"{key} detail": detail for key, detail in expected_details.items()},
    }

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
