"""The web inbox at volume, in headless Chromium: first paint and scrolling with N messages.

    .venv/bin/python benchmarks/inbox_bench.py                     # 1,000 and 100,000 messages
    .venv/bin/python benchmarks/inbox_bench.py --messages 100000 --rounds 7 --json

For each size: a SQLite store is seeded with N delivered MT to H handsets in turn (as a load
run leaves them; default H = 10,000) plus one hot handset holding every 10th message, then
``smsc serve`` opens it and Debian's chromium (through chromedriver) loads the inbox R times,
each in a fresh page. Every load must show the newest message stored first (its handset at
the top of the list, with its text), or the run fails: a fast page of the wrong messages is
no result. Per load it reads from the page's own performance timeline:

* first contentful paint (the browser's ``paint`` entry);
* list shown: the ``inbox:list`` mark inbox.js sets when the first page of handsets is on
  screen (the request for it is in flight before then);
* scroll: the handset list scrolled to its end, to the next page on screen (infinite scroll
  loads it), five times; and the hot handset's conversation scrolled to its top, to the
  next 50 older messages on screen, five times.

Medians over the rounds (milliseconds). Needs /usr/bin/chromium and /usr/bin/chromedriver.
Every server is ended by PID in a ``finally``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402

import pdu  # noqa: E402
from pdu import MessageState  # noqa: E402
from smsc.model import Direction, Message  # noqa: E402
from smsc.server import DB_NAME  # noqa: E402
from smsc.store import Batch, SqliteStore  # noqa: E402

HOT = "447999999999"
BATCH = 5_000


def seed(path: Path, messages: int, handsets: int) -> Message:
    """Writes the store; returns the newest message stored (the largest ``seq``)."""
    store = SqliteStore(path)
    newest: Message | None = None
    now = time.time()
    raw = pdu.encode(
        pdu.SubmitSm(source_addr="12345", destination_addr=HOT, short_message=b"Load test MT")
    )
    try:
        for start in range(0, messages, BATCH):
            batch = []
            for i in range(start, min(start + BATCH, messages)):
                to = HOT if i % 10 == 0 else str(447999000000 + i % handsets)
                batch.append(
                    Message(
                        message_id=f"b{i}",
                        direction=Direction.MT,
                        account="bench",
                        source_addr_ton=0,
                        source_addr_npi=0,
                        source_addr="12345",
                        dest_addr_ton=0,
                        dest_addr_npi=0,
                        destination_addr=to,
                        esm_class=0,
                        data_coding=0,
                        registered_delivery=1,
                        short_message=b"Load test MT",
                        submit_time=now - messages + i,
                        state=MessageState.DELIVERED,
                        done_time=now - messages + i,
                        text=f"Load test MT {i}",
                        raw_pdu=raw,
                    )
                )
            store.apply(Batch(messages=batch))
            last = max(batch, key=lambda m: m.seq)  # apply numbers what it stores
            if newest is None or last.seq > newest.seq:
                newest = last
    finally:
        store.close()
    if newest is None:
        raise ValueError("nothing to seed: --messages must be at least 1")
    return newest


def start_server(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    out = data_dir.parent / "server.out"
    argv = [sys.executable, "-m", "smsc", "serve", "--smpp-port", "0", "--http-port", "0"]
    argv += ["--store", "sqlite", "--data-dir", str(data_dir), "--log-level", "warning"]
    with out.open("wb") as sink:
        proc = subprocess.Popen(argv, stdout=sink, stderr=subprocess.STDOUT, cwd=REPO)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"web and API on (http://\S+)", out.read_text(errors="replace"))
        if found:
            return proc, found.group(1)
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    stop(proc)
    raise RuntimeError(f"smsc serve did not start:\n{out.read_text(errors='replace')}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def chromium(profile: Path) -> Any:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    driver.set_script_timeout(60)
    return driver


# In the page: do an action, then wait for a condition; report the milliseconds between
# (both in the page, so no WebDriver round trip is counted or missed).
WHEN = """
const [act, check] = [new Function(arguments[0]), new Function(arguments[1])];
const done = arguments[arguments.length - 1];
const t0 = performance.now();
act();
(function poll() {
  if (check()) done(performance.now() - t0);
  else if (performance.now() - t0 > 30000) done(null);
  else requestAnimationFrame(poll);
})();
"""
HANDSETS_SHOWN = "return document.querySelectorAll('#conversations li').length"
BUBBLES = "return document.querySelectorAll('#messages li').length"


def timed(driver: Any, action: str, until: str) -> float:
    """Runs ``action`` in the page, then milliseconds until ``until`` holds."""
    ms = driver.execute_async_script(WHEN, action, until)
    if ms is None:
        raise RuntimeError(f"the page never got to: {until}")
    return float(ms)


FIRST_SHOWN = """
const b = document.querySelector('#conversations .conv');
return b && [b.querySelector('.conv-who').textContent, b.querySelector('.conv-last').textContent];
"""


def check_newest_first(driver: Any, newest: Message) -> None:
    """The inbox's first handset is the newest message's, showing that message."""
    seen = driver.execute_script(FIRST_SHOWN)
    wanted = [newest.destination_addr, "← " + (newest.text or "")]
    if seen != wanted:
        raise RuntimeError(f"the inbox does not show the newest message first: {seen} != {wanted}")


def one_load(driver: Any, url: str, newest: Message) -> dict[str, Any]:
    driver.get("about:blank")
    driver.get(url + "/")
    timed(driver, "", "return performance.getEntriesByName('inbox:list').length")
    check_newest_first(driver, newest)
    fcp = driver.execute_script(
        "return performance.getEntriesByName('first-contentful-paint')[0].startTime"
    )
    listed = driver.execute_script("return performance.getEntriesByName('inbox:list')[0].startTime")
    scrolls = []
    for _ in range(5):
        n = driver.execute_script(HANDSETS_SHOWN)
        scrolls.append(
            timed(
                driver,
                "const s = document.querySelector('.side'); s.scrollTop = s.scrollHeight;",
                f"return document.querySelectorAll('#conversations li').length > {n}",
            )
        )
    timed(driver, f"location.hash = '#{HOT}'", f"{BUBBLES} >= 50")
    thread = []
    for _ in range(5):
        n = driver.execute_script(BUBBLES)
        ms = timed(
            driver,
            "document.getElementById('thread-scroll').scrollTop = 0;",
            f"return document.querySelectorAll('#messages li').length > {n}"
            " || document.getElementById('more-messages').hidden",
        )
        if driver.execute_script(BUBBLES) == n:
            break  # the whole conversation was on screen
        thread.append(ms)
    return {"fcp": fcp, "list": listed, "scroll": scrolls, "thread": thread}


def measure(messages: int, handsets: int, rounds: int, work: Path) -> dict[str, Any]:
    data = work / f"n{messages}" / "data"
    data.mkdir(parents=True)
    t = time.perf_counter()
    newest = seed(data / DB_NAME, messages, handsets)
    seeded = time.perf_counter() - t
    proc, url = start_server(data)
    driver = chromium(work / f"profile{messages}")
    try:
        loads = [one_load(driver, url, newest) for _ in range(rounds)]
    finally:
        driver.quit()
        stop(proc)
    med = statistics.median
    return {
        "messages": messages,
        "handsets": handsets,
        "rounds": rounds,
        "seed_s": round(seeded, 1),
        "newest_first": newest.text,  # checked on every load (one_load fails otherwise)
        "first_contentful_paint_ms": round(med(x["fcp"] for x in loads)),
        "list_shown_ms": round(med(x["list"] for x in loads)),
        "next_handsets_page_ms": round(med(s for x in loads for s in x["scroll"])),
        "older_messages_page_ms": round(med(s for x in loads for s in x["thread"])),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--messages", default="1000,100000", help="store sizes, comma-separated")
    ap.add_argument("--handsets", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=5, help="page loads per size")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="inbox-bench-") as tmp:
        results = [
            measure(int(n), args.handsets, args.rounds, Path(tmp)) for n in args.messages.split(",")
        ]
    if args.json:
        print(json.dumps(results, indent=1))
        return
    print(
        "| messages | first contentful paint | list shown | next 50 handsets "
        "| next 50 older messages |"
    )
    print("|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['messages']:,} | {r['first_contentful_paint_ms']} ms | {r['list_shown_ms']} ms "
            f"| {r['next_handsets_page_ms']} ms | {r['older_messages_page_ms']} ms |"
        )
    print(
        "\nthe newest message first at every size and load: "
        + ", ".join(f"{r['messages']:,}: {r['newest_first']!r}" for r in results)
    )
    print(
        f"medians of {args.rounds} page loads each (5 scrolls per load); machine load "
        f"{os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
