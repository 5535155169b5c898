"""Hostile input over loopback: every case of ``cases.CASES`` gets exactly its answer from a
running ``smsc serve``, and a bystander ESME bound on the same server keeps submitting and
getting receipts throughout. A half-sent PDU followed by silence is held (at most one partial
PDU) until a session timer closes the connection."""

from __future__ import annotations

import struct
from collections.abc import Iterator

import pytest

import pdu
from pdu import CommandId as C

from .cases import CASES, SUBMIT, Answer, Case, markdown
from .conftest import IO_TIMEOUT, RawClient, RawConnection, ServerFactory, ServerProcess

MARKER_SEQ = 0x7FFF0001  # enquire_link after each case: answered only if the stream goes on
MARKER = struct.pack(">IIII", 16, C.enquire_link, 0, MARKER_SEQ)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    factory = ServerFactory(tmp_path_factory.mktemp("hostile"))
    try:
        yield factory("--store", "memory", "--receipt-delay", "0")
    finally:
        factory.stop_all()


@pytest.fixture(scope="module")
def bystander(server: ServerProcess) -> Iterator[RawClient]:
    with RawClient(server.address) as client:
        assert client.bind().command_status == 0
        yield client


def submit_and_get_receipt(client: RawClient, exchange: object) -> None:
    """A submit_sm with a receipt requested; ``exchange()`` runs while it is in flight."""
    seq = client.send(
        pdu.SubmitSm(source_addr="1234", destination_addr="447700900123", registered_delivery=1)
    )
    exchange()  # type: ignore[operator]
    resp = client.response(seq)
    assert resp.command_status == 0
    message_id = resp.message_id  # type: ignore[attr-defined]
    client.wait_for(
        lambda p: getattr(p, "receipted_message_id", None) == message_id, what="receipt"
    )


def answers_to(server: ServerProcess, case: Case) -> tuple[tuple[Answer, ...], bool]:
    """What the server wrote back for ``case`` and whether it closed the connection."""
    with RawConnection(server.address) as conn:
        if case.bound:
            conn.bind()
        conn.send(case.data if case.closes else case.data + MARKER)
        got: list[Answer] = []
        markers = 0
        while (frame := conn.next_frame(IO_TIMEOUT)) is not None:
            _, cid, status, seq = struct.unpack_from(">IIII", frame)
            if cid != C.enquire_link_resp or seq != MARKER_SEQ:
                got.append(Answer(cid, status, seq))
                continue
            markers += 1
            if markers == 2:
                return tuple(got), False
            # The session answers enquire_link itself, ahead of the core's answers to the
            # same chunk; a second marker, sent once the first is answered, comes after all.
            conn.send(MARKER)
        assert conn.eof, f"neither an answer nor a close within {IO_TIMEOUT}s: got {got}"
        return tuple(got), True


@pytest.mark.parametrize("case", CASES, ids=[f"{c.group}: {c.name}" for c in CASES])
def test_hostile_input_gets_its_answer_while_other_sessions_go_on(
    server: ServerProcess, bystander: RawClient, case: Case
) -> None:
    observed: dict[str, tuple[tuple[Answer, ...], bool]] = {}

    def exchange() -> None:
        observed["got"] = answers_to(server, case)

    submit_and_get_receipt(bystander, exchange)
    answers, closed = observed["got"]
    assert [a.render() for a in answers] == [a.render() for a in case.answers]
    assert closed == case.closes


def test_server_logged_no_traceback_after_the_hostile_cases(server: ServerProcess) -> None:
    # Runs after the parametrized cases (same module, file order).
    assert server.proc.poll() is None, server.output()
    assert "Traceback" not in server.output()


def test_docs_table_is_generated_from_the_case_table() -> None:
    from .cases import DOC

    assert markdown() in DOC.read_text(), (
        "docs/reliability.md is stale: run .venv/bin/python tests/reliability/cases.py --write"
    )


SHORT_TIMERS = """
[timers]
session_init_timeout = 1.5
enquire_link_interval = 1
inactivity_timeout = 2
"""


@pytest.mark.parametrize("bound", [True, False], ids=["bound, half a submit_sm", "open, 2 octets"])
def test_half_sent_pdu_then_silence_is_held_until_a_timer_closes_it(
    smsc_server: ServerFactory, bound: bool
) -> None:
    server = smsc_server("--store", "memory", "--receipt-delay", "0", config=SHORT_TIMERS)
    with RawClient(server.address) as other, RawConnection(server.address) as half:
        assert other.bind().command_status == 0
        if bound:
            half.bind()
            half.send(SUBMIT[:30])
        else:
            half.send(SUBMIT[:2])

        def nothing_answered_yet() -> None:
            assert half.next_frame(0.3) is None
            assert not half.eof

        submit_and_get_receipt(other, nothing_answered_yet)
        # Only the server's own enquire_link probes may arrive: the partial PDU is never
        # answered, and the session timers end the connection.
        got = half.wait_closed(timeout=30.0)  # a bound: the timers above close it in seconds
        assert half.eof, "the server kept a silent half-sent connection open"
        assert {cid for _, cid, _, _ in got} <= {C.enquire_link}
