"""Message ids: unique, one canonical string per message, in the format of each account.

The counter starts above the highest id the store has seen (so ids stay unique across
restarts without a round trip to the store per message) or, with nothing stored, above a
clock-derived floor (so a fresh in-memory run does not repeat the ids of the last one).

How a number is written is the account's ``MessageIdFormat``, spelled in the config as

* ``"decimal"`` (the default) and ``"hex"``: the number in base 10, or in base 16 in lower
  case, as many digits as it needs;
* ``"decimal:W"`` and ``"hex:W"``: exactly W digits, zero-padded. A number with more digits
  keeps its last W, as the fixed-width counter of a real SMSC wraps: the counter (16 decimal
  digits today) is above 10^10, so ``"decimal:10"`` ids wrap every 10^10 messages and
  ``"decimal:20"`` ids begin with zeros;
* ``"uuid"``: an RFC 4122 version-4 UUID in lower case, made from the number by a fixed
  bijection, so ids look random but never repeat, and the number can be read back.

A receipt may write the same number in another format (``receipt_id_format``): a carrier
that answers submit_sm with a hex id and reports the receipt with the number in decimal.
``convert`` turns one into the other; it reads back exactly what ``format`` wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import ClassVar

__all__ = [
    "IdKind",
    "MessageIdAllocator",
    "MessageIdFormat",
    "MessageIdFormatError",
    "convert",
    "part_id",
    "submitted_id",
]


class MessageIdAllocator:
    __slots__ = ("_next",)

    # 1,000 ids per millisecond of wall time before the counter could overtake the floor a
    # later restart computes: far above what one process submits.
    IDS_PER_MS = 1000

    def __init__(self, now: float, floor: int = 0) -> None:
        # Above what is stored when something is (contiguous across restarts, so a
        # fixed-width format wraps only after its full cycle); else above the clock floor.
        self._next = floor + 1 if floor else int(now * 1000) * self.IDS_PER_MS

    def next(self) -> int:
        n = self._next
        self._next = n + 1
        return n

    @property
    def last(self) -> int:
        """The highest id handed out so far (the store keeps it as the next run's floor)."""
        return self._next - 1


class IdKind(Enum):
    DECIMAL = "decimal"
    HEX = "hex"
    UUID = "uuid"


class MessageIdFormatError(ValueError):
    """A format spelling that is not one of those above (the message says which are)."""


MIN_WIDTH = {IdKind.DECIMAL: 10, IdKind.HEX: 8}  # below these a wrap comes within hours
MAX_WIDTH = 64  # message_id is C(65); the facts ask for at most 64 characters
_SPELLING = re.compile(r"(decimal|hex|uuid)(?::([0-9]+))?\Z")


@dataclass(frozen=True, slots=True)
class MessageIdFormat:
    kind: IdKind = IdKind.DECIMAL
    width: int = 0  # 0: as many digits as needed; else exactly this many (decimal, hex)

    DECIMAL: ClassVar[MessageIdFormat]
    HEX: ClassVar[MessageIdFormat]
    UUID: ClassVar[MessageIdFormat]

    @classmethod
    def parse(cls, spelling: str) -> MessageIdFormat:
        m = _SPELLING.match(spelling)
        if m is None:
            raise MessageIdFormatError(
                'must be "decimal", "hex" or "uuid"; "decimal:W" or "hex:W" for W digits'
            )
        kind = IdKind(m.group(1))
        if m.group(2) is None:
            return cls(kind)
        width = int(m.group(2))
        if kind is IdKind.UUID:
            raise MessageIdFormatError('a uuid has no width: write "uuid"')
        low = MIN_WIDTH[kind]
        if not low <= width <= MAX_WIDTH:
            raise MessageIdFormatError(f"{kind.value} width must be {low}-{MAX_WIDTH}")
        return cls(kind, width)

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.width}" if self.width else self.kind.value

    def format(self, n: int) -> str:
        kind = self.kind
        if kind is IdKind.DECIMAL:
            if not self.width:
                return str(n)
            return f"{n % 10**self.width:0{self.width}d}"
        if kind is IdKind.HEX:
            if not self.width:
                return f"{n:x}"
            return f"{n % 16**self.width:0{self.width}x}"
        return _uuid(n)

    def number(self, message_id: str) -> int:
        """The number ``format`` wrote as ``message_id`` (ValueError if it did not)."""
        if self.kind is IdKind.DECIMAL:
            return int(message_id, 10)
        if self.kind is IdKind.HEX:
            return int(message_id, 16)
        return _uuid_number(message_id)


MessageIdFormat.DECIMAL = MessageIdFormat(IdKind.DECIMAL)
MessageIdFormat.HEX = MessageIdFormat(IdKind.HEX)
MessageIdFormat.UUID = MessageIdFormat(IdKind.UUID)


def convert(message_id: str, source: MessageIdFormat, target: MessageIdFormat) -> str:
    """``message_id`` (written in ``source``) as ``target`` writes the same number. An id
    ``source`` cannot have written (an MO's, made before a format change) stays as it is."""
    if source == target:
        return message_id
    try:
        return target.format(source.number(message_id))
    except ValueError:
        return message_id


# -- UUIDs --------------------------------------------------------------------------------
# A version-4 UUID has 122 free bits: 62 below the variant bits, 60 around the version
# nibble. The low 62 carry the number through a bijection of 62-bit values (odd multipliers
# and xor-shifts of at least half the width, each its own inverse), so two numbers never
# share a UUID and the number can be read back; the high 60 are a hash of the low ones.
_B62 = (1 << 62) - 1
_B60 = (1 << 60) - 1
_M1 = 0x2545F4914F6CDD1D & _B62 | 1
_M2 = 0x1B873593CC9E2D51 & _B62 | 1
_M1_INV = pow(_M1, -1, 1 << 62)
_M2_INV = pow(_M2, -1, 1 << 62)
_M3 = 0x2127599BF4325C37


def _mix62(x: int) -> int:
    x = (x * _M1) & _B62
    x ^= x >> 31
    x = (x * _M2) & _B62
    return x ^ (x >> 32)


def _unmix62(x: int) -> int:
    x ^= x >> 32
    x = (x * _M2_INV) & _B62
    x ^= x >> 31
    return (x * _M1_INV) & _B62


def _uuid(n: int) -> str:
    low = _mix62(n & _B62)
    high = ((low * _M3) >> 4) & _B60
    # 48 bits, the version nibble 4, 12 bits; the variant bits 10, 62 bits.
    v = (high >> 12) << 80 | 0x4 << 76 | (high & 0xFFF) << 64 | 0b10 << 62 | low
    h = f"{v:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _uuid_number(message_id: str) -> int:
    h = message_id.replace("-", "")
    if len(h) != 32 or len(message_id) != 36:
        raise ValueError(f"not a UUID: {message_id!r}")
    v = int(h, 16)
    if _uuid(_unmix62(v & _B62)) != message_id:
        raise ValueError(f"not a UUID this server made: {message_id!r}")
    return _unmix62(v & _B62)


# A submit_multi gives the ESME one message_id; each destination is stored as a message of
# its own, "<message_id>/<n>". Receipts and refusals speak of the id the ESME was given.
def part_id(message_id: str, index: int) -> str:
    return f"{message_id}/{index}"


def submitted_id(stored_id: str) -> str:
    """The message_id the ESME was given for a stored message (see ``part_id``)."""
    return stored_id.split("/", 1)[0] if "/" in stored_id else stored_id
