"""Faults on demand: what a misbehaving SMSC or network does, switched on by config or API.

A ``Fault`` is one record (kind, scope, parameters, probability), never a subclass: the core
asks the ``Faults`` registry at a few hook points (a bind, a submission, a receipt, a
delivery queued) and acts on the answer. Several faults can be active at once; for a given
hook the faults are tried in id order and the first that fires decides.

Pure: time and randomness are passed in (the core's seeded ``random.Random``), so the same
seed and traffic give the same faults. A fault with probability 1 draws no random number,
so switching one on does not shift the other seeded models.
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from pdu.enums import CommandStatus

from .throttle import RateLimiter

__all__ = ["Fault", "FaultError", "FaultKind", "Faults", "SubmitAction", "fault_from_dict"]

MAX_RATE = 100_000.0  # as the account throughput cap: the limiter keeps a log of its window
MAX_DELAY = 7 * 24 * 3600.0
MAX_COPIES = 10
MAX_PREFIX = 20  # destination_addr is C(21)


class FaultKind(Enum):
    REJECT = "reject"  # submissions refused with ``status``
    THROTTLE = "throttle"  # ESME_RTHROTTLED above ``rate`` submissions per second
    SLOW_RESPONSE = "slow_response"  # the response to an accepted submission ``delay`` s late
    NO_RESPONSE = "no_response"  # accepted, but the response never sent
    RECEIPT_DELAY = "receipt_delay"  # the receipt queued ``delay`` s after the final state
    RECEIPT_LOST = "receipt_lost"  # the final state is reached, its receipt never sent
    DUPLICATE_DELIVERY = "duplicate_delivery"  # a receipt or MO deliver_sm sent ``copies`` more
    BIND_REFUSED = "bind_refused"  # binds answered with ``status``
    DROP_SESSION = "drop_session"  # the connection closed after ``after`` PDUs from the ESME


SUBMIT_KINDS = frozenset(
    (FaultKind.REJECT, FaultKind.THROTTLE, FaultKind.SLOW_RESPONSE, FaultKind.NO_RESPONSE)
)
RECEIPT_KINDS = frozenset((FaultKind.RECEIPT_DELAY, FaultKind.RECEIPT_LOST))
SESSION_KINDS = frozenset((FaultKind.BIND_REFUSED, FaultKind.DROP_SESSION))  # no prefix

# Parameters each kind takes: name -> default (None: required).
PARAMETERS: dict[FaultKind, dict[str, object]] = {
    FaultKind.REJECT: {"status": CommandStatus.ESME_RSUBMITFAIL},
    FaultKind.THROTTLE: {"rate": None},
    FaultKind.SLOW_RESPONSE: {"delay": None},
    FaultKind.NO_RESPONSE: {},
    FaultKind.RECEIPT_DELAY: {"delay": None},
    FaultKind.RECEIPT_LOST: {},
    FaultKind.DUPLICATE_DELIVERY: {"copies": 1},
    FaultKind.BIND_REFUSED: {"status": CommandStatus.ESME_RBINDFAIL},
    FaultKind.DROP_SESSION: {"after": None},
}


class FaultError(ValueError):
    """A fault description that cannot be used; ``key`` is the path of the bad value."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Fault:
    kind: FaultKind
    account: str | None = None  # system_id; None = every account
    prefix: str | None = None  # destination prefix; None = every destination
    probability: float = 1.0  # share of the matching events the fault hits
    status: int = 0  # REJECT, BIND_REFUSED
    rate: float = 0.0  # THROTTLE: submissions per second let through
    delay: float = 0.0  # SLOW_RESPONSE, RECEIPT_DELAY: seconds
    copies: int = 0  # DUPLICATE_DELIVERY: extra copies
    after: int = 0  # DROP_SESSION: PDUs received after the bind
    id: int = 0  # given by the registry

    def matches(self, account: str, destination: str) -> bool:
        return (self.account is None or self.account == account) and (
            self.prefix is None or destination.startswith(self.prefix)
        )

    def to_dict(self) -> dict[str, object]:
        """The JSON form the API shows and accepts (``fault_from_dict`` reads it back)."""
        out: dict[str, object] = {"id": self.id, "kind": self.kind.value}
        if self.account is not None:
            out["account"] = self.account
        if self.prefix is not None:
            out["prefix"] = self.prefix
        out["probability"] = self.probability
        for name in PARAMETERS[self.kind]:
            value = getattr(self, name)
            out[name] = CommandStatus(value).name if name == "status" else value
        return out


@dataclass(frozen=True, slots=True)
class SubmitAction:
    """What a fault does to one submission: refuse it with ``status``, or accept it and
    answer ``delay`` seconds late, or (``respond`` False) never answer."""

    status: int = 0
    delay: float = 0.0
    respond: bool = True
    fault_id: int = 0


def _fires(f: Fault, rng: random.Random) -> bool:
    return f.probability >= 1.0 or rng.random() < f.probability


class Faults:
    """The active faults, by id, with the queries the core makes at its hook points."""

    def __init__(self, faults: Iterable[Fault] = ()) -> None:
        self._faults: dict[int, Fault] = {}
        self._limiters: dict[int, RateLimiter] = {}
        self._next_id = 1
        self.active = False  # the core's fast path: one attribute test when nothing is on
        for f in faults:
            self.add(f)

    def __len__(self) -> int:
        return len(self._faults)

    def add(self, fault: Fault) -> Fault:
        """Activate ``fault`` under a new id (its own id is ignored); returns it with the id."""
        fault = dataclasses.replace(fault, id=self._next_id)
        self._next_id += 1
        self._faults[fault.id] = fault
        if fault.kind is FaultKind.THROTTLE:
            self._limiters[fault.id] = RateLimiter.per_second(fault.rate)
        self.active = True
        return fault

    def remove(self, fault_id: int) -> bool:
        """Clear one fault; False if no fault has that id."""
        if self._faults.pop(fault_id, None) is None:
            return False
        self._limiters.pop(fault_id, None)
        self.active = bool(self._faults)
        return True

    def clear(self) -> int:
        """Clear every fault; returns how many there were."""
        n = len(self._faults)
        self._faults.clear()
        self._limiters.clear()
        self.active = False
        return n

    def list(self) -> list[Fault]:
        return list(self._faults.values())

    def get(self, fault_id: int) -> Fault | None:
        return self._faults.get(fault_id)

    # -- hook points ---------------------------------------------------------------------

    def submit_fault(
        self, account: str, destination: str, now: float, rng: random.Random
    ) -> SubmitAction | None:
        """A submit_sm, data_sm or submit_multi (first destination) arrives."""
        for f in self._faults.values():
            if f.kind not in SUBMIT_KINDS or not f.matches(account, destination):
                continue
            if f.kind is FaultKind.THROTTLE:
                # Every matching submission counts against the rate, as a network's
                # throttle counts them; only the ones above it are refused.
                if not self._limiters[f.id].allow(now) and _fires(f, rng):
                    return SubmitAction(status=CommandStatus.ESME_RTHROTTLED, fault_id=f.id)
            elif _fires(f, rng):
                if f.kind is FaultKind.REJECT:
                    return SubmitAction(status=f.status, fault_id=f.id)
                if f.kind is FaultKind.SLOW_RESPONSE:
                    return SubmitAction(delay=f.delay, fault_id=f.id)
                return SubmitAction(respond=False, fault_id=f.id)
        return None

    def bind_fault(self, system_id: str, rng: random.Random) -> int:
        """A bind arrives: the status to refuse it with, or 0."""
        for f in self._faults.values():
            if f.kind is FaultKind.BIND_REFUSED and f.matches(system_id, "") and _fires(f, rng):
                return f.status
        return 0

    def receipt_delay(self, account: str, destination: str, rng: random.Random) -> float:
        """A receipt is due: extra seconds before it is queued; ``math.inf`` when lost."""
        for f in self._faults.values():
            if f.kind in RECEIPT_KINDS and f.matches(account, destination) and _fires(f, rng):
                return math.inf if f.kind is FaultKind.RECEIPT_LOST else f.delay
        return 0.0

    def duplicates(self, account: str, destination: str, rng: random.Random) -> int:
        """A receipt or MO is queued for an ESME: how many extra copies to send."""
        for f in self._faults.values():
            if (
                f.kind is FaultKind.DUPLICATE_DELIVERY
                and f.matches(account, destination)
                and _fires(f, rng)
            ):
                return f.copies
        return 0

    def drop_after(self, system_id: str, rng: random.Random) -> int:
        """A bind succeeded: close the session after this many more PDUs from it (0: never)."""
        for f in self._faults.values():
            if f.kind is FaultKind.DROP_SESSION and f.matches(system_id, "") and _fires(f, rng):
                return f.after
        return 0


# -- reading a fault from config (TOML) or the API (JSON) -------------------------------------


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return repr(value)


def _number(key: str, value: object, low: float, high: float, *, low_open: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FaultError(key, f"must be a number, got {_shown(value)}")
    if (value <= low if low_open else value < low) or value > high:
        bound = "greater than" if low_open else "at least"
        raise FaultError(key, f"must be {bound} {low:g} and at most {high:g}, got {value!r}")
    return float(value)


def _int(key: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FaultError(key, f"must be an integer from {low} to {high}, got {_shown(value)}")
    return value


def _status(key: str, value: object) -> int:
    if isinstance(value, str) and value in CommandStatus.__members__:
        status = CommandStatus[value]
    elif isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 0xFFFFFFFF:
        status = CommandStatus(value)
    else:
        raise FaultError(
            key,
            f"must be a command_status name like ESME_RSUBMITFAIL or a number, got {_shown(value)}",
        )
    if status == CommandStatus.ESME_ROK:
        raise FaultError(key, "must be an error status, not ESME_ROK")
    return int(status)


def _text(key: str, value: object, maximum: int) -> str:
    if not isinstance(value, str) or not value or len(value) > maximum:
        raise FaultError(key, f"must be a string of 1-{maximum} characters, got {_shown(value)}")
    if not value.isascii() or not value.isprintable():
        raise FaultError(key, f"must be printable ASCII, got {_shown(value)}")
    return value


def fault_from_dict(data: Mapping[str, object], path: str = "") -> Fault:
    """A fault from its TOML table or JSON object; every problem is a FaultError whose key
    is ``path`` + the key at fault. An ``id`` key is ignored (the registry gives ids)."""

    def key(name: str) -> str:
        return f"{path}.{name}" if path else name

    raw_kind = data.get("kind")
    if raw_kind is None:
        raise FaultError(key("kind"), "is required")
    try:
        kind = FaultKind(raw_kind)
    except ValueError:
        allowed = ", ".join(k.value for k in FaultKind)
        raise FaultError(key("kind"), f"must be one of {allowed}, got {_shown(raw_kind)}") from None
    params = PARAMETERS[kind]
    common = {"kind", "id", "account", "prefix", "probability"}
    for name in sorted(data):
        if name not in common and name not in params:
            raise FaultError(key(name), f"unknown key for kind {kind.value}")
    values: dict[str, object] = {}
    if "account" in data:
        values["account"] = _text(key("account"), data["account"], 15)
    if "prefix" in data:
        if kind in SESSION_KINDS:
            raise FaultError(key("prefix"), f"does not apply to kind {kind.value}")
        values["prefix"] = _text(key("prefix"), data["prefix"], MAX_PREFIX)
    if "probability" in data:
        values["probability"] = _number(
            key("probability"), data["probability"], 0.0, 1.0, low_open=True
        )
    for name, default in params.items():
        if name not in data:
            if default is None:
                raise FaultError(key(name), f"is required for kind {kind.value}")
            values[name] = default
            continue
        value = data[name]
        if name == "status":
            values[name] = _status(key(name), value)
        elif name == "rate":
            values[name] = _number(key(name), value, 0.0, MAX_RATE, low_open=True)
        elif name == "delay":
            values[name] = _number(key(name), value, 0.0, MAX_DELAY, low_open=True)
        elif name == "copies":
            values[name] = _int(key(name), value, 1, MAX_COPIES)
        else:
            values[name] = _int(key(name), value, 1, 2**31 - 1)
    return Fault(kind, **values)  # type: ignore[arg-type]
