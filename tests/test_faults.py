"""Faults on demand: the registry and its scoping, config validation, and each fault kind
driven through the sans-I/O core (the loopback tests are in tests/interop/test_faults_e2e.py)."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import pytest
from test_core import DELAY, DEST, Harness

import pdu
from pdu import CommandStatus as S
from smsc.config import (
    ConfigError,
    ServerConfig,
    StoreKind,
    Timers,
    config_from_dict,
    fault_from_dict,
)
from smsc.faults import Fault, FaultKind, Faults

K = FaultKind


def harness(*faults: Fault, durable: bool = False) -> Harness:
    cfg = ServerConfig(
        store=StoreKind.MEMORY, seed=1, timers=Timers(receipt_delay=DELAY), faults=faults
    )
    return Harness(cfg, durable=durable)


# -- the registry ------------------------------------------------------------------------------


def test_ids_are_given_by_the_registry_and_clear_one_or_all() -> None:
    faults = Faults()
    assert not faults.active
    a = faults.add(Fault(K.NO_RESPONSE, id=99))
    b = faults.add(Fault(K.RECEIPT_LOST))
    assert (a.id, b.id) == (1, 2)
    assert faults.active and [f.id for f in faults.list()] == [1, 2]
    assert faults.remove(1) and not faults.remove(1)
    assert faults.active
    assert faults.clear() == 1
    assert not faults.active and faults.list() == []
    assert faults.add(Fault(K.NO_RESPONSE)).id == 3  # ids are never reused


def test_scope_by_account_and_destination_prefix() -> None:
    rng = random.Random(1)
    faults = Faults([Fault(K.REJECT, account="shop", prefix="4477", status=S.ESME_RSYSERR)])
    assert faults.submit_fault("shop", "447700900001", 0.0, rng) is not None
    assert faults.submit_fault("shop", "33600000000", 0.0, rng) is None
    assert faults.submit_fault("bank", "447700900001", 0.0, rng) is None
    assert Faults([Fault(K.REJECT, status=8)]).submit_fault("any", "1", 0.0, rng) is not None


def test_first_fault_in_id_order_decides() -> None:
    rng = random.Random(1)
    faults = Faults([Fault(K.SLOW_RESPONSE, delay=3.0), Fault(K.REJECT, status=S.ESME_RSYSERR)])
    action = faults.submit_fault("a", "1", 0.0, rng)
    assert action is not None and action.delay == 3.0 and not action.status


def test_a_share_is_rejected_close_to_the_probability() -> None:
    rng = random.Random(7)
    faults = Faults([Fault(K.REJECT, probability=0.3, status=S.ESME_RSUBMITFAIL)])
    hits = sum(faults.submit_fault("a", "1", 0.0, rng) is not None for _ in range(10_000))
    # 0.3 * 10000 = 3000, sd ~46: five sd either side.
    assert 2770 < hits < 3230


def test_throttle_lets_the_rate_through_then_refuses() -> None:
    rng = random.Random(1)
    faults = Faults([Fault(K.THROTTLE, rate=5)])
    answers = [faults.submit_fault("a", "1", 10.0, rng) for _ in range(8)]
    assert answers[:5] == [None] * 5
    assert all(a is not None and a.status == S.ESME_RTHROTTLED for a in answers[5:])
    assert faults.submit_fault("a", "1", 11.0, rng) is None  # a new second


def test_receipt_bind_duplicate_and_drop_queries() -> None:
    rng = random.Random(1)
    faults = Faults(
        [
            Fault(K.RECEIPT_DELAY, prefix="44", delay=30.0),
            Fault(K.RECEIPT_LOST, prefix="33"),
            Fault(K.BIND_REFUSED, account="bad", status=S.ESME_RBINDFAIL),
            Fault(K.DUPLICATE_DELIVERY, account="shop", copies=2),
            Fault(K.DROP_SESSION, account="shop", after=3),
        ]
    )
    assert faults.receipt_delay("x", "4477", rng) == 30.0
    assert faults.receipt_delay("x", "3360", rng) == math.inf
    assert faults.receipt_delay("x", "1", rng) == 0.0
    assert faults.bind_fault("bad", rng) == S.ESME_RBINDFAIL
    assert faults.bind_fault("good", rng) == 0
    assert faults.duplicates("shop", "1", rng) == 2 and faults.duplicates("x", "1", rng) == 0
    assert faults.drop_after("shop", rng) == 3 and faults.drop_after("x", rng) == 0


def test_a_status_without_a_name_reads_back_as_its_number() -> None:
    fault = fault_from_dict({"kind": "bind_refused", "status": 4294967294, "probability": 1})
    assert fault.to_dict()["status"] == 4294967294
    assert fault_from_dict(fault.to_dict()) == fault
    named = fault_from_dict({"kind": "reject", "status": 8})
    assert named.to_dict()["status"] == "ESME_RSYSERR"


def test_json_form_round_trips() -> None:
    f = Faults().add(Fault(K.REJECT, account="shop", probability=0.5, status=S.ESME_RSYSERR))
    d = f.to_dict()
    assert d == {
        "id": 1,
        "kind": "reject",
        "account": "shop",
        "probability": 0.5,
        "status": "ESME_RSYSERR",
    }
    assert replace(fault_from_dict(d), id=1) == f


@pytest.mark.parametrize(
    ("data", "key", "problem"),
    [
        ({}, "kind", "is required"),
        ({"kind": "explode"}, "kind", "must be one of"),
        ({"kind": "throttle"}, "rate", "is required for kind throttle"),
        ({"kind": "throttle", "rate": 0}, "rate", "must be a positive number, got 0"),
        ({"kind": "reject", "delay": 1}, "delay", "unknown key for kind reject"),
        ({"kind": "reject", "status": "ESME_RFAST"}, "status", "command_status name"),
        ({"kind": "reject", "status": 0}, "status", "command_status name"),
        ({"kind": "reject", "probability": 1.5}, "probability", "at most 1"),
        ({"kind": "bind_refused", "prefix": "44"}, "prefix", "does not apply"),
        ({"kind": "drop_session", "after": 0}, "after", "integer from 1"),
        ({"kind": "duplicate_delivery", "copies": True}, "copies", "integer"),
        ({"kind": "no_response", "account": ""}, "account", "1-15 characters"),
    ],
)
def test_bad_faults_name_the_key(data: dict[str, object], key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as e:
        fault_from_dict(data, "faults[0]")
    assert e.value.key == f"faults[0].{key}"
    assert problem in e.value.problem


def test_config_file_faults_and_their_errors() -> None:
    cfg = config_from_dict(
        {"faults": [{"kind": "reject", "status": 8}, {"kind": "throttle", "rate": 2.5}]}
    )
    assert [f.kind for f in cfg.faults] == [K.REJECT, K.THROTTLE]
    with pytest.raises(ConfigError, match=r"faults\[1\]\.rate: must be a positive number"):
        config_from_dict({"faults": [{"kind": "no_response"}, {"kind": "throttle", "rate": "x"}]})
    with pytest.raises(ConfigError, match=r"faults: must be an array of tables"):
        config_from_dict({"faults": {"kind": "no_response"}})


# -- each kind through the core --------------------------------------------------------------


def test_reject_refuses_with_the_status_and_stores_nothing() -> None:
    h = harness(Fault(K.REJECT, status=S.ESME_RSYSERR))
    esme = h.client()
    resp = esme.submit()
    assert resp is not None and resp.command_status == S.ESME_RSYSERR
    data = esme.request(pdu.DataSm(source_addr="1", destination_addr=DEST, message_payload=b"x"))
    assert data is not None and data.command_status == S.ESME_RSYSERR
    assert h.core.counters["submitted"] == 0


def test_reject_scoped_to_a_prefix_spares_other_destinations() -> None:
    h = harness(Fault(K.REJECT, prefix="33", status=S.ESME_RSYSERR))
    esme = h.client()
    assert esme.submit(destination_addr="33600000000").command_status == S.ESME_RSYSERR  # type: ignore[union-attr]
    assert esme.submit().command_status == 0  # type: ignore[union-attr]


def test_cleared_fault_stops() -> None:
    h = harness(Fault(K.REJECT, status=S.ESME_RSYSERR))
    esme = h.client()
    assert esme.submit().command_status == S.ESME_RSYSERR  # type: ignore[union-attr]
    h.core.faults.clear()
    assert esme.submit().command_status == 0  # type: ignore[union-attr]


def test_submit_multi_refused_by_first_destination_prefix() -> None:
    h = harness(Fault(K.REJECT, prefix="44", status=S.ESME_RSYSERR))
    esme = h.client()
    resp = esme.request(
        pdu.SubmitMulti(
            source_addr="1",
            dest_address=[pdu.SmeAddress(1, 1, DEST)],
            short_message=b"hi",
        )
    )
    assert resp is not None and resp.command_status == S.ESME_RSYSERR


def test_throttle_above_the_rate() -> None:
    h = harness(Fault(K.THROTTLE, rate=2))
    esme = h.client()
    statuses = [esme.submit().command_status for _ in range(4)]  # type: ignore[union-attr]
    assert statuses == [0, 0, S.ESME_RTHROTTLED, S.ESME_RTHROTTLED]
    assert h.core.counters["throttled"] == 2


@pytest.mark.parametrize("durable", [False, True])
def test_slow_response_comes_after_the_delay(durable: bool) -> None:
    h = harness(Fault(K.SLOW_RESPONSE, delay=3.0), durable=durable)
    esme = h.client()
    seq = esme.send(pdu.SubmitSm(source_addr="1", destination_addr=DEST, short_message=b"x"))
    h.commit()
    assert seq not in esme.answers
    h.advance(2.9)
    assert seq not in esme.answers
    h.advance(0.2)
    assert esme.answers[seq].command_status == 0
    assert h.core.counters["submitted"] == 1


def test_no_response_never_answers_but_the_message_is_accepted() -> None:
    h = harness(Fault(K.NO_RESPONSE))
    esme = h.client()
    seq = esme.send(
        pdu.SubmitSm(
            source_addr="1", destination_addr=DEST, short_message=b"x", registered_delivery=1
        )
    )
    h.advance(DELAY + 60)
    assert seq not in esme.answers
    assert len(esme.receipts()) == 1  # the network got it; only the response is missing


def test_receipt_delayed_then_sent() -> None:
    h = harness(Fault(K.RECEIPT_DELAY, delay=20.0))
    esme = h.client()
    esme.submit(registered_delivery=1)
    h.advance(DELAY + 1)
    assert esme.receipts() == []
    h.advance(20)
    assert len(esme.receipts()) == 1


def test_receipt_lost_but_the_state_is_final() -> None:
    h = harness(Fault(K.RECEIPT_LOST))
    esme = h.client()
    resp = esme.submit(registered_delivery=1)
    assert resp is not None
    h.advance(DELAY + 60)
    assert esme.receipts() == []
    assert h.store.get_message(resp.message_id).state == pdu.MessageState.DELIVERED  # type: ignore[union-attr]


def test_duplicate_delivery_of_receipts_and_mo() -> None:
    h = harness(Fault(K.DUPLICATE_DELIVERY, copies=1))
    esme = h.client()
    resp = esme.submit(registered_delivery=1)
    h.advance(DELAY + 1)
    ids = [p.receipted_message_id for p in esme.receipts()]
    assert ids == [resp.message_id] * 2  # type: ignore[union-attr]
    h.core.inject_mo("447700900123", "12345", b"YES", h.now)
    h.flush()
    mo = [p for p in esme.received if isinstance(p, pdu.DeliverSm) and not p.esm_class]
    assert [p.short_message for p in mo] == [b"YES", b"YES"]
    assert mo[0].sequence_number != mo[1].sequence_number


def test_bind_refused_for_the_account_only() -> None:
    h = harness(Fault(K.BIND_REFUSED, account="bad", status=S.ESME_RBINDFAIL))
    from test_core import Client

    refused = Client(h).bind(system_id="bad")
    assert refused.command_status == S.ESME_RBINDFAIL
    assert Client(h).bind(system_id="good").command_status == 0


def test_session_dropped_after_n_pdus() -> None:
    h = harness(Fault(K.DROP_SESSION, after=3))
    esme = h.client()
    for _ in range(3):
        assert esme.submit() is not None  # each answered, the third one too
    assert esme.conn.closed
    assert h.core.counters["submitted"] == 3
