"""Two-way flows through the core, in process with time as numbers: a scripted handset
answering an app's MT step by step, and a reset forgetting where each conversation was."""

from __future__ import annotations

from test_core import Harness

import pdu
from carriers import CarriersConfig
from carriers.config import FixedLatency, HandsetScript, ScriptRule, ScriptState, WeightedReply
from smsc.core import Smsc
from smsc.http import payloads

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
