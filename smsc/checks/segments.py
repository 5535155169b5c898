"""Long messages as a handset reassembles them: the parts of one reference, keyed as a handset
keys them (the app's account, the handset, the reference), checked as they come in.

``segment.split_escape`` / ``segment.split_surrogate``: a part other than the last ends in
the middle of a pair. ``segment.inconsistent``: a part disagrees with the first one seen
(total, data_coding, sender) or repeats a part number. ``segment.too_many``: more parts
than ``max_parts``. ``segment.incomplete``: parts still missing ``segment_timeout`` after the
first. A message whose parts are all in is handed back whole (text decoded once from the
joined octets) for the checks that look at whole messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pdu import text as pdu_text
from pdu.segment import SegmentMethod, count_parts

from ..model import Message
from .emitter import Emitter
from .encoding import payload_of, split_escape, split_surrogate

__all__ = ["LongMessage", "Segments"]

SegmentKey = tuple[str, str, int]  # (account, handset, reference)


@dataclass(slots=True)
class LongMessage:
    first: Message  # the first part seen
    total: int
    deadline: float
    parts: dict[int, bytes] = field(default_factory=dict)  # seqnum -> text octets
    ids: dict[int, str] = field(default_factory=dict)  # seqnum -> message id
    complete: bool = False
    inconsistent: bool = False  # reported once per message

    def text(self) -> str | None:
        payload = b"".join(self.parts[n] for n in sorted(self.parts))
        try:
            return pdu_text.decode(payload, self.first.data_coding, "replace")
        except (pdu_text.TextError, TypeError):
            return None  # binary


class Segments:
    __slots__ = ("_emit", "pending")

    def __init__(self, emit: Emitter) -> None:
        self._emit = emit
        self.pending: dict[SegmentKey, LongMessage] = {}

    def too_many(self, msg: Message, parts: int, now: float) -> None:
        limit = self._emit.config.max_parts
        if parts > limit and self._emit.on("segment.too_many"):
            self._emit.emit(
                "segment.too_many",
                now,
                msg.account,
                f"{parts} parts, more than the {limit} carriers accept: the message may be"
                " refused or cut; shorten it or send a link",
                message_id=msg.message_id,
                handset=msg.destination_addr,
                sender=msg.source_addr,
            )

    def long_payload(self, msg: Message, payload: bytes, now: float) -> None:
        """One PDU carrying a long message (message_payload): the SMSC splits it."""
        try:
            parts = count_parts(payload, msg.data_coding, SegmentMethod.UDH_8BIT_REF)
        except ValueError:
            return  # odd-length UCS-2 and the like: encoding.invalid says so
        self.too_many(msg, parts, now)

    def part(self, msg: Message, now: float) -> tuple[LongMessage | None, bool]:
        """Track one part; (the message, whether this part completed it)."""
        assert msg.concat_ref is not None
        key = (msg.account, msg.destination_addr, msg.concat_ref)
        emit = self._emit
        long = self.pending.get(key)
        seq, total = msg.part_number, msg.part_total
        if long is None:
            long = LongMessage(msg, total, now + emit.config.segment_timeout)
            self.pending[key] = long
            self.too_many(msg, total, now)
        else:
            why = self._disagreement(long, msg)
            if why is not None and not long.inconsistent:
                long.inconsistent = True
                emit.emit(
                    "segment.inconsistent",
                    now,
                    msg.account,
                    f"reference {msg.concat_ref}: {why}; the handset cannot put the message"
                    " together: give every part of one message the same values",
                    message_id=msg.message_id,
                    handset=msg.destination_addr,
                    sender=msg.source_addr,
                )
            if seq in long.parts:
                return long, False
        payload = payload_of(msg)
        long.parts[seq] = payload
        long.ids[seq] = msg.message_id
        if seq < total:
            self._split(msg, payload, now)
        if not long.complete and len(long.parts) >= long.total:
            long.complete = True
            return long, True
        return long, False

    @staticmethod
    def _disagreement(long: LongMessage, msg: Message) -> str | None:
        first = long.first
        seq = msg.part_number
        if seq in long.parts:
            return f"part {seq} of {long.total} sent twice"
        if msg.part_total != long.total:
            return (
                f"part {seq} says {msg.part_total} parts, part {first.part_number} said"
                f" {long.total}"
            )
        if msg.data_coding != first.data_coding:
            return (
                f"part {seq} has data_coding {msg.data_coding}, part {first.part_number} had"
                f" {first.data_coding}"
            )
        if msg.source_addr != first.source_addr:
            return (
                f"part {seq} is from {msg.source_addr!r}, part {first.part_number} from"
                f" {first.source_addr!r}"
            )
        return None

    def _split(self, msg: Message, payload: bytes, now: float) -> None:
        emit, dc = self._emit, msg.data_coding
        where = f"part {msg.part_number} of {msg.part_total}"
        if split_escape(payload, dc) and emit.on("segment.split_escape"):
            emit.emit(
                "segment.split_escape",
                now,
                msg.account,
                f"{where} ends with the escape (0x1B) of an extension character (such as €)"
                " whose code starts the next part: the handset shows a space and a wrong"
                " letter; end the part before the escape",
                message_id=msg.message_id,
                handset=msg.destination_addr,
                sender=msg.source_addr,
            )
        elif split_surrogate(payload, dc) and emit.on("segment.split_surrogate"):
            emit.emit(
                "segment.split_surrogate",
                now,
                msg.account,
                f"{where} ends with the first half of a UTF-16 surrogate pair (an emoji or"
                " another character outside the BMP) whose second half starts the next part:"
                " the handset shows two replacement characters; end the part before the pair",
                message_id=msg.message_id,
                handset=msg.destination_addr,
                sender=msg.source_addr,
            )

    def due(self, key: SegmentKey, now: float) -> None:
        """The timeout of the message under ``key``: incomplete if parts are missing."""
        long = self.pending.get(key)
        if long is None or long.deadline > now:
            return
        del self.pending[key]
        if long.complete or not self._emit.on("segment.incomplete"):
            return
        first = long.first
        missing = [n for n in range(1, long.total + 1) if n not in long.parts]
        shown = ", ".join(map(str, missing[:10])) + (", ..." if len(missing) > 10 else "")
        self._emit.emit(
            "segment.incomplete",
            now,
            first.account,
            f"reference {first.concat_ref}: part(s) {shown} of {long.total} still missing"
            f" {self._emit.config.segment_timeout:g} s after the first: the handset never"
            " shows the message; send every part",
            message_id=first.message_id,
            handset=first.destination_addr,
            sender=first.source_addr,
        )

    def reset(self) -> None:
        self.pending.clear()
