"""The SMSC core driven directly: ESME-role sessions as clients over a fake link, a
MemoryStore, time as numbers. Memory mode (durable=False) commits batches as the adapter
does; durable mode commits only when the test calls ``commit``."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

import pdu
from carriers.config import CarriersConfig
from carriers.outcome import Outcome, OutcomeModel
from pdu import CommandStatus as S
from pdu import MessageState, Pdu
from pdu import receipt as receipt_text
from smsc.config import AccountConfig, ServerConfig, StoreKind, Timers
from smsc.core import Connection, Smsc
from smsc.model import Message
from smsc.smpp.session import (
    Closed,
    Event,
    ResponseReceived,
    Session,
    SessionConfig,
    UnbindRequested,
)
from smsc.smpp.states import BindState, Role
from smsc.store import MemoryStore, StoreError, StoreFullError

T0 = 1_700_000_000.0  # 2023-11-14 22:13:20 UTC
DELAY = 5.0  # receipt_delay of the default outcome
DEST = "447700900001"
SOURCE = "12345"


class Client:
    """An ESME: an ESME-role Session joined to one core Connection."""

    def __init__(
        self,
        h: Harness,
        *,
        ack: int | None = 0,
        peer: str = "127.0.0.1",
        conn: Connection | None = None,
    ) -> None:
        self.h = h
        # The client's own timers stay out of the way: the tests are about the core.
        cfg = SessionConfig(
            role=Role.ESME,
            window_size=100,
            response_timeout=1e9,
            enquire_link_interval=1e9,
            inactivity_timeout=1e9,
        )
        self.session = Session(cfg, h.now)
        # A connection the core opened (outbind) or, by default, one to the core.
        self.conn = conn if conn is not None else h.core.connect(peer, h.now)
        self.ack = ack  # status to answer deliver_sm/data_sm with; None = leave unanswered
        self.received: list[Pdu] = []  # requests from the SMSC, in arrival order
        self.answers: dict[int, Pdu] = {}  # our sequence_number -> the SMSC's response
        self.events: list[Event] = []
        self.lost = False
        h.clients[self.conn.id] = self

    def feed(self, data: bytes) -> None:
        events = self.session.receive_data(data, self.h.now)
        self.events += events
        for ev in events:
            if isinstance(ev, ResponseReceived):
                self.answers[ev.request.sequence_number] = ev.response
            elif isinstance(ev, Pdu):
                self.received.append(ev)
                if self.ack is not None and pdu.response_class(ev) is not None:
                    self.answer(ev, self.ack)  # alert_notification has no response

    def answer(self, request: Pdu, status: int = 0) -> None:
        resp_cls = pdu.response_class(request)
        assert resp_cls is not None
        self.session.send(
            resp_cls(sequence_number=request.sequence_number, command_status=status), 0
        )

    def send(self, p: Pdu) -> int:
        seq = self.session.send(p, self.h.now)
        self.h.flush()
        return seq

    def request(self, p: Pdu) -> Pdu | None:
        """Send ``p``; the SMSC's answer, or None while it is held."""
        return self.answers.get(self.send(p))

    def bind(
        self,
        cls: type[Pdu] = pdu.BindTransceiver,
        system_id: str = "esme",
        password: str = "",
        interface_version: int = 0x34,
    ) -> Pdu:
        bind = cls(system_id=system_id, password=password, interface_version=interface_version)  # type: ignore[call-arg]
        resp = self.request(bind)
        assert resp is not None
        return resp

    def submit(self, **fields: object) -> Pdu | None:
        kw: dict[str, object] = {
            "source_addr": SOURCE,
            "destination_addr": DEST,
            "short_message": b"hello",
            "source_addr_ton": 1,
            "source_addr_npi": 1,
            "dest_addr_ton": 1,
            "dest_addr_npi": 1,
        }
        kw.update(fields)
        return self.request(pdu.SubmitSm(**kw))  # type: ignore[arg-type]

    def receipts(self) -> list[pdu.DeliverSm]:
        return [p for p in self.received if isinstance(p, pdu.DeliverSm) and p.esm_class & 0x3C]

    def lose(self) -> None:
        """The TCP connection drops."""
        self.lost = True
        self.session.connection_lost()
        self.h.core.disconnected(self.conn, self.h.now)
        self.h.flush()


class Harness:
    def __init__(
        self,
        config: ServerConfig | None = None,
        *,
        durable: bool = False,
        now: float = T0,
        outcome: OutcomeModel | None = None,
        carriers: CarriersConfig | None = None,
    ) -> None:
        self.now = now
        self.store = MemoryStore()
        self.config = config or ServerConfig(
            store=StoreKind.MEMORY, seed=1, timers=Timers(receipt_delay=DELAY)
        )
        self.core = Smsc(
            self.config,
            store=self.store,
            durable=durable,
            now=now,
            outcome=outcome,
            carriers=carriers,
        )
        self.durable = durable
        self.clients: dict[int, Client] = {}

    def client(
        self, cls: type[Pdu] = pdu.BindTransceiver, *, system_id: str = "esme", ack: int | None = 0
    ) -> Client:
        """A new connection, bound as ``cls`` in development mode."""
        c = Client(self, ack=ack)
        assert c.bind(cls, system_id=system_id).command_status == 0
        return c

    def flush(self) -> None:
        """Carry bytes both ways until the link is quiet (the adapter's job)."""
        for _ in range(100):
            moved = False
            for conn in self.core.take_output():
                client = self.clients[conn.id]
                data = conn.session.data_to_send()
                if data and not client.lost:
                    client.feed(data)
                    moved = True
            for client in self.clients.values():
                data = client.session.data_to_send()
                if data and not client.lost and not client.conn.closed:
                    self.core.receive(client.conn, data, self.now)
                    moved = True
            if not self.durable:
                self.commit()
            if not moved:
                return
        raise AssertionError("the link did not settle")

    def commit(self, error: Exception | None = None) -> None:
        """Write the pending batch as the adapter would (or fail it with ``error``)."""
        held = self.core.take_batch()
        if held is None:
            return
        if error is None:
            try:
                self.store.apply(held.batch)
            except StoreError as e:
                error = e
        self.core.batch_done(held, self.now, error)
        if self.durable:
            self.flush()

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self.core.tick(self.now)
        self.flush()


def assert_receipt(p: pdu.DeliverSm, message_id: str, state: MessageState) -> None:
    assert p.esm_class == 0x04
    assert p.receipted_message_id == message_id
    assert p.message_state == state
    parsed = receipt_text.parse_bytes(p.short_message)
    assert parsed.id == message_id
    assert parsed.stat == receipt_text.STATE_TO_STAT[int(state)]
    # A receipt comes from the original destination and goes to the original source.
    assert (p.source_addr, p.destination_addr) == (DEST, SOURCE)


# -- submit and receipts ----------------------------------------------------------------------


def test_submit_gets_an_id_and_a_receipt_with_that_id_after_the_delay() -> None:
    h = Harness()
    esme = h.client()
    resp = esme.submit(registered_delivery=1)
    assert isinstance(resp, pdu.SubmitSmResp) and resp.command_status == 0
    message_id = resp.message_id
    assert message_id
    h.advance(DELAY - 0.5)
    assert esme.receipts() == []
    h.advance(0.5)
    (receipt,) = esme.receipts()
    assert_receipt(receipt, message_id, MessageState.DELIVERED)
    stored = h.store.get_message(message_id)
    assert stored is not None and stored.state is MessageState.DELIVERED
    # The ESME answered it: nothing is left to deliver.
    assert h.store.load_pending_deliveries() == []


def test_no_receipt_without_registered_delivery() -> None:
    h = Harness()
    esme = h.client()
    resp = esme.submit(registered_delivery=0)
    assert resp is not None and resp.command_status == 0
    h.advance(DELAY * 2)
    assert esme.received == []


def test_message_ids_are_unique_per_submit() -> None:
    h = Harness()
    esme = h.client()
    ids = [esme.submit() for _ in range(5)]
    assert len({r.message_id for r in ids if r is not None}) == 5  # type: ignore[attr-defined]


def test_receipts_wait_for_a_receiver_bind_and_follow_it() -> None:
    h = Harness()
    tx = h.client(pdu.BindTransmitter)
    resp = tx.submit(registered_delivery=1)
    assert resp is not None
    h.advance(DELAY)
    assert tx.received == []  # a transmitter bind cannot take deliver_sm
    rx = h.client(pdu.BindReceiver)
    (receipt,) = rx.receipts()
    assert_receipt(receipt, resp.message_id, MessageState.DELIVERED)  # type: ignore[attr-defined]


def test_receipts_go_round_robin_over_two_receiver_binds() -> None:
    h = Harness()
    tx = h.client(pdu.BindTransmitter)
    rx1 = h.client(pdu.BindReceiver)
    rx2 = h.client(pdu.BindReceiver)
    ids = [tx.submit(registered_delivery=1, short_message=b"m%d" % i) for i in range(4)]
    h.advance(DELAY)
    got1 = [r.receipted_message_id for r in rx1.receipts()]
    got2 = [r.receipted_message_id for r in rx2.receipts()]
    assert len(got1) == len(got2) == 2
    assert sorted(got1 + got2) == sorted(r.message_id for r in ids)  # type: ignore[union-attr]


def test_receipts_only_go_to_binds_of_the_submitting_account() -> None:
    h = Harness()
    mine = h.client(system_id="alice")
    other = h.client(pdu.BindReceiver, system_id="bob")
    mine.submit(registered_delivery=1)
    h.advance(DELAY)
    assert len(mine.receipts()) == 1 and other.received == []


def test_temporary_error_on_deliver_sm_resp_is_retried_later() -> None:
    h = Harness()
    tx = h.client(pdu.BindTransmitter)
    rx = h.client(pdu.BindReceiver, ack=S.ESME_RX_T_APPN)
    resp = tx.submit(registered_delivery=1)
    h.advance(DELAY)
    assert len(rx.received) == 1
    rx.ack = 0
    retry = h.config.timers.retry_delay(1)
    h.advance(retry - 0.1)
    assert len(rx.received) == 1
    h.advance(0.1)
    first, second = rx.received
    assert second.sequence_number != first.sequence_number  # a new attempt, a new number
    assert_receipt(second, resp.message_id, MessageState.DELIVERED)  # type: ignore[arg-type, union-attr]
    h.advance(3600)
    assert len(rx.received) == 2  # acknowledged: no further attempts
    assert h.store.load_pending_deliveries() == []


def test_permanent_error_on_deliver_sm_resp_is_not_retried() -> None:
    h = Harness()
    esme = h.client(ack=S.ESME_RX_P_APPN)
    esme.submit(registered_delivery=1)
    h.advance(DELAY)
    h.advance(3600)
    assert len(esme.received) == 1
    assert h.store.load_pending_deliveries() == []


def test_unacknowledged_deliveries_of_a_lost_session_are_requeued() -> None:
    h = Harness()
    tx = h.client(pdu.BindTransmitter)
    rx = h.client(pdu.BindReceiver, ack=None)
    resp = tx.submit(registered_delivery=1)
    h.advance(DELAY)
    assert len(rx.received) == 1  # sent, never answered
    rx.lose()
    assert not h.core.connections.get(rx.conn.id)
    again = h.client(pdu.BindReceiver)
    (receipt,) = again.receipts()
    assert_receipt(receipt, resp.message_id, MessageState.DELIVERED)  # type: ignore[union-attr]


def test_unanswered_delivery_is_retried_after_the_response_timeout() -> None:
    config = ServerConfig(
        store=StoreKind.MEMORY,
        seed=1,
        timers=Timers(receipt_delay=DELAY, response_timeout=10.0, retry_base=5.0),
    )
    h = Harness(config)
    tx = h.client(pdu.BindTransmitter)
    rx = h.client(pdu.BindReceiver, ack=None)
    tx.submit(registered_delivery=1)
    h.advance(DELAY)
    rx.ack = 0
    h.now += 10.0
    h.core.session_timer(rx.conn, h.now)  # the adapter's per-connection timer
    h.flush()
    h.advance(5.0)
    assert len(rx.received) == 2
    assert rx.received[0].receipted_message_id == rx.received[1].receipted_message_id  # type: ignore[attr-defined]


# -- durable mode -----------------------------------------------------------------------------


def test_durable_submit_sm_resp_waits_for_the_batch() -> None:
    h = Harness(durable=True)
    esme = h.client()
    seq = esme.send(pdu.SubmitSm(destination_addr=DEST, registered_delivery=1))
    assert seq not in esme.answers  # nothing acknowledged before it is stored
    h.commit()
    resp = esme.answers[seq]
    assert resp.command_status == 0
    stored = h.store.get_message(resp.message_id)  # type: ignore[attr-defined]
    assert stored is not None


def test_durable_receipt_is_offered_only_after_its_row_is_committed() -> None:
    h = Harness(durable=True)
    esme = h.client()
    seq = esme.send(pdu.SubmitSm(destination_addr=DEST, registered_delivery=1))
    h.commit()
    h.advance(DELAY)
    assert esme.receipts() == []
    assert h.store.load_pending_deliveries() == []
    h.commit()
    (receipt,) = esme.receipts()
    assert receipt.receipted_message_id == esme.answers[seq].message_id  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("error", "status"),
    [(StoreError("disk I/O error"), S.ESME_RSYSERR), (StoreFullError("full"), S.ESME_RMSGQFUL)],
)
def test_durable_failed_batch_answers_the_store_status(error: Exception, status: int) -> None:
    h = Harness(durable=True)
    esme = h.client()
    seq = esme.send(pdu.SubmitSm(destination_addr=DEST, registered_delivery=1))
    h.commit(error)
    resp = esme.answers[seq]
    assert type(resp) is pdu.SubmitSmResp and resp.command_status == status
    h.advance(DELAY * 10)
    h.commit()
    assert esme.receipts() == []  # a message we refused gets no receipt
    assert h.store.find_messages() == []


# Regression: the ENROUTE notification of a refused submit_sm used to go out anyway.
def test_durable_failed_batch_sends_no_notification_for_the_refused_message() -> None:
    h = Harness(durable=True)
    esme = h.client()
    seq = esme.send(pdu.SubmitSm(destination_addr=DEST, registered_delivery=0x11))
    h.commit(StoreError("disk I/O error"))
    assert esme.answers[seq].command_status == S.ESME_RSYSERR
    h.advance(DELAY)
    h.commit()
    assert esme.receipts() == []


def test_durable_resp_for_a_closed_connection_is_dropped() -> None:
    h = Harness(durable=True)
    esme = h.client()
    esme.send(pdu.SubmitSm(destination_addr=DEST))
    esme.lose()
    h.commit()  # must not write to the closed session
    assert len(h.store.find_messages()) == 1


# -- query_sm, cancel_sm, replace_sm ----------------------------------------------------------


def test_query_sm_reports_enroute_then_delivered_with_final_date() -> None:
    h = Harness()
    esme = h.client()
    resp = esme.submit()
    assert resp is not None
    mid = resp.message_id  # type: ignore[attr-defined]
    q = esme.request(
        pdu.QuerySm(message_id=mid, source_addr=SOURCE, source_addr_ton=1, source_addr_npi=1)
    )
    assert isinstance(q, pdu.QuerySmResp)
    assert (q.command_status, q.message_id, q.message_state, q.final_date) == (
        0,
        mid,
        MessageState.ENROUTE,
        "",
    )
    h.advance(DELAY)
    q = esme.request(pdu.QuerySm(message_id=mid, source_addr=SOURCE))
    assert isinstance(q, pdu.QuerySmResp)
    assert q.command_status == 0 and q.message_state == MessageState.DELIVERED
    assert q.final_date.startswith("231114221325")  # T0 + 5 s, absolute SMPP time


@pytest.mark.parametrize(
    ("message_id", "source_addr", "system_id"),
    [("999", SOURCE, "esme"), (None, "54321", "esme"), (None, SOURCE, "other")],
    ids=["unknown id", "wrong source", "other account"],
)
def test_query_sm_failure_is_rqueryfail(
    message_id: str | None, source_addr: str, system_id: str
) -> None:
    h = Harness()
    owner = h.client()
    resp = owner.submit()
    asker = owner if system_id == "esme" else h.client(system_id=system_id)
    mid = message_id or resp.message_id  # type: ignore[union-attr]
    q = asker.request(pdu.QuerySm(message_id=mid, source_addr=source_addr))
    assert type(q) is pdu.QuerySmResp and q.command_status == S.ESME_RQUERYFAIL


def test_cancel_sm_deletes_the_message_and_a_second_cancel_fails() -> None:
    h = Harness()
    esme = h.client()
    resp = esme.submit(registered_delivery=1)
    mid = resp.message_id  # type: ignore[union-attr]
    c = esme.request(pdu.CancelSm(message_id=mid, source_addr=SOURCE, destination_addr=DEST))
    assert type(c) is pdu.CancelSmResp and c.command_status == 0
    assert esme.request(pdu.CancelSm(message_id=mid, source_addr=SOURCE)).command_status == (  # type: ignore[union-attr]
        S.ESME_RCANCELFAIL
    )
    q = esme.request(pdu.QuerySm(message_id=mid, source_addr=SOURCE))
    assert q.message_state == MessageState.DELETED  # type: ignore[union-attr]
    h.advance(DELAY)
    assert [r.message_state for r in esme.receipts()] == [MessageState.DELETED]


def test_cancel_sm_by_source_and_destination_cancels_all_matching() -> None:
    h = Harness()
    esme = h.client()
    ids = [esme.submit().message_id for _ in range(2)]  # type: ignore[union-attr]
    other = esme.submit(destination_addr="447700900999").message_id  # type: ignore[union-attr]
    c = esme.request(
        pdu.CancelSm(
            source_addr=SOURCE,
            source_addr_ton=1,
            source_addr_npi=1,
            destination_addr=DEST,
            dest_addr_ton=1,
            dest_addr_npi=1,
        )
    )
    assert c is not None and c.command_status == 0
    states = {
        mid: esme.request(pdu.QuerySm(message_id=mid, source_addr=SOURCE)).message_state  # type: ignore[union-attr]
        for mid in [*ids, other]
    }
    assert states == {
        ids[0]: MessageState.DELETED,
        ids[1]: MessageState.DELETED,
        other: MessageState.ENROUTE,
    }


def test_cancel_sm_after_delivery_fails() -> None:
    h = Harness()
    esme = h.client()
    mid = esme.submit().message_id  # type: ignore[union-attr]
    h.advance(DELAY)
    c = esme.request(pdu.CancelSm(message_id=mid, source_addr=SOURCE))
    assert c is not None and c.command_status == S.ESME_RCANCELFAIL


def test_replace_sm_changes_the_text_in_the_receipt() -> None:
    h = Harness()
    esme = h.client()
    mid = esme.submit(registered_delivery=1, short_message=b"old text").message_id  # type: ignore[union-attr]
    r = esme.request(
        pdu.ReplaceSm(
            message_id=mid, source_addr=SOURCE, registered_delivery=1, short_message=b"new text"
        )
    )
    assert type(r) is pdu.ReplaceSmResp and r.command_status == 0
    h.advance(DELAY)
    (receipt,) = esme.receipts()
    assert receipt_text.parse_bytes(receipt.short_message).text == "new text"


# Regression: the replaced message was re-inserted, the store refused the duplicate id
# and the whole batch failed.
def test_replace_sm_is_stored_and_does_not_fail_the_batch() -> None:
    h = Harness()
    esme = h.client()
    mid = esme.submit(registered_delivery=1, short_message=b"old text").message_id  # type: ignore[union-attr]
    esme.request(pdu.ReplaceSm(message_id=mid, source_addr=SOURCE, short_message=b"new text"))
    stored = h.store.get_message(mid)
    assert stored is not None and stored.short_message == b"new text"


# Regression: an acknowledged submit_sm in a batch with a replace_sm lost its receipt.
def test_submit_acknowledged_next_to_a_replace_still_gets_its_receipt() -> None:
    h = Harness()
    esme = h.client()
    mid = esme.submit(short_message=b"first").message_id  # type: ignore[union-attr]
    # One read holding both PDUs: one batch.
    seq = esme.session.send(pdu.SubmitSm(destination_addr=DEST, registered_delivery=1), h.now)
    esme.session.send(pdu.ReplaceSm(message_id=mid, short_message=b"again"), h.now)
    h.flush()
    assert esme.answers[seq].command_status == 0
    h.advance(DELAY)
    assert len(esme.receipts()) == 1


# Regression: answered ESME_RSYSERR because the replace failed the batch.
def test_durable_submit_in_the_same_batch_as_a_replace_is_accepted() -> None:
    h = Harness(durable=True)
    esme = h.client()
    first = esme.send(pdu.SubmitSm(destination_addr=DEST, short_message=b"first"))
    h.commit()
    mid = esme.answers[first].message_id  # type: ignore[attr-defined]
    esme.send(pdu.ReplaceSm(message_id=mid, short_message=b"again"))
    seq = esme.send(pdu.SubmitSm(destination_addr=DEST, registered_delivery=1))
    h.commit()
    assert esme.answers[seq].command_status == 0


@pytest.mark.parametrize("delivered", [False, True], ids=["unknown id", "already final"])
def test_replace_sm_failure_is_rreplacefail(delivered: bool) -> None:
    h = Harness()
    esme = h.client()
    mid = esme.submit().message_id  # type: ignore[union-attr]
    if delivered:
        h.advance(DELAY)
    else:
        mid = "1"
    r = esme.request(pdu.ReplaceSm(message_id=mid, short_message=b"x"))
    assert type(r) is pdu.ReplaceSmResp and r.command_status == S.ESME_RREPLACEFAIL


# -- scheduling and validity -------------------------------------------------------------------


def test_schedule_delivery_time_relative_delays_the_outcome() -> None:
    h = Harness()
    esme = h.client()
    resp = esme.submit(registered_delivery=1, schedule_delivery_time="000000000100000R")  # +1 min
    assert resp is not None and resp.command_status == 0
    h.advance(60 + DELAY - 0.5)
    assert esme.receipts() == []
    h.advance(0.5)
    (receipt,) = esme.receipts()
    assert_receipt(receipt, resp.message_id, MessageState.DELIVERED)  # type: ignore[attr-defined]


def test_validity_period_ending_before_the_outcome_gives_an_expired_receipt() -> None:
    config = ServerConfig(store=StoreKind.MEMORY, seed=1, timers=Timers(receipt_delay=120.0))
    h = Harness(config)
    esme = h.client()
    resp = esme.submit(registered_delivery=1, validity_period="000000000030000R")  # 30 s
    assert resp is not None and resp.command_status == 0
    h.advance(29.0)
    assert esme.receipts() == []
    h.advance(1.0)
    (receipt,) = esme.receipts()
    assert_receipt(receipt, resp.message_id, MessageState.EXPIRED)  # type: ignore[attr-defined]
    h.advance(200.0)
    assert len(esme.receipts()) == 1  # the superseded DELIVRD never follows


def test_validity_period_longer_than_the_outcome_does_not_expire() -> None:
    h = Harness()
    esme = h.client()
    esme.submit(registered_delivery=1, validity_period="000000000030000R")
    h.advance(DELAY)
    assert [r.message_state for r in esme.receipts()] == [MessageState.DELIVERED]


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"schedule_delivery_time": "230230120000000+"}, S.ESME_RINVSCHED),
        ({"validity_period": "000000000000000X"}, S.ESME_RINVEXPIRY),
        (
            {"validity_period": "000000000030000R", "schedule_delivery_time": "000000000100000R"},
            S.ESME_RINVSCHED,
        ),
    ],
    ids=["bad schedule", "bad validity", "scheduled after expiry"],
)
def test_bad_times_are_refused(fields: dict[str, str], status: int) -> None:
    h = Harness()
    esme = h.client()
    resp = esme.submit(**fields)
    assert resp is not None and resp.command_status == status


# -- registered_delivery variants --------------------------------------------------------------


def test_registered_delivery_2_sends_no_receipt_for_success() -> None:
    h = Harness()
    esme = h.client()
    esme.submit(registered_delivery=2)
    h.advance(DELAY * 3)
    assert esme.receipts() == []


def test_registered_delivery_2_sends_a_receipt_for_failure() -> None:
    config = ServerConfig(store=StoreKind.MEMORY, seed=1, timers=Timers(receipt_delay=120.0))
    h = Harness(config)
    esme = h.client()
    resp = esme.submit(registered_delivery=2, validity_period="000000000030000R")
    h.advance(30.0)
    (receipt,) = esme.receipts()
    assert_receipt(receipt, resp.message_id, MessageState.EXPIRED)  # type: ignore[union-attr]


def test_registered_delivery_0x10_sends_an_intermediate_enroute_notification() -> None:
    h = Harness()
    esme = h.client()
    resp = esme.submit(registered_delivery=0x11)
    assert resp is not None
    mid = resp.message_id  # type: ignore[attr-defined]
    (note,) = esme.receipts()
    assert note.esm_class == 0x20
    assert note.receipted_message_id == mid and note.message_state == MessageState.ENROUTE
    assert receipt_text.parse_bytes(note.short_message).stat == "ENROUTE"
    h.advance(DELAY)
    note2, final = esme.receipts()
    assert note2 is note
    assert_receipt(final, mid, MessageState.DELIVERED)


def test_registered_delivery_0x10_alone_sends_no_final_receipt() -> None:
    h = Harness()
    esme = h.client()
    esme.submit(registered_delivery=0x10)
    h.advance(DELAY)
    assert [r.esm_class for r in esme.receipts()] == [0x20]


def test_registered_delivery_reserved_value_is_refused() -> None:
    h = Harness()
    esme = h.client()
    resp = esme.submit(registered_delivery=0x03)
    assert resp is not None and resp.command_status == S.ESME_RINVREGDLVFLG


# -- submit_multi -----------------------------------------------------------------------------


def test_submit_multi_lists_bad_destinations_in_unsuccess() -> None:
    h = Harness()
    esme = h.client()
    dests: list[pdu.SmeAddress | pdu.DistributionList] = [
        pdu.SmeAddress(1, 1, "447700900001"),
        pdu.SmeAddress(9, 1, "447700900002"),  # TON 9 is not in the table
        pdu.SmeAddress(1, 1, "447700900003"),
        pdu.DistributionList("friends"),
    ]
    resp = esme.request(
        pdu.SubmitMulti(
            source_addr=SOURCE, dest_address=dests, short_message=b"hi all", registered_delivery=1
        )
    )
    assert isinstance(resp, pdu.SubmitMultiResp)
    assert resp.command_status == 0 and resp.message_id
    assert list(resp.unsuccess_sme) == [
        pdu.UnsuccessSme(9, 1, "447700900002", S.ESME_RINVDSTTON),
        pdu.UnsuccessSme(0, 0, "friends", S.ESME_RINVDLNAME),
    ]
    h.advance(DELAY)
    receipts = esme.receipts()
    assert sorted(r.source_addr for r in receipts) == ["447700900001", "447700900003"]
    assert {r.receipted_message_id for r in receipts} == {resp.message_id}


def test_submit_multi_with_no_good_destination_fails() -> None:
    h = Harness()
    esme = h.client()
    resp = esme.request(pdu.SubmitMulti(dest_address=[pdu.SmeAddress(1, 1, "")]))
    assert isinstance(resp, pdu.SubmitMultiResp)
    assert resp.command_status == S.ESME_RSUBMITFAIL


# -- accounts, throughput ----------------------------------------------------------------------


def accounts_config(**account: object) -> ServerConfig:
    acc = AccountConfig(system_id="esme", password="secret", **account)  # type: ignore[arg-type]
    return ServerConfig(
        store=StoreKind.MEMORY, seed=1, timers=Timers(receipt_delay=DELAY), accounts=(acc,)
    )


def test_throughput_limit_answers_throttled() -> None:
    h = Harness(accounts_config(throughput=2.0))
    esme = Client(h)
    assert esme.bind(system_id="esme", password="secret").command_status == 0
    statuses = [esme.submit().command_status for _ in range(3)]  # type: ignore[union-attr]
    assert statuses == [0, 0, S.ESME_RTHROTTLED]
    h.now += 1.0
    assert esme.submit().command_status == 0  # type: ignore[union-attr]


def test_throughput_is_shared_by_the_binds_of_an_account() -> None:
    h = Harness(accounts_config(throughput=2.0))
    a, b = Client(h), Client(h)
    a.bind(system_id="esme", password="secret")
    b.bind(system_id="esme", password="secret")
    assert [a.submit().command_status, b.submit().command_status, a.submit().command_status] == [  # type: ignore[union-attr]
        0,
        0,
        S.ESME_RTHROTTLED,
    ]


def test_bind_with_a_wrong_password_is_refused() -> None:
    h = Harness(accounts_config())
    esme = Client(h)
    resp = esme.bind(system_id="esme", password="wrong")
    assert resp.command_status == S.ESME_RINVPASWD
    assert esme.session.state is BindState.OPEN


def test_source_address_outside_the_account_is_refused() -> None:
    h = Harness(accounts_config(allowed_source_addresses=("4477*",)))
    esme = Client(h)
    esme.bind(system_id="esme", password="secret")
    assert esme.submit(source_addr="447700").command_status == 0  # type: ignore[union-attr]
    assert esme.submit(source_addr="12345").command_status == S.ESME_RINVSRCADR  # type: ignore[union-attr]


# Regression: both binds were accepted and one bind stayed counted after the close.
def test_pipelined_second_bind_on_one_connection_is_refused() -> None:
    h = Harness(accounts_config(max_binds=2))
    esme = Client(h)
    bind = pdu.BindTransceiver(system_id="esme", password="secret", interface_version=0x34)
    data = pdu.encode(replace_seq(bind, 1)) + pdu.encode(replace_seq(bind, 2))
    h.core.receive(esme.conn, data, h.now)
    h.flush()
    esme.lose()
    assert h.core.accounts.binds("esme") == 0


def replace_seq(p: Pdu, seq: int) -> Pdu:
    p.sequence_number = seq
    return p


def test_closing_a_bind_frees_its_place_under_max_binds() -> None:
    h = Harness(accounts_config(max_binds=1))
    first = Client(h)
    assert first.bind(system_id="esme", password="secret").command_status == 0
    second = Client(h)
    assert second.bind(system_id="esme", password="secret").command_status == S.ESME_RBINDFAIL
    first.lose()
    third = Client(h)
    assert third.bind(system_id="esme", password="secret").command_status == 0


# -- mobile-originated messages ----------------------------------------------------------------


def test_inject_mo_is_delivered_to_the_accounts_receiver_bind() -> None:
    h = Harness()
    tx = h.client(pdu.BindTransmitter, system_id="shop")
    rx = h.client(pdu.BindReceiver, system_id="shop")
    other = h.client(pdu.BindReceiver, system_id="bank")
    msg = h.core.inject_mo("447700900123", "12345", b"STOP", h.now, account="shop")
    h.flush()
    (mo,) = rx.received
    assert isinstance(mo, pdu.DeliverSm)
    assert (mo.source_addr, mo.destination_addr, mo.short_message, mo.esm_class) == (
        "447700900123",
        "12345",
        b"STOP",
        0,
    )
    assert tx.received == [] and other.received == []
    stored = h.store.get_message(msg.message_id)
    assert stored is not None and stored.state is MessageState.DELIVERED


def test_inject_mo_in_development_mode_goes_to_any_receiver_bind() -> None:
    h = Harness()
    rx = h.client(pdu.BindTransceiver, system_id="anyone")
    h.core.inject_mo("447700900123", "12345", b"hello", h.now)
    h.flush()
    assert [p.short_message for p in rx.received] == [b"hello"]  # type: ignore[attr-defined]


def test_inject_mo_waits_for_a_receiver_bind() -> None:
    h = Harness()
    h.core.inject_mo("447700900123", "12345", b"early", h.now, account="shop")
    h.flush()
    rx = h.client(pdu.BindReceiver, system_id="shop")
    assert [p.short_message for p in rx.received] == [b"early"]  # type: ignore[attr-defined]


def test_long_mo_goes_in_message_payload() -> None:
    h = Harness()
    rx = h.client(pdu.BindReceiver, system_id="shop")
    h.core.inject_mo("447700900123", "12345", b"x" * 300, h.now, account="shop")
    h.flush()
    (mo,) = rx.received
    assert mo.short_message == b"" and mo.message_payload == b"x" * 300  # type: ignore[attr-defined]


# -- session events reach the core ------------------------------------------------------------


def test_unbind_closes_the_connection_and_frees_the_receiver() -> None:
    h = Harness()
    tx = h.client(pdu.BindTransmitter)
    rx = h.client(pdu.BindReceiver)
    rx.send(pdu.Unbind())
    assert any(isinstance(e, Closed) for e in rx.events)
    h.core.disconnected(rx.conn, h.now)  # the side that sent unbind drops TCP
    tx.submit(registered_delivery=1)
    h.advance(DELAY)
    later = h.client(pdu.BindReceiver)
    assert len(later.receipts()) == 1
    assert rx.receipts() == []


def test_submit_sm_with_bad_fields_is_refused_with_the_field_status() -> None:
    h = Harness()
    esme = h.client()
    assert esme.submit(dest_addr_ton=9).command_status == S.ESME_RINVDSTTON  # type: ignore[union-attr]
    assert esme.submit(destination_addr="").command_status == S.ESME_RINVDSTADR  # type: ignore[union-attr]
    assert esme.submit(priority_flag=4).command_status == S.ESME_RINVPRTFLG  # type: ignore[union-attr]
    assert esme.submit(esm_class=0x02).command_status == S.ESME_RINVESMCLASS  # type: ignore[union-attr]


def test_data_sm_is_accepted_with_a_message_id() -> None:
    h = Harness()
    esme = h.client()
    resp = esme.request(
        pdu.DataSm(
            source_addr=SOURCE, destination_addr=DEST, registered_delivery=1, message_payload=b"hi"
        )
    )
    assert isinstance(resp, pdu.DataSmResp) and resp.command_status == 0 and resp.message_id
    h.advance(DELAY)
    (receipt,) = esme.receipts()
    assert receipt.receipted_message_id == resp.message_id


# Regression: stripping TLVs for the 3.3 peer cleared the shared Delivery.request.
def test_receipt_retried_to_a_3_4_bind_keeps_its_tlvs_after_a_3_3_bind_refused_it() -> None:
    h = Harness()
    tx = h.client(pdu.BindTransmitter)
    old = Client(h, ack=S.ESME_RX_T_APPN)
    old.request(pdu.BindReceiver(system_id="esme", interface_version=0x33))
    tx.submit(registered_delivery=1)
    h.advance(DELAY)
    assert len(old.received) == 1
    old.lose()
    new = h.client(pdu.BindReceiver)
    h.advance(h.config.timers.retry_delay(1))
    (receipt,) = new.receipts()
    assert receipt.receipted_message_id is not None


def test_receipt_delay_zero_gives_the_receipt_at_once() -> None:
    h = Harness(
        replace(ServerConfig(store=StoreKind.MEMORY, seed=1), timers=Timers(receipt_delay=0.0))
    )
    esme = h.client()
    esme.submit(registered_delivery=1)
    h.advance(0.0)
    assert [r.message_state for r in esme.receipts()] == [MessageState.DELIVERED]


# -- windows, restart, shutdown, outcome models -------------------------------------------------


def test_deliveries_beyond_the_window_wait_for_responses() -> None:
    h = Harness(accounts_config(window_size=2))
    tx, rx = Client(h), Client(h, ack=None)
    tx.bind(pdu.BindTransmitter, system_id="esme", password="secret")
    rx.bind(pdu.BindReceiver, system_id="esme", password="secret")
    for i in range(5):
        tx.submit(registered_delivery=1, short_message=b"m%d" % i)
    h.advance(DELAY)
    assert len(rx.received) == 2  # the window of 2 is full
    rx.answer(rx.received[0])
    h.flush()
    assert len(rx.received) == 3
    for p in rx.received[1:]:
        rx.answer(p)
    h.flush()
    assert len(rx.received) == 5
    assert len({p.receipted_message_id for p in rx.received}) == 5  # type: ignore[attr-defined]


def test_a_restarted_core_recovers_open_messages_and_pending_deliveries() -> None:
    h = Harness(durable=True)
    esme = h.client(ack=None)
    first = esme.send(pdu.SubmitSm(destination_addr=DEST, registered_delivery=1))
    h.commit()
    h.advance(DELAY)
    h.commit()
    assert len(esme.receipts()) == 1  # offered and stored, never answered
    second = esme.send(pdu.SubmitSm(destination_addr=DEST, registered_delivery=1))
    h.commit()  # stored, not final yet
    ids = {esme.answers[s].message_id for s in (first, second)}  # type: ignore[attr-defined]
    # The process dies here; a new core starts on the same store.
    h.core = Smsc(h.config, store=h.store, durable=True, now=h.now)
    h.clients.clear()
    again = h.client()
    assert [r.receipted_message_id for r in again.receipts()] == [
        esme.answers[first].message_id  # type: ignore[attr-defined]
    ]
    h.advance(DELAY)
    h.commit()
    assert {r.receipted_message_id for r in again.receipts()} == ids


def test_unbind_all_unbinds_every_bound_session() -> None:
    h = Harness()
    a, b = h.client(), h.client(pdu.BindReceiver)
    opened = Client(h)  # connected, never bound
    h.core.unbind_all(h.now)
    h.flush()
    for c in (a, b):
        assert any(isinstance(e, UnbindRequested) for e in c.events)
        assert c.conn.session.closed  # closed by our side on unbind_resp
    assert opened.session.state is BindState.OPEN and not opened.conn.session.closed


class RejectAll:
    """An outcome model that refuses every message at submit time."""

    def outcome(self, message: Message, now: float, rng: random.Random) -> Outcome:
        return Outcome(MessageState.REJECTED, 0, 0.0, reject_status=S.ESME_RSUBMITFAIL)


def test_outcome_model_can_refuse_at_submit_time() -> None:
    h = Harness(outcome=RejectAll())
    esme = h.client()
    resp = esme.submit(registered_delivery=1)
    assert resp is not None and resp.command_status == S.ESME_RSUBMITFAIL
    h.advance(DELAY)
    assert esme.receipts() == []


def test_replace_sm_with_a_new_validity_period_reschedules_the_outcome() -> None:
    config = ServerConfig(store=StoreKind.MEMORY, seed=1, timers=Timers(receipt_delay=120.0))
    h = Harness(config)
    esme = h.client()
    mid = esme.submit(registered_delivery=1).message_id  # type: ignore[union-attr]
    r = esme.request(
        pdu.ReplaceSm(message_id=mid, validity_period="000000000030000R", registered_delivery=1)
    )
    assert r is not None and r.command_status == 0
    h.advance(30.0)
    (receipt,) = esme.receipts()
    assert_receipt(receipt, mid, MessageState.EXPIRED)


def test_a_long_handset_reply_arrives_part_by_part_at_each_parts_time() -> None:
    from smsc.config import carriers_from_dict

    carriers = carriers_from_dict(
        {
            "handset_rules": [
                {
                    "name": "chatty",
                    "match": "Tell me more",
                    "reply": "word " * 60,  # 300 GSM-7 characters: 2 parts
                    "probability": 1.0,
                    "delay": {"kind": "fixed", "seconds": 5},
                }
            ],
            "handsets": {"part_gap": 2},
        }
    )
    h = Harness()
    h.core = Smsc(h.config, store=h.store, durable=False, now=h.now, carriers=carriers)
    shop = h.client(pdu.BindTransceiver, system_id="shop")
    shop.session.send(
        pdu.SubmitSm(
            source_addr="12345", destination_addr="447700900123", short_message=b"Tell me more"
        ),
        h.now,
    )
    h.flush()
    h.advance(DELAY)  # the MT reaches the handset
    h.advance(5)  # the reply's first part arrives
    first = [p for p in shop.received if isinstance(p, pdu.DeliverSm) and not p.esm_class & 0x04]
    assert len(first) == 1
    h.advance(10)  # the rest arrives later
    parts = [p for p in shop.received if isinstance(p, pdu.DeliverSm) and not p.esm_class & 0x04]
    assert len(parts) == 2
    assert all(p.esm_class & 0x40 for p in parts)  # UDH parts, rejoined by the ESME
