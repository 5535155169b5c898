"""Security over loopback: failed binds rate limited per peer address, passwords never in the
log (even at debug level), SMPP over TLS on its own port."""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
import struct
import subprocess
import sys
from pathlib import Path

import pytest

import pdu
from pdu import CommandStatus as S
from smsc.tls import SELF_SIGNED_CERT, SELF_SIGNED_KEY, self_signed_pair

from .conftest import IO_TIMEOUT, REPO, RawClient, ServerFactory

PASSWORD = "Rt9xQ2zK"  # the account's: at most 8 characters (C(9))
WRONG = "Wq7vB3nM"
ACCOUNT = f"""
[[accounts]]
system_id = "acme"
password = "{PASSWORD}"
"""


def bind(client: RawClient, password: str, system_id: str = "acme") -> int:
    return int(
        client.bind(pdu.BindTransceiver, system_id=system_id, password=password).command_status
    )


def test_after_five_failed_binds_the_address_is_refused_even_with_the_right_password(
    smsc_server: ServerFactory,
) -> None:
    server = smsc_server("--store", "memory", config=ACCOUNT)
    for _ in range(5):
        with RawClient(server.address) as client:
            assert bind(client, WRONG) == S.ESME_RINVPASWD
    with RawClient(server.address) as client:
        assert bind(client, PASSWORD) == S.ESME_RBINDFAIL
    assert "too many failed binds from 127.0.0.1" in server.output()


def test_passwords_never_reach_the_log_at_debug_level(smsc_server: ServerFactory) -> None:
    server = smsc_server("--store", "memory", "--log-level", "debug", config=ACCOUNT)
    with RawClient(server.address) as client:
        assert bind(client, WRONG) == S.ESME_RINVPASWD
    with RawClient(server.address) as client:
        # Too long for C(9): refused by the decoder, which our encoder would not send.
        body = b"acme\x00" + b"x" * 20 + b"\x00\x00\x34\x00\x00\x00"
        client.send_bytes(struct.pack(">IIII", 16 + len(body), 9, 0, 1) + body)
        assert client.response(1).command_status == S.ESME_RINVPASWD
    with RawClient(server.address) as client:
        assert bind(client, PASSWORD) == S.ESME_ROK
        seq = client.send(pdu.SubmitSm(source_addr="1", destination_addr="447700900123"))
        assert client.response(seq).command_status == 0
    server.stop()
    log = server.output()
    # The log searched is the one that saw the refusals.
    assert "bind refused (ESME_RINVPASWD)" in log and "password has no NUL" in log
    for secret in (PASSWORD, WRONG, "x" * 20):
        assert secret not in log


# -- SMPP over TLS --------------------------------------------------------------------------


class TlsClient(RawClient):
    """``RawClient`` over a TLS socket that verifies the server against ``cafile``."""

    def __init__(self, address: tuple[str, int], cafile: Path) -> None:
        context = ssl.create_default_context(cafile=str(cafile))  # checks the host name too
        raw = socket.create_connection(address, timeout=IO_TIMEOUT)
        self.sock = context.wrap_socket(raw, server_hostname=address[0])
        self.timeout = IO_TIMEOUT
        self.framer = pdu.Framer()
        self.buffered = []
        self.seq = 0
        self.received = []
        self.responses = {}
        self.answer_deliveries = True


def submit_with_receipt(client: RawClient) -> None:
    assert client.bind().command_status == 0
    resp = client.request(
        pdu.SubmitSm(source_addr="1234", destination_addr="447700900123", registered_delivery=1)
    )
    assert resp.command_status == 0
    message_id = resp.message_id  # type: ignore[attr-defined]
    client.wait_for(lambda p: getattr(p, "receipted_message_id", None) == message_id)


def test_smpp_over_tls_with_a_self_signed_pair(smsc_server: ServerFactory, tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = smsc_server(
        "--store", "memory", "--receipt-delay", "0", "--data-dir", str(data),
        "--tls-port", "0", "--tls-self-signed",
    )  # fmt: skip
    cert = data / SELF_SIGNED_CERT
    assert (data / SELF_SIGNED_KEY).stat().st_mode & 0o077 == 0  # the key is private
    with TlsClient(server.tls_address, cert) as client:
        submit_with_receipt(client)
    # The plain port still speaks plain SMPP next to it.
    with RawClient(server.address) as plain:
        submit_with_receipt(plain)


def test_smpp_over_tls_with_a_given_certificate_and_key(
    smsc_server: ServerFactory, tmp_path: Path
) -> None:
    cert, key = self_signed_pair(tmp_path / "pki")
    server = smsc_server(
        "--store", "memory", "--receipt-delay", "0",
        "--tls-port", "0", "--tls-cert", str(cert), "--tls-key", str(key),
    )  # fmt: skip
    with TlsClient(server.tls_address, cert) as client:
        submit_with_receipt(client)


def test_smpplib_binds_and_submits_over_tls(smsc_server: ServerFactory, tmp_path: Path) -> None:
    import smpplib.client

    cert, key = self_signed_pair(tmp_path / "pki")
    server = smsc_server(
        "--store", "memory", "--tls-port", "0", "--tls-cert", str(cert), "--tls-key", str(key)
    )
    host, port = server.tls_address
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = False  # smpplib wraps the socket without a server_hostname
    client = smpplib.client.Client(
        host, port, timeout=IO_TIMEOUT, ssl_context=context, allow_unknown_opt_params=True
    )
    client.connect()
    try:
        client.bind_transceiver(system_id="tlsesme", password="pw")
        sent = client.send_message(source_addr="1234", destination_addr="447700900123",
                                   short_message=b"over TLS")  # fmt: skip
        resp = client.read_pdu()
        assert resp.command == "submit_sm_resp"
        assert resp.sequence == sent.sequence
        assert resp.status == 0
    finally:
        client.disconnect()


def test_plain_smpp_on_the_tls_port_gets_no_smpp_answer(
    smsc_server: ServerFactory, tmp_path: Path
) -> None:
    server = smsc_server("--store", "memory", "--data-dir", str(tmp_path), "--tls-port", "0",
                         "--tls-self-signed")  # fmt: skip
    with socket.create_connection(server.tls_address, timeout=IO_TIMEOUT) as sock:
        sock.sendall(pdu.encode(pdu.EnquireLink(sequence_number=1)))
        data = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(4096):
                data += chunk
    # The TLS layer refuses the handshake and closes; no SMPP PDU comes back.
    assert not data.startswith(b"\x00\x00\x00\x10\x80\x00\x00\x15")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tls-port", "0"], "--tls-port needs --tls-cert and --tls-key"),
        (["--tls-self-signed"], "need --tls-port"),
        (["--tls-port", "0", "--tls-self-signed", "--tls-cert", "x"], "either --tls-self-signed"),
    ],
)
def test_inconsistent_tls_options_are_refused(args: list[str], message: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "smsc", "serve", "--smpp-port", "0", "--http-port", "0", *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.returncode == 2
    assert message in proc.stderr
