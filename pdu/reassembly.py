"""Reassembly of concatenated short messages, sans I/O: time comes in as ``now``.

``concat_info`` reads where a PDU says it belongs (UDH IEI 0x00/0x08 or the sar_* TLVs);
``Reassembler`` collects parts until a message is whole, with a deadline per message and a
bound on how many incomplete messages it holds.

A message is identified by (caller key, reference, total), as handsets do: a part that
agrees on the reference but not on the total belongs to another message, so a conflicting
total never corrupts a message in progress; the odd one simply waits for its own parts and
expires. Callers pass a monotonic ``now`` (never decreasing): expiry and eviction walk the
messages in arrival order.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from pdu.udh import InformationElement, find_concatenation, parse_udh

__all__ = [
    "ConcatError",
    "ConcatInfo",
    "DropReason",
    "Incomplete",
    "Reassembler",
    "concat_info",
]

ESME_RINVMSGLEN = 0x00000001
ESME_RMISSINGOPTPARAM = 0x000000C3
ESME_RINVOPTPARAMVAL = 0x000000C4

ESM_CLASS_UDHI = 0x40

K = TypeVar("K", bound=Hashable)


class ConcatError(ValueError):
    """Concatenation values are missing or out of range; ``command_status`` is the answer."""

    def __init__(self, message: str, command_status: int = ESME_RINVOPTPARAMVAL) -> None:
        super().__init__(message)
        self.command_status = command_status


@dataclass(frozen=True, slots=True)
class ConcatInfo:
    """Where one part belongs, and its payload with any UDH removed."""

    reference: int
    total: int
    seqnum: int
    payload: bytes
    reference_bits: int  # 8 (UDH IEI 0x00) or 16 (UDH IEI 0x08, sar_msg_ref_num)
    other_ies: tuple[InformationElement, ...] = ()  # e.g. port addressing, kept for the caller


def _check_values(reference: int, total: int, seqnum: int, status: int) -> None:
    if not 0 <= reference <= 0xFFFF:
        raise ConcatError(f"reference {reference} outside 0..65535", status)
    if not 1 <= total <= 255:
        raise ConcatError(f"total segments {total} outside 1..255", status)
    if not 1 <= seqnum <= total:
        raise ConcatError(f"segment seqnum {seqnum} outside 1..{total}", status)


def concat_info(
    esm_class: int,
    short_message: bytes,
    sar_msg_ref_num: int | None,
    sar_total_segments: int | None,
    sar_segment_seqnum: int | None,
) -> ConcatInfo | None:
    """Concatenation data of a submit_sm/deliver_sm/data_sm, or None for a whole message.

    The UDH is read only when esm_class has UDHI (0x40). Raises UdhError for a malformed
    UDH, ConcatError when only some sar_* TLVs are present (ESME_RMISSINGOPTPARAM), when a
    concatenation UDH and SAR TLVs are both present, or when a value is out of range
    (ESME_RINVOPTPARAMVAL for SAR values, ESME_RINVMSGLEN for values inside the UDH).
    """
    sar = (sar_msg_ref_num, sar_total_segments, sar_segment_seqnum)
    sar_count = 3 - sar.count(None)
    if sar_count not in (0, 3):
        raise ConcatError(
            "sar_msg_ref_num, sar_total_segments and sar_segment_seqnum go together;"
            f" got {sar_count} of 3",
            ESME_RMISSINGOPTPARAM,
        )
    payload = short_message
    other_ies: tuple[InformationElement, ...] = ()
    if esm_class & ESM_CLASS_UDHI:
        ies, payload = parse_udh(short_message)
        concat, other_ies = find_concatenation(ies)
        if concat is not None:
            if sar_count:
                raise ConcatError("concatenation given both in the UDH and in sar_* TLVs")
            _check_values(concat.reference, concat.total, concat.seqnum, ESME_RINVMSGLEN)
            return ConcatInfo(
                concat.reference,
                concat.total,
                concat.seqnum,
                payload,
                concat.reference_bits,
                other_ies,
            )
    if sar_msg_ref_num is None or sar_total_segments is None or sar_segment_seqnum is None:
        return None
    _check_values(sar_msg_ref_num, sar_total_segments, sar_segment_seqnum, ESME_RINVOPTPARAMVAL)
    return ConcatInfo(
        sar_msg_ref_num, sar_total_segments, sar_segment_seqnum, payload, 16, other_ies
    )


class DropReason(enum.Enum):
    """Why an incomplete message was given up."""

    TIMEOUT = enum.auto()  # first part older than the timeout
    EVICTED = enum.auto()  # oldest incomplete message pushed out by max_pending
    REFERENCE_REUSED = enum.auto()  # a part came again with other content: a new message


@dataclass(frozen=True, slots=True)
class Incomplete(Generic[K]):
    """An incomplete message given up, with what had arrived and what was missing."""

    key: K
    reference: int
    total: int
    received: tuple[int, ...]
    missing: tuple[int, ...]
    first_seen: float
    reason: DropReason


class _Pending:
    __slots__ = ("first_seen", "parts")

    def __init__(self, first_seen: float) -> None:
        self.first_seen = first_seen
        self.parts: dict[int, bytes] = {}


class Reassembler(Generic[K]):
    """Collects parts per (key, reference, total) and returns the whole payload.

    Duplicates: a part whose seqnum is already held with the same content is ignored (a
    retransmission). With different content it is not an error from the peer's point of
    view but a reused reference (8-bit references wrap quickly): the old incomplete message
    is dropped as REFERENCE_REUSED and this part starts a new one. A late duplicate of a
    message already completed starts a new incomplete message that expires in due course.

    Dropped messages are reported: ``expire(now)`` returns those timed out; messages
    dropped by ``add`` (EVICTED, REFERENCE_REUSED) wait in ``take_dropped()``.
    """

    __slots__ = ("_dropped", "_max_pending", "_pending", "_timeout")

    def __init__(self, timeout: float, max_pending: int = 10_000) -> None:
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, not {timeout}")
        if max_pending < 1:
            raise ValueError(f"max_pending must be at least 1, not {max_pending}")
        self._timeout = timeout
        self._max_pending = max_pending
        # Insertion order is arrival order of first parts, so the oldest is always first.
        self._pending: dict[tuple[K, int, int], _Pending] = {}
        self._dropped: list[Incomplete[K]] = []

    def __len__(self) -> int:
        """Number of incomplete messages held."""
        return len(self._pending)

    def add(
        self, key: K, reference: int, total: int, seqnum: int, payload: bytes, *, now: float
    ) -> bytes | None:
        """Store one part; the whole payload (parts in seqnum order) once all are in."""
        _check_values(reference, total, seqnum, ESME_RINVOPTPARAMVAL)
        if total == 1:
            return payload
        ident = (key, reference, total)
        pending = self._pending.get(ident)
        if pending is not None:
            held = pending.parts.get(seqnum)
            if held is not None:
                if held == payload:
                    return None
                self._drop(ident, pending, DropReason.REFERENCE_REUSED)
                pending = None
        if pending is None:
            if len(self._pending) >= self._max_pending:
                oldest = next(iter(self._pending))
                self._drop(oldest, self._pending[oldest], DropReason.EVICTED)
            pending = self._pending[ident] = _Pending(now)
        parts = pending.parts
        parts[seqnum] = payload
        if len(parts) < total:
            return None
        del self._pending[ident]
        return b"".join([parts[i] for i in range(1, total + 1)])

    def expire(self, now: float) -> list[Incomplete[K]]:
        """Give up the messages whose first part arrived ``timeout`` or more before ``now``."""
        expired: list[Incomplete[K]] = []
        timeout = self._timeout
        pending = self._pending
        while pending:
            ident = next(iter(pending))
            entry = pending[ident]
            # Same sum as next_deadline, so expire(next_deadline()) always fires.
            if entry.first_seen + timeout > now:
                break
            del pending[ident]
            expired.append(self._report(ident, entry, DropReason.TIMEOUT))
        return expired

    def next_deadline(self) -> float | None:
        """When the oldest incomplete message times out; None when nothing is pending."""
        for entry in self._pending.values():
            return entry.first_seen + self._timeout
        return None

    def take_dropped(self) -> list[Incomplete[K]]:
        """Messages dropped by ``add`` since the last call (EVICTED, REFERENCE_REUSED)."""
        dropped, self._dropped = self._dropped, []
        return dropped

    def _drop(self, ident: tuple[K, int, int], entry: _Pending, reason: DropReason) -> None:
        del self._pending[ident]
        self._dropped.append(self._report(ident, entry, reason))

    @staticmethod
    def _report(ident: tuple[K, int, int], entry: _Pending, reason: DropReason) -> Incomplete[K]:
        key, reference, total = ident
        received = tuple(sorted(entry.parts))
        missing = tuple(i for i in range(1, total + 1) if i not in entry.parts)
        return Incomplete(key, reference, total, received, missing, entry.first_seen, reason)
