"""Security over loopback: failed binds rate limited per peer address, passwords never in the
log (even at debug level), SMPP over TLS on its own port."""

from __future__ import annotations

import struct

import pdu
from pdu import CommandStatus as S

from .conftest import RawClient, ServerFactory

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
