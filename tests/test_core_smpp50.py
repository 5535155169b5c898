"""SMPP 5.0 at the SMSC, driven through the core as tests/test_core.py does: the version a
bind is answered and served at (and an account's cap on it), broadcast_sm with its life
(query shows it, cancel ends it, the store keeps it), congestion_state, and set_dpf in a
5.0 submit_sm."""

from __future__ import annotations

import pytest
from helpers import frames
from test_core import Client, Harness
from test_core_carrier import ABSENT, absent_network, alerts, harness
from test_core_restart_reset import restart

import pdu
from pdu import BroadcastContentType, BroadcastFrequencyInterval, MessageState
from pdu import CommandStatus as S
from smsc.config import AccountConfig, ServerConfig, StoreKind, Timers
from smsc.core.congestion import congestion_state

AREA = b"\x00Cell 1"
NOW_STEP = 60.0


def bound50(h: Harness, *, system_id: str = "acme", version: int = 0x50) -> Client:
    c = Client(h)
    resp = c.bind(
        pdu.BindTransceiver, system_id=system_id, password="pw", interface_version=version
    )
    assert resp.command_status == 0
    return c


def broadcast(**fields: object) -> pdu.BroadcastSm:
    kw: dict[str, object] = {
        "source_addr": "ALERTS",
        "broadcast_area_identifier": [AREA, b"\x00Cell 2"],
        "broadcast_content_type": BroadcastContentType(1, 0x0001),
        "broadcast_rep_num": 3,
        "broadcast_frequency_interval": BroadcastFrequencyInterval(0x09, 1),  # every minute
        "message_payload": b"Road closed",
    }
    kw.update(fields)
    return pdu.BroadcastSm(**kw)  # type: ignore[arg-type]


def query(c: Client, message_id: str = "", **fields: object) -> pdu.QueryBroadcastSmResp:
    resp = c.request(pdu.QueryBroadcastSm(message_id=message_id, source_addr="ALERTS", **fields))  # type: ignore[arg-type]
    assert isinstance(resp, pdu.QueryBroadcastSmResp)
    return resp


# -- versions -----------------------------------------------------------------------------


@pytest.mark.parametrize(("offered", "answered"), [(0x50, 0x50), (0x34, 0x34), (0x33, None)])
def test_a_bind_is_answered_with_the_version_it_runs_at(offered: int, answered: int | None) -> None:
    h = harness()
    c = Client(h)
    resp = c.bind(system_id="acme", password="pw", interface_version=offered)
    assert resp.command_status == 0
    assert getattr(resp, "sc_interface_version", None) == answered  # 3.3: no TLV at all
    assert c.conn.session.interface_version == max(offered, 0x33)


def raw(h: Harness, c: Client, p: pdu.Pdu, seq: int = 99) -> list[pdu.Pdu]:
    """``p`` as a peer puts it on the wire, whatever its session allows; what the SMSC
    answers."""
    p.sequence_number = seq
    h.core.receive(c.conn, pdu.encode(p), h.now)
    return frames(c.conn.session.data_to_send())


def test_an_account_of_an_older_smpp_answers_a_50_bind_at_its_own() -> None:
    h = harness(interface_version=0x34)
    c = Client(h)
    resp = c.bind(system_id="acme", password="pw", interface_version=0x50)
    assert resp.sc_interface_version == 0x34  # type: ignore[attr-defined]
    # ... and serves it at 3.4: a broadcast_sm is an unknown command there.
    assert raw(h, c, broadcast()) == [
        pdu.GenericNack(sequence_number=99, command_status=S.ESME_RINVCMDID)
    ]


def test_a_33_account_sends_receipts_without_any_tlv() -> None:
    h = harness(interface_version=0x33)
    c = Client(h)
    resp = c.bind(system_id="acme", password="pw", interface_version=0x50)
    assert getattr(resp, "sc_interface_version", None) is None
    c.submit(registered_delivery=1)
    h.advance(5.0)
    (receipt,) = c.receipts()
    assert receipt.__dict__ == {}  # no receipted_message_id, message_state, network_error_code


# -- broadcast_sm --------------------------------------------------------------------------


def test_a_broadcast_runs_its_course_query_shows_each_step() -> None:
    h = harness()
    c = bound50(h)
    resp = c.request(broadcast(schedule_delivery_time="000000000100000R"))  # in a minute
    assert isinstance(resp, pdu.BroadcastSmResp) and resp.command_status == 0
    bid = resp.message_id
    q = query(c, bid)
    assert q.message_state == MessageState.SCHEDULED
    assert list(q.broadcast_area_identifier) == [AREA, b"\x00Cell 2"]
    assert list(q.broadcast_area_success) == [0, 0]  # not broadcast yet
    assert getattr(q, "broadcast_end_time", None) is None
    h.advance(NOW_STEP)
    q = query(c, bid)
    assert q.message_state == MessageState.ENROUTE
    assert list(q.broadcast_area_success) == [100, 100]
    h.advance(3 * NOW_STEP)  # three repetitions a minute apart
    q = query(c, bid)
    assert q.message_state == MessageState.EXPIRED
    assert q.broadcast_end_time  # once ended
    stored = h.store.get_broadcast(bid)
    assert stored is not None and stored.state is MessageState.EXPIRED
    assert stored.text == "Road closed"


def test_cancel_ends_a_broadcast_and_a_second_cancel_fails() -> None:
    h = harness()
    c = bound50(h)
    bid = c.request(broadcast()).message_id  # type: ignore[union-attr]
    cancel = pdu.CancelBroadcastSm(message_id=bid, source_addr="ALERTS")
    assert c.request(cancel).command_status == 0  # type: ignore[union-attr]
    q = query(c, bid)
    assert q.message_state == MessageState.DELETED and q.broadcast_end_time
    again = pdu.CancelBroadcastSm(message_id=bid, source_addr="ALERTS")
    assert c.request(again).command_status == S.ESME_RBCASTCANCELFAIL  # type: ignore[union-attr]


def test_cancel_without_an_id_ends_every_open_broadcast_of_the_source() -> None:
    h = harness()
    c = bound50(h)
    ids = [c.request(broadcast()).message_id for _ in range(2)]  # type: ignore[union-attr]
    other = c.request(broadcast(source_addr="OTHER")).message_id  # type: ignore[union-attr]
    assert c.request(pdu.CancelBroadcastSm(source_addr="ALERTS")).command_status == 0  # type: ignore[union-attr]
    assert [query(c, i).message_state for i in ids] == [MessageState.DELETED] * 2
    q = c.request(pdu.QueryBroadcastSm(message_id=other, source_addr="OTHER"))
    assert q.message_state == MessageState.ENROUTE  # type: ignore[union-attr]


def test_query_and_cancel_by_user_message_reference() -> None:
    h = harness()
    c = bound50(h)
    c.request(broadcast(user_message_reference=7))
    newest = c.request(broadcast(user_message_reference=7)).message_id  # type: ignore[union-attr]
    q = query(c, user_message_reference=7)
    assert q.message_id == newest  # the most recently submitted
    assert q.user_message_reference == 7
    cancel = pdu.CancelBroadcastSm(source_addr="ALERTS", user_message_reference=7)
    assert c.request(cancel).command_status == 0  # type: ignore[union-attr]


def test_replace_changes_the_open_broadcast_and_makes_no_new_one() -> None:
    h = harness()
    c = bound50(h)
    bid = c.request(broadcast()).message_id  # type: ignore[union-attr]
    resp = c.request(broadcast(message_id=bid, replace_if_present_flag=1, message_payload=b"Open"))
    assert resp.command_status == 0 and resp.message_id == bid  # type: ignore[union-attr]
    h.commit()
    (stored,) = h.store.find_broadcasts()
    assert stored.text == "Open"
    missing = broadcast(message_id="nope", replace_if_present_flag=1)
    assert c.request(missing).command_status == S.ESME_RBCASTFAIL  # type: ignore[union-attr]


def test_another_accounts_broadcast_is_not_found() -> None:
    accounts = (
        AccountConfig(system_id="acme", password="pw"),
        AccountConfig(system_id="shop", password="pw"),
    )
    h = Harness(ServerConfig(store=StoreKind.MEMORY, seed=1, timers=Timers(), accounts=accounts))
    acme = bound50(h)
    bid = acme.request(broadcast()).message_id  # type: ignore[union-attr]
    shop = bound50(h, system_id="shop")
    found = shop.request(pdu.QueryBroadcastSm(message_id=bid, source_addr="ALERTS"))
    assert found is not None and found.command_status == S.ESME_RBCASTQUERYFAIL
    cancel = pdu.CancelBroadcastSm(message_id=bid, source_addr="ALERTS")
    assert shop.request(cancel).command_status == S.ESME_RBCASTCANCELFAIL  # type: ignore[union-attr]
    assert query(acme, bid).message_state == MessageState.ENROUTE


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"broadcast_area_identifier": [b"\x07x"]}, S.ESME_RINVBCASTAREAFMT),
        ({"broadcast_area_identifier": [b"\x00"]}, S.ESME_RINVBCASTALIAS_NAME),
        ({"broadcast_area_identifier": [AREA] * 101}, S.ESME_RINVNUMBCAST_AREAS),
        ({"broadcast_content_type": BroadcastContentType(9, 0)}, S.ESME_RINVBCASTCNTTYPE),
        (
            {"broadcast_frequency_interval": BroadcastFrequencyInterval(0x20, 1)},
            S.ESME_RINVBCASTFREQINT,
        ),
        ({"broadcast_message_class": 7}, S.ESME_RINVBCASTMSGCLASS),
        ({"broadcast_channel_indicator": 2}, S.ESME_RINVBCASTCHANIND),
        ({"message_payload": None}, S.ESME_RBCASTFAIL),
        ({"validity_period": "991399000000000+"}, S.ESME_RINVEXPIRY),  # month 13
        ({"priority_flag": 9}, S.ESME_RINVPRTFLG),
    ],
)
def test_each_fault_gets_its_status(fields: dict[str, object], status: int) -> None:
    h = harness()
    c = bound50(h)
    p = broadcast(**{k: v for k, v in fields.items() if v is not None})
    if fields.get("message_payload", 1) is None:
        del p.__dict__["message_payload"]
    resp = c.request(p)
    assert resp is not None and resp.command_status == status


def test_an_immediate_broadcast_needs_no_rep_num_and_goes_once() -> None:
    h = harness()
    c = bound50(h)
    p = broadcast(priority_flag=1)
    del p.__dict__["broadcast_rep_num"]
    bid = c.request(p).message_id  # type: ignore[union-attr]
    assert query(c, bid).message_state == MessageState.ENROUTE
    h.advance(NOW_STEP)
    assert query(c, bid).message_state == MessageState.EXPIRED


def test_a_durable_broadcast_is_answered_once_stored_and_survives_a_restart() -> None:
    h = harness(durable=True)
    c = bound50(h)
    seq = c.send(broadcast())
    assert seq not in c.answers  # held for its batch
    h.commit()
    bid = c.answers[seq].message_id  # type: ignore[attr-defined]
    restart(h)
    c = bound50(h)
    assert query(c, bid).message_state == MessageState.ENROUTE
    h.advance(3 * NOW_STEP)
    assert query(c, bid).message_state == MessageState.EXPIRED


def test_a_failed_batch_refuses_the_broadcast_and_forgets_it() -> None:
    h = harness(durable=True)
    c = bound50(h)
    seq = c.send(broadcast())
    h.commit(error=OSError("disk on fire"))
    assert c.answers[seq].command_status == S.ESME_RSYSERR
    h.commit()
    assert h.store.find_broadcasts() == []


# -- congestion_state ----------------------------------------------------------------------


def test_congestion_state_is_in_responses_to_50_binds_only() -> None:
    h = harness(throughput=10.0)
    c50 = bound50(h)
    c34 = bound50(h, version=0x34)
    for _ in range(8):
        c50.submit()
    resp = c50.submit()
    assert resp is not None and resp.congestion_state == 90  # type: ignore[attr-defined]
    resp34 = c34.submit()
    assert resp34 is not None and "congestion_state" not in resp34.__dict__


def test_a_50_bind_resp_carries_the_accounts_load_so_far() -> None:
    # A second bind learns at once that its account is near its throughput cap.
    h = harness(throughput=10.0)
    first = bound50(h)
    idle = Client(h).bind(system_id="acme", password="pw", interface_version=0x50)
    assert idle.congestion_state == 0  # type: ignore[attr-defined]
    for _ in range(9):
        first.submit()
    busy = Client(h).bind(system_id="acme", password="pw", interface_version=0x50)
    assert busy.congestion_state == 90  # type: ignore[attr-defined]
    at34 = Client(h).bind(system_id="acme", password="pw", interface_version=0x34)
    assert at34.command_status == 0 and "congestion_state" not in at34.__dict__


def test_congestion_state_mapping() -> None:
    assert congestion_state() == 0
    assert congestion_state(0.0, 0.004) == 0
    assert congestion_state(0.85, 0.2) == 85
    assert congestion_state(3.0) == 100


# -- set_dpf in a 5.0 submit_sm -------------------------------------------------------------


def test_set_dpf_in_a_50_submit_sm_raises_the_alert() -> None:
    h = harness(network=absent_network())
    c = bound50(h)
    resp = c.submit(destination_addr=ABSENT, set_dpf=1, registered_delivery=1)
    assert resp is not None and resp.command_status == 0
    h.advance(1.0 + 2 * 60.0)
    (alert,) = alerts(c)
    assert alert.source_addr == ABSENT and alert.ms_availability_status == 0


def test_set_dpf_in_a_34_submit_sm_is_refused_as_34_refuses_it() -> None:
    h = harness(network=absent_network())
    c = bound50(h, version=0x34)
    p = pdu.SubmitSm(source_addr="1234", destination_addr=ABSENT)
    p.__dict__["set_dpf"] = 1  # our own 3.4 session would not send it; a peer may
    assert raw(h, c, p) == [
        pdu.SubmitSmResp(sequence_number=99, command_status=S.ESME_ROPTPARNOTALLWD)
    ]


# -- a known TLV out of place -----------------------------------------------------------------


@pytest.mark.parametrize(("version", "accepted"), [(0x50, True), (0x34, False)])
def test_a_stray_known_tlv_is_ignored_at_50_and_refused_at_34(version: int, accepted: bool) -> None:
    # message_state belongs in no submit_sm. 5.0 asks a receiver to ignore a known tag it
    # does not expect (5.0 facts, TLV handling); 3.4 answers ESME_ROPTPARNOTALLWD.
    h = harness()
    c = bound50(h, version=version)
    body = pdu.encode(
        pdu.SubmitSm(sequence_number=99, source_addr="1234", destination_addr="447700900123")
    )
    stray = bytes.fromhex("0427000102")
    h.core.receive(c.conn, (len(body) + 5).to_bytes(4, "big") + body[4:] + stray, h.now)
    (resp,) = frames(c.conn.session.data_to_send())
    if not accepted:
        assert resp == pdu.SubmitSmResp(sequence_number=99, command_status=S.ESME_ROPTPARNOTALLWD)
        return
    assert (resp.command_status, resp.sequence_number) == (0, 99)
    h.flush()
    stored = h.store.get_message(resp.message_id)  # type: ignore[attr-defined]
    assert stored is not None and stored.destination_addr == "447700900123"
    assert stored.raw_pdu.endswith(stray)  # the PDU kept as it came, for the detail view
