"""Errors that say what to answer.

Two axes, as in h11 and cloudhopper: who broke the rules (the peer: ``PduError``; our own
caller building a bad PDU: ``EncodeError``), and whether the byte stream can go on
(``PduError.recoverable``). A bad field is recoverable: answer with the operation's ``_resp``
carrying ``command_status``. A bad ``command_length`` is not: answer generic_nack and close.
"""

from __future__ import annotations

from .enums import CommandId, CommandStatus


class PduError(Exception):
    """A PDU from the peer broke a rule.

    ``command_status`` is the status to answer with, ``sequence_number`` and ``command_id``
    come from the offending PDU's header (0 / None when unreadable), ``field`` names the field
    or TLV at fault when there is one. ``tlv_span``: for a known TLV in a PDU that does not
    carry it (ESME_ROPTPARNOTALLWD), where that TLV lies in the decoded buffer (start of its
    header, end of its value), so that a 5.0 receiver can set it aside instead.
    """

    recoverable = True
    tlv_span: tuple[int, int] | None = None

    def __init__(
        self,
        message: str,
        command_status: int,
        *,
        sequence_number: int = 0,
        command_id: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.command_status = CommandStatus(command_status)
        self.sequence_number = sequence_number
        self.command_id = None if command_id is None else CommandId(command_id)
        self.field = field

    def __repr__(self) -> str:
        cid = self.command_id.name if self.command_id is not None else None
        return (
            f"{type(self).__name__}({self.message!r}, {self.command_status.name}, "
            f"sequence_number={self.sequence_number}, command_id={cid}, field={self.field!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PduError):
            return NotImplemented
        return (
            type(self) is type(other)
            and self.command_status == other.command_status
            and self.sequence_number == other.sequence_number
            and self.command_id == other.command_id
            and self.field == other.field
        )

    __hash__ = Exception.__hash__


class FramingError(PduError):
    """The stream cannot be framed any more (command_length below 16 or above the maximum).

    Answer generic_nack with ``command_status`` and close the connection.
    """

    recoverable = False


class EncodeError(ValueError):
    """A PDU given to ``encode`` cannot be put on the wire (a value out of its field's range)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
