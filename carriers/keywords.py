"""Compliance keywords as carriers and aggregators apply them, and the opt-out list.

An MO whose whole text is one compliance keyword (case-insensitive, surrounding punctuation
ignored: "Stop." counts, "stop sending me these" does not) is acted on for the number it was
sent to:

* STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT: the handset is opted out of that number
  (and its subscription, if any, ends); it gets the stop reply.
* START, UNSTOP: opted back in; the start reply.
* YES: confirms a pending double opt-in (JOIN) or, for an opted-out handset, acts as START;
  otherwise it is an ordinary answer and nothing happens here.
* HELP, INFO: the help reply.
* JOIN (when the number's ``opt_in`` is "single" or "double"): subscribed at once, or asked
  to reply YES within ``confirm_window``.

The MO still goes to the owner unless the number's ``forward`` is false. MT from a number to
a handset that opted out of it (or, with ``require_opt_in``, never joined) is refused: see
``Compliance.mt_allowed`` and ``mt_refusal``, which ``carriers.network.Network`` asks.

The opt-out and subscription sets are ``OptOuts``: the in-memory one here, or one the store
persists with the same four methods. Time comes in as ``now``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from .config import ComplianceConfig, OptedOutMode, OptInMode, normalize_number
from .numbers import Numbers, Route, words

__all__ = [
    "Action",
    "Compliance",
    "ComplianceResult",
    "MemoryOptOuts",
    "MoPlan",
    "OptOuts",
    "Reply",
    "plan_mo",
]


class OptOuts(Protocol):
    """A set of (handset, sender) pairs; the store implements it to persist them."""

    def add(self, handset: str, sender: str) -> None: ...

    def remove(self, handset: str, sender: str) -> None: ...

    def contains(self, handset: str, sender: str) -> bool: ...

    def list(self) -> list[tuple[str, str]]:
        """Every (handset, sender) pair, sorted."""
        ...

    def clear(self) -> None:
        """Remove every pair."""
        ...


class MemoryOptOuts:
    __slots__ = ("_pairs",)

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._pairs: set[tuple[str, str]] = set(pairs)

    def add(self, handset: str, sender: str) -> None:
        self._pairs.add((handset, sender))

    def remove(self, handset: str, sender: str) -> None:
        self._pairs.discard((handset, sender))

    def contains(self, handset: str, sender: str) -> bool:
        return (handset, sender) in self._pairs

    def list(self) -> list[tuple[str, str]]:
        return sorted(self._pairs)

    def clear(self) -> None:
        self._pairs.clear()


class Action(Enum):
    STOP = "stop"
    START = "start"
    HELP = "help"
    JOIN = "join"  # subscribed (single opt-in)
    CONFIRM_REQUESTED = "confirm_requested"  # JOIN with double opt-in: YES awaited
    CONFIRMED = "confirmed"  # the YES of a double opt-in


@dataclass(frozen=True, slots=True)
class Reply:
    """A text the network sends back to the handset, from the number it wrote to."""

    source_addr: str  # our number
    destination_addr: str  # the handset
    text: str


@dataclass(frozen=True, slots=True)
class ComplianceResult:
    action: Action | None  # None: not a compliance keyword, nothing done
    replies: tuple[Reply, ...] = ()
    forward: bool = True  # the MO still goes to the number's owner
    opted_out: bool = False  # this MO put (handset, number) on the opt-out list
    opted_in: bool = False  # ... took it off
    subscribed: bool = False  # ... subscribed the handset (JOIN, or YES to confirm)


_NOTHING = ComplianceResult(None)


class Compliance:
    def __init__(
        self,
        numbers: Numbers,
        opt_outs: OptOuts | None = None,
        subscriptions: OptOuts | None = None,
    ) -> None:
        self.numbers = numbers
        self.opt_outs: OptOuts = opt_outs if opt_outs is not None else MemoryOptOuts()
        self.subscriptions: OptOuts = (
            subscriptions if subscriptions is not None else MemoryOptOuts()
        )
        # (handset, number) -> deadline of a double opt-in's YES; lost on restart, as a
        # pending confirmation is short-lived.
        self._pending: dict[tuple[str, str], float] = {}

    def _keyword(self, cfg: ComplianceConfig, text: str) -> str | None:
        w = words(text)
        if len(w) != 1:
            return None
        word = w[0]
        for group, keywords in (
            ("stop", cfg.stop_keywords),
            ("start", cfg.start_keywords),
            ("yes", cfg.yes_keywords),
            ("help", cfg.help_keywords),
            ("join", cfg.join_keywords),
        ):
            if word in keywords:
                return group
        return None

    def handle_mo(self, handset: str, number: str, text: str, now: float) -> ComplianceResult:
        handset = normalize_number(handset)
        number = normalize_number(number)
        cfg = self.numbers.compliance_for(number)
        group = self._keyword(cfg, text)
        if group is None:
            return _NOTHING
        key = (handset, number)

        def result(action: Action, reply: str, **changes: bool) -> ComplianceResult:
            return ComplianceResult(
                action, (Reply(number, handset, reply),), cfg.forward, **changes
            )

        if group == "stop":
            self.opt_outs.add(handset, number)
            self.subscriptions.remove(handset, number)
            self._pending.pop(key, None)
            return result(Action.STOP, cfg.stop_reply, opted_out=True)
        if group == "help":
            return result(Action.HELP, cfg.help_reply)
        if group == "yes":
            deadline = self._pending.pop(key, None)
            if deadline is not None and now <= deadline:
                self.subscriptions.add(handset, number)
                self.opt_outs.remove(handset, number)
                return result(Action.CONFIRMED, cfg.join_reply, subscribed=True, opted_in=True)
            if not self.opt_outs.contains(handset, number):
                return _NOTHING  # an ordinary "YES" for the owner
            group = "start"
        if group == "start":
            self.opt_outs.remove(handset, number)
            if cfg.opt_in is not OptInMode.NONE:
                self.subscriptions.add(handset, number)
            return result(Action.START, cfg.start_reply, opted_in=True)
        # JOIN
        if cfg.opt_in is OptInMode.NONE:
            return _NOTHING
        if cfg.opt_in is OptInMode.SINGLE:
            self.subscriptions.add(handset, number)
            self.opt_outs.remove(handset, number)
            return result(Action.JOIN, cfg.join_reply, subscribed=True, opted_in=True)
        self._pending[key] = now + cfg.confirm_window
        return result(Action.CONFIRM_REQUESTED, cfg.confirm_prompt)

    def mt_allowed(self, sender: str, handset: str) -> bool:
        """Whether an MT from ``sender`` (source_addr) may go to ``handset``."""
        sender = normalize_number(sender)
        handset = normalize_number(handset)
        if self.opt_outs.contains(handset, sender):
            return False
        cfg = self.numbers.compliance_for(sender)
        return not cfg.require_opt_in or self.subscriptions.contains(handset, sender)

    def mt_refusal(self, sender: str, handset: str) -> tuple[OptedOutMode, int, int] | None:
        """None when allowed, else how the sender's number refuses it: (mode, command_status
        for "reject", err code for the REJECTD receipt)."""
        if self.mt_allowed(sender, handset):
            return None
        cfg = self.numbers.compliance_for(sender)
        return cfg.opted_out, int(cfg.opted_out_status), cfg.opted_out_error

    def expire_pending(self, now: float) -> None:
        """Forget double opt-ins whose YES did not come in time (bounded memory)."""
        for key in [k for k, deadline in self._pending.items() if deadline < now]:
            del self._pending[key]


@dataclass(frozen=True, slots=True)
class MoPlan:
    """Everything the core does with one MO: deliver it (to ``account``; None with
    ``forward`` means any receiver bind, development routing) and send ``replies``."""

    forward: bool
    account: str | None
    replies: tuple[Reply, ...]
    route: Route
    compliance: ComplianceResult


def plan_mo(compliance: Compliance, handset: str, number: str, text: str, now: float) -> MoPlan:
    """Compliance first, then keyword routing; a keyword's auto-reply only when compliance
    did not answer already."""
    result = compliance.handle_mo(handset, number, text, now)
    route = compliance.numbers.route_mo(number, text)
    replies = result.replies
    if result.action is None and route.auto_reply is not None:
        replies = (Reply(normalize_number(number), normalize_number(handset), route.auto_reply),)
    forward = result.forward and route.delivered
    return MoPlan(forward, route.account, replies, route, result)
