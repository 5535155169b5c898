"""The web inbox at volume, in headless Chromium: newest first after 100,000 messages (a load
run's worth; the old page read the oldest 20,000 and stopped), paging back through handsets
and a whole conversation, the loading state, the search box, and the detail view of one
message (its PDU decoded).

Every wait re-reads the page in one script call, so a re-render between two reads cannot
leave the test holding a stale element; every wait is bounded.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser.test_inbox import WAIT, needs_chromium
from interop.conftest import RawClient, unique_system_id

import pdu
from pdu import MessageState
from smsc.model import Direction, Message
from smsc.pytest_plugin import Simulator
from smsc.server import DB_NAME
from smsc.store import Batch, SqliteStore

SEEDED = 100_000  # what the issue asks the inbox to stay right with
HANDSETS = 500
MO_SHARE = 0.1  # replies from the handsets among the MT
SHORT_CODE = "12345"
PAGE = 50  # inbox.js asks for this many handsets or messages at a time


def seeded_message(i: int, handset: str, direction: Direction, now: float) -> Message:
    """The ``i``-th message stored: MT to ``handset`` or MO from it, each with its own text."""
    mt = direction is Direction.MT
    text = f"load {i}" if mt else f"reply {i}"
    source, dest = (SHORT_CODE, handset) if mt else (handset, SHORT_CODE)
    kind = pdu.SubmitSm if mt else pdu.DeliverSm
    raw = pdu.encode(kind(source_addr=source, destination_addr=dest, short_message=text.encode()))
    return Message(
        message_id=f"seed-{i}",
        direction=direction,
        account="seed",
        source_addr_ton=0,
        source_addr_npi=0,
        source_addr=source,
        dest_addr_ton=0,
        dest_addr_npi=0,
        destination_addr=dest,
        esm_class=0,
        data_coding=0,
        registered_delivery=0,
        short_message=text.encode(),
        submit_time=now - SEEDED + i,
        state=MessageState.DELIVERED,
        done_time=now - SEEDED + i,
        text=text,
        raw_pdu=raw,
    )


def seed(path: Path) -> list[Message]:
    """SEEDED messages to and from HANDSETS handsets picked at random (seeded), written
    through the store's own batch write in one transaction, as a server would have kept them
    but without a server in the way: 100,000 take seconds. Returns them, ``seq`` set."""
    rng = random.Random(12)
    handsets = [f"4477009{h:05d}" for h in range(HANDSETS)]
    now = time.time()
    messages = [
        seeded_message(
            i,
            rng.choice(handsets),
            Direction.MO if rng.random() < MO_SHARE else Direction.MT,
            now,
        )
        for i in range(SEEDED)
    ]
    store = SqliteStore(path)
    try:
        store.apply(Batch(messages=messages))
    finally:
        store.close()
    return messages


def handset_of(m: Message) -> str:
    return m.destination_addr if m.direction is Direction.MT else m.source_addr


@dataclass(frozen=True)
class Crowded:
    """A server on the seeded store, and what the inbox should show of it, worked out from
    the messages seeded (not from the server)."""

    sim: Simulator
    newest: Message  # the last one stored
    handsets: list[str]  # every handset by its latest message, newest first
    thread: list[str]  # the texts of the newest message's conversation, oldest first


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crowded]:
    workdir = tmp_path_factory.mktemp("crowded")
    (workdir / "data").mkdir()
    stored = sorted(seed(workdir / "data" / DB_NAME), key=lambda m: m.seq)
    newest = stored[-1]
    latest = {handset_of(m): m.seq for m in stored}  # later ones overwrite earlier
    handsets = sorted(latest, key=latest.__getitem__, reverse=True)
    thread = [m.text or "" for m in stored if handset_of(m) == handset_of(newest)]
    del stored
    sim = Simulator.start(workdir, ["--store", "sqlite"])
    try:
        yield Crowded(sim, newest, handsets, thread)
    finally:
        sim.stop()


def read(browser: Any, script: str) -> Any:
    """One look at the page, in one script: nothing held across a re-render."""
    return browser.execute_script(script)


def until(browser: Any, what: str, script: str, wanted: Any = True) -> Any:
    """Polls ``script`` until it returns ``wanted`` (or, for ``wanted=True``, anything
    truthy); fails naming ``what`` with the last value seen."""
    deadline = time.monotonic() + WAIT
    seen = None
    while time.monotonic() < deadline:
        seen = read(browser, script)
        if seen if wanted is True else seen == wanted:
            return seen
        time.sleep(0.05)
    raise AssertionError(f"the inbox never showed {what}; last saw {seen!r}")


HANDSETS_SHOWN = (
    "return [...document.querySelectorAll('#conversations .conv-who')].map(e => e.textContent)"
)
BUBBLES = "return [...document.querySelectorAll('#messages .msg-text')].map(e => e.textContent)"


def click(browser: Any, selector: str) -> None:
    read(browser, f"document.querySelector({selector!r}).click()")


THREAD = (
    "return {n: document.querySelectorAll('#messages .msg-text').length,"
    " more: !document.getElementById('more-messages').hidden,"
    " busy: document.getElementById('messages').getAttribute('aria-busy') === 'true'}"
)


@needs_chromium
def test_newest_first_after_100000_messages_and_paging_back(crowded: Crowded, browser: Any) -> None:
    newest, expected = crowded.newest, crowded.handsets
    browser.get(crowded.sim.http_url + "/")
    shown = until(
        browser,
        f"{PAGE} handsets",
        f"const h = (() => {{ {HANDSETS_SHOWN} }})(); return h.length === {PAGE} && h",
    )
    # The newest message's handset first, with that message; then the handsets by their
    # latest message.
    assert shown[0] == handset_of(newest)
    arrow = "← " if newest.direction is Direction.MT else "→ "
    assert read(
        browser, "return document.querySelector('#conversations .conv-last').textContent"
    ) == arrow + (newest.text or "")
    assert shown == expected[:PAGE]
    # Older handsets, page by page, from the server (by cursor).
    click(browser, "#more-conversations")
    more = until(
        browser,
        f"{2 * PAGE} handsets",
        f"const h = (() => {{ {HANDSETS_SHOWN} }})(); return h.length === {2 * PAGE} && h",
    )
    assert more == expected[: 2 * PAGE]
    # The newest message's conversation: its newest messages first, at the bottom, the newest
    # last; older ones on demand (the page may also fetch them as its top scrolls into view).
    click(browser, f'button[data-handset="{handset_of(newest)}"]')
    bubbles = until(
        browser,
        f"its newest {PAGE} messages",
        f"const b = (() => {{ {BUBBLES} }})(); return b.length >= {PAGE} && b",
    )
    assert bubbles[-1] == newest.text
    assert bubbles[-PAGE:] == crowded.thread[-PAGE:]
    # Back to its first message, a page at a time, until the page says nothing is older.
    for _ in range(len(crowded.thread) // PAGE + 2):
        state = read(browser, THREAD)
        if not (state["more"] or state["busy"]):
            break
        click(browser, "#more-messages")  # a no-op while a page is on its way
        until(
            browser,
            "older messages or that nothing is older",
            f"const s = (() => {{ {THREAD} }})();"
            f" return !s.busy && (s.n > {state['n']} || !s.more)",
        )
    else:
        raise AssertionError(f"still older messages after {len(crowded.thread)} were shown")
    assert read(browser, BUBBLES) == crowded.thread


@needs_chromium
def test_loading_shows_as_loading_not_as_an_empty_inbox(smsc: Simulator, browser: Any) -> None:
    # Hold the first list of handsets until the test lets it through.
    held = browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument",
        {
            "source": """
            window.__release = null;
            const held = new Promise((r) => { window.__release = r; });
            const fetch0 = window.fetch;
            window.fetch = async (...args) => {
              if (String(args[0]).includes('/conversations')) await held;
              return fetch0(...args);
            };"""
        },
    )
    try:
        browser.get(smsc.http_url + "/")
        state = until(
            browser,
            "the loading state",
            "const l = document.getElementById('loading');"
            " return !l.hidden && [l.textContent,"
            " document.getElementById('conversations').getAttribute('aria-busy'),"
            " document.getElementById('empty').hidden]",
        )
        assert state == ["Loading messages…", "true", True]
        read(browser, "window.__release()")
        until(
            browser,
            "the empty inbox once loaded",
            "return document.getElementById('loading').hidden"
            " && !document.getElementById('empty').hidden",
        )
    finally:
        browser.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": held["identifier"]}
        )
        browser.get("about:blank")


@needs_chromium
def test_search_by_number_or_text_and_open_a_result(smsc: Simulator, browser: Any) -> None:
    smsc.send_mo("447700900042", SHORT_CODE, "Where is my invoice?")
    smsc.send_mo("447700900043", SHORT_CODE, "STOP")
    smsc.send_mo("447700900044", SHORT_CODE, "hello")
    browser.get(smsc.http_url + "/")
    until(browser, "three handsets", f"return (() => {{ {HANDSETS_SHOWN} }})().length === 3")

    def search(text: str) -> None:
        read(
            browser,
            "const s = document.getElementById('search');"
            f" s.value = {text!r}; s.dispatchEvent(new Event('input'));",
        )

    search("900043")
    assert until(browser, "only the handset searched for", HANDSETS_SHOWN, ["447700900043"]) == [
        "447700900043"
    ]
    search("invoice")
    results = until(
        browser,
        "the message containing the text",
        "return [...document.querySelectorAll('#result-messages .result')]"
        ".map(e => e.textContent).join('|') || null",
    )
    assert "Where is my invoice?" in results and "447700900042" in results
    assert read(browser, "return document.getElementById('no-match').hidden")
    click(browser, "#result-messages .result")
    until(
        browser,
        "the message's detail",
        "const d = document.getElementById('detail');"
        " return d.open && document.querySelector('#detail .detail-text')?.textContent",
        "Where is my invoice?",
    )
    search("nothing like it")
    until(browser, "that nothing matches", "return !document.getElementById('no-match').hidden")


@needs_chromium
def test_detail_view_shows_the_pdu_decoded_history_and_receipts(
    smsc: Simulator, browser: Any
) -> None:
    with RawClient(smsc.smpp_address) as esme:
        assert esme.bind(system_id=unique_system_id()).command_status == 0
        resp = esme.request(
            pdu.SubmitSm(
                source_addr=SHORT_CODE,
                destination_addr="447700900077",
                short_message=b"Your code is 9876",
                registered_delivery=1,
                user_message_reference=7,
            )
        )
        assert resp.command_status == 0
        smsc.wait_for_message(timeout=WAIT, to="447700900077", state="DELIVERED")
    browser.get("about:blank")
    browser.get(smsc.http_url + "/#447700900077")  # a conversation opened by its address
    until(browser, "the MT delivered", BUBBLES, ["Your code is 9876"])
    click(browser, "#messages .msg-detail")
    detail = until(
        browser,
        "the detail view",
        "const d = document.getElementById('detail');"
        " const rows = (sel) => [...d.querySelectorAll(sel + ' tr')]"
        "   .map(r => [...r.children].map(c => c.textContent));"
        " return d.open && d.querySelector('.part') && {"
        "   title: d.querySelector('#detail-title').textContent,"
        "   hex: d.querySelector('.hex').textContent,"
        "   tables: [...d.querySelectorAll('table')].map(t => [...t.querySelectorAll('tr')]"
        "     .map(r => [...r.children].map(c => c.textContent))),"
        "   receipts: [...d.querySelectorAll('.receipts li')].map(e => e.textContent),"
        " }",
    )
    assert detail["title"] == f"MT {SHORT_CODE} → 447700900077"
    assert detail["hex"].startswith("0000  00 00 00 ")  # command_length, then the rest
    rows = [row for table in detail["tables"] for row in table]
    assert ["command_id", "submit_sm (0x00000004)"] in rows
    assert ["destination_addr", "447700900077"] in rows
    assert ["short_message", b"Your code is 9876".hex()] in rows
    assert ["user_message_reference", "0x0204", "7", "0007"] in rows  # the TLV
    history = [r[0] for r in rows if r and r[0] in ("ENROUTE", "DELIVERED")]
    assert history == ["ENROUTE", "DELIVERED"]
    assert [r.split(" at ")[0] for r in detail["receipts"]] == ["DELIVERED"]
    read(browser, "document.getElementById('detail-close').click()")
    until(browser, "the detail closed", "return !document.getElementById('detail').open")
