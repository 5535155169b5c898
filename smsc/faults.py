"""Faults on demand: what a misbehaving SMSC or network does, switched on by config or API.

A ``Fault`` is one record (kind, scope, parameters, probability), never a subclass: the core
asks the ``Faults`` registry at a few hook points (a bind, a submission, a receipt, a
delivery queued) and acts on the answer. Several faults can be active at once; for a given
hook the faults are tried in id order and the first that fires decides.

Pure: time and randomness are passed in (the core's seeded ``random.Random``), so the same
seed and traffic give the same faults. A fault with probability 1 draws no random number,
so switching one on does not shift the other seeded models. A fault is read from a
``[[faults]]`` table or an API body by ``smsc.config.fault_from_dict``.
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from pdu.enums import CommandStatus

from .throttle import RateLimiter

__all__ = ["PARAMETERS", "SESSION_KINDS", "Fault", "FaultKind", "Faults", "SubmitAction"]


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
        """The JSON form the API shows and accepts (``smsc.config.fault_from_dict`` reads it
        back)."""
        out: dict[str, object] = {"id": self.id, "kind": self.kind.value}
        if self.account is not None:
            out["account"] = self.account
        if self.prefix is not None:
            out["prefix"] = self.prefix
        out["probability"] = self.probability
        for name in PARAMETERS[self.kind]:
            value = getattr(self, name)
            if name == "status":  # by name when it has one, so that it reads back
                status = CommandStatus(value).name
                value = status if status in CommandStatus.__members__ else value
            out[name] = value
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
