"""Two-way SMS as the platforms run it, over loopback with python-smpplib as the app: an NPS
survey answered by weighted scores, an appointment rescheduled in three steps with a
scripted handset, numbers of three types each throttled at its own rate, and the
conversation metrics of each run (reply rate, the app's response times)."""

from __future__ import annotations

import itertools
import re
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from smsc.pytest_plugin import Simulator
from tests.stats import chi_square

from .conftest import SmpplibEsme, bound_smpplib, receipt_fields, simulator

pytestmark = pytest.mark.interop

WAIT = 20.0
THROTTLED = 0x58  # ESME_RTHROTTLED

FAST_NETWORK = """
[[carriers]]
name = "everyone"
latency = { kind = "fixed", seconds = 0.05 }
"""


def wait(what: str, done: Callable[[], bool], esme: SmpplibEsme | None = None) -> None:
    """Until ``done()``, answering what the server sends the ESME meanwhile."""
    deadline = time.monotonic() + WAIT
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {WAIT:g} s")
        if esme is not None:
            esme.read(0.05)
        else:
            time.sleep(0.05)


def queues_empty(sim: Simulator) -> bool:
    """No MT open, nothing scheduled (handset replies included), no delivery queued."""
    with urllib.request.urlopen(sim.http_url + "/metrics", timeout=5) as r:
        text = r.read().decode()
    depth = {
        m.group(1): float(m.group(2))
        for m in re.finditer(r'^smsc_queue_depth\{queue="(\w+)"\} (\S+)$', text, re.M)
    }
    return depth["open_messages"] == depth["scheduled"] == depth["deliveries_queued"] == 0


def mo_received(esme: SmpplibEsme) -> list[Any]:
    return [
        p
        for p in esme.received
        if getattr(p, "command", "") == "deliver_sm" and not p.esm_class & 0x04
    ]


def text_of(p: Any) -> str:
    return bytes(p.short_message).decode()


# -- an NPS survey -------------------------------------------------------------------------

NPS_WEIGHTS = {0: 1, 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 6, 7: 12, 8: 21, 9: 24, 10: 26}
NPS = (
    "seed = 2024\n"
    + FAST_NETWORK
    + """
[[numbers]]
number = "12345"
account = "surveys"
type = "short_code"

[[handset_rules]]
name = "nps"
match = "How likely are you to recommend"
probability = 0.7
delay = { kind = "uniform", min = 0.1, max = 1.0 }
"""
    + "".join(
        f'[[handset_rules.replies]]\ntext = "{s}"\nweight = {w}\n' for s, w in NPS_WEIGHTS.items()
    )
)


@pytest.fixture
def nps(tmp_path: Path) -> Iterator[Simulator]:
    with simulator(tmp_path, NPS) as s:
        yield s


def test_an_nps_survey_gives_the_configured_scores_and_the_app_answers_each(
    nps: Simulator,
) -> None:
    """200 handsets asked; 70% answer, each a score by weight. The scores (and the silent
    30%) pass Pearson's chi-square test against the configuration at alpha = 0.01 (cells
    expected below 5 pooled); the server's seed fixes the run. The app thanks every
    respondent 0.3 s after its score arrives, and the metrics show the reply rate and those
    response times."""
    handsets = [f"4477009{i:05d}" for i in range(200)]
    with bound_smpplib(nps, "surveys") as app:
        for h in handsets:
            resp = app.submit(
                source_addr="12345",
                destination_addr=h,
                short_message=b"How likely are you to recommend us? Reply 0-10",
            )
            assert resp.status == 0
        answered: set[str] = set()
        due: dict[str, float] = {}

        def thank() -> bool:
            now = time.monotonic()
            for p in mo_received(app):
                h = bytes(p.source_addr).decode()
                due.setdefault(h, now + 0.3)
            for h, at in due.items():
                if h not in answered and at <= now:
                    assert (
                        app.submit(
                            source_addr="12345", destination_addr=h, short_message=b"Thanks!"
                        ).status
                        == 0
                    )
                    answered.add(h)
            return queues_empty(nps) and len(answered) == len(due)

        wait("every score received and thanked", thank, app)
        scores = Counter(text_of(p) for p in mo_received(app))

    replied = sum(scores.values())
    assert len(mo_received(app)) == replied == len(answered)
    cells = [str(s) for s in NPS_WEIGHTS]
    total = sum(NPS_WEIGHTS.values())
    observed = [200 - replied, *(scores[c] for c in cells)]
    expected = [200 * 0.3, *(200 * 0.7 * NPS_WEIGHTS[int(c)] / total for c in cells)]
    _, df, p = chi_square(observed, expected)
    assert df >= 5
    assert p > 0.01, (scores, p)
    assert set(scores) <= set(cells)

    (number,) = nps.conversation_metrics(number="12345")["numbers"]
    assert (number["type"], number["throughput"], number["over_throughput"]) == (
        "short_code",
        100,
        "queue",
    )
    assert (number["handsets_messaged"], number["handsets_replied"]) == (200, replied)
    assert number["reply_rate"] == replied / 200
    assert (number["mt"], number["mo"], number["mo_unanswered"]) == (200 + replied, replied, 0)
    times = number["response_time"]
    assert times["answered"] == replied
    assert 0.25 <= times["p50"] <= times["p95"] <= times["max"] < 5.0


# -- an appointment rescheduled with a scripted handset ------------------------------------

APPOINTMENT = (
    FAST_NETWORK
    + r"""
[[numbers]]
number = "12345"
account = "clinic"
type = "long_code"

[[handset_scripts]]
name = "reschedule"
handsets = ["4477009001*"]
numbers = ["12345"]
delay = { kind = "fixed", seconds = 0.2 }

[[handset_scripts.states]]
name = "reminded"
[[handset_scripts.states.rules]]
match = "2 to reschedule"
reply = "2"
next = "offered"

[[handset_scripts.states]]
name = "offered"
[[handset_scripts.states.rules]]
regex = 'A\).*B\)'
replies = [{ text = "B", weight = 1 }, { text = "A", weight = 0 }]
next = "booked"

[[handset_scripts.states]]
name = "booked"
[[handset_scripts.states.rules]]
match = "see you"
reply = "thanks"
next = "done"

[[handset_scripts.states]]
name = "done"
"""
)

FLOW = [
    ("Your appointment is on Tue 10:00. Reply 1 to confirm, 2 to reschedule", "2"),
    ("We can do A) Wed 14:00 or B) Thu 09:30. Reply A or B", "B"),
    ("You are booked for Thu 09:30. See you then!", "thanks"),
]


def test_an_appointment_is_rescheduled_in_three_steps(tmp_path: Path) -> None:
    handset = "447700900123"
    with simulator(tmp_path, APPOINTMENT) as sim, bound_smpplib(sim, "clinic") as app:
        think = [0.4, 0.8, 0.0]  # how long the app takes before each message after the first
        for step, (text, expected) in enumerate(FLOW):
            resp = app.submit(
                source_addr="12345", destination_addr=handset, short_message=text.encode()
            )
            assert resp.status == 0
            wait(
                f"the handset's answer to step {step + 1}",
                lambda n=step: len(mo_received(app)) > n,
                app,
            )
            assert text_of(mo_received(app)[step]) == expected
            if think[step]:
                app.collect(think[step])  # the app thinks, answering what comes in
        (run,) = sim.scripts(handset=handset)
        assert (run["script"], run["state"], run["status"]) == ("reschedule", "done", "finished")
        assert [(s["state"], s["reply"], s["next_state"]) for s in run["steps"]] == [
            ("reminded", "2", "offered"),
            ("offered", "B", "booked"),
            ("booked", "thanks", "done"),
        ]

        (number,) = sim.conversation_metrics(number="12345")["numbers"]
        assert (number["mt"], number["mo"], number["reply_rate"]) == (3, 3, 1.0)
        # the app answered "2" after 0.4 s and "B" after 0.8 s; "thanks" is still unanswered
        times = number["response_time"]
        assert times["answered"] == 2 and number["mo_unanswered"] == 1
        assert 0.35 <= times["p50"] <= times["max"] < 3.0
        assert times["max"] >= 0.75

        sim.reset()
        assert sim.scripts() == []


# -- numbers of three types, each capped at its own rate ------------------------------------

LONG, SHORT, TOLL_FREE = "447700100200", "55555", "18005550100"
CAPS = (
    FAST_NETWORK
    + f"""
[[numbers]]
number = "{LONG}"
account = "brand"
type = "long_code"
over_throughput = "throttle"

[[numbers]]
number = "{SHORT}"
account = "brand"
type = "short_code"
over_throughput = "throttle"

[[numbers]]
number = "{TOLL_FREE}"
account = "care"
type = "toll_free"
over_throughput = "throttle"

[[numbers]]
number = "447700100300"
account = "brand"
type = "long_code"              # the default: queued, not throttled
"""
)
RATES = {LONG: 1, SHORT: 100, TOLL_FREE: 3}  # the types' defaults: burst = one second's worth


def burst(app: SmpplibEsme, number: str, n: int) -> tuple[int, float]:
    """``n`` submit_sm from ``number`` sent back to back before reading any response:
    (how many were accepted, the longest the server can have spent receiving them)."""
    t0 = time.monotonic()
    seqs = [
        app.client.send_message(
            source_addr=number, destination_addr=f"4477009003{i % 100:02d}", short_message=b"x"
        ).sequence
        for i in range(n)
    ]
    statuses = [app.response(s).status for s in seqs]
    span = time.monotonic() - t0
    assert set(statuses) <= {0, THROTTLED}
    return statuses.count(0), span


def test_three_number_types_each_throttle_at_their_own_rate(tmp_path: Path) -> None:
    with (
        simulator(tmp_path, CAPS) as sim,
        bound_smpplib(sim, "brand") as brand,
        bound_smpplib(sim, "care") as care,
    ):
        # A burst well beyond each cap. The cap (GCRA, a burst of one second's worth b and
        # one every 1/r s after) takes at least b and at most b + r * (the time the server
        # spent receiving them), which the client bounds from outside.
        got: dict[str, int] = {}
        for app, number in ((brand, LONG), (brand, SHORT), (care, TOLL_FREE)):
            rate = RATES[number]
            accepted, span = burst(app, number, 3 * rate + 5)
            assert rate <= accepted <= rate + rate * span, (number, accepted, span)
            got[number] = accepted
        assert got[LONG] == 1 and got[TOLL_FREE] == 3  # their bursts take well under a second

        # Sustained: the long code and the toll-free number offered about 20/s each,
        # interleaved on two binds, for 3 s. Each submit_sm reaches the server between its
        # send and its response, which bounds from outside both the time the server spent
        # receiving them (span) and the longest gap between two arrivals (gap). The cap then
        # takes at most b + r * span, and at least span / (1/r + gap): each acceptance moves
        # the cap's clock on by 1/r, and a refused message is retried within the gap.
        time.sleep(1.0)  # both buckets full again (a timed pause, not a wait for an event)
        offers: dict[str, list[tuple[float, float, bool]]] = {LONG: [], TOLL_FREE: []}
        t0 = time.monotonic()
        while time.monotonic() - t0 < 3.0:
            for app, number in ((brand, LONG), (care, TOLL_FREE)):
                sent = time.monotonic()
                resp = app.submit(
                    source_addr=number, destination_addr="447700900399", short_message=b"y"
                )
                assert resp.status in (0, THROTTLED)
                offers[number].append((sent, time.monotonic(), resp.status == 0))
            time.sleep(0.05)
        accepted = {}
        for number, seen in offers.items():
            rate = RATES[number]
            accepted[number] = sum(ok for _, _, ok in seen)
            longest = seen[-1][1] - seen[0][0]
            shortest = seen[-1][0] - seen[0][1]
            gap = max(b[1] - a[0] for a, b in itertools.pairwise(seen))
            assert len(seen) > 3 * rate * longest  # offered well above the rate
            low = shortest / (1 / rate + gap)
            assert low <= accepted[number] <= rate + rate * longest, (number, seen)

        numbers = {n["number"]: n for n in sim.conversation_metrics()["numbers"]}
        for number, rate in RATES.items():
            assert (numbers[number]["throughput"], numbers[number]["over_throughput"]) == (
                rate,
                "throttle",
            )
        # only what was accepted was sent
        assert numbers[LONG]["mt"] == got[LONG] + accepted[LONG]
        assert numbers[TOLL_FREE]["mt"] == got[TOLL_FREE] + accepted[TOLL_FREE]
        types = {n: numbers[n]["type"] for n in RATES}
        assert types == {LONG: "long_code", SHORT: "short_code", TOLL_FREE: "toll_free"}


def test_a_long_code_that_queues_delivers_one_message_a_second(tmp_path: Path) -> None:
    """The default for a long code: the excess is accepted and waits in the number's queue,
    so the receipts come one a second."""
    with simulator(tmp_path, CAPS) as sim, bound_smpplib(sim, "brand") as brand:
        ids = []
        for i in range(3):
            resp = brand.submit(
                source_addr="447700100300",
                destination_addr=f"44770090040{i}",
                short_message=b"queued",
                registered_delivery=1,
            )
            assert resp.status == 0
            ids.append(resp.message_id.decode())
        for message_id in ids:
            receipt = brand.receipt_for(message_id, timeout=WAIT)
            assert receipt_fields(receipt.short_message)["stat"] == "DELIVRD"
        first = sim.message(ids[0])["submit_time"]
        done = [sim.message(m)["done_time"] - first for m in ids]
        # one a second leaves the queue (timers never fire early; late only by the box's load)
        assert all(d >= i + 0.05 - 1e-6 for i, d in enumerate(done)), done
        assert done[2] < 2.05 + 1.5
