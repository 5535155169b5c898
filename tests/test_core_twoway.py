"""Two-way flows through the core, in process with time as numbers: a scripted handset
answering an app's MT step by step, and a reset forgetting where each conversation was."""

from __future__ import annotations

import pytest
from test_core import Harness

import pdu
from carriers import CarriersConfig
from carriers.config import FixedLatency, HandsetScript, ScriptRule, ScriptState, WeightedReply
from smsc.core import Smsc
from smsc.http import payloads
from smsc.metrics import collect, exposition

CLINIC = "12345"
HANDSET = "447700900123"

PERSONA = HandsetScript(
    name="reschedule",
    delay=FixedLatency(2.0),
    states=(
        ScriptState(
            "reminded",
            (ScriptRule((WeightedReply("2"),), substring="2 to reschedule", next="offered"),),
        ),
        ScriptState(
            "offered", (ScriptRule((WeightedReply("B"),), substring="A or B", next="booked"),)
        ),
        ScriptState(
            "booked", (ScriptRule((WeightedReply("thanks"),), substring="booked", next="done"),)
        ),
        ScriptState("done"),
    ),
)


def harness(config: CarriersConfig) -> Harness:
    h = Harness()
    h.core = Smsc(h.config, store=h.store, durable=False, now=h.now, carriers=config)
    return h


def mo_texts(h: Harness) -> list[bytes]:
    return [
        p.short_message
        for c in h.clients.values()
        for p in c.received
        if isinstance(p, pdu.DeliverSm) and not p.esm_class & 0x04
    ]


def test_a_scripted_handset_answers_each_step_and_the_api_shows_where_it_is() -> None:
    h = harness(CarriersConfig(handset_scripts=(PERSONA,)))
    app = h.client()
    for text, answer in (
        (b"Reply 1 to confirm, 2 to reschedule", b"2"),
        (b"Reply A or B", b"B"),
        (b"You are booked", b"thanks"),
    ):
        assert app.submit(source_addr=CLINIC, destination_addr=HANDSET, short_message=text)
        h.advance(5.0)  # the MT reaches the handset (receipt delay), not yet its answer
        h.advance(2.0)  # the script's delay
        assert mo_texts(h)[-1] == answer
    (run,) = h.core.script_runs(handset=HANDSET)
    shown = payloads.script_run_json(run)
    assert (shown["state"], shown["status"], shown["number"]) == ("done", "finished", CLINIC)
    assert [s["event"] for s in shown["steps"]] == ["replied"] * 3  # type: ignore[index, union-attr]


def test_a_reset_forgets_the_runs_and_their_pending_answers() -> None:
    h = harness(CarriersConfig(handset_scripts=(PERSONA,)))
    app = h.client()
    app.submit(source_addr=CLINIC, destination_addr=HANDSET, short_message=b"2 to reschedule")
    h.advance(5.0)
    assert h.core.script_runs()[0].state == "offered"
    h.core.reset(h.now)
    assert h.core.script_runs() == []
    h.advance(10.0)
    assert mo_texts(h) == []  # the "2" was forgotten with the run
    app.submit(source_addr=CLINIC, destination_addr=HANDSET, short_message=b"2 to reschedule")
    h.advance(5.0)
    h.advance(2.0)
    assert mo_texts(h) == [b"2"]  # the conversation starts afresh


# -- conversation metrics ----------------------------------------------------------------------


def submit(app: object, to: str, text: bytes = b"Reply YES", source: str = CLINIC) -> None:
    assert app.submit(source_addr=source, destination_addr=to, short_message=text)  # type: ignore[attr-defined]


def handset(i: int) -> str:
    return f"4477009002{i:02d}"


def test_reply_rate_opt_outs_and_the_apps_response_times() -> None:
    h = Harness()
    app = h.client()
    t0 = h.now
    for i in range(10):
        submit(app, handset(i))
    h.advance(10.0)
    for i in range(6):  # six answer; the app gets each at once (its deliver_sm_resp)
        h.core.inject_mo_text(handset(i), CLINIC, "YES", h.now)
    h.flush()
    h.advance(5.0)
    for i in range(4):  # the app answers four of them 5 s later ...
        submit(app, handset(i), b"Thanks")
    h.advance(5.0)
    h.core.inject_mo_text(handset(6), CLINIC, "STOP", h.now)  # one opts out
    h.flush()
    h.advance(20.0)
    submit(app, handset(4), b"Thanks")  # ... one 30 s later, and one never
    h.flush()

    numbers, accounts = h.core.conversations(h.now, 3600)
    stats = numbers[CLINIC]
    assert accounts["esme"] == stats  # the one app sent every MT
    assert (stats.mt, stats.mo) == (15, 7)
    assert (stats.handsets_messaged, stats.handsets_replied) == (10, 7)  # the STOP is an answer
    assert (stats.reply_rate, stats.opt_outs, stats.opt_out_rate) == (0.7, 1, 0.1)
    assert stats.response_times == [5.0, 5.0, 5.0, 5.0, 30.0]
    assert (stats.percentile(50), stats.percentile(95), max(stats.response_times)) == (5, 30, 30)
    assert stats.mo_unanswered == 1  # handset 5's YES; the STOP is owed nothing
    assert h.now - t0 == 40.0

    # a window that starts after the first MT sees only what came later
    later, _ = h.core.conversations(h.now, 28.0)
    assert (later[CLINIC].mt, later[CLINIC].handsets_messaged, later[CLINIC].mo) == (5, 5, 1)
    assert later[CLINIC].handsets_replied == 0  # the YESes came before the window


def test_an_mo_not_yet_delivered_is_unanswered_and_an_mt_before_delivery_answers_nothing() -> None:
    h = Harness()
    h.core.inject_mo_text(handset(1), CLINIC, "Hello?", h.now)  # no bind: not delivered
    h.flush()
    app = h.client(ack=None)  # takes it, but answers the deliver_sm later
    h.advance(1.0)
    submit(app, handset(1), b"Hi")  # not an answer: the app has not got the MO yet
    h.advance(2.0)
    (dsm,) = [p for p in app.received if isinstance(p, pdu.DeliverSm)]
    app.answer(dsm)
    h.flush()
    numbers, _ = h.core.conversations(h.now, 60)
    assert (numbers[CLINIC].mo_unanswered, numbers[CLINIC].response_times) == (1, [])
    h.advance(4.0)
    submit(app, handset(1), b"How can I help?")
    numbers, _ = h.core.conversations(h.now, 60)
    assert (numbers[CLINIC].mo_unanswered, numbers[CLINIC].response_times) == (0, [4.0])


def test_a_long_message_counts_once() -> None:
    h = Harness()
    app = h.client()
    h.core.inject_mo_text(handset(1), CLINIC, "x" * 400, h.now)  # three parts
    h.flush()
    h.advance(1.0)
    submit(app, handset(1), b"Got it")
    numbers, _ = h.core.conversations(h.now, 60)
    assert (numbers[CLINIC].mo, numbers[CLINIC].mt, numbers[CLINIC].response_times) == (
        1,
        1,
        [1.0],  # measured once, from the delivery of the part counted
    )


def test_a_reset_empties_the_window_but_not_the_totals() -> None:
    h = Harness()
    app = h.client()
    submit(app, handset(1))
    h.flush()
    h.core.reset(h.now)
    assert h.core.conversations(h.now, 60) == ({}, {})
    (total,) = h.core.conversation_totals()
    assert (total.account, total.number, total.mt) == ("esme", CLINIC, 1)


def test_metrics_and_the_api_show_what_the_window_holds() -> None:
    h = Harness()
    app = h.client()
    for i in range(4):
        submit(app, handset(i))
    h.advance(5.0)
    h.core.inject_mo_text(handset(0), CLINIC, "YES", h.now)
    h.flush()
    h.advance(2.5)
    submit(app, handset(0), b"Thanks")
    h.flush()

    text = exposition(collect(h.core, {}, now=h.now))
    labels = f'account="esme",number="{CLINIC}"'
    for line in (
        f"smsc_conversation_mt_total{{{labels}}} 5",
        f"smsc_conversation_mo_total{{{labels}}} 1",
        f"smsc_conversation_mo_unanswered{{{labels}}} 0",
        f'smsc_app_response_seconds_bucket{{{labels},le="2.5"}} 1',
        f'smsc_app_response_seconds_bucket{{{labels},le="1"}} 0',
        f"smsc_app_response_seconds_sum{{{labels}}} 2.5",
        f'smsc_conversation_reply_ratio{{number="{CLINIC}"}} 0.25',
        f'smsc_conversation_opt_out_ratio{{number="{CLINIC}"}} 0',
    ):
        assert line in text.splitlines(), line

    query = payloads.parse_metrics_args({"window": ["60"]})
    numbers, accounts = h.core.conversations(h.now, query.window)
    body = payloads.conversation_metrics_json(query, h.now, numbers, accounts, {})
    (number,) = body["numbers"]  # type: ignore[misc]
    assert number["reply_rate"] == 0.25
    assert number["response_time"] == {"answered": 1, "p50": 2.5, "p95": 2.5, "max": 2.5}
    assert [a["account"] for a in body["accounts"]] == ["esme"]  # type: ignore[attr-defined]
    only = payloads.parse_metrics_args({"account": ["nobody"], "number": [CLINIC]})
    shown = payloads.conversation_metrics_json(only, h.now, numbers, accounts, {})
    assert (len(shown["numbers"]), shown["accounts"]) == (1, [])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ({"window": ["0"]}, "window must be between 1 and 86400"),
        ({"window": ["day"]}, "window must be a number"),
        ({"numbr": ["1"]}, "unknown query parameter 'numbr'"),
        ({"number": ["12 345"]}, "'number' must be"),
    ],
)
def test_bad_metrics_queries_say_what_is_wrong(args: dict[str, list[str]], says: str) -> None:
    with pytest.raises(payloads.ApiError) as e:
        payloads.parse_metrics_args(args)
    assert e.value.status == 400
    assert says in e.value.message
