"""Mobile-originated messages and two-way SMS: what handsets send and what the network says.

An MO (from the API, from a simulated handset, or an MT to one of our own numbers looping
back) is stored and owed to the ESME as a deliver_sm: to the account its number or keyword
routes to, or in development mode to any receiver bind. Compliance keywords (STOP, HELP,
START, JOIN, YES) are acted on first; the texts the network itself sends back are stored as
delivered MT, so the harness shows the whole conversation.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pdu
from carriers import (
    Compliance,
    HandsetSimulator,
    MoPlan,
    Network,
    Numbers,
    Reply,
    ScheduledReply,
    plan_mo,
)
from carriers.config import normalize_number
from carriers.scripts import ScriptRun
from pdu import MessageState
from pdu import text as pdu_text
from pdu.segment import CounterReferenceAllocator, SegmentError, SegmentMethod, segment

from ..accounts import Accounts
from ..ids import MessageIdAllocator
from ..model import DeliveryKind, Direction, Message
from ..scheduler import Scheduler
from .commit import GroupCommit
from .conversations import Conversations
from .deliveries import Deliveries
from .receivers import ANY_ACCOUNT
from .stats import Stats
from .submission import decode_parts

__all__ = ["MAX_ADDR", "NETWORK_ACCOUNT", "HandsetReplyDue", "MoError", "TwoWay"]

NETWORK_ACCOUNT = "-network"  # owner of the texts the network itself sends (STOP replies)
MAX_ADDR = 20  # source_addr / destination_addr are C-Octet Strings of at most 21 octets


class MoError(ValueError):
    """A handset message the harness cannot send as asked (empty text, bad address, ...)."""


@dataclass(slots=True)
class HandsetReplyDue:
    """Scheduled: a simulated handset's reply reaches the SMSC. ``part`` is None for the
    first arrival (routing is decided then), else the index of a later part."""

    reply: ScheduledReply
    part: int | None = None
    account: str | None = None
    deliver: bool = True


class TwoWay:
    def __init__(
        self,
        *,
        numbers: Numbers,
        compliance: Compliance,
        network: Network,
        handsets: HandsetSimulator,
        accounts: Accounts,
        ids: MessageIdAllocator,
        rng: random.Random,
        scheduler: Scheduler[object],
        commit: GroupCommit,
        deliveries: Deliveries,
        stats: Stats,
        conversations: Conversations,
    ) -> None:
        self._numbers = numbers
        self.compliance = compliance
        self._network = network
        self._handsets = handsets
        self._accounts = accounts
        self._ids = ids
        self._rng = rng
        self._scheduler = scheduler
        self._commit = commit
        self._deliveries = deliveries
        self._stats = stats
        self._conversations = conversations
        self._mo_refs = CounterReferenceAllocator()

    # -- MO in ---------------------------------------------------------------------------

    def inject_mo(
        self,
        source_addr: str,
        destination_addr: str,
        short_message: bytes,
        now: float,
        *,
        data_coding: int = 0,
        account: str | None = None,
        esm_class: int = 0,
        tlvs: dict[str, object] | None = None,
        as_payload: bool = False,
        deliver: bool = True,
    ) -> Message:
        """A handset sends one PDU's worth: stored, then owed as deliver_sm to ``account``'s
        receiver binds (any receiver bind when ``account`` is None). With ``deliver`` False
        it is only stored, as ACCEPTED: the network consumed it (a compliance keyword not
        forwarded, a keyword nobody owns)."""
        key = account if account is not None else ANY_ACCOUNT
        msg = Message(
            message_id=str(self._ids.next()),
            direction=Direction.MO,
            account=key,
            source_addr_ton=1,
            source_addr_npi=1,
            source_addr=source_addr,
            dest_addr_ton=0,
            dest_addr_npi=0,
            destination_addr=destination_addr,
            esm_class=esm_class,
            data_coding=data_coding,
            registered_delivery=0,
            short_message=short_message,
            submit_time=now,
            state=MessageState.ENROUTE,
        )
        request = pdu.DeliverSm(
            source_addr_ton=1,
            source_addr_npi=1,
            source_addr=source_addr,
            destination_addr=destination_addr,
            esm_class=esm_class,
            data_coding=data_coding,
        )
        if len(short_message) > 254 or as_payload:
            request.message_payload = short_message
        else:
            request.short_message = short_message
        for name, value in (tlvs or {}).items():
            setattr(request, name, value)
        decode_parts(msg, request)
        msg.raw_pdu = pdu.encode(request)  # as we send it; each attempt numbers it afresh
        self._stats.counters["mo"] += 1
        if not deliver:
            msg.state = MessageState.ACCEPTED
            msg.done_time = now
        self._commit.batch.messages.append(msg)
        if deliver:
            self._deliveries.new(
                key, DeliveryKind.MO, request, now, msg.message_id, encoded=msg.raw_pdu
            )
        return msg

    def inject_mo_text(
        self,
        source_addr: str,
        destination_addr: str,
        text: str,
        now: float,
        *,
        data_coding: int | None = None,
        method: SegmentMethod | None = None,
        account: str | None = None,
    ) -> list[Message]:
        """A handset types ``text``: encoded (GSM-7 when it fits, else UCS-2, unless
        ``data_coding`` says), split as the handset's carrier splits long MO
        (``mo_segmentation``) unless ``method`` says otherwise, and injected part by part.
        Raises MoError, with nothing injected, for input a handset could not send."""
        for name, addr in (("from", source_addr), ("to", destination_addr)):
            if not addr:
                raise MoError(f"{name} is empty")
            if len(addr) > MAX_ADDR or not addr.isascii() or not addr.isprintable():
                raise MoError(f"{name} must be 1-{MAX_ADDR} printable ASCII characters")
        if not text:
            raise MoError("text is empty")
        if account is not None and self._accounts.get(account) is None:
            raise MoError(f"unknown account {account!r}")
        deliver = True
        replies: tuple[Reply, ...] = ()
        if account is None:
            # As the network does: compliance keywords first, then the number's routing.
            plan = self._plan(source_addr, destination_addr, text, now)
            account, deliver, replies = plan.account, plan.forward, plan.replies
        if data_coding is None:
            data_coding = pdu_text.choose_data_coding(text)
        if method is None:
            method = self._network.mo_segmentation(source_addr)
        try:
            payload = pdu_text.encode(text, data_coding)
            parts = segment(payload, data_coding, method, allocator=self._mo_refs)
        except (pdu_text.TextError, SegmentError) as e:
            raise MoError(f"text cannot be sent with data_coding {data_coding}: {e}") from None
        out: list[Message] = []
        for part in parts:
            tlvs: dict[str, object] = {}
            if part.sar_msg_ref_num is not None:
                tlvs = {
                    "sar_msg_ref_num": part.sar_msg_ref_num,
                    "sar_total_segments": part.sar_total_segments,
                    "sar_segment_seqnum": part.sar_segment_seqnum,
                }
            body = part.message_payload if part.message_payload is not None else part.short_message
            msg = self.inject_mo(
                source_addr,
                destination_addr,
                body,
                now,
                data_coding=data_coding,
                account=account,
                esm_class=0x40 if part.udhi else 0,
                tlvs=tlvs,
                as_payload=part.message_payload is not None,
                deliver=deliver,
            )
            out.append(msg)
        self._network_replies(replies, now)
        return out

    def _plan(self, handset: str, number: str, text: str, now: float) -> MoPlan:
        """What the network does with an MO (``plan_mo``); a STOP is a conversation's end."""
        plan = plan_mo(self.compliance, handset, number, text, now)
        if plan.compliance.opted_out:
            self._conversations.opted_out(handset, number, now)
        return plan

    def _network_replies(self, replies: tuple[Reply, ...], now: float) -> None:
        """Texts the network itself sends a handset (STOP confirmation, HELP text, keyword
        auto-replies): stored as delivered MT, so the harness shows the conversation."""
        for r in replies:
            data_coding = pdu_text.choose_data_coding(r.text)
            msg = Message(
                message_id=str(self._ids.next()),
                direction=Direction.MT,
                account=NETWORK_ACCOUNT,
                source_addr_ton=0,
                source_addr_npi=0,
                source_addr=r.source_addr,
                dest_addr_ton=1,
                dest_addr_npi=1,
                destination_addr=r.destination_addr,
                esm_class=0,
                data_coding=data_coding,
                registered_delivery=0,
                short_message=pdu_text.encode(r.text, data_coding),
                submit_time=now,
                state=MessageState.DELIVERED,
                done_time=now,
                text=r.text,
            )
            self._commit.batch.messages.append(msg)

    # -- MT that reached a handset -------------------------------------------------------

    def reached_handset(self, msg: Message, now: float) -> None:
        """An MT was delivered: to one of our own numbers it loops back as MO to that
        number's owner; to a simulated handset, the handset's rules may answer it."""
        if self._numbers.get(msg.destination_addr) is not None:
            text = msg.text or ""
            plan = self._plan(msg.source_addr, msg.destination_addr, text, now)
            self.inject_mo(
                msg.source_addr,
                msg.destination_addr,
                msg.short_message,
                now,
                data_coding=msg.data_coding,
                account=plan.account,
                esm_class=msg.esm_class & 0x40,
                deliver=plan.forward,
            )
            self._network_replies(plan.replies, now)
            return
        for reply in self._handsets.on_mt(
            msg.source_addr, msg.destination_addr, msg.text, now, self._rng
        ):
            self._scheduler.at(reply.due, HandsetReplyDue(reply))

    def handset_reply_due(self, item: HandsetReplyDue, now: float) -> None:
        """A simulated handset's answer arrives: routed like any MO when its first part comes
        in; each part is delivered at its own time, in the order (and with the faults) the
        simulator chose."""
        reply = item.reply
        if item.part is None:
            plan = self._plan(reply.source_addr, reply.destination_addr, reply.text, now)
            self._network_replies(plan.replies, now)
            for i, part in enumerate(reply.parts):
                later = HandsetReplyDue(reply, i, plan.account, plan.forward)
                if part.due > now:
                    self._scheduler.at(part.due, later)
                else:
                    self.handset_reply_due(later, now)
            return
        part = reply.parts[item.part]
        self.inject_mo(
            reply.source_addr,
            reply.destination_addr,
            part.short_message,
            now,
            data_coding=reply.data_coding,
            account=item.account,
            esm_class=part.esm_class,
            tlvs=part.tlvs(),
            deliver=item.deliver,
        )

    # -- the harness ----------------------------------------------------------------------

    def script_runs(
        self, *, handset: str | None = None, number: str | None = None, script: str | None = None
    ) -> list[ScriptRun]:
        """Conversation script runs, least recently active first."""
        return self._handsets.scripts.runs(handset=handset, number=number, script=script)

    def reset(self) -> None:
        """Forget what the simulated handsets remember (script runs): the next test's MT
        starts every conversation afresh. Their pending replies are the scheduler's."""
        self._handsets.scripts.reset()

    # -- opt-outs, as the harness sets them ----------------------------------------------

    def opt_out(self, handset: str, sender: str) -> None:
        """Put ``handset`` on ``sender``'s opt-out list as its STOP would (a subscription
        ends too), without the texts a STOP makes the network send."""
        handset, sender = normalize_number(handset), normalize_number(sender)
        self.compliance.opt_outs.add(handset, sender)
        self.compliance.subscriptions.remove(handset, sender)

    def opt_in(self, handset: str, sender: str) -> bool:
        """Take the pair off the opt-out list; whether it was on it."""
        handset, sender = normalize_number(handset), normalize_number(sender)
        listed = self.compliance.opt_outs.contains(handset, sender)
        self.compliance.opt_outs.remove(handset, sender)
        return listed

    def clear_opt_outs(self) -> int:
        """Empty the opt-out list; how many pairs were on it."""
        n = len(self.compliance.opt_outs.list())
        self.compliance.opt_outs.clear()
        return n

    def opt_outs(self) -> list[tuple[str, str]]:
        return self.compliance.opt_outs.list()
