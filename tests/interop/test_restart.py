"""Durable mode across a crash: ``smsc serve --data-dir DIR`` is SIGKILLed mid-load and
started again on the same directory.

The promise under test: a submit_sm_resp is sent only once the message is committed, so
every message the ESME saw acknowledged gets its receipt, exactly once, after the restart;
and a receipt the ESME acknowledged before the crash is not delivered again.
"""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

import pytest

import pdu
from pdu import MessageState
from smsc.client import ApiClient

from .conftest import RawClient, ServerFactory, receipt_fields, receipts

pytestmark = pytest.mark.interop

N = 400
BURST = 10
KILL_AFTER = 55  # not a multiple of BURST: some resps are still unread at the kill
SYSTEM_ID = "durable"
RECEIPT_WAIT = 60.0  # upper bound for all receipts after the restart (the delay is 3 s)
ACK_WAIT = 30.0  # upper bound for the first KILL_AFTER submit_sm_resps


def submit(seq: int) -> pdu.SubmitSm:
    return pdu.SubmitSm(
        source_addr="1234",
        destination_addr=f"4477009{seq:05d}",
        short_message=f"load {seq}".encode(),
        registered_delivery=1,
        sequence_number=seq,
    )


def send_load(client: RawClient, stop: threading.Event) -> None:
    """Send N submits in small bursts until done, told to stop, or the socket dies."""
    seq = 2  # 1 was the bind
    with contextlib.suppress(OSError):
        while seq < N + 2 and not stop.is_set():
            burst = range(seq, min(seq + BURST, N + 2))
            client.send_bytes(b"".join(pdu.encode(submit(s)) for s in burst))
            seq = burst[-1] + 1
            stop.wait(0.002)


def drain(client: RawClient, acked: dict[int, str]) -> None:
    """Read what the dead server had already sent: every submit_sm_resp in it counts."""
    with contextlib.suppress(ConnectionError, OSError):
        while (p := client.read(1.0)) is not None:
            if isinstance(p, pdu.SubmitSmResp) and p.command_status == 0:
                acked[p.sequence_number] = p.message_id


def receipt_ids(client: RawClient) -> list[str]:
    ids = []
    for r in receipts(client.received):
        fields = receipt_fields(r.short_message)
        assert fields["id"] == r.receipted_message_id
        assert fields["stat"] == "DELIVRD"
        ids.append(r.receipted_message_id)
    return ids


def collect_receipts(client: RawClient, wanted: set[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not wanted <= set(receipt_ids(client)):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        client.read(remaining)


def test_every_acknowledged_submit_gets_one_receipt_after_a_sigkill(
    smsc_server: ServerFactory, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    server = smsc_server("--data-dir", str(data_dir), "--receipt-delay", "3")
    acked: dict[int, str] = {}
    stop = threading.Event()
    with RawClient(server.address) as esme:
        assert esme.bind(system_id=SYSTEM_ID).command_status == 0
        # A sender thread keeps submits flowing while the main thread reads resps; the
        # server is killed after the first KILL_AFTER resps, with the rest being received,
        # committed, answered or still unsent.
        sender = threading.Thread(target=send_load, args=(esme, stop), daemon=True)
        sender.start()
        deadline = time.monotonic() + ACK_WAIT
        while len(acked) < KILL_AFTER and time.monotonic() < deadline:
            p = esme.read(deadline - time.monotonic())
            if isinstance(p, pdu.SubmitSmResp) and p.command_status == 0:
                acked[p.sequence_number] = p.message_id
        assert len(acked) >= KILL_AFTER, "the server acknowledged too few submits"
        server = smsc_server.restart(server)  # SIGKILL, then start on the same --data-dir
        stop.set()
        sender.join(timeout=5.0)
        drain(esme, acked)
        before_restart = receipt_ids(esme)
    assert len(set(acked.values())) == len(acked), "a message id was given out twice"

    with RawClient(server.address) as esme:
        assert esme.bind(system_id=SYSTEM_ID).command_status == 0
        wanted = set(acked.values())
        collect_receipts(esme, wanted, RECEIPT_WAIT)
        esme.collect(0.5)  # duplicates, if any, would come right behind
        after_restart = receipt_ids(esme)

        missing = wanted - set(before_restart) - set(after_restart)
        assert not missing, f"{len(missing)} of {len(wanted)} acknowledged messages lost"
        every = before_restart + after_restart
        duplicates = {i for i in every if every.count(i) > 1}
        assert not duplicates, f"receipts delivered twice: {sorted(duplicates)[:5]}"

        # The store also answers query_sm for a message of the previous run.
        some_id = next(iter(wanted))
        state = esme.request(pdu.QuerySm(message_id=some_id, source_addr="1234"))
        assert state.command_status == 0
        assert state.message_state == MessageState.DELIVERED


def test_receipts_acknowledged_before_a_sigkill_are_not_sent_again(
    smsc_server: ServerFactory, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    server = smsc_server("--data-dir", str(data_dir), "--receipt-delay", "0.2")
    n = 50
    with RawClient(server.address) as esme:
        assert esme.bind(system_id=SYSTEM_ID).command_status == 0
        ids = {esme.request(submit(esme.next_seq())).message_id for _ in range(n)}
        collect_receipts(esme, ids, RECEIPT_WAIT)
        assert set(receipt_ids(esme)) == ids
        # The server must have committed our deliver_sm_resps before the crash: a receipt
        # whose resp was never committed may legitimately come again. A submit_sm sent after
        # them is answered only once its group commit is written, and that commit holds
        # them too (or an earlier one did).
        barrier = pdu.SubmitSm(source_addr="1234", destination_addr="447700900000")
        assert esme.request(barrier).command_status == 0
        server = smsc_server.restart(server)
    with RawClient(server.address) as esme:
        assert esme.bind(system_id=SYSTEM_ID).command_status == 0
        # A fresh message's receipt marks the point by which old ones would have come.
        marker = esme.request(submit(esme.next_seq())).message_id
        collect_receipts(esme, {marker}, RECEIPT_WAIT)
        esme.collect(0.3)
        assert receipt_ids(esme) == [marker]


def test_an_mo_nobody_took_before_a_sigkill_is_delivered_after_it_and_only_then_delivered(
    smsc_server: ServerFactory, tmp_path: Path
) -> None:
    # --receipt-delay 0: were the MO taken for an MT at recovery, it would be DELIVERED at once.
    server = smsc_server("--data-dir", str(tmp_path / "data"), "--receipt-delay", "0")
    api = ApiClient(server.http_url)
    mo_id = api.send_mo("447700900123", "12345", "still there?")  # answered once stored
    assert api.message(mo_id)["state"] == "ENROUTE"  # no receiver bind is up
    server = smsc_server.restart(server)  # SIGKILL, then start on the same --data-dir
    api = ApiClient(server.http_url)
    # A marker MT, submitted and finished after the restart: by then recovery is long done.
    with RawClient(server.address) as tx:
        assert tx.bind(pdu.BindTransmitter, system_id=SYSTEM_ID).command_status == 0
        seq = tx.next_seq()
        marker = tx.request(submit(seq)).message_id
        api.wait_for_message(state="DELIVERED", to=f"4477009{seq:05d}", timeout=RECEIPT_WAIT)
    assert api.message(marker)["state"] == "DELIVERED"
    assert api.message(mo_id)["state"] == "ENROUTE"  # still waiting for an ESME
    with RawClient(server.address) as rx:
        assert rx.bind(pdu.BindReceiver, system_id=SYSTEM_ID).command_status == 0
        deliver = rx.wait_for(
            lambda p: isinstance(p, pdu.DeliverSm) and not p.esm_class & 0x04, what="the MO"
        )
        assert deliver.short_message == b"still there?"
        # Answered (RawClient acks deliver_sm): only now is the MO DELIVERED.
        api.wait_for_message(direction="mo", state="DELIVERED", timeout=RECEIPT_WAIT)
    assert api.message(mo_id)["state"] == "DELIVERED"
