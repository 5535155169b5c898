"""Accounts from a TOML config, seen by real clients: bind refusals with the spec's statuses,
max_binds, throughput, allowed source addresses, receipt styles, and a bad config file."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import smpplib.exceptions

import pdu
from pdu import CommandStatus as S
from smsc.client import ApiClient

from .conftest import (
    IO_TIMEOUT,
    REPO,
    RawClient,
    ServerFactory,
    ServerProcess,
    SmpplibEsme,
    receipt_fields,
    receipts,
)

pytestmark = pytest.mark.interop

RATE = 5  # messages per second for the "rated" account

CONFIG = f"""
[[accounts]]
system_id = "acme"
password = "s3cret"
allowed_bind_types = ["transmitter", "transceiver"]
max_binds = 2
allowed_source_addresses = ["ACME", "4477009*"]

[[accounts]]
system_id = "rated"
password = "pw"
throughput = {RATE}

[[accounts]]
system_id = "paced"
password = "pw"
throughput = {RATE}

[[accounts]]
system_id = "styled"
password = "pw"
message_id_format = "hex"
receipt_pdu = "data_sm"
receipt_date_digits = 12

[[accounts]]
system_id = "plain"
password = "pw"

[[accounts]]
system_id = "whole"
password = "pw"
receipt_per = "message"

[[accounts]]
system_id = "faraway"
password = "pw"
allowed_ips = ["10.0.0.0/8"]
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    factory = ServerFactory(tmp_path_factory.mktemp("accounts"))
    try:
        yield factory("--store", "memory", "--receipt-delay", "0.2", config=CONFIG)
    finally:
        factory.stop_all()


def smpplib_bind_status(server: ServerProcess, bind_type: str, **kwargs: object) -> int:
    """Bind with python-smpplib; the command_status it reports (0 when bound)."""
    with SmpplibEsme(server.address) as esme:
        try:
            esme.bind(bind_type, **kwargs)
        except smpplib.exceptions.PDUError as e:
            return int(e.args[1])
        return 0


# -- bind refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bind_type", "system_id", "password", "status"),
    [
        ("transceiver", "acme", "s3cret", S.ESME_ROK),
        ("transceiver", "acme", "wrong", S.ESME_RINVPASWD),
        ("transmitter", "nobody", "s3cret", S.ESME_RINVSYSID),
        ("receiver", "acme", "s3cret", S.ESME_RBINDFAIL),  # not in allowed_bind_types
        ("transceiver", "faraway", "pw", S.ESME_RBINDFAIL),  # 127.0.0.1 not in allowed_ips
        ("transceiver", "ACME", "s3cret", S.ESME_RINVSYSID),  # system_id is case-sensitive
    ],
)
def test_bind_outcome(
    server: ServerProcess, bind_type: str, system_id: str, password: str, status: S
) -> None:
    assert smpplib_bind_status(server, bind_type, system_id=system_id, password=password) == status


def test_refused_bind_leaves_the_connection_usable(server: ServerProcess) -> None:
    with RawClient(server.address) as raw:
        refused = raw.bind(system_id="acme", password="nope")
        assert refused.command_status == S.ESME_RINVPASWD
        assert refused.system_id == ""  # body omitted on error
        assert raw.bind(system_id="acme", password="s3cret").command_status == 0


def test_max_binds(server: ServerProcess) -> None:
    with RawClient(server.address) as first, RawClient(server.address) as second:
        assert first.bind(pdu.BindTransmitter, "acme", "s3cret").command_status == 0
        assert second.bind(pdu.BindTransceiver, "acme", "s3cret").command_status == 0
        with RawClient(server.address) as third:
            assert third.bind(pdu.BindTransmitter, "acme", "s3cret").command_status == (
                S.ESME_RBINDFAIL
            )
            first.close()
            # The freed bind can be taken once the server has seen the close.
            deadline = time.monotonic() + IO_TIMEOUT
            while (status := third.bind(pdu.BindTransmitter, "acme", "s3cret").command_status) != 0:
                assert status == S.ESME_RBINDFAIL
                assert time.monotonic() < deadline, "a closed bind was never freed"
                time.sleep(0.05)


def test_source_address_outside_the_account_is_refused(server: ServerProcess) -> None:
    with SmpplibEsme(server.address) as esme:
        esme.bind("transmitter", system_id="acme", password="s3cret")
        assert esme.submit(source_addr="ACME", short_message=b"ok").status == 0
        assert esme.submit(source_addr="447700912345", short_message=b"ok").status == 0
        refused = esme.submit(source_addr="BANK", short_message=b"phish")
        assert refused.status == S.ESME_RINVSRCADR


# -- throughput --------------------------------------------------------------------------------


def test_a_burst_beyond_the_rate_is_throttled(server: ServerProcess) -> None:
    with RawClient(server.address) as raw:
        assert raw.bind(system_id="rated").command_status == 0
        burst = 3 * RATE
        seqs = list(range(2, 2 + burst))
        raw.send_bytes(
            b"".join(
                pdu.encode(
                    pdu.SubmitSm(
                        source_addr="1234",
                        destination_addr="447700900001",
                        short_message=b"burst",
                        sequence_number=seq,
                    )
                )
                for seq in seqs
            )
        )
        statuses = [raw.response(seq).command_status for seq in seqs]
    # A burst sent at once: the first RATE pass, the rest are throttled, nothing else.
    assert statuses == [0] * RATE + [S.ESME_RTHROTTLED] * (burst - RATE)


def test_paced_submits_never_exceed_the_rate_in_any_second(server: ServerProcess) -> None:
    accepted = throttled = 0
    with RawClient(server.address) as raw:
        assert raw.bind(system_id="paced").command_status == 0
        end = time.monotonic() + 2.5
        while time.monotonic() < end:
            resp = raw.request(
                pdu.SubmitSm(
                    source_addr="1234", destination_addr="447700900001", short_message=b"p"
                )
            )
            if resp.command_status == 0:
                accepted += 1
            else:
                assert resp.command_status == S.ESME_RTHROTTLED
                throttled += 1
            time.sleep(0.04)  # pacing: the client's offered rate, not a wait
    assert throttled > 0
    assert accepted >= RATE
    # Judged on the server's own clock, the submit times it stored (the client's send times
    # differ from them by however long a busy machine takes to pass a PDU over): any
    # RATE + 1 accepted submits span a full second.
    api = ApiClient(server.http_url)
    stored = sorted(m["submit_time"] for m in api.messages(account="paced", limit=1000))
    assert len(stored) == accepted
    for first, last in zip(stored, stored[RATE:], strict=False):
        assert first + 1.0 <= last, f"{RATE + 1} accepted within {last - first:.3f}s"


# -- receipt styles ----------------------------------------------------------------------------


def submit_for_receipt(raw: RawClient, text: bytes = b"styled text") -> str:
    resp = raw.request(
        pdu.SubmitSm(
            source_addr="1234",
            destination_addr="447700900001",
            short_message=text,
            registered_delivery=1,
        )
    )
    assert resp.command_status == 0
    return str(resp.message_id)


def test_hex_ids_data_sm_receipts_and_12_digit_dates(server: ServerProcess) -> None:
    with RawClient(server.address) as raw:
        assert raw.bind(system_id="styled").command_status == 0
        message_id = submit_for_receipt(raw)
        assert re.fullmatch(r"[0-9a-f]+", message_id), message_id
        r = raw.wait_for(
            lambda p: getattr(p, "receipted_message_id", None) == message_id, what="receipt"
        )
    assert isinstance(r, pdu.DataSm)
    assert r.esm_class == 0x04
    assert r.message_state == pdu.MessageState.DELIVERED
    assert r.message_payload is not None
    fields = receipt_fields(r.message_payload)
    assert fields["id"] == message_id
    assert fields["stat"] == "DELIVRD"
    assert fields["text"] == "styled text"
    assert re.fullmatch(r"\d{12}", fields["submit date"])
    assert re.fullmatch(r"\d{12}", fields["done date"])
    assert fields["done date"] >= fields["submit date"]


def test_default_style_is_decimal_ids_deliver_sm_and_10_digit_dates(
    server: ServerProcess,
) -> None:
    with RawClient(server.address) as raw:
        assert raw.bind(system_id="plain").command_status == 0
        message_id = submit_for_receipt(raw)
        assert message_id.isdigit()
        r = raw.wait_for(
            lambda p: getattr(p, "receipted_message_id", None) == message_id, what="receipt"
        )
    assert isinstance(r, pdu.DeliverSm)
    fields = receipt_fields(r.short_message)
    assert re.fullmatch(r"\d{10}", fields["submit date"])
    assert re.fullmatch(r"\d{10}", fields["done date"])


def test_smpplib_reads_a_data_sm_receipt(server: ServerProcess) -> None:
    # smpplib parses data_sm (it does not answer it: its read_once only answers deliver_sm).
    with SmpplibEsme(server.address) as esme:
        esme.bind("transceiver", system_id="styled", password="pw")
        resp = esme.submit(short_message=b"to smpplib", registered_delivery=1)
        deadline = time.monotonic() + IO_TIMEOUT
        data_sm = None
        while data_sm is None and time.monotonic() < deadline:
            p = esme.read(deadline - time.monotonic())
            if p is not None and getattr(p, "command", "") == "data_sm":
                data_sm = p
        assert data_sm is not None, "no data_sm receipt"
        assert data_sm.receipted_message_id == resp.message_id
        assert receipt_fields(data_sm.message_payload)["id"] == resp.message_id.decode()


def test_receipt_per_message_sends_one_receipt_for_a_long_message(server: ServerProcess) -> None:
    parts = [b"\x05\x00\x03\x2a\x03" + bytes([i]) + f"part {i} ".encode() for i in (1, 2, 3)]
    with RawClient(server.address) as raw:
        assert raw.bind(system_id="whole").command_status == 0
        ids = []
        for part in parts:
            resp = raw.request(
                pdu.SubmitSm(
                    source_addr="1234",
                    destination_addr="447700900001",
                    esm_class=0x40,
                    short_message=part,
                    registered_delivery=1,
                )
            )
            assert resp.command_status == 0
            ids.append(resp.message_id)
        marker = submit_for_receipt(raw, b"single")
        raw.wait_for(lambda p: getattr(p, "receipted_message_id", None) == marker)
        raw.collect(0.3)
        got = [r.receipted_message_id for r in receipts(raw.received)]
    assert len(set(ids)) == 3
    # One receipt for the three parts (for the last one), and the marker's own.
    assert sorted(got) == sorted([ids[-1], marker])


# response_timeout is how long the test itself has to answer a deliver_sm it was waiting
# for: seconds, since a busy machine can stall a process for a good part of one.
TIMERS = """
[timers]
receipt_delay = 0.1
response_timeout = 2
retry_base = 0.2
retry_max = 1
"""


def answer(raw: RawClient, request: pdu.Pdu, status: int) -> None:
    raw.send(pdu.DeliverSmResp(sequence_number=request.sequence_number, command_status=status))


def test_unanswered_receipt_is_sent_again(smsc_server: ServerFactory) -> None:
    server = smsc_server("--store", "memory", config=TIMERS)
    with RawClient(server.address) as raw:
        raw.answer_deliveries = False
        raw.bind()
        message_id = submit_for_receipt(raw)
        first = raw.wait_for(lambda p: isinstance(p, pdu.DeliverSm), what="receipt")
        # No deliver_sm_resp: after response_timeout + retry_base it comes again.
        second = raw.wait_for(lambda p: p is not first, what="the same receipt again")
        answer(raw, second, 0)
        raw.collect(3.5)  # past response_timeout + retry_max: a third copy would be here
        assert [p.receipted_message_id for p in raw.received] == [message_id, message_id]


def test_temporary_refusal_retries_and_permanent_refusal_stops(
    smsc_server: ServerFactory,
) -> None:
    server = smsc_server("--store", "memory", config=TIMERS)
    with RawClient(server.address) as raw:
        raw.answer_deliveries = False
        raw.bind()
        message_id = submit_for_receipt(raw)
        first = raw.wait_for(lambda p: isinstance(p, pdu.DeliverSm), what="receipt")
        answer(raw, first, S.ESME_RX_T_APPN)
        second = raw.wait_for(lambda p: p is not first, what="a retry after ESME_RX_T_APPN")
        answer(raw, second, S.ESME_RX_P_APPN)
        raw.collect(1.5)
        assert [p.receipted_message_id for p in raw.received] == [message_id, message_id]


# -- a bad config file -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('[[accounts]]\nsystem_id = "a"\npassword = "pw"\nthroughput = "fast"\n', "throughput"),
        ('[[accounts]]\nsystem_id = "a"\npassword = "toolongpassword"\n', "password"),
        ('[[accounts]]\nsystem_id = "a"\npassword = "pw"\nbogus_key = 1\n', "bogus_key"),
        ("[timers]\nreceipt_delay = -1\n", "receipt_delay"),
        ('[[accounts]]\nsystem_id = "a"\npassword = "pw"\nreceipt_date_digits = 11\n', "digits"),
    ],
)
def test_bad_config_file_exits_non_zero_naming_the_key(tmp_path: Path, toml: str, key: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(toml)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "smsc",
            "serve",
            "--config",
            str(path),
            "--smpp-port",
            "0",
            "--http-port",
            "0",
        ],
        capture_output=True,
        timeout=15,
        cwd=tmp_path,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert proc.returncode != 0
    err = proc.stderr.decode()
    assert key in err, err
    assert str(path) in err, err
    assert "listening" not in proc.stdout.decode()


def test_missing_config_file_exits_non_zero(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "smsc", "serve", "--config", str(tmp_path / "absent.toml")],
        capture_output=True,
        timeout=15,
        cwd=tmp_path,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert proc.returncode != 0
    assert "absent.toml" in proc.stderr.decode()


def test_example_config_starts(smsc_server: ServerFactory, tmp_path: Path) -> None:
    example = (REPO / "docs" / "example-config.toml").read_text()
    server = smsc_server("--store", "memory", config=example)
    with RawClient(server.address) as raw:
        assert raw.bind(system_id="acme", password="s3cret").command_status == 0
