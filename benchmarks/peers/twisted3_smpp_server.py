"""An SMSC on the server side of PyPI's ``smpp.twisted3``, for benchmarks/server_bench.py.

``smpp.twisted3`` (the Python 3 port of mozes' smpp.twisted, as used by Jasmin) ships
``SMPPServerFactory``/``SMPPServerProtocol``: binds go through a twisted.cred portal, each
data request goes to ``config.msgHandler(system_id, protocol, pdu)``. This script supplies
the minimum around it: a portal that accepts any system_id/password, a handler that answers
submit_sm with a message_id and, when registered_delivery asks for one, schedules a delivery
receipt (deliver_sm, esm_class 0x04, receipted_message_id and message_state TLVs) on the
package's next receiver/transceiver bind of the same system_id. Nothing is stored.

It pins Twisted~=23.10, which conflicts with ours, so it runs from its own venv outside the
repository (the bench creates it)::

    /tmp/smsc-bench-peers/twisted3-venv/bin/python twisted3_smpp_server.py PORT [DELAY]
"""

from __future__ import annotations

import collections
import sys
import time
from typing import Any

from smpp.pdu import pdu_types as t
from smpp.pdu.operations import DeliverSM, SubmitSM
from smpp.twisted.config import SMPPServerConfig
from smpp.twisted.protocol import DataHandlerResponse
from smpp.twisted.server import IAuthenticatedSMPP, SMPPServerFactory
from twisted.cred.checkers import ICredentialsChecker
from twisted.cred.credentials import IUsernamePassword
from twisted.cred.portal import IRealm, Portal
from twisted.internet import defer, reactor
from zope.interface import implementer


@implementer(ICredentialsChecker)
class AnyCredentials:
    credentialInterfaces = (IUsernamePassword,)  # noqa: N815  (twisted.cred's name)

    def requestAvatarId(self, credentials: Any) -> defer.Deferred[bytes]:  # noqa: N802
        return defer.succeed(credentials.username)


@implementer(IRealm)
class SmppRealm:
    def requestAvatar(self, avatar_id: Any, mind: Any, *interfaces: Any) -> Any:  # noqa: N802
        return (IAuthenticatedSMPP, avatar_id, lambda: None)


class Smsc:
    def __init__(self, receipt_delay: float) -> None:
        self.receipt_delay = receipt_delay
        self.next_id = 0
        self.factory: SMPPServerFactory | None = None

    def on_data(self, system_id: str, protocol: Any, req: Any) -> Any:
        if not isinstance(req, SubmitSM):
            return None  # deliver_sm_resp etc. never reach here; anything else: plain ESME_ROK
        self.next_id += 1
        message_id = f"{self.next_id:x}"
        rd = req.params.get("registered_delivery")
        none = t.RegisteredDeliveryReceipt.NO_SMSC_DELIVERY_RECEIPT_REQUESTED
        if rd is not None and rd.receipt != none:
            reactor.callLater(self.receipt_delay, self.send_receipt, system_id, message_id, req)
        return DataHandlerResponse(status=t.CommandStatus.ESME_ROK, message_id=message_id)

    def send_receipt(self, system_id: str, message_id: str, req: Any) -> None:
        assert self.factory is not None
        binds = self.factory.getBoundConnections(system_id)
        binding = binds.getNextBindingForDelivery() if binds else None
        if binding is None:
            return
        now = time.strftime("%y%m%d%H%M", time.gmtime())
        text = (
            f"id:{message_id} sub:001 dlvrd:001 submit date:{now} done date:{now} "
            "stat:DELIVRD err:000 text:"
        )
        receipt = DeliverSM(
            source_addr_ton=t.AddrTon.INTERNATIONAL,
            source_addr_npi=t.AddrNpi.ISDN,
            source_addr=req.params["destination_addr"],
            dest_addr_ton=t.AddrTon.INTERNATIONAL,
            dest_addr_npi=t.AddrNpi.ISDN,
            destination_addr=req.params["source_addr"],
            esm_class=t.EsmClass(t.EsmClassMode.DEFAULT, t.EsmClassType.SMSC_DELIVERY_RECEIPT),
            protocol_id=0,
            priority_flag=t.PriorityFlag.LEVEL_0,
            registered_delivery=t.RegisteredDelivery(
                t.RegisteredDeliveryReceipt.NO_SMSC_DELIVERY_RECEIPT_REQUESTED
            ),
            replace_if_present_flag=t.ReplaceIfPresentFlag.DO_NOT_REPLACE,
            data_coding=t.DataCoding(),
            sm_default_msg_id=0,
            short_message=text.encode(),
            receipted_message_id=message_id,
            message_state=t.MessageState.DELIVERED,
        )
        # A lost or refused receipt is the client's to count, not a reason to stop serving.
        binding.sendDataRequest(receipt).addErrback(lambda _f: None)


def main() -> None:
    port = int(sys.argv[1])
    delay = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    smsc = Smsc(delay)
    # The factory looks every system_id up in config.systems; any system_id may bind.
    systems: dict[str, dict[str, int]] = collections.defaultdict(lambda: {"max_bindings": 64})
    config = SMPPServerConfig(msgHandler=smsc.on_data, systems=systems)
    factory = SMPPServerFactory(config, auth_portal=Portal(SmppRealm(), [AnyCredentials()]))
    smsc.factory = factory
    reactor.listenTCP(port, factory, interface="127.0.0.1")
    reactor.callWhenRunning(lambda: print(f"READY {port}", flush=True))
    reactor.run()


if __name__ == "__main__":
    main()
