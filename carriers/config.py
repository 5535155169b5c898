"""Carriers, numbers, compliance and handset rules: typed, frozen records and pure helpers.

The records are what the TOML tables ``[[carriers]]``, ``[[numbers]]``, ``[compliance]``,
``[[handset_rules]]`` and ``[handsets]`` describe; ``smsc.config`` reads and validates them
(with the server's keys, from the same file). ``CarriersConfig()`` with no arguments is the
built-in default: one catch-all carrier that delivers everything after a second, the default
STOP/HELP/START texts, and development routing (every number exists, MO to a number nobody
owns goes to any receiver bind).

Nothing here reads files or imports from ``smsc``: no sockets, no clock, no randomness.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from pdu.enums import CommandStatus, MessageState
from pdu.segment import SegmentMethod

__all__ = [
    "DEFAULT_VALIDITY",
    "NUMBER_TYPE_CAPS",
    "STAT_STATES",
    "AbsentHandsets",
    "AbsentMode",
    "CarrierConfig",
    "CarriersConfig",
    "ComplianceConfig",
    "FixedLatency",
    "HandsetRule",
    "HandsetScript",
    "HandsetSettings",
    "KeywordRoute",
    "Latency",
    "LognormalLatency",
    "NumberConfig",
    "NumberType",
    "OptInMode",
    "OptedOutMode",
    "OutageConfig",
    "OutageMode",
    "OutcomeWeight",
    "OverThroughput",
    "ScriptRule",
    "ScriptState",
    "UniformLatency",
    "UnknownMode",
    "UnknownNumbers",
    "WeightedReply",
    "normalize_keyword",
    "normalize_number",
    "numbers_listed",
    "pattern_matches",
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

# An MT without an expiry time expires this long after its delivery attempt starts: the
# server's [timers] default_validity defaults to it and is passed to carriers.Network.
DEFAULT_VALIDITY = 172_800.0


def normalize_number(number: str) -> str:
    """E.164 digits as SMPP carries them: a leading '+' dropped."""
    return number.removeprefix("+")


def pattern_matches(pattern: str, address: str) -> bool:
    """A number or address pattern: ``"447700900*"`` matches any address starting with
    447700900 (``"*"`` matches all); anything else must match exactly."""
    if pattern.endswith("*"):
        return address.startswith(pattern[:-1])
    return address == pattern


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


class NumberType(Enum):
    SHORT_CODE = "short_code"
    LONG_CODE = "long_code"
    TOLL_FREE = "toll_free"


# MT per second sent from one number of each type, and what happens beyond it, when the
# number's own keys do not say (docs/carriers.md: what real networks do that these imitate).
NUMBER_TYPE_CAPS: dict[NumberType, tuple[float, OverThroughput]] = {
    NumberType.LONG_CODE: (1.0, OverThroughput.QUEUE),
    NumberType.SHORT_CODE: (100.0, OverThroughput.QUEUE),
    NumberType.TOLL_FREE: (3.0, OverThroughput.QUEUE),
}


@dataclass(frozen=True, slots=True)
class NumberConfig:
    """A short code or long number. With keywords it is shared: the MO's first word(s) pick
    the account, ``account`` being the default route (None: unknown keywords go nowhere).

    ``throughput`` caps the MT sent *from* the number (its source_addr); None takes the
    default of its ``type`` (no type: no cap), as does ``over_throughput``."""

    number: str
    account: str | None
    keywords: tuple[KeywordRoute, ...] = ()
    unknown_reply: str | None = None  # auto-reply for an unknown keyword (shared only)
    compliance: ComplianceConfig = ComplianceConfig()
    type: NumberType | None = None
    throughput: float | None = None  # MT per second from this number
    over_throughput: OverThroughput | None = None

    @property
    def shared(self) -> bool:
        return bool(self.keywords)

    @property
    def cap(self) -> tuple[float, OverThroughput] | None:
        """(MT per second, what happens beyond it), or None for no cap."""
        default = NUMBER_TYPE_CAPS.get(self.type) if self.type is not None else None
        rate = self.throughput if self.throughput is not None else default and default[0]
        if rate is None:
            return None
        mode = self.over_throughput or (default[1] if default else OverThroughput.QUEUE)
        return rate, mode


# -- handsets -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WeightedReply:
    """One answer a handset may give, drawn by ``weight`` among its rule's (0: never)."""

    text: str
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class HandsetRule:
    """A simulated handset answers an MT whose text matches: with ``probability`` at all,
    then one of ``replies`` by weight (a rule with one ``reply`` has one entry)."""

    name: str
    replies: tuple[WeightedReply, ...]
    substring: str | None = None  # case-insensitive
    regex: re.Pattern[str] | None = None  # re.search on the MT text
    probability: float = 1.0
    delay: Latency = FixedLatency(5.0)
    handsets: tuple[str, ...] | None = None  # number patterns; None = every handset
    fallthrough: bool = False  # lost the probability draw: try the rules after this one

    def matches(self, handset: str, text: str) -> bool:
        return numbers_listed(self.handsets, handset) and _text_matches(
            self.substring, self.regex, text
        )


def numbers_listed(patterns: Iterable[str] | None, number: str) -> bool:
    """Whether ``number`` matches one of ``patterns``; None lists every number."""
    return patterns is None or any(pattern_matches(p, number) for p in patterns)


def _text_matches(substring: str | None, regex: re.Pattern[str] | None, text: str) -> bool:
    """A case-insensitive substring, or ``re.search`` for a regular expression."""
    if regex is not None:
        return regex.search(text) is not None
    assert substring is not None
    return substring.casefold() in text.casefold()


@dataclass(frozen=True, slots=True)
class ScriptRule:
    """In one state of a conversation script: an MT from the app that matches is answered
    (with ``probability``; otherwise not this time, and the state stays) with one of
    ``replies`` by weight, and the conversation moves to state ``next``."""

    replies: tuple[WeightedReply, ...]
    substring: str | None = None  # case-insensitive
    regex: re.Pattern[str] | None = None
    next: str | None = None  # None: stay in this state
    probability: float = 1.0
    delay: Latency | None = None  # None: the script's

    def matches(self, text: str) -> bool:
        return _text_matches(self.substring, self.regex, text)


@dataclass(frozen=True, slots=True)
class ScriptState:
    """Where a conversation can be. With no rules it is over: nothing more is answered."""

    name: str
    rules: tuple[ScriptRule, ...] = ()
    # When an MT matches one of the rules here, these are drawn first: the handset goes
    # quiet for good (never answers again), or answers with STOP instead (opting out).
    quiet: float = 0.0
    stop: float = 0.0


@dataclass(frozen=True, slots=True)
class HandsetScript:
    """A handset persona: a small state machine, one run per (handset, number), starting in
    the first of ``states``. It covers the ``handsets`` (patterns; None: every one) when the
    MT comes from one of ``numbers`` (None: any sender); the handset rules do not answer
    what a script covers."""

    name: str
    states: tuple[ScriptState, ...]
    handsets: tuple[str, ...] | None = None
    numbers: tuple[str, ...] | None = None
    delay: Latency = FixedLatency(5.0)
    stop_text: str = "STOP"

    def covers(self, handset: str, number: str) -> bool:
        return numbers_listed(self.handsets, handset) and numbers_listed(self.numbers, number)


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
    handset_scripts: tuple[HandsetScript, ...] = ()
    handsets: HandsetSettings = HandsetSettings()

    def accounts(self) -> frozenset[str]:
        """Every account the numbers route to, to check against the server's accounts."""
        names: set[str] = set()
        for n in self.numbers:
            if n.account is not None:
                names.add(n.account)
            names.update(k.account for k in n.keywords)
        return frozenset(names)
