"""The smpp.twisted3 client (Mozes' Twisted ESME, with smpp.pdu3) against ``smsc serve``.

A Twisted reactor cannot be restarted inside one pytest process, so each scenario runs the
client in a child Python process that prints what it saw as one JSON line; the child has a
watchdog timer and the parent a subprocess timeout.

smpp.twisted3 0.8 pins Twisted~=23.10 while the project needs Twisted>=24.3 (it runs fine on
26.x), and its client module imports pyOpenSSL, which Twisted's TLS support pairs with
service_identity. Install with ``pip install --no-deps smpp.twisted3 pyOpenSSL
service_identity``; the module is skipped where smpp.twisted3 is missing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from .conftest import IO_TIMEOUT, REPO, ServerProcess, receipt_fields, unique_system_id

pytest.importorskip("smpp.twisted.client")

pytestmark = pytest.mark.interop

CLIENT = r"""
import json, sys
from twisted.internet import defer, reactor

from smpp.pdu.operations import EnquireLink, SubmitSM
from smpp.pdu.pdu_types import (
    DataCoding, DataCodingScheme, DataCodingDefault, RegisteredDelivery,
    RegisteredDeliveryReceipt,
)
from smpp.twisted.client import (
    SMPPClientReceiver, SMPPClientTransceiver, SMPPClientTransmitter,
)
from smpp.twisted.config import SMPPClientConfig

host, port, system_id, scenario, timeout = (
    sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5]))
out = {"events": []}
receipts = []
got_receipt = defer.Deferred()


def config():
    return SMPPClientConfig(
        host=host, port=port, username=system_id, password="pw",
        enquireLinkTimerSecs=60, responseTimerSecs=timeout,
    )


def on_message(smpp, pdu):
    sm = pdu.params["short_message"]
    rid = pdu.params.get("receipted_message_id")
    receipts.append({
        "short_message": sm.decode("ascii") if sm else "",
        "receipted_message_id": rid.decode() if isinstance(rid, bytes) else rid,
        "message_state": str(pdu.params.get("message_state")),
        "esm_class": str(pdu.params.get("esm_class")),
    })
    if not got_receipt.called:
        got_receipt.callback(None)


def submit_sm(text):
    return SubmitSM(
        source_addr=b"1234",
        destination_addr=b"447700900001",
        short_message=text,
        data_coding=DataCoding(DataCodingScheme.DEFAULT, DataCodingDefault.SMSC_DEFAULT_ALPHABET),
        registered_delivery=RegisteredDelivery(
            RegisteredDeliveryReceipt.SMSC_DELIVERY_RECEIPT_REQUESTED),
    )


@defer.inlineCallbacks
def trx():
    smpp = yield SMPPClientTransceiver(config(), on_message).connectAndBind()
    out["events"].append("bound")
    resp = yield smpp.sendRequest(EnquireLink(), timeout)
    out["enquire_link_resp"] = str(resp.response.status)
    resp = yield smpp.sendDataRequest(submit_sm(b"hello twisted"))
    out["submit_status"] = str(resp.response.status)
    out["message_id"] = resp.response.params["message_id"].decode()
    yield got_receipt.addTimeout(timeout, reactor)
    out["receipts"] = receipts
    yield smpp.unbindAndDisconnect()
    out["events"].append("unbound")


@defer.inlineCallbacks
def tx_rx():
    rx = yield SMPPClientReceiver(config(), on_message).connectAndBind()
    tx = yield SMPPClientTransmitter(config()).connectAndBind()
    out["events"].append("bound")
    resp = yield tx.sendDataRequest(submit_sm(b"tx then rx"))
    out["submit_status"] = str(resp.response.status)
    out["message_id"] = resp.response.params["message_id"].decode()
    yield got_receipt.addTimeout(timeout, reactor)
    out["receipts"] = receipts
    yield tx.unbindAndDisconnect()
    yield rx.unbindAndDisconnect()
    out["events"].append("unbound")


def finish(result):
    if hasattr(result, "getTraceback"):
        out["error"] = result.getTraceback()
    print(json.dumps(out), flush=True)
    reactor.stop()


def main():
    d = {"trx": trx, "tx_rx": tx_rx}[scenario]()
    d.addBoth(finish)


reactor.callWhenRunning(main)
reactor.callLater(3 * timeout, lambda: finish(Exception("watchdog: scenario hung")))
reactor.run()
"""


def run_client(server: ServerProcess, scenario: str) -> dict[str, Any]:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            CLIENT,
            server.host,
            str(server.port),
            unique_system_id(),
            scenario,
            str(IO_TIMEOUT),
        ],
        capture_output=True,
        timeout=4 * IO_TIMEOUT,
        cwd=REPO,
        check=False,
    )
    lines = proc.stdout.decode().strip().splitlines()
    assert lines, f"no output from the client:\n{proc.stderr.decode()}"
    result: dict[str, Any] = json.loads(lines[-1])
    assert "error" not in result, result["error"]
    return result


def test_transceiver_bind_enquire_link_submit_receipt_unbind(
    memory_server: ServerProcess,
) -> None:
    result = run_client(memory_server, "trx")
    assert result["events"] == ["bound", "unbound"]
    assert result["enquire_link_resp"] == "CommandStatus.ESME_ROK"
    assert result["submit_status"] == "CommandStatus.ESME_ROK"
    [receipt] = result["receipts"]
    assert receipt["receipted_message_id"] == result["message_id"]
    assert receipt["message_state"] == "MessageState.DELIVERED"
    fields = receipt_fields(receipt["short_message"].encode())
    assert fields["id"] == result["message_id"]
    assert fields["stat"] == "DELIVRD"
    assert fields["text"] == "hello twisted"


def test_transmitter_and_receiver_of_one_system_id(memory_server: ServerProcess) -> None:
    result = run_client(memory_server, "tx_rx")
    assert result["events"] == ["bound", "unbound"]
    assert result["submit_status"] == "CommandStatus.ESME_ROK"
    [receipt] = result["receipts"]
    assert receipt["receipted_message_id"] == result["message_id"]
    assert receipt_fields(receipt["short_message"].encode())["text"] == "tx then rx"
