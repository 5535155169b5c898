"""Streaming framer: arbitrary chunks of a TCP byte stream in, whole PDUs out.

``command_length`` is checked as soon as its 4 octets arrive, before any body is buffered,
so a peer announcing a huge PDU costs nothing. At most one partial PDU is held (bounded by
``max_command_length``), and each octet is copied at most twice: PDUs are decoded in place
from the chunk they arrived in.
"""

from __future__ import annotations

import struct
from typing import Literal

from ._generated import DECODERS
from .base import Pdu
from .codec import _NATURAL_FAULTS, _decode_keeping, _unknown_command
from .enums import CommandStatus
from .errors import FramingError, PduError
from .reference import diagnose

#: 64 KiB message_payload + TLV header + the largest mandatory part, with slack (facts 9).
DEFAULT_MAX_COMMAND_LENGTH = 70_000
MIN_COMMAND_LENGTH = 16

_HEADER = struct.Struct(">IIII")
_unpack_header = _HEADER.unpack_from
_LENGTH = struct.Struct(">I")
_unpack_length = _LENGTH.unpack_from


class Framer:
    """Frames (and optionally decodes) PDUs from a byte stream.

    After a ``FramingError`` the stream cannot be resynchronised: the framer stays broken and
    every later call raises the same error.
    """

    __slots__ = (
        "_error",
        "_need",
        "_pending",
        "_pending_len",
        "keep_raw",
        "max_command_length",
        "out_of_place_tlvs",
    )

    def __init__(
        self,
        max_command_length: int = DEFAULT_MAX_COMMAND_LENGTH,
        *,
        keep_raw: bool = False,
        out_of_place_tlvs: Literal["refuse", "keep"] = "refuse",
    ) -> None:
        """``keep_raw``: ``feed_pdus`` also sets each PDU's ``raw`` to its frame (a copy per
        PDU, so off unless wanted: the SMSC keeps frames for its message history).
        ``out_of_place_tlvs``: what ``feed_pdus`` does with a known TLV in a PDU that does not
        carry it, as in ``decode`` (a session sets "keep" once it runs at SMPP 5.0)."""
        if max_command_length < MIN_COMMAND_LENGTH:
            raise ValueError("max_command_length must be at least 16")
        self.max_command_length = max_command_length
        self.keep_raw = keep_raw
        self.out_of_place_tlvs = out_of_place_tlvs
        self._pending: list[bytes] = []
        self._pending_len = 0
        self._need = 0
        self._error: FramingError | None = None

    @property
    def buffered(self) -> int:
        """Octets held for a PDU not yet complete."""
        return self._pending_len

    def _take(self, data: bytes) -> bytes | None:
        """Join ``data`` to the pending partial PDU; None while still incomplete."""
        if self._error is not None:
            raise self._error
        if not isinstance(data, bytes):
            data = bytes(data)
        if not self._pending:
            return data
        self._pending.append(data)
        self._pending_len += len(data)
        if self._pending_len < self._need:
            return None
        data = b"".join(self._pending)
        self._pending = []
        self._pending_len = 0
        return data

    def _keep(self, buf: bytes, pos: int) -> None:
        n = len(buf) - pos
        if n:
            self._pending = [buf[pos:] if pos else buf]
            self._pending_len = n
            self._need = _unpack_length(buf, pos)[0] if n >= 4 else 4

    def _fail(self, buf: bytes, pos: int, length: int) -> FramingError:
        n = len(buf) - pos
        seq = cid = 0
        if n >= 16:
            _, cid, _, seq = _unpack_header(buf, pos)
        self._pending = []
        self._pending_len = 0
        if length < MIN_COMMAND_LENGTH:
            why = f"command_length {length} is below the minimum of {MIN_COMMAND_LENGTH}"
        else:
            why = f"command_length {length} is above the maximum of {self.max_command_length}"
        self._error = FramingError(
            why,
            CommandStatus.ESME_RINVCMDLEN,
            sequence_number=seq,
            command_id=cid if n >= 16 else None,
        )
        return self._error

    def _keeping(self, buf: bytes, pos: int, end: int, refused: PduError) -> Pdu | PduError:
        """The PDU in buf[pos:end], refused for a known TLV out of place, decoded again if
        such TLVs are to be kept (``out_of_place_tlvs``); what is still wrong with it comes
        as its error."""
        if self.out_of_place_tlvs == "refuse" or refused.tlv_span is None:
            return refused
        a, b = refused.tlv_span  # offsets in buf
        frame = buf[pos:end]
        try:
            item = _decode_keeping(frame, (a - pos, b - pos))
        except PduError as e:
            return e
        if self.keep_raw:
            item.raw = frame
        return item

    def feed(self, data: bytes) -> list[bytes]:
        """Whole frames completed by ``data``, in order.

        Raises ``FramingError`` on a bad command_length; the frames completed before the
        fault are on the error as ``frames``.
        """
        buf = self._take(data)
        if buf is None:
            return []
        frames: list[bytes] = []
        pos = 0
        n = len(buf)
        maximum = self.max_command_length
        while n - pos >= 4:
            (length,) = _unpack_length(buf, pos)
            if length < MIN_COMMAND_LENGTH or length > maximum:
                err = self._fail(buf, pos, length)
                err.frames = frames  # type: ignore[attr-defined]
                raise err
            end = pos + length
            if end > n:
                break
            frames.append(buf[pos:end])
            pos = end
        self._keep(buf, pos)
        return frames

    def feed_pdus(self, data: bytes) -> list[Pdu | PduError]:
        """Decoded PDUs completed by ``data``; a PDU with a bad body comes as its PduError.

        A framing fault ends the list with an unrecoverable ``FramingError`` (answer
        generic_nack and close); later calls raise it.
        """
        buf = self._take(data)
        if buf is None:
            return []
        out: list[Pdu | PduError] = []
        pos = 0
        n = len(buf)
        maximum = self.max_command_length
        decoders_get = DECODERS.get
        keep_raw = self.keep_raw
        while n - pos >= 16:
            length, cid, status, seq = _unpack_header(buf, pos)
            if length < MIN_COMMAND_LENGTH or length > maximum:
                out.append(self._fail(buf, pos, length))
                return out
            end = pos + length
            if end > n:
                break
            # decode_at inlined (see codec.decode).
            dec = decoders_get(cid)
            try:
                if dec is None:
                    raise _unknown_command(cid, seq)
                item = dec(buf, pos, end, seq, status)
                if keep_raw:
                    item.raw = buf[pos:end]
                out.append(item)
            except PduError as e:
                out.append(e if e.tlv_span is None else self._keeping(buf, pos, end, e))
            except _NATURAL_FAULTS:
                out.append(diagnose(buf, pos, end))
            pos = end
        if 4 <= n - pos < 16:
            # Judge command_length as soon as it is readable, not when 16 octets are in.
            (length,) = _unpack_length(buf, pos)
            if length < MIN_COMMAND_LENGTH or length > maximum:
                out.append(self._fail(buf, pos, length))
                return out
        self._keep(buf, pos)
        return out
