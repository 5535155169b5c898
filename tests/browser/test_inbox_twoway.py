"""The inbox's two-way pieces in a real headless Chromium: the shown handset's conversation
script run with its state, and each number's reply rate and the app's response times."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser.test_inbox import css, needs_chromium, next_mo, wait_until
from interop.conftest import SmpplibEsme, bound_smpplib, simulator

from smsc.pytest_plugin import Simulator

HANDSET = "447700900888"
CLINIC = "12345"
CONFIG = """
[[carriers]]
name = "everyone"
latency = { kind = "fixed", seconds = 0.05 }

[[numbers]]
number = "12345"
account = "clinic"
type = "long_code"

[[handset_scripts]]
name = "reschedule"
delay = { kind = "fixed", seconds = 0.1 }
[[handset_scripts.states]]
name = "reminded"
[[handset_scripts.states.rules]]
match = "2 to reschedule"
reply = "2"
next = "offered"
[[handset_scripts.states]]
name = "offered"
[[handset_scripts.states.rules]]
match = "A or B"
reply = "B"
next = "done"
[[handset_scripts.states]]
name = "done"
"""


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[Simulator]:
    with simulator(tmp_path, CONFIG) as s:
        yield s


@pytest.fixture
def app(sim: Simulator) -> Iterator[SmpplibEsme]:
    with bound_smpplib(sim, "clinic") as client:
        yield client


@needs_chromium
def test_the_thread_shows_the_script_run_and_the_side_the_numbers_figures(
    sim: Simulator, app: SmpplibEsme, browser: Any
) -> None:
    browser.get(f"{sim.http_url}/#{HANDSET}")
    reminder = b"Your visit is Tue 10:00. Reply 1 to confirm, 2 to reschedule"
    assert (
        app.submit(source_addr=CLINIC, destination_addr=HANDSET, short_message=reminder).status == 0
    )
    assert next_mo(app).short_message == b"2"
    run = '#thread-scripts .script-run[data-script="reschedule"]'
    shown = wait_until(
        browser, "the run in state offered", lambda: css(browser, run + '[data-state="offered"]')
    )
    assert "with 12345" in shown[0].text
    assert "in progress" in shown[0].text

    app.collect(0.3)  # the app takes its time before the offer
    offer = b"Reply A or B: A) Wed 14:00, B) Thu 09:30"
    assert app.submit(source_addr=CLINIC, destination_addr=HANDSET, short_message=offer).status == 0
    assert next_mo(app).short_message == b"B"
    wait_until(
        browser,
        "the run finished",
        lambda: css(browser, run + '[data-state="done"][data-status="finished"]'),
    )

    row = '#twoway-numbers tr[data-number="12345"]'

    def figures() -> dict[str, str] | None:
        """The row's cells once the offer answered the 2 and the B came in, unanswered (the
        panel re-renders every few seconds: the first renders may show less, and a cell
        replaced while read makes wait_until poll again)."""
        found = {
            name: css(browser, f"{row} .{name}")
            for name in ("reply-rate", "opt-out-rate", "response", "unanswered")
        }
        if not all(found.values()):
            return None
        cells = {name: elements[0].text for name, elements in found.items()}
        if cells["response"].startswith("–") or cells["unanswered"] != "1":
            return None
        return cells

    cells = wait_until(browser, "the number's figures", figures)
    assert (cells["reply-rate"], cells["opt-out-rate"]) == ("100%", "0%")
    p50 = cells["response"].split(" / ")[0]  # the one answer: the offer, 0.3 s after the 2
    value, unit = p50.split()
    assert 0.28 <= float(value) / (1000 if unit == "ms" else 1) < 3.0, p50
