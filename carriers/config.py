"""Carriers, numbers, compliance and handset rules: typed, frozen, validated once.

The tables live at the top level of a TOML document (``[[carriers]]``, ``[[numbers]]``,
``[compliance]``, ``[[handset_rules]]``, ``[handsets]``) so they can share one file with the
server config; ``split_document`` separates the two. ``CarriersConfig()`` with no arguments
is the built-in default: one catch-all carrier that delivers everything after a second, the
default STOP/HELP/START texts, and development routing (every number exists, MO to a number
nobody owns goes to any receiver bind).

Every problem is a ``smsc.config.ConfigError`` naming the key path, array indices from 0:
``smsc.toml: carriers[1].outcomes[0].weight: must be a number, 0 or more, got "x"``.

This module reads the config and nothing else: no sockets, no clock, no randomness.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from pdu.enums import CommandStatus, MessageState
from pdu.segment import SegmentMethod
from smsc.config import CARRIER_TABLES, ConfigError, read_toml, shown

__all__ = [
    "CARRIER_TABLES",
    "AbsentHandsets",
    "AbsentMode",
    "CarrierConfig",
    "CarriersConfig",
    "ComplianceConfig",
    "ConfigError",
    "FixedLatency",
    "HandsetRule",
    "HandsetSettings",
    "KeywordRoute",
    "Latency",
    "LognormalLatency",
    "NumberConfig",
    "OptInMode",
    "OptedOutMode",
    "OutageConfig",
    "OutageMode",
    "OutcomeWeight",
    "OverThroughput",
    "UniformLatency",
    "UnknownMode",
    "UnknownNumbers",
    "carriers_from_dict",
    "load_carriers",
    "normalize_keyword",
    "normalize_number",
    "number_pattern_matches",
    "split_document",
]


# Receipt stat: names (facts section 6) -> the state they report.
STAT_STATES: dict[str, MessageState] = {
    "DELIVRD": MessageState.DELIVERED,
    "EXPIRED": MessageState.EXPIRED,
    "DELETED": MessageState.DELETED,
    "UNDELIV": MessageState.UNDELIVERABLE,
    "ACCEPTD": MessageState.ACCEPTED,
    "UNKNOWN": MessageState.UNKNOWN,
    "REJECTD": MessageState.REJECTED,
}

# GSM MAP error codes (3GPP TS 29.002) used as defaults for the receipt's err: field.
MAP_UNKNOWN_SUBSCRIBER = 1
MAP_CALL_BARRED = 13
MAP_ABSENT_SUBSCRIBER = 27
MAP_SYSTEM_FAILURE = 34
MAX_ERROR_CODE = 255  # err: is three digits and query_sm_resp's error_code one octet

MAX_NUMBER_DIGITS = 15  # E.164
MAX_TEXT = 1600  # replies are segmented like any long message; keep them sane
MAX_ACCOUNT = 15  # system_id is C(16)
DEFAULT_VALIDITY = 172_800.0  # matches smsc.config.Timers.default_validity


def normalize_number(number: str) -> str:
    """E.164 digits as SMPP carries them: a leading '+' dropped."""
    return number.removeprefix("+")


def number_pattern_matches(pattern: str, number: str) -> bool:
    """``"447700900*"`` matches any number starting with 447700900; else an exact match."""
    if pattern.endswith("*"):
        return number.startswith(pattern[:-1])
    return number == pattern


def normalize_keyword(text: str) -> str:
    """Upper-case words separated by single spaces: how keywords are compared."""
    return " ".join(text.upper().split())


# -- latency ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FixedLatency:
    seconds: float = 1.0

    def sample(self, rng: random.Random) -> float:
        return self.seconds


@dataclass(frozen=True, slots=True)
class UniformLatency:
    low: float
    high: float

    def sample(self, rng: random.Random) -> float:
        return rng.uniform(self.low, self.high)


@dataclass(frozen=True, slots=True)
class LognormalLatency:
    """Right-skewed like real networks: most receipts near ``median``, a long tail."""

    median: float
    sigma: float  # of the underlying normal; 0.5 puts the 95th percentile at 2.3 x median
    cap: float | None = None  # no sample above this

    def sample(self, rng: random.Random) -> float:
        value = rng.lognormvariate(math.log(self.median), self.sigma)
        return value if self.cap is None else min(value, self.cap)


Latency = FixedLatency | UniformLatency | LognormalLatency


# -- carriers -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutcomeWeight:
    """One final state, its relative weight, and the err codes drawn (uniformly) with it."""

    state: MessageState
    weight: float
    error_codes: tuple[int, ...] = (0,)


class OverThroughput(Enum):
    QUEUE = "queue"  # the receipt comes later: the carrier link drains at its rate
    THROTTLE = "throttle"  # submit_sm answered ESME_RTHROTTLED


class AbsentMode(Enum):
    RETRY = "retry"  # delivered after the SMSC's retries, if that is within the validity
    EXPIRE = "expire"  # never back: EXPIRED at the end of the validity period


class UnknownMode(Enum):
    REJECT = "reject"  # submit_sm answered with reject_status (ESME_RINVDSTADR)
    UNDELIVERABLE = "undeliverable"  # accepted, then an UNDELIV receipt with error_code


class OutageMode(Enum):
    REJECT = "reject"  # submit_sm answered with reject_status
    UNDELIVERABLE = "undeliverable"  # accepted, then UNDELIV with error_code
    EXPIRE = "expire"  # accepted and never delivered: EXPIRED at the end of the validity


@dataclass(frozen=True, slots=True)
class AbsentHandsets:
    numbers: tuple[str, ...] = ()  # patterns: exact, or a prefix ending in '*'
    share: float = 0.0  # besides those, this share of messages finds the handset absent
    mode: AbsentMode = AbsentMode.RETRY
    retries: int = 3
    retry_interval: float = 300.0
    error_code: int = MAP_ABSENT_SUBSCRIBER  # reported with EXPIRED


@dataclass(frozen=True, slots=True)
class UnknownNumbers:
    numbers: tuple[str, ...] = ()
    share: float = 0.0
    mode: UnknownMode = UnknownMode.REJECT
    reject_status: CommandStatus = CommandStatus.ESME_RINVDSTADR
    error_code: int = MAP_UNKNOWN_SUBSCRIBER


@dataclass(frozen=True, slots=True)
class OutageConfig:
    down: bool = False  # at start-up; switched at run time with Network.set_outage
    mode: OutageMode = OutageMode.UNDELIVERABLE
    reject_status: CommandStatus = CommandStatus.ESME_RSUBMITFAIL
    error_code: int = MAP_SYSTEM_FAILURE


DELIVER_ALL = (OutcomeWeight(MessageState.DELIVERED, 1.0),)


@dataclass(frozen=True, slots=True)
class CarrierConfig:
    name: str
    prefixes: tuple[str, ...] = ()  # empty: the catch-all carrier
    country: str = ""
    mcc: str = ""
    mnc: str = ""
    outcomes: tuple[OutcomeWeight, ...] = DELIVER_ALL
    latency: Latency = FixedLatency()
    throughput: float | None = None  # messages per second; None = no cap
    over_throughput: OverThroughput = OverThroughput.QUEUE
    absent: AbsentHandsets = AbsentHandsets()
    unknown: UnknownNumbers = UnknownNumbers()
    outage: OutageConfig = OutageConfig()
    # How a long MO from this carrier's handsets reaches the ESME.
    mo_segmentation: SegmentMethod = SegmentMethod.UDH_8BIT_REF


# -- numbers, keywords, compliance ----------------------------------------------------------


class OptInMode(Enum):
    NONE = "none"  # JOIN is an ordinary message
    SINGLE = "single"  # JOIN subscribes at once
    DOUBLE = "double"  # JOIN asks for YES; YES subscribes


class OptedOutMode(Enum):
    """How an MT from a number to a handset that opted out of it is refused."""

    REJECT = "reject"  # submit_sm answered with opted_out_status
    REJECTD = "rejectd"  # accepted, then a REJECTD receipt with opted_out_error


@dataclass(frozen=True, slots=True)
class ComplianceConfig:
    stop_keywords: tuple[str, ...] = ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT")
    start_keywords: tuple[str, ...] = ("START", "UNSTOP")
    # YES opts back in (and confirms a double opt-in) only when there is something to
    # confirm; otherwise it is an ordinary answer ("reply YES to confirm your appointment").
    yes_keywords: tuple[str, ...] = ("YES",)
    help_keywords: tuple[str, ...] = ("HELP", "INFO")
    join_keywords: tuple[str, ...] = ("JOIN",)
    stop_reply: str = (
        "You have been unsubscribed and will get no more messages from this number. "
        "Reply START to resubscribe."
    )
    start_reply: str = "You have been resubscribed. Reply STOP to unsubscribe."
    help_reply: str = "Reply STOP to unsubscribe, HELP for help. Msg&data rates may apply."
    opt_in: OptInMode = OptInMode.NONE
    require_opt_in: bool = False  # MT only to handsets that joined
    join_reply: str = "You are subscribed. Reply STOP to unsubscribe, HELP for help."
    confirm_prompt: str = "Reply YES to confirm your subscription."
    confirm_window: float = 86_400.0  # a JOIN waits this long for its YES
    forward: bool = True  # compliance MOs (STOP, HELP, ...) still go to the owner
    opted_out: OptedOutMode = OptedOutMode.REJECTD
    opted_out_status: CommandStatus = CommandStatus.ESME_RSUBMITFAIL
    opted_out_error: int = MAP_CALL_BARRED


@dataclass(frozen=True, slots=True)
class KeywordRoute:
    keyword: str  # normalised: "REPAIR BATH"
    account: str
    reply: str | None = None  # auto-reply sent to the handset when this keyword matches


@dataclass(frozen=True, slots=True)
class NumberConfig:
    """A short code or long number. With keywords it is shared: the MO's first word(s) pick
    the account, ``account`` being the default route (None: unknown keywords go nowhere)."""

    number: str
    account: str | None
    keywords: tuple[KeywordRoute, ...] = ()
    unknown_reply: str | None = None  # auto-reply for an unknown keyword (shared only)
    compliance: ComplianceConfig = ComplianceConfig()

    @property
    def shared(self) -> bool:
        return bool(self.keywords)


# -- handsets -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HandsetRule:
    """A simulated handset answers an MT whose text matches."""

    name: str
    reply: str
    substring: str | None = None  # case-insensitive
    regex: re.Pattern[str] | None = None  # re.search on the MT text
    probability: float = 1.0
    delay: Latency = FixedLatency(5.0)
    handsets: tuple[str, ...] | None = None  # number patterns; None = every handset

    def matches(self, handset: str, text: str) -> bool:
        if self.handsets is not None and not any(
            number_pattern_matches(p, handset) for p in self.handsets
        ):
            return False
        if self.regex is not None:
            return self.regex.search(text) is not None
        assert self.substring is not None
        return self.substring.casefold() in text.casefold()


@dataclass(frozen=True, slots=True)
class HandsetSettings:
    """Faults applied to long (multi-part) replies, each drawn independently per reply."""

    missing_part: float = 0.0
    duplicate_part: float = 0.0
    out_of_order: float = 0.0
    part_gap: float = 0.0  # seconds between consecutive parts of one reply


@dataclass(frozen=True, slots=True)
class CarriersConfig:
    carriers: tuple[CarrierConfig, ...] = ()  # no catch-all: the built-in one catches the rest
    numbers: tuple[NumberConfig, ...] = ()
    compliance: ComplianceConfig = ComplianceConfig()  # for numbers not listed in [[numbers]]
    handset_rules: tuple[HandsetRule, ...] = ()
    handsets: HandsetSettings = HandsetSettings()
    default_validity: float = DEFAULT_VALIDITY  # when an MT has no expiry time

    def accounts(self) -> frozenset[str]:
        """Every account the numbers route to, to check against the server's accounts."""
        names: set[str] = set()
        for n in self.numbers:
            if n.account is not None:
                names.add(n.account)
            names.update(k.account for k in n.keywords)
        return frozenset(names)


# -- TOML loading -----------------------------------------------------------------------------

T = TypeVar("T")
E = TypeVar("E", bound=Enum)


class _Reader:
    """One TOML table: every key taken at most once; unknown keys fail on ``finish``."""

    def __init__(self, source: str, path: str, value: object) -> None:
        if not isinstance(value, dict):
            raise ConfigError(source, path, f"must be a table, got {shown(value)}")
        self.source = source
        self.path = path
        self.data: Mapping[str, Any] = value
        self.taken: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str, problem: str) -> ConfigError:
        return ConfigError(self.source, self.key(name), problem)

    def bad(self, name: str, problem: str, value: object) -> ConfigError:
        return self.fail(name, f"{problem}, got {shown(value)}")

    def has(self, name: str) -> bool:
        return name in self.data

    def get(self, name: str, default: T, parse: Callable[[str, object], T]) -> T:
        self.taken.add(name)
        if name not in self.data:
            return default
        return parse(name, self.data[name])

    def require(self, name: str, parse: Callable[[str, object], T]) -> T:
        if name not in self.data:
            raise self.fail(name, "is required")
        self.taken.add(name)
        return parse(name, self.data[name])

    def sub(self, name: str) -> _Reader | None:
        self.taken.add(name)
        if name not in self.data:
            return None
        return _Reader(self.source, self.key(name), self.data[name])

    def tables(self, name: str) -> list[_Reader]:
        """An array of tables ([[name]])."""
        self.taken.add(name)
        if name not in self.data:
            return []
        value = self.data[name]
        if not isinstance(value, list):
            raise self.bad(name, f"must be an array of tables ([[{name}]])", value)
        return [_Reader(self.source, f"{self.key(name)}[{i}]", v) for i, v in enumerate(value)]

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self.taken)
        if unknown:
            raise self.fail(unknown[0], "unknown key")

    # -- value parsers: (name, raw) -> value ---------------------------------------------

    def text(self, name: str, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.bad(name, "must be a non-empty string", value)
        if len(value) > MAX_TEXT:
            raise self.fail(name, f"must be at most {MAX_TEXT} characters")
        return value

    def opt_text(self, name: str, value: object) -> str | None:
        return self.text(name, value)

    def boolean(self, name: str, value: object) -> bool:
        if not isinstance(value, bool):
            raise self.bad(name, "must be true or false", value)
        return value

    def number(self, name: str, value: object, *, positive: bool = False) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
            or (positive and value == 0)
        ):
            what = "a positive number" if positive else "a number, 0 or more"
            raise self.bad(name, f"must be {what}", value)
        return float(value)

    def seconds(self, name: str, value: object) -> float:
        return self.number(name, value)

    def positive(self, name: str, value: object) -> float:
        return self.number(name, value, positive=True)

    def opt_positive(self, name: str, value: object) -> float | None:
        return self.positive(name, value)

    def share(self, name: str, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise self.bad(name, "must be a number from 0 to 1", value)
        return float(value)

    def count(self, name: str, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
            raise self.bad(name, "must be an integer 0-1000", value)
        return value

    def error_code(self, name: str, value: object) -> int:
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= MAX_ERROR_CODE
        ):
            raise self.bad(name, f"must be an integer 0-{MAX_ERROR_CODE}", value)
        return value

    def error_codes(self, name: str, value: object) -> tuple[int, ...]:
        if isinstance(value, int) and not isinstance(value, bool):
            return (self.error_code(name, value),)
        if not isinstance(value, list) or not value:
            raise self.bad(name, "must be an error code or a non-empty array of them", value)
        return tuple(self.error_code(f"{name}[{i}]", v) for i, v in enumerate(value))

    def stat(self, name: str, value: object) -> MessageState:
        if isinstance(value, str) and value in STAT_STATES:
            return STAT_STATES[value]
        allowed = ", ".join(json.dumps(s) for s in STAT_STATES)
        raise self.bad(name, f"must be one of {allowed}", value)

    def status(self, name: str, value: object) -> CommandStatus:
        if isinstance(value, str) and value in CommandStatus.__members__:
            status = CommandStatus[value]
            if status is not CommandStatus.ESME_ROK:
                return status
        raise self.bad(name, "must be the name of an error command_status (ESME_R...)", value)

    def enum(self, cls: type[E]) -> Callable[[str, object], E]:
        def parse(name: str, value: object) -> E:
            for member in cls:
                if member.value == value:
                    return member
            allowed = ", ".join(json.dumps(m.value) for m in cls)
            raise self.bad(name, f"must be one of {allowed}", value)

        return parse

    def strings(self, name: str, value: object) -> list[str]:
        if not isinstance(value, list):
            raise self.bad(name, "must be an array of strings", value)
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise self.bad(f"{name}[{i}]", "must be a string", item)
        return value

    def digits(self, name: str, value: object) -> str:
        if not isinstance(value, str):
            raise self.bad(name, "must be a string of digits", value)
        digits = normalize_number(value)
        if not (digits.isascii() and digits.isdigit()):
            raise self.bad(name, "must be digits (E.164, an optional leading '+')", value)
        if len(digits) > MAX_NUMBER_DIGITS:
            raise self.bad(name, f"must be at most {MAX_NUMBER_DIGITS} digits", value)
        return digits

    def number_string(self, name: str, value: object) -> str:
        return self.digits(name, value)

    def prefixes(self, name: str, value: object) -> tuple[str, ...]:
        items = self.strings(name, value)
        if not items:
            raise self.bad(name, "must list at least one prefix (omit it for a catch-all)", value)
        return tuple(self.digits(f"{name}[{i}]", item) for i, item in enumerate(items))

    def patterns(self, name: str, value: object) -> tuple[str, ...]:
        items = self.strings(name, value)
        out: list[str] = []
        for i, item in enumerate(items):
            body = item.removesuffix("*")
            key = f"{name}[{i}]"
            if "*" in body:
                raise self.bad(key, "'*' is only allowed at the end", item)
            if item == "*":
                out.append("*")
                continue
            out.append(self.digits(key, body) + ("*" if item.endswith("*") else ""))
        return tuple(out)

    def opt_patterns(self, name: str, value: object) -> tuple[str, ...] | None:
        return self.patterns(name, value)

    def account(self, name: str, value: object) -> str:
        if (
            not isinstance(value, str)
            or not value
            or not value.isascii()
            or not value.isprintable()
            or " " in value
            or len(value) > MAX_ACCOUNT
        ):
            raise self.bad(
                name, f"must be a system_id: 1-{MAX_ACCOUNT} printable ASCII, no spaces", value
            )
        return value

    def opt_account(self, name: str, value: object) -> str | None:
        return self.account(name, value)

    def keyword(self, name: str, value: object) -> str:
        if not isinstance(value, str):
            raise self.bad(name, "must be a keyword string", value)
        keyword = normalize_keyword(value)
        if not keyword or not all(w.isalnum() for w in keyword.split()):
            raise self.bad(name, "must be one or more words of letters and digits", value)
        return keyword

    def keywords(self, name: str, value: object) -> tuple[str, ...]:
        items = self.strings(name, value)
        if not items:
            raise self.bad(name, "must list at least one keyword", value)
        out = tuple(self.keyword(f"{name}[{i}]", item) for i, item in enumerate(items))
        for i, kw in enumerate(out):
            if " " in kw:
                raise self.bad(f"{name}[{i}]", "must be a single word", items[i])
        return out

    def short_string(self, name: str, value: object, max_len: int = 64) -> str:
        if not isinstance(value, str) or len(value) > max_len:
            raise self.bad(name, f"must be a string of at most {max_len} characters", value)
        return value

    def code(self, digits_n: tuple[int, ...]) -> Callable[[str, object], str]:
        def parse(name: str, value: object) -> str:
            if (
                not isinstance(value, str)
                or not (value.isascii() and value.isdigit())
                or len(value) not in digits_n
            ):
                lengths = " or ".join(str(n) for n in digits_n)
                raise self.bad(name, f"must be a string of {lengths} digits", value)
            return value

        return parse


def _latency(r: _Reader | None, default: Latency) -> Latency:
    if r is None:
        return default
    kind = r.require("kind", r.enum(_LatencyKind))
    latency: Latency
    if kind is _LatencyKind.FIXED:
        latency = FixedLatency(r.require("seconds", r.seconds))
    elif kind is _LatencyKind.UNIFORM:
        low = r.require("min", r.seconds)
        high = r.require("max", r.seconds)
        if high < low:
            raise r.fail("max", f"must not be below {r.key('min')} ({low:g}), got {high:g}")
        latency = UniformLatency(low, high)
    else:
        median = r.require("median", r.positive)
        sigma = r.require("sigma", r.positive)
        cap = r.get("max", None, r.opt_positive)
        if cap is not None and cap < median:
            raise r.fail("max", f"must not be below {r.key('median')} ({median:g}), got {cap:g}")
        latency = LognormalLatency(median, sigma, cap)
    r.finish()
    return latency


class _LatencyKind(Enum):
    FIXED = "fixed"
    UNIFORM = "uniform"
    LOGNORMAL = "lognormal"


class _Segmentation(Enum):
    UDH = "udh"
    UDH16 = "udh16"
    SAR = "sar"


_SEGMENT_METHODS = {
    _Segmentation.UDH: SegmentMethod.UDH_8BIT_REF,
    _Segmentation.UDH16: SegmentMethod.UDH_16BIT_REF,
    _Segmentation.SAR: SegmentMethod.SAR,
}


def _outcomes(r: _Reader) -> tuple[OutcomeWeight, ...]:
    items = r.tables("outcomes")
    if not items:
        if r.has("outcomes"):
            raise r.fail("outcomes", "must list at least one outcome")
        return DELIVER_ALL
    out: list[OutcomeWeight] = []
    seen: dict[MessageState, int] = {}
    for i, t in enumerate(items):
        state = t.require("state", t.stat)
        if state in seen:
            raise t.fail("state", f"duplicate of {r.key('outcomes')}[{seen[state]}].state")
        seen[state] = i
        weight = t.require("weight", t.seconds)
        default_err: tuple[int, ...] = (
            (0,) if state is MessageState.DELIVERED else (MAP_SYSTEM_FAILURE,)
        )
        errs = t.get("err", default_err, t.error_codes)
        t.finish()
        out.append(OutcomeWeight(state, weight, errs))
    if not any(o.weight > 0 for o in out):
        raise r.fail("outcomes", "at least one weight must be above 0")
    return tuple(out)


def _absent(r: _Reader | None) -> AbsentHandsets:
    if r is None:
        return AbsentHandsets()
    d = AbsentHandsets()
    a = AbsentHandsets(
        numbers=r.get("numbers", d.numbers, r.patterns),
        share=r.get("share", d.share, r.share),
        mode=r.get("mode", d.mode, r.enum(AbsentMode)),
        retries=r.get("retries", d.retries, r.count),
        retry_interval=r.get("retry_interval", d.retry_interval, r.positive),
        error_code=r.get("err", d.error_code, r.error_code),
    )
    r.finish()
    return a


def _unknown(r: _Reader | None) -> UnknownNumbers:
    if r is None:
        return UnknownNumbers()
    d = UnknownNumbers()
    u = UnknownNumbers(
        numbers=r.get("numbers", d.numbers, r.patterns),
        share=r.get("share", d.share, r.share),
        mode=r.get("mode", d.mode, r.enum(UnknownMode)),
        reject_status=r.get("reject_status", d.reject_status, r.status),
        error_code=r.get("err", d.error_code, r.error_code),
    )
    r.finish()
    return u


def _outage(r: _Reader | None) -> OutageConfig:
    if r is None:
        return OutageConfig()
    d = OutageConfig()
    o = OutageConfig(
        down=r.get("down", d.down, r.boolean),
        mode=r.get("mode", d.mode, r.enum(OutageMode)),
        reject_status=r.get("reject_status", d.reject_status, r.status),
        error_code=r.get("err", d.error_code, r.error_code),
    )
    r.finish()
    return o


def _carrier(r: _Reader) -> CarrierConfig:
    c = CarrierConfig(
        name=r.require("name", lambda k, v: r.short_string(k, r.text(k, v))),
        prefixes=r.get("prefixes", (), r.prefixes),
        country=r.get("country", "", lambda k, v: r.short_string(k, v, 2)),
        mcc=r.get("mcc", "", r.code((3,))),
        mnc=r.get("mnc", "", r.code((2, 3))),
        outcomes=_outcomes(r),
        latency=_latency(r.sub("latency"), FixedLatency()),
        throughput=r.get("throughput", None, r.opt_positive),
        over_throughput=r.get("over_throughput", OverThroughput.QUEUE, r.enum(OverThroughput)),
        absent=_absent(r.sub("absent")),
        unknown=_unknown(r.sub("unknown")),
        outage=_outage(r.sub("outage")),
        mo_segmentation=_SEGMENT_METHODS[
            r.get("mo_segmentation", _Segmentation.UDH, r.enum(_Segmentation))
        ],
    )
    r.finish()
    return c


def _compliance(r: _Reader | None, base: ComplianceConfig) -> ComplianceConfig:
    if r is None:
        return base
    changes: dict[str, Any] = {}

    def put(name: str, parse: Callable[[str, object], object]) -> None:
        r.taken.add(name)
        if r.has(name):
            changes[name] = parse(name, r.data[name])

    for name in ("stop", "start", "yes", "help", "join"):
        put(f"{name}_keywords", r.keywords)
    for name in ("stop_reply", "start_reply", "help_reply", "join_reply", "confirm_prompt"):
        put(name, r.text)
    put("opt_in", r.enum(OptInMode))
    put("require_opt_in", r.boolean)
    put("confirm_window", r.positive)
    put("forward", r.boolean)
    put("opted_out", r.enum(OptedOutMode))
    put("opted_out_status", r.status)
    put("opted_out_error", r.error_code)
    r.finish()
    result = replace(base, **changes)
    groups = {g: getattr(result, f"{g}_keywords") for g in ("stop", "start", "yes", "help", "join")}
    owner: dict[str, str] = {}
    for g, words in groups.items():
        for w in words:
            if w in owner and owner[w] != g:
                raise r.fail(f"{g}_keywords", f"{w} is also in {r.key(owner[w] + '_keywords')}")
            owner[w] = g
    if result.require_opt_in and result.opt_in is OptInMode.NONE:
        raise r.fail("require_opt_in", 'needs opt_in = "single" or "double"')
    return result


def _number(r: _Reader, base: ComplianceConfig) -> NumberConfig:
    number = r.require("number", r.number_string)
    account = r.get("account", None, r.opt_account)
    routes: list[KeywordRoute] = []
    first: dict[str, int] = {}
    for i, t in enumerate(r.tables("keywords")):
        kw = t.require("keyword", t.keyword)
        if kw in first:
            raise t.fail("keyword", f"duplicate of {r.key('keywords')}[{first[kw]}].keyword")
        first[kw] = i
        routes.append(
            KeywordRoute(
                keyword=kw,
                account=t.require("account", t.account),
                reply=t.get("reply", None, t.opt_text),
            )
        )
        t.finish()
    unknown_reply = r.get("unknown_reply", None, r.opt_text)
    if not routes:
        if account is None:
            raise r.fail("account", "is required for a number without [[numbers.keywords]]")
        if unknown_reply is not None:
            raise r.fail("unknown_reply", "only applies to a number with [[numbers.keywords]]")
    compliance = _compliance(r.sub("compliance"), base)
    r.finish()
    return NumberConfig(number, account, tuple(routes), unknown_reply, compliance)


def _handset_rule(r: _Reader) -> HandsetRule:
    name = r.require("name", lambda k, v: r.short_string(k, r.text(k, v)))
    if r.has("match") == r.has("regex"):
        raise r.fail("match", 'exactly one of "match" (a substring) or "regex" is required')
    substring = r.get("match", None, r.opt_text)

    def parse_regex(k: str, v: object) -> re.Pattern[str] | None:
        pattern = r.text(k, v)
        try:
            return re.compile(pattern)
        except re.error as exc:
            raise r.bad(k, f"must be a valid regular expression ({exc})", v) from None

    rule = HandsetRule(
        name=name,
        reply=r.require("reply", r.text),
        substring=substring,
        regex=r.get("regex", None, parse_regex),
        probability=r.get("probability", 1.0, r.share),
        delay=_latency(r.sub("delay"), FixedLatency(5.0)),
        handsets=r.get("handsets", None, r.opt_patterns),
    )
    r.finish()
    return rule


def _handsets(r: _Reader | None) -> HandsetSettings:
    if r is None:
        return HandsetSettings()
    d = HandsetSettings()
    h = HandsetSettings(
        missing_part=r.get("missing_part", d.missing_part, r.share),
        duplicate_part=r.get("duplicate_part", d.duplicate_part, r.share),
        out_of_order=r.get("out_of_order", d.out_of_order, r.share),
        part_gap=r.get("part_gap", d.part_gap, r.seconds),
    )
    r.finish()
    return h


def carriers_from_dict(data: Mapping[str, Any], source: str = "<config>") -> CarriersConfig:
    """Validate the carrier tables of a parsed TOML document; other top-level keys are the
    server's and are left alone (``split_document``)."""
    r = _Reader(source, "", {k: v for k, v in data.items() if k in CARRIER_TABLES})
    carriers: list[CarrierConfig] = []
    names: dict[str, int] = {}
    prefixes: dict[str, str] = {}
    catch_all: int | None = None
    for i, t in enumerate(r.tables("carriers")):
        c = _carrier(t)
        if c.name in names:
            raise t.fail("name", f"duplicate of carriers[{names[c.name]}].name {shown(c.name)}")
        names[c.name] = i
        if not c.prefixes:
            if catch_all is not None:
                raise t.fail(
                    "prefixes",
                    f"is required: carriers[{catch_all}] is already the catch-all (no prefixes)",
                )
            catch_all = i
        for j, p in enumerate(c.prefixes):
            if p in prefixes:
                raise t.fail(f"prefixes[{j}]", f"{p} already belongs to {prefixes[p]}")
            prefixes[p] = f"carriers[{i}]"
        carriers.append(c)

    compliance = _compliance(r.sub("compliance"), ComplianceConfig())
    numbers: list[NumberConfig] = []
    seen: dict[str, int] = {}
    for i, t in enumerate(r.tables("numbers")):
        n = _number(t, compliance)
        if n.number in seen:
            raise t.fail("number", f"duplicate of numbers[{seen[n.number]}].number {n.number}")
        seen[n.number] = i
        numbers.append(n)

    rules: list[HandsetRule] = []
    rule_names: dict[str, int] = {}
    for i, t in enumerate(r.tables("handset_rules")):
        rule = _handset_rule(t)
        if rule.name in rule_names:
            raise t.fail("name", f"duplicate of handset_rules[{rule_names[rule.name]}].name")
        rule_names[rule.name] = i
        rules.append(rule)
    handsets = _handsets(r.sub("handsets"))
    r.finish()
    return CarriersConfig(
        carriers=tuple(carriers),
        numbers=tuple(numbers),
        compliance=compliance,
        handset_rules=tuple(rules),
        handsets=handsets,
    )


def split_document(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(server tables, carrier tables) of one TOML document."""
    server = {k: v for k, v in data.items() if k not in CARRIER_TABLES}
    carriers = {k: v for k, v in data.items() if k in CARRIER_TABLES}
    return server, carriers


def load_carriers(path: str | Path) -> CarriersConfig:
    """Read the carrier tables of a TOML file; problems are ConfigErrors naming the file."""
    return carriers_from_dict(read_toml(path), str(path))
