"""One parser per kind of value. A parser takes the raw TOML (or JSON) value and returns the
typed value or raises ``InvalidValueError`` saying what is wrong; it knows no key path or
file: the table reader (``smsc.config.tables``) adds those.

Parsers are plain functions (``port``, ``system_id``) or made by a factory for the kinds that
take bounds (``integer(1, 10)``, ``number(maximum=1.0)``, ``array(item)``).
"""

from __future__ import annotations

import ipaddress
import json
import math
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from carriers.config import normalize_keyword, normalize_number
from pdu.enums import CommandStatus

__all__ = [
    "MAX_RATE",
    "MAX_SYSTEM_ID",
    "MAX_TEXT",
    "IPNetwork",
    "InvalidValueError",
    "Parser",
    "address",
    "address_pattern",
    "array",
    "boolean",
    "choice",
    "command_status",
    "e164",
    "enum",
    "error_status",
    "host",
    "integer",
    "keyword",
    "mapping",
    "network",
    "number",
    "number_pattern",
    "password",
    "path",
    "port",
    "positive",
    "rate",
    "refuse",
    "seconds",
    "secret",
    "share",
    "shown",
    "system_id",
    "text",
    "word",
]

T = TypeVar("T")
K = TypeVar("K")
X = TypeVar("X")
E = TypeVar("E", bound=Enum)

Parser = Callable[[object], T]
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

MAX_SYSTEM_ID = 15  # bind's system_id is C-Octet String (16), NUL included (facts section 9)
MAX_PASSWORD = 8  # C-Octet String (9)
MAX_NUMBER_DIGITS = 15  # E.164
MAX_TEXT = 1600  # replies are segmented like any long message; keep them sane
MAX_RATE = 100_000.0  # messages per second: a limiter keeps one entry per message in its window


class InvalidValueError(Exception):
    """A parser's refusal: ``(suffix, problem)`` pairs, the suffix "" for the value itself or
    the place inside it (``"[2]"`` for the third item of an array)."""

    def __init__(self, problem: str, suffix: str = "") -> None:
        super().__init__(problem)
        self.items: list[tuple[str, str]] = [(suffix, problem)]


def shown(value: object) -> str:
    """A value as the user wrote it, for "got ..." in messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return repr(value)


def refuse(problem: str, value: object) -> InvalidValueError:
    return InvalidValueError(f"{problem}, got {shown(value)}")


def _as_int(value: object) -> int | None:
    """``value`` if it is an integer (TOML's true is not 1), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _as_number(value: object) -> float | None:
    """``value`` as a finite float if it is a number, else None (JSON's 1e400 integer too)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        n = float(value)
    except OverflowError:
        return None
    return n if math.isfinite(n) else None


# -- scalars -----------------------------------------------------------------------------------


def boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise refuse("must be true or false", value)
    return value


def integer(
    low: int | None = None, high: int | None = None, wanted: str | None = None
) -> Parser[int]:
    """An integer within [low, high] (either bound may be open); ``wanted`` words the problem
    where the usual "must be an integer from 0 to 255" does not fit."""
    if wanted is None:
        if low is not None and high is not None:
            wanted = f"must be an integer from {low} to {high}"
        elif low == 1:
            wanted = "must be a positive integer"
        elif low is not None:
            wanted = f"must be an integer of at least {low}"
        elif high is not None:
            wanted = f"must be an integer of at most {high}"
        else:
            wanted = "must be an integer"
    problem = wanted

    def parse(value: object) -> int:
        n = _as_int(value)
        if n is None or (low is not None and n < low) or (high is not None and n > high):
            raise refuse(problem, value)
        return n

    return parse


def number(*, above: bool = False, maximum: float | None = None) -> Parser[float]:
    """A finite number from 0 (excluded when ``above``) up to ``maximum``."""
    if above:
        wanted = "must be a positive number"
    elif maximum is not None:
        wanted = f"must be a number from 0 to {maximum:g}"
    else:
        wanted = "must be a number, 0 or more"

    def parse(value: object) -> float:
        n = _as_number(value)
        if n is None or n < 0 or (above and n == 0):
            raise refuse(wanted, value)
        if maximum is not None and n > maximum:
            raise refuse(f"must be at most {maximum:g}" if above else wanted, value)
        return n

    return parse


seconds = number()  # a duration that may be 0 (a weight, too)
positive = number(above=True)  # a duration or factor that must not be 0
share = number(maximum=1.0)  # a probability or a share of messages, 0 to 1
rate = number(above=True, maximum=MAX_RATE)  # messages per second


def port(value: object) -> int:
    n = _as_int(value)
    if n is None or not 0 <= n <= 65535:
        raise refuse("must be a port number 0-65535", value)
    return n


def host(value: object) -> str:
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        raise refuse("must be a host name or IP address", value)
    return value


def _printable_ascii(value: str) -> bool:
    return value.isascii() and value.isprintable()


def system_id(value: object) -> str:
    """An ESME's (or our) system_id: printable ASCII without spaces, 1-15 characters."""
    if not isinstance(value, str) or not value:
        raise refuse(f"must be a non-empty string (1-{MAX_SYSTEM_ID} characters)", value)
    if not _printable_ascii(value) or " " in value:
        raise refuse("must be printable ASCII without spaces", value)
    if len(value) > MAX_SYSTEM_ID:
        raise refuse(f"must be at most {MAX_SYSTEM_ID} characters", value)
    return value


def password(value: object) -> str:
    """An SMPP password. Never echoed: a typo in a password line would print the password."""
    if not isinstance(value, str):
        raise InvalidValueError("must be a string")
    if not _printable_ascii(value):
        raise InvalidValueError("must be printable ASCII")
    if len(value) > MAX_PASSWORD:
        raise InvalidValueError(
            f"must be at most {MAX_PASSWORD} characters (SMPP 3.4 password is C(9)), "
            f"got {len(value)} characters"
        )
    return value


def secret(value: object) -> str:
    """A token sent in an HTTP header: printable ASCII without spaces; never echoed."""
    if not isinstance(value, str) or not value:
        raise InvalidValueError("must be a non-empty string")
    if not _printable_ascii(value) or " " in value:
        raise InvalidValueError("must be printable ASCII without spaces")
    return value


def text(max_len: int = MAX_TEXT) -> Parser[str]:
    """Text a person reads (a reply, a name): not blank, at most ``max_len`` characters."""

    def parse(value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise refuse("must be a non-empty string", value)
        if len(value) > max_len:
            raise InvalidValueError(f"must be at most {max_len} characters, got {len(value)}")
        return value

    return parse


def address(max_len: int) -> Parser[str]:
    """An SMPP address or prefix as an ESME sends it: printable ASCII, 1-max_len characters."""

    def parse(value: object) -> str:
        if not isinstance(value, str) or not value or not _printable_ascii(value):
            raise refuse("must be a non-empty ASCII address", value)
        if len(value) > max_len:
            raise refuse(f"must be at most {max_len} characters", value)
        return value

    return parse


def e164(value: object) -> str:
    """A phone number: E.164 digits, an optional leading '+' dropped."""
    if not isinstance(value, str):
        raise refuse("must be a string of digits", value)
    digits = normalize_number(value)
    if not (digits.isascii() and digits.isdigit()):
        raise refuse("must be digits (E.164, an optional leading '+')", value)
    if len(digits) > MAX_NUMBER_DIGITS:
        raise refuse(f"must be at most {MAX_NUMBER_DIGITS} digits", value)
    return digits


def _pattern(stem: Parser[str]) -> Parser[str]:
    """Exact, or a prefix ending in '*' ("*" alone matches everything); ``stem`` checks the
    part before the '*'. Matched by ``carriers.config.pattern_matches``."""

    def parse(value: object) -> str:
        if not isinstance(value, str):
            raise refuse("must be a string", value)
        body = value.removesuffix("*")
        if "*" in body:
            raise refuse("'*' is only allowed at the end", value)
        if value == "*":
            return value
        return stem(body) + value[len(body) :]

    return parse


number_pattern = _pattern(e164)  # handsets: "447700900*"
address_pattern = _pattern(address(64))  # source_addr: "ACME", "4477*"; data_sm's C(65)


def keyword(value: object) -> str:
    """One or more words of letters and digits, compared upper-case ("REPAIR BATH")."""
    if not isinstance(value, str):
        raise refuse("must be a keyword string", value)
    normalized = normalize_keyword(value)
    if not normalized or not all(w.isalnum() for w in normalized.split()):
        raise refuse("must be one or more words of letters and digits", value)
    return normalized


def word(value: object) -> str:
    """A keyword of one word ("STOP")."""
    normalized = keyword(value)
    if " " in normalized:
        raise refuse("must be a single word", value)
    return normalized


def network(value: object) -> IPNetwork:
    if not isinstance(value, str):
        raise refuse("must be an IP address or network", value)
    try:
        return ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise refuse(f"must be an IP address or network ({exc})", value) from None


def path(base: Path) -> Parser[Path]:
    """A file or directory; a relative one is relative to ``base`` (the config file's
    directory, so the file means the same from any working directory)."""

    def parse(value: object) -> Path:
        if not isinstance(value, str) or not value:
            raise refuse("must be a non-empty path", value)
        p = Path(value).expanduser()
        return p if p.is_absolute() else base / p

    return parse


# -- one of a set ------------------------------------------------------------------------------


def choice(options: Mapping[Any, T], wanted: str | None = None) -> Parser[T]:
    """One of the keys of ``options`` (same type: 10.0 is not 10, true is not 1), giving its
    value."""
    wanted = wanted or "must be one of " + ", ".join(shown(k) for k in options)

    def parse(value: object) -> T:
        for key, result in options.items():
            if type(key) is type(value) and key == value:
                return result
        raise refuse(wanted, value)

    return parse


def enum(cls: type[E]) -> Parser[E]:
    """A member of ``cls`` by its value."""
    return choice({m.value: m for m in cls})


def command_status(value: object) -> CommandStatus:
    """A command_status by name (``"ESME_RTHROTTLED"``) or number (0-0xFFFFFFFF; vendor codes
    are kept)."""
    if isinstance(value, str) and value in CommandStatus.__members__:
        return CommandStatus[value]
    n = _as_int(value)
    if n is not None and 0 <= n <= 0xFFFFFFFF:
        return CommandStatus(n)
    raise refuse("must be a command_status name like ESME_RSUBMITFAIL or its number", value)


ERROR_STATUS = (
    "must be the name of an error status (a command_status name like ESME_RSUBMITFAIL) "
    "or its number"
)


def error_status(value: object) -> CommandStatus:
    """A command_status that refuses something: any but ESME_ROK."""
    try:
        status = command_status(value)
    except InvalidValueError:
        raise refuse(ERROR_STATUS, value) from None
    if status is CommandStatus.ESME_ROK:
        raise InvalidValueError(f"{ERROR_STATUS}, not ESME_ROK")
    return status


# -- arrays ------------------------------------------------------------------------------------


def array(
    item: Parser[T], *, empty: str | None = None, of: str = "strings"
) -> Parser[tuple[T, ...]]:
    """An array whose items ``item`` parses; every bad item is reported. ``empty`` is the
    problem with an empty array (None: allowed)."""

    def parse(value: object) -> tuple[T, ...]:
        if not isinstance(value, list):
            raise refuse(f"must be an array of {of}", value)
        if not value and empty is not None:
            raise InvalidValueError(empty)
        return tuple(_every(((f"[{i}]", raw) for i, raw in enumerate(value)), item))

    return parse


def mapping(
    key: Parser[K], item: Parser[T], *, wanted: str = "must be a table"
) -> Parser[tuple[tuple[K, T], ...]]:
    """An inline table whose keys ``key`` parses and whose values ``item`` parses, as
    (key, value) pairs in the file's order; every bad entry is reported."""

    def entry(kv: tuple[object, object]) -> tuple[K, T]:
        return key(kv[0]), item(kv[1])

    def parse(value: object) -> tuple[tuple[K, T], ...]:
        if not isinstance(value, dict):
            raise refuse(wanted, value)
        return tuple(_every(((f".{k}", (k, v)) for k, v in value.items()), entry))

    return parse


def _every(parts: Iterable[tuple[str, X]], parse: Callable[[X], T]) -> list[T]:
    """Each part parsed; every problem reported under the part's suffix (``[2]``, ``.key``)."""
    out: list[T] = []
    problems: list[tuple[str, str]] = []
    for where, raw in parts:
        try:
            out.append(parse(raw))
        except InvalidValueError as exc:
            problems.extend((f"{where}{suffix}", p) for suffix, p in exc.items)
    if problems:
        err = InvalidValueError(problems[0][1], problems[0][0])
        err.items = problems
        raise err
    return out
