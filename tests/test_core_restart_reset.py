"""The core across a restart and a reset: what survives, what is forgotten, and that no ESME
request is ever left unanswered. Driven as tests/test_core.py drives the core."""

from __future__ import annotations

from test_core import DELAY, DEST, SOURCE, Harness

import pdu
from carriers import CarriersConfig
from carriers.config import FixedLatency, HandsetRule, WeightedReply
from pdu import MessageState
from smsc.config import ServerConfig, StoreKind, Timers
from smsc.core import Smsc
from smsc.faults import Fault, FaultKind
from smsc.model import Direction


def deliver_sms(h: Harness) -> list[pdu.DeliverSm]:
    """MO deliver_sm (no receipts) that any client received."""
    return [
        p
        for c in h.clients.values()
        for p in c.received
        if isinstance(p, pdu.DeliverSm) and not p.esm_class & 0x04
    ]


def restart(h: Harness, now: float | None = None) -> None:
    """The process dies; a new core starts on the same store (the clock may have moved)."""
    if now is not None:
        h.now = now
    h.core = Smsc(h.config, store=h.store, durable=h.durable, now=h.now)
    h.clients.clear()


def test_an_mo_pending_at_a_restart_waits_for_an_esme_and_only_then_is_delivered() -> None:
    h = Harness(durable=True)
    (mo,) = h.core.inject_mo_text("447700900123", "12345", "are you open today?", h.now)
    h.commit()  # stored with its pending delivery; no receiver bind is up
    restart(h)
    # However long the SMSC waits, an MO nobody took is not DELIVERED: the MT outcome model
    # must not finalise it.
    h.advance(DELAY * 100)
    h.commit()
    stored = h.store.get_message(mo.message_id)
    assert stored is not None and stored.direction is Direction.MO
    assert stored.state is MessageState.ENROUTE
    rx = h.client(pdu.BindReceiver)
    (deliver,) = [p for p in rx.received if isinstance(p, pdu.DeliverSm)]
    assert deliver.short_message == b"are you open today?"
    h.commit()  # the ESME answered: the state change is written
    stored = h.store.get_message(mo.message_id)
    assert stored is not None and stored.state is MessageState.DELIVERED


def test_message_ids_never_repeat_after_a_restart_with_the_clock_stepped_back() -> None:
    h = Harness(durable=True)
    esme = h.client()
    seqs = [esme.send(pdu.SubmitSm(destination_addr=DEST, source_addr=SOURCE)) for _ in range(3)]
    h.commit()
    before = {esme.answers[s].message_id for s in seqs}  # type: ignore[attr-defined]
    restart(h, now=h.now - 3600.0)  # NTP stepped the clock back an hour
    esme = h.client()
    seqs = [esme.send(pdu.SubmitSm(destination_addr=DEST, source_addr=SOURCE)) for _ in range(3)]
    h.commit()
    after = {esme.answers[s].message_id for s in seqs}  # type: ignore[attr-defined]
    assert not before & after
    assert min(int(i) for i in after) > max(int(i) for i in before)


def slow_responses(delay: float) -> ServerConfig:
    return ServerConfig(
        store=StoreKind.MEMORY,
        seed=1,
        timers=Timers(receipt_delay=DELAY),
        faults=(Fault(FaultKind.SLOW_RESPONSE, delay=delay),),
    )


def test_a_reset_still_answers_a_submission_a_slow_response_fault_delays() -> None:
    for durable in (False, True):
        h = Harness(slow_responses(3.0), durable=durable)
        esme = h.client()
        seq = esme.send(pdu.SubmitSm(destination_addr=DEST, source_addr=SOURCE))
        if durable:
            h.commit()  # stored; the late response is now a timer
        late = esme.send(pdu.SubmitSm(destination_addr=DEST, source_addr=SOURCE))
        h.core.reset(h.now)  # the second one is still in the uncommitted batch when durable
        h.store.delete_all()
        h.advance(2.9)
        assert seq not in esme.answers and late not in esme.answers
        h.advance(0.2)
        assert esme.answers[seq].command_status == 0, durable
        assert esme.answers[late].command_status == 0, durable


def test_a_reset_forgets_the_replies_simulated_handsets_have_not_sent_yet() -> None:
    rule = HandsetRule(
        name="confirm", replies=(WeightedReply("YES"),), substring="reply", delay=FixedLatency(10.0)
    )
    config = ServerConfig(store=StoreKind.MEMORY, seed=1, timers=Timers(receipt_delay=1.0))
    h = Harness(config)
    h.core = Smsc(
        config,
        store=h.store,
        durable=False,
        now=h.now,
        carriers=CarriersConfig(handset_rules=(rule,)),
    )
    esme = h.client()
    esme.submit(short_message=b"please reply YES")
    h.advance(1.0)  # delivered: the handset answers in 10 s
    h.advance(5.0)
    h.core.reset(h.now)
    h.store.delete_all()
    h.advance(10.0)
    assert deliver_sms(h) == []  # the reply would have landed in the next test
    assert h.store.find_messages(direction=Direction.MO) == []
    # Without a reset the same rule answers: the test above is not vacuous.
    esme.submit(short_message=b"please reply YES")
    h.advance(1.0)
    h.advance(10.0)
    (mo,) = h.store.find_messages(direction=Direction.MO)
    assert mo.text == "YES"
