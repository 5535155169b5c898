"""The checker: what the core's façade tells it, routed to the families of checks.

Sans-I/O like the core: every call brings ``now``. Its own timers (reply SLAs, long messages'
timeouts) are a small heap; ``deadline`` is the earliest, which the façade folds into its own
next deadline, calling ``tick`` once it has passed. Calls on the hot path (a submission, a
deliver_sm response) do constant work for a well-formed single-part message.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import count

import pdu
from carriers import Compliance, Network
from carriers.outcome import Outcome
from pdu import MessageState, Pdu
from pdu import text as pdu_text
from pdu.reassembly import ConcatError, concat_info
from pdu.udh import UdhError

from ..model import Delivery, DeliveryKind, Message
from .compliance import ComplianceChecks
from .conversation import Conversations
from .emitter import Emitter
from .encoding import invalid, payload_of, ucs2_not_needed
from .finding import Findings
from .protocol import ProtocolChecks
from .segments import LongMessage, Segments
from .settings import ChecksConfig

__all__ = ["Checker", "RunCounts"]

_REJECTED = MessageState.REJECTED
_SLA, _SEGMENT = 0, 1


@dataclass(slots=True)
class RunCounts:
    """What the report counts of the app's traffic (beyond what the store holds)."""

    singles: int = 0  # single-part messages accepted
    mt_parts: int = 0
    parts: dict[int, int] = field(default_factory=dict)  # long: parts per message -> messages
    refused: int = 0  # submissions refused outright

    @property
    def mt_messages(self) -> int:
        """Whole messages accepted (a long one counts once, when all its parts are in)."""
        return self.singles + sum(self.parts.values())

    def per_parts(self) -> dict[int, int]:
        """Messages by their number of parts."""
        out = {1: self.singles} if self.singles else {}
        return {**out, **self.parts}


class Checker:
    def __init__(
        self,
        config: ChecksConfig,
        *,
        compliance: Compliance,
        network: Network,
        findings: Findings | None = None,
    ) -> None:
        self.config = config
        self.findings = findings if findings is not None else Findings()
        emit = self._emit = Emitter(config, self.findings)
        self._compliance = ComplianceChecks(emit, compliance, network)
        self.conversations = Conversations(emit, compliance)
        self.protocol = ProtocolChecks(emit)
        self._segments = Segments(emit)
        self.counts = RunCounts()
        self._timers: list[tuple[float, int, int, object]] = []
        self._tie = count()
        self.deadline: float | None = None
        self._since = float("-inf")  # the last reset: deliveries made before it are forgotten
        self._ucs2 = emit.on("encoding.ucs2_not_needed")
        self._invalid = emit.on("encoding.invalid")
        self._duplicates = emit.on("protocol.duplicate_submit")
        self._compliance_on = emit.on("compliance.opted_out") or emit.on("compliance.not_opted_in")
        self._sla = emit.on("conversation.unanswered")

    # -- timers -------------------------------------------------------------------------

    def _at(self, due: float, kind: int, key: object) -> None:
        heapq.heappush(self._timers, (due, next(self._tie), kind, key))
        if self.deadline is None or due < self.deadline:
            self.deadline = due

    def tick(self, now: float) -> None:
        timers = self._timers
        while timers and timers[0][0] <= now:
            _, _, kind, key = heapq.heappop(timers)
            if kind == _SLA:
                assert isinstance(key, str)
                self.conversations.due(key, now)
            else:
                self._segments.due(key, now)  # type: ignore[arg-type]
        self.deadline = timers[0][0] if timers else None

    # -- submissions --------------------------------------------------------------------

    def submitted(
        self,
        account: str,
        p: Pdu,
        accepted: Sequence[tuple[Message, Outcome]],
        response: Pdu,
        now: float,
    ) -> None:
        """A submission answered: ``accepted`` the messages it made (empty: ``response``
        refused it)."""
        if not accepted:
            self.counts.refused += 1
            if self._compliance_on:
                self._refused(account, p, response, now)
            return
        if type(response) is pdu.SubmitMultiResp and response.unsuccess_sme:
            self._refused(account, p, response, now)
        counts = self.counts
        counts.mt_parts += len(accepted)
        awaiting = self.conversations.awaiting
        for msg, outcome in accepted:
            if outcome.state is _REJECTED and self._compliance_on:
                first = msg.concat_ref is None or msg.part_number == 1
                if first and self._compliance.refused(
                    account, msg.source_addr, msg.destination_addr, now, message_id=msg.message_id
                ):
                    continue
            if awaiting:
                self.conversations.mt(msg.destination_addr, now)
            if msg.concat_ref is not None:
                self._part(msg, now)
                continue
            payload = msg.short_message
            if msg.esm_class & 0x40:
                payload = payload_of(msg)
            # Valid at a glance: GSM-7 octets that are ASCII without an escape.
            if self._invalid and (msg.data_coding or not payload.isascii() or 0x1B in payload):
                self._check_octets(msg, payload, True, True, now)
            if len(payload) > 160:
                self._segments.long_payload(msg, payload, now)
            counts.singles += 1
            self._message(msg, msg.text, payload, msg.message_id, now)

    def _refused(self, account: str, p: Pdu, response: Pdu, now: float) -> None:
        sender = getattr(p, "source_addr", "")
        if type(response) is pdu.SubmitMultiResp:
            for sme in response.unsuccess_sme:
                self._compliance.refused(
                    account, sender, sme.destination_addr, now, status=sme.error_status_code
                )
            return
        handset = getattr(p, "destination_addr", None)
        if handset is None or not _first_part(p):
            return
        self._compliance.refused(account, sender, handset, now, status=response.command_status)

    def _check_octets(
        self, msg: Message, payload: bytes, first: bool, last: bool, now: float
    ) -> None:
        why = invalid(payload, msg.data_coding, msg.text, first=first, last=last)
        if why is not None:
            where = f"part {msg.part_number} of {msg.part_total}: " if msg.part_total > 1 else ""
            self._emit.emit(
                "encoding.invalid",
                now,
                msg.account,
                where + why,
                message_id=msg.message_id,
                handset=msg.destination_addr,
                sender=msg.source_addr,
            )

    def _part(self, msg: Message, now: float) -> None:
        segments = self._segments
        new = (msg.account, msg.destination_addr, msg.concat_ref) not in segments.pending
        long, completed = segments.part(msg, now)
        if long is None:
            return
        if new:
            self._at(long.deadline, _SEGMENT, (msg.account, msg.destination_addr, msg.concat_ref))
        if self._invalid:
            payload = long.parts.get(msg.part_number)
            if payload is not None and long.ids.get(msg.part_number) == msg.message_id:
                self._check_octets(
                    msg, payload, msg.part_number == 1, msg.part_number >= msg.part_total, now
                )
        if completed:
            self._whole(long, now)

    def _whole(self, long: LongMessage, now: float) -> None:
        counts = self.counts
        counts.parts[long.total] = counts.parts.get(long.total, 0) + 1
        first = long.first
        message_id = long.ids.get(1, first.message_id)
        payload = b"".join(long.parts[n] for n in sorted(long.parts))
        self._message(first, long.text(), payload, message_id, now)

    def _message(
        self, msg: Message, text: str | None, payload: bytes, message_id: str, now: float
    ) -> None:
        """Checks on a whole message (a long one once all its parts are in)."""
        emit = self._emit
        if self._ucs2 and text is not None and msg.data_coding:
            why = ucs2_not_needed(text, msg.data_coding)
            if why is not None:
                emit.emit(
                    "encoding.ucs2_not_needed",
                    now,
                    msg.account,
                    why,
                    message_id=message_id,
                    handset=msg.destination_addr,
                    sender=msg.source_addr,
                )
        if self._duplicates:
            body = text if text is not None else payload
            self.protocol.duplicate(
                msg.account, msg.source_addr, msg.destination_addr, body, message_id, now
            )
        compliance = self._compliance
        if (msg.source_addr, msg.destination_addr) not in compliance.contacted:
            compliance.first_contact(msg, text, message_id, now)
        if compliance.quiet:
            last_mo = self.conversations.last_mo.get(msg.destination_addr)
            compliance.quiet_hours(msg, message_id, last_mo, now)

    # -- responses from the app ---------------------------------------------------------

    def responded(
        self, conn: int, account: str, context: object, status: int, latency: float, now: float
    ) -> None:
        """The app answered one of our requests on bind ``conn`` after ``latency`` s."""
        if not isinstance(context, Delivery) or context.created < self._since:
            return  # enquire_link, unbind (the session's own), or from before a reset
        protocol = self.protocol
        protocol.response_times.append(latency)
        if latency > protocol.slow:
            protocol.slow_response(conn, account, latency, now)
        if status or context.kind is not DeliveryKind.MO or context.message_id is None:
            return
        request = context.request
        handset = getattr(request, "source_addr", "")
        number = getattr(request, "destination_addr", "")
        wait = self.conversations.mo_delivered(
            account, handset, number, _mo_text(request), context.message_id, now
        )
        if wait is not None and self._sla:
            self._at(wait.deadline, _SLA, handset)

    def timed_out(self, conn: int, account: str, context: object, now: float) -> None:
        if isinstance(context, Delivery) and context.created >= self._since:
            self.protocol.timed_out(conn, account, now)

    # -- binds --------------------------------------------------------------------------

    def bind_opened(self, conn: int, system_id: str, now: float) -> None:
        self.protocol.bind_opened(conn, system_id, now)

    def unbinding(self, conn: int) -> None:
        self.protocol.unbinding(conn)

    def bind_closed(self, conn: int, by_fault: bool, now: float) -> None:
        self.protocol.bind_closed(conn, by_fault, now)

    def enquire_link(self, conn: int, now: float) -> None:
        self.protocol.enquire_link(conn, now)

    def contacts(self) -> tuple[int, int]:
        """(sender, handset) pairs the app messaged, and how many of them opted out."""
        return self._compliance.contacts()

    # -- the harness --------------------------------------------------------------------

    def reset(self, now: float) -> None:
        """Forget the traffic seen (between tests): findings, waits, parts, first contacts,
        recent texts, and answers to deliveries made before ``now``. Bind state stays, as
        binds do."""
        self._since = now
        self.findings.clear()
        self.conversations.reset()
        self._segments.reset()
        self._compliance.reset()
        self.protocol.reset()
        self._timers.clear()
        self.deadline = None
        self.counts = RunCounts()


def _first_part(p: Pdu) -> bool:
    """Whether a refused submission is a whole message or the first part of a long one:
    a long message refused part by part is one finding."""
    try:
        info = concat_info(
            getattr(p, "esm_class", 0),
            getattr(p, "short_message", b"") or b"",
            getattr(p, "sar_msg_ref_num", None),
            getattr(p, "sar_total_segments", None),
            getattr(p, "sar_segment_seqnum", None),
        )
    except (ConcatError, UdhError):
        return True
    return info is None or info.seqnum == 1


def _mo_text(request: Pdu | None) -> str | None:
    """The text of a single-part MO (a long one needs no keyword check)."""
    if request is None or getattr(request, "esm_class", 0) & 0x40:
        return None
    payload = getattr(request, "short_message", b"") or getattr(request, "message_payload", b"")
    try:
        return pdu_text.decode(payload or b"", getattr(request, "data_coding", 0), "replace")
    except (pdu_text.TextError, TypeError):
        return None
