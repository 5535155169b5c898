"""SMSC delivery receipts: the text an SMSC puts in a receipt deliver_sm's short_message.

The layout is the "typical example" of SMPP 3.4 Appendix B::

    id:X sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000 text:...

:func:`format` writes exactly that layout. :func:`parse` is its inverse for every receipt
:func:`format` writes, and also reads the variants deployed SMSCs send:

* labels in any case (``Text:``, ``TEXT:``, ``Submit Date:``); ``submit_date:`` also accepted;
* dates of 10 (``YYMMDDhhmm``), 12 (``YYMMDDhhmmss``) or 14 (``YYYYMMDDhhmmss``) digits;
* ``sub`` missing (taken as 1: one message submitted), ``dlvrd`` missing (1 if the stat is
  DELIVRD, else 0), ``text`` missing (taken as ``""``);
* unknown vendor fields, which are skipped;
* ``text`` containing spaces and colons: text is the last field and takes the rest;
* ``err`` as ``0`` (numeric errs are zero-padded to 3 digits, so it reads as ``"000"``);
* stat words in any case, and the spelled-out names (``DELIVERED`` reads as ``DELIVRD``).

``id``, both dates, ``stat`` and ``err`` are required. Receipt dates carry no zone; they are
read and written as UTC, the zone this simulator keeps its clock in.

:func:`format` writes the variants too, as a :class:`Style` asks (facts 6.3): dates of 10, 12
or 14 digits, ``sub``/``dlvrd`` zero-padded to 3 digits or not, the ``text`` field or none,
labels in lower or upper case (``ID:... STAT:DELIVRD ERR:000``). :func:`parse` reads every
one of them back.

Lossy on purpose, so the inverse holds for receipts that are already in this form: ``format``
truncates text to 20 characters and dates to the chosen digits, and pads numeric ``err``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

__all__ = [
    "FINAL_STATES",
    "STATE_TO_STAT",
    "STAT_TO_STATE",
    "Receipt",
    "ReceiptError",
    "Style",
    "format",
    "is_final",
    "parse",
    "parse_bytes",
    "stat_to_state",
]

# 7-character stat word -> message_state value (facts 5.7). SCHEDLD and SKIPPED are SMPP 5.0
# states that 3.4 peers still meet; harmless to know.
STAT_TO_STATE: Final[dict[str, int]] = {
    "SCHEDLD": 0,
    "ENROUTE": 1,
    "DELIVRD": 2,
    "EXPIRED": 3,
    "DELETED": 4,
    "UNDELIV": 5,
    "ACCEPTD": 6,
    "UNKNOWN": 7,
    "REJECTD": 8,
    "SKIPPED": 9,
}
STATE_TO_STAT: Final[dict[int, str]] = {state: word for word, state in STAT_TO_STATE.items()}

# Spelled-out names some SMSCs send instead of the 7-character words.
_STAT_ALIASES: Final[dict[str, str]] = {
    "DELIVERED": "DELIVRD",
    "UNDELIVERABLE": "UNDELIV",
    "ACCEPTED": "ACCEPTD",
    "REJECTED": "REJECTD",
    "SCHEDULED": "SCHEDLD",
}

# UNKNOWN counts as final: an SMSC sends it in a final receipt (esm_class 0x04) and nothing
# follows it; SMPP 5.0 lists only SCHEDULED and ENROUTE as intermediate.
FINAL_STATES: Final[frozenset[int]] = frozenset({2, 3, 4, 5, 6, 7, 8, 9})

_TEXT_MAX = 20
_DATE_DIGITS = (10, 12, 14)
_ASCII_DIGITS = frozenset("0123456789")


def is_final(state: int) -> bool:
    """True if a message in ``state`` (a message_state value) will not change again.

    Values outside the table are not known to be final, so they give False.
    """
    return state in FINAL_STATES


def stat_to_state(stat: str) -> int | None:
    """The message_state for a stat word in any case or spelling; None if unknown."""
    word = stat.upper() if stat.isascii() else stat
    return STAT_TO_STATE.get(_STAT_ALIASES.get(word, word))


class ReceiptError(ValueError):
    """Receipt text that cannot be read as a delivery receipt, or an invalid Receipt."""


@dataclass(frozen=True, slots=True)
class Receipt:
    """A delivery receipt. Dates are timezone-aware; ``stat`` is a 7-character word."""

    id: str
    sub: int
    dlvrd: int
    submit_date: datetime
    done_date: datetime
    stat: str
    err: str
    text: str

    def __post_init__(self) -> None:
        # Only what would make format()'s output unreadable by parse(); cheap checks.
        if not self.id or " " in self.id:
            raise ReceiptError(f"id must be non-empty without spaces, got {self.id!r}")
        if not 0 <= self.sub <= 999 or not 0 <= self.dlvrd <= 999:
            raise ReceiptError(f"sub and dlvrd must be 0-999, got {self.sub}, {self.dlvrd}")
        if self.submit_date.utcoffset() is None or self.done_date.utcoffset() is None:
            raise ReceiptError("submit_date and done_date must be timezone-aware")
        if self.stat not in STAT_TO_STATE:
            raise ReceiptError(f"stat must be a 7-character stat word, got {self.stat!r}")
        if not self.err or " " in self.err:
            raise ReceiptError(f"err must be non-empty without spaces, got {self.err!r}")

    @property
    def state(self) -> int:
        """The message_state value of ``stat``."""
        return STAT_TO_STATE[self.stat]


def _date(d: datetime, digits: int) -> str:
    if d.tzinfo is not UTC:
        d = d.astimezone(UTC)
    # Hand-built rather than strftime: this runs per receipt on the server's hot path.
    if digits == 10:
        if not 2000 <= d.year <= 2099:
            raise ReceiptError(f"year {d.year} is outside 2000-2099, the range of YY")
        return f"{d.year - 2000:02d}{d.month:02d}{d.day:02d}{d.hour:02d}{d.minute:02d}"
    if digits == 12:
        if not 2000 <= d.year <= 2099:
            raise ReceiptError(f"year {d.year} is outside 2000-2099, the range of YY")
        return (
            f"{d.year - 2000:02d}{d.month:02d}{d.day:02d}{d.hour:02d}{d.minute:02d}{d.second:02d}"
        )
    return f"{d.year:04d}{d.month:02d}{d.day:02d}{d.hour:02d}{d.minute:02d}{d.second:02d}"


@dataclass(frozen=True, slots=True)
class Style:
    """How an SMSC writes its receipt text. The default is the Appendix B example."""

    date_digits: int = 10  # 10 YYMMDDhhmm, 12 with seconds, 14 with a 4-digit year
    padded_counts: bool = True  # sub:001 dlvrd:001 (3 digits), or sub:1 dlvrd:1
    text_field: bool = True  # the trailing text: field, or none at all
    upper_labels: bool = False  # ID: SUB: DLVRD: SUBMIT DATE: DONE DATE: STAT: ERR: TEXT:

    def __post_init__(self) -> None:
        if self.date_digits not in _DATE_DIGITS:
            raise ValueError(f"date_digits must be 10, 12 or 14, got {self.date_digits}")


APPENDIX_B = Style()


def format(receipt: Receipt, style: int | Style = 10) -> str:
    """Write ``receipt`` in the Appendix B layout, or in a ``Style`` of it; an int is the
    number of date digits (10, 12 or 14)."""
    if not isinstance(style, Style):
        style = Style(date_digits=style)
    return format_fields(
        receipt.id,
        receipt.sub,
        receipt.dlvrd,
        _date(receipt.submit_date, style.date_digits),
        _date(receipt.done_date, style.date_digits),
        receipt.stat,
        receipt.err,
        receipt.text,
        style,
    )


def format_fields(
    id: str,
    sub: int,
    dlvrd: int,
    submit_date: str,
    done_date: str,
    stat: str,
    err: str,
    text: str,
    style: Style = APPENDIX_B,
) -> str:
    """``format`` from already formatted dates, for callers that build many receipts (see
    ``epoch_date``); the caller guarantees what ``Receipt`` would check."""
    if len(err) < 3 and err.isascii() and err.isdigit():
        err = err.zfill(3)
    if style is APPENDIX_B:  # the server's hot path: one f-string
        return (
            f"id:{id} sub:{sub:03d} dlvrd:{dlvrd:03d} submit date:{submit_date}"
            f" done date:{done_date} stat:{stat} err:{err} text:{text[:_TEXT_MAX]}"
        )
    counts = (f"{sub:03d}", f"{dlvrd:03d}") if style.padded_counts else (str(sub), str(dlvrd))
    s = (
        f"id:{id} sub:{counts[0]} dlvrd:{counts[1]} submit date:{submit_date}"
        f" done date:{done_date} stat:{stat} err:{err}"
    )
    if style.upper_labels:
        s = _upper_labels(s)
    if style.text_field:
        s += f" {'TEXT' if style.upper_labels else 'text'}:{text[:_TEXT_MAX]}"
    return s


_LABEL = re.compile(r"(?:^| )(?:submit date|done date|[a-z]+):", re.ASCII)


def _upper_labels(s: str) -> str:
    # Only the labels: values before text hold no spaces and no lower-case label pattern
    # can start after one (the id is letters, digits and '-'; it follows "id:" directly).
    return _LABEL.sub(lambda m: m.group(0).upper(), s)


_EPOCH_DATES: dict[tuple[int, int], str] = {}
# Per date_digits, the last date returned and the times that surely give it: (lo, hi, text).
_LAST_SPAN: dict[int, tuple[float, float, str]] = {}


def epoch_date(seconds: float, date_digits: int = 10) -> str:
    """A receipt date (UTC) for a POSIX time, memoised: receipts built within the same
    minute (or second, for 12 and 14 digits) share one string."""
    last = _LAST_SPAN.get(date_digits)
    if last is not None and last[0] <= seconds < last[1]:
        return last[2]  # the common case: a receipt in the same minute as the last one
    # Rounded as datetime.fromtimestamp rounds (to microseconds), so that the key and the
    # date it caches agree at a second's edge (x.9999995 is the next second).
    seconds = round(seconds, 6)
    span = 60 if date_digits == 10 else 1
    unit = int(seconds // span)
    key = (unit, date_digits)
    text = _EPOCH_DATES.get(key)
    if text is None:
        if len(_EPOCH_DATES) >= 4096:
            _EPOCH_DATES.clear()
        text = _EPOCH_DATES[key] = _date(datetime.fromtimestamp(seconds, UTC), date_digits)
    # A microsecond inside each edge: no rounding there can reach the next unit.
    start = unit * span
    _LAST_SPAN[date_digits] = (start + 1e-6, start + span - 1e-6, text)
    return text


# ASCII-only case folding: str.lower() may change a string's length ("İ" -> "i̇"), which
# would shift indexes, and maps look-alikes such as the Kelvin sign onto ASCII letters.
_TEXT_LABEL = re.compile(r"(?:^| )text:", re.IGNORECASE | re.ASCII)


def _find_text(s: str) -> int:
    """Index just past the ``text:`` label (any case) that starts a field, or -1.

    Values before text hold no spaces, so the first ``text:`` at the start or after a space
    is the label, whatever the text itself contains.
    """
    m = _TEXT_LABEL.search(s)
    return -1 if m is None else m.end()


def _ascii_lower(s: str) -> str:
    return s.lower() if s.isascii() else s


def _parse_date(label: str, value: str) -> datetime:
    n = len(value)
    if n not in _DATE_DIGITS or not _ASCII_DIGITS.issuperset(value):
        raise ReceiptError(f"{label} must be 10, 12 or 14 digits, got {value!r}")
    if n == 14:
        year, rest = int(value[:4]), value[4:]
    else:
        year, rest = 2000 + int(value[:2]), value[2:]
    second = int(rest[8:10]) if n != 10 else 0
    try:
        return datetime(
            year,
            int(rest[0:2]),
            int(rest[2:4]),
            int(rest[4:6]),
            int(rest[6:8]),
            second,
            tzinfo=UTC,
        )
    except ValueError as e:
        raise ReceiptError(f"{label} is not a valid date, {value!r}: {e}") from None


def _parse_count(label: str, value: str) -> int:
    if not value or not _ASCII_DIGITS.issuperset(value):
        raise ReceiptError(f"{label} must be digits, got {value!r}")
    return int(value)


def parse(s: str) -> Receipt:
    """Read receipt text; see the module docstring for the variants accepted."""
    t = _find_text(s)
    head, text = (s, "") if t < 0 else (s[: t - 5], s[t:])
    fields: dict[str, str] = {}
    tokens = [tok for tok in head.split(" ") if tok]
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        label, colon, value = tok.partition(":")
        key = _ascii_lower(label)
        # "submit date:" and "done date:" are labels with a space in them.
        if not colon and key in ("submit", "done") and i < len(tokens):
            label2, colon2, value2 = tokens[i].partition(":")
            if colon2 and _ascii_lower(label2) == "date":
                i += 1
                label, colon, value = f"{label} {label2}", colon2, value2
                key += "date"
        if not colon:
            raise ReceiptError(f"expected 'label:value', got {tok!r}")
        key = key.replace("_", "")
        if key in fields:
            raise ReceiptError(f"field {label!r} appears twice")
        fields[key] = value

    msg_id = fields.get("id")
    if not msg_id:
        raise ReceiptError("missing or empty 'id'")
    if "submitdate" not in fields:
        raise ReceiptError("missing 'submit date'")
    if "donedate" not in fields:
        raise ReceiptError("missing 'done date'")
    raw_stat = fields.get("stat")
    if not raw_stat:
        raise ReceiptError("missing or empty 'stat'")
    err = fields.get("err")
    if not err:
        raise ReceiptError("missing or empty 'err'")

    stat = raw_stat.upper() if raw_stat.isascii() else raw_stat
    stat = _STAT_ALIASES.get(stat, stat)
    if stat not in STAT_TO_STATE:
        raise ReceiptError(f"unknown stat word {raw_stat!r}")
    if len(err) < 3 and err.isascii() and err.isdigit():
        err = err.zfill(3)
    sub = _parse_count("sub", fields["sub"]) if "sub" in fields else 1
    if "dlvrd" in fields:
        dlvrd = _parse_count("dlvrd", fields["dlvrd"])
    else:
        dlvrd = 1 if stat == "DELIVRD" else 0
    if sub > 999 or dlvrd > 999:
        raise ReceiptError(f"sub and dlvrd must be 0-999, got {sub}, {dlvrd}")
    return Receipt(
        id=msg_id,
        sub=sub,
        dlvrd=dlvrd,
        submit_date=_parse_date("submit date", fields["submitdate"]),
        done_date=_parse_date("done date", fields["donedate"]),
        stat=stat,
        err=err,
        text=text,
    )


def parse_bytes(data: bytes) -> Receipt:
    """Read receipt text from a short_message.

    Decoded as latin-1, which never fails: the labels, digits and stat words are the same
    octets in ASCII and in unpacked GSM 03.38, so either reads correctly. Only ``text`` keeps
    the octets as latin-1 characters; for GSM-7 text, re-decode ``text.encode("latin-1")``.
    Trailing NULs are kept, since 0x00 is '@' in GSM 03.38.
    """
    return parse(data.decode("latin-1"))
