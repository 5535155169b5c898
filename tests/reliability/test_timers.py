"""The session timers over loopback, with short settings from a config file: a connection
that never binds, an idle link, a peer that went silent and a receiver that does not answer
are each handled by the server without help from the client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import pdu

from .conftest import RawClient, RawConnection, ServerFactory, ServerProcess, unique_system_id

# Where the test itself must answer in time (an enquire_link before inactivity_timeout, a
# retried receipt before response_timeout) it gets seconds: a busy machine can stall a
# process for a good part of one.
CONFIG = """
[timers]
session_init_timeout = 0.5
enquire_link_interval = 0.5
inactivity_timeout = 3
response_timeout = 2.5
retry_base = 0.5
retry_max = 1.0
receipt_delay = 0
"""
CLOSE_WAIT = 20.0  # far above every timer above: a bound, not a measurement
ENQUIRE_LINK = pdu.CommandId.enquire_link


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    factory = ServerFactory(tmp_path_factory.mktemp("timers"))
    try:
        yield factory("--store", "memory", config=CONFIG)
    finally:
        factory.stop_all()


def test_a_connection_that_never_binds_is_closed_by_the_session_init_timer(
    server: ServerProcess,
) -> None:
    with RawConnection(server.address, timeout=CLOSE_WAIT) as conn:
        got = conn.wait_closed(CLOSE_WAIT)
        assert conn.eof, "still open long after session_init_timeout"
    assert got == []  # closed without a word: there is no session to unbind
    assert "no bind within the session-init timeout" in server.output()


def test_an_idle_bound_link_is_probed_with_enquire_link_and_kept_while_it_answers(
    server: ServerProcess,
) -> None:
    with RawClient(server.address) as esme:
        assert esme.bind().command_status == 0
        # The client sends nothing of its own; answering the probes keeps it alive well past
        # inactivity_timeout (3 s).
        esme.collect(4.5)
        probes = [p for p in esme.received if isinstance(p, pdu.EnquireLink)]
        assert len(probes) >= 2
        assert esme.request(pdu.EnquireLink()).command_status == 0


def test_a_bound_peer_that_never_answers_is_closed_by_the_inactivity_timer(
    server: ServerProcess,
) -> None:
    with RawConnection(server.address, timeout=CLOSE_WAIT) as conn:
        conn.bind()
        got = conn.wait_closed(CLOSE_WAIT)
        assert conn.eof, "a silent bound peer was never closed"
    commands = {cid for _, cid, _, _ in got}
    assert ENQUIRE_LINK in commands  # probed first, then given up on
    assert "inactivity timeout" in server.output()


def test_an_unanswered_receipt_is_sent_again_after_the_response_timeout(
    server: ServerProcess,
) -> None:
    system_id = unique_system_id()
    with RawClient(server.address) as esme:
        assert esme.bind(system_id=system_id).command_status == 0
        esme.answer_deliveries = False  # the receipt's deliver_sm goes unanswered
        resp = esme.request(
            pdu.SubmitSm(source_addr="1234", destination_addr="447700900123", registered_delivery=1)
        )
        assert resp.command_status == 0
        first = esme.wait_for(
            lambda p: isinstance(p, pdu.DeliverSm), timeout=CLOSE_WAIT, what="receipt"
        )
        assert first.receipted_message_id == resp.message_id
        # No deliver_sm_resp: after response_timeout (2.5 s) plus retry_base the same receipt
        # comes again, on a new sequence_number; this time it is answered.
        esme.answer_deliveries = True
        again = esme.wait_for(
            lambda p: isinstance(p, pdu.DeliverSm) and p is not first,
            timeout=CLOSE_WAIT,
            what="retried receipt",
        )
        assert again.receipted_message_id == resp.message_id
        assert again.sequence_number != first.sequence_number
        # Answered now: it is not sent a third time (that would come within response_timeout
        # plus retry_max).
        esme.collect(4.0)
        copies = [p for p in esme.received if isinstance(p, pdu.DeliverSm)]
        assert len(copies) == 2
