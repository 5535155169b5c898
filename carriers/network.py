"""The simulated mobile networks: which carrier serves a number, and what happens to an MT.

``Network`` is a ``carriers.outcome.OutcomeModel``: the core asks it, once per accepted part,
for the final state, the err code, the delay until that state, or a command_status to
refuse the submission with. It decides in this order, the first that applies winning:

1. the sender is refused by compliance (the handset sent STOP to that number);
2. the carrier is down (an outage switched on in config or at run time);
3. the number does not exist;
4. the throughput caps of the sending number (its source_addr, one of ``[[numbers]]``) and
   of the carrier (queue: a later final state; throttle: ESME_RTHROTTLED);
5. the handset is absent: switched off at run time (``set_absent``: it stays away until
   switched back, EXPIRED at the end of validity if it never is), or by the carrier's absent
   model (delivered after the retries, or EXPIRED at the end of validity); either way the
   Outcome says ``absent``, and the core delivers it at once if the handset is switched
   back on first;
6. a final state drawn from the carrier's weights, after a latency drawn from its model.

Pure: time comes in as ``now``, randomness from the ``random.Random`` passed in, so the same
seed and the same calls give the same outcomes. The only state is the throughput caps'
schedules, the outage switches and the handsets switched off.
"""

from __future__ import annotations

import math
import random
from typing import Protocol

from pdu.enums import CommandStatus, MessageState
from pdu.segment import SegmentMethod

from .config import (
    DEFAULT_VALIDITY,
    DELIVER_ALL,
    AbsentHandsets,
    AbsentMode,
    CarrierConfig,
    CarriersConfig,
    FixedLatency,
    OptedOutMode,
    OutageMode,
    OutcomeWeight,
    OverThroughput,
    UnknownMode,
    UnknownNumbers,
    normalize_number,
    numbers_listed,
)
from .outcome import MtMessage, Outcome
from .weighted import Weights

__all__ = ["Carrier", "MtPolicy", "Network"]


class MtPolicy(Protocol):
    """What compliance tells the network about an MT (``carriers.keywords.Compliance``)."""

    def mt_refusal(self, sender: str, handset: str) -> tuple[OptedOutMode, int, int] | None:
        """None if allowed, else (how to refuse, command_status, err code)."""
        ...


class Carrier:
    """One configured carrier with its draw tables precomputed."""

    __slots__ = ("_weights", "config")

    def __init__(self, config: CarrierConfig) -> None:
        self.config = config
        self._weights = Weights([o.weight for o in config.outcomes])

    @property
    def name(self) -> str:
        return self.config.name

    def draw(self, rng: random.Random) -> tuple[OutcomeWeight, int]:
        """A final state by weight, and one of its err codes."""
        chosen = self.config.outcomes[self._weights.draw(rng)]
        errs = chosen.error_codes
        return chosen, errs[0] if len(errs) == 1 else rng.choice(errs)


class Network:
    def __init__(
        self,
        config: CarriersConfig | None = None,
        *,
        compliance: MtPolicy | None = None,
        default_delay: float = 1.0,
        default_validity: float = DEFAULT_VALIDITY,
    ) -> None:
        """``default_delay`` is the latency of the built-in catch-all carrier, used when no
        configured carrier is a catch-all (the server passes its ``receipt_delay``);
        ``default_validity`` is how long an MT without an expiry time may wait for its handset
        (the server passes its ``default_validity``)."""
        self.config = config or CarriersConfig()
        self.default_validity = default_validity
        self.compliance = compliance
        carriers = [Carrier(c) for c in self.config.carriers]
        self.carriers: dict[str, Carrier] = {c.name: c for c in carriers}
        self._by_prefix: dict[str, Carrier] = {}
        catch_all: Carrier | None = None
        for c in carriers:
            if not c.config.prefixes:
                catch_all = c
            for p in c.config.prefixes:
                self._by_prefix[p] = c
        if catch_all is None:
            catch_all = Carrier(CarrierConfig(name="default", latency=FixedLatency(default_delay)))
            self.carriers.setdefault(catch_all.name, catch_all)
        self.catch_all = catch_all
        self._lengths = sorted({len(p) for p in self._by_prefix}, reverse=True)
        self._down: set[str] = {c.name for c in carriers if c.config.outage.down}
        self._absent: set[str] = set()  # handsets switched off at run time
        # Throughput caps: the theoretical arrival time (GCRA) per carrier and per number.
        self._tat: dict[str, float] = {}
        self._number_tat: dict[str, float] = {}
        self._number_caps = {n.number: cap for n in self.config.numbers if (cap := n.cap)}
        # With no carriers configured, every MT is delivered after the same fixed delay: one
        # shared Outcome, without the per-message draws (the server's zero-config hot path).
        self._trivial: Outcome | None = None
        cfg = catch_all.config
        if (
            not self._by_prefix
            and isinstance(cfg.latency, FixedLatency)
            and cfg.outcomes == DELIVER_ALL
            and cfg.throughput is None
            and cfg.absent == AbsentHandsets()
            and cfg.unknown == UnknownNumbers()
        ):
            self._trivial = Outcome(MessageState.DELIVERED, 0, cfg.latency.seconds)

    # -- lookups ----------------------------------------------------------------------------

    def carrier_for(self, number: str) -> Carrier:
        """The carrier of the longest matching prefix, else the catch-all."""
        digits = normalize_number(number)
        for n in self._lengths:
            c = self._by_prefix.get(digits[:n])
            if c is not None:
                return c
        return self.catch_all

    def mo_segmentation(self, handset: str) -> SegmentMethod:
        """How long MO from ``handset`` is split (its carrier's ``mo_segmentation``)."""
        return self.carrier_for(handset).config.mo_segmentation

    # -- outages ----------------------------------------------------------------------------

    def set_outage(self, name: str, down: bool) -> None:
        """Switch a carrier's outage on or off; ValueError for a carrier nobody configured."""
        if name not in self.carriers:
            known = ", ".join(sorted(self.carriers))
            raise ValueError(f"no carrier named {name!r} (known: {known})")
        if down:
            self._down.add(name)
        else:
            self._down.discard(name)

    @property
    def outages(self) -> frozenset[str]:
        return frozenset(self._down)

    # -- handsets switched off ------------------------------------------------------------

    def set_absent(self, handset: str, absent: bool) -> str:
        """Switch a handset off (absent: every MT to it waits, as for an absent subscriber)
        or on again; the number as it is kept (digits only). ValueError for no digits."""
        number = normalize_number(handset)
        if not (number.isascii() and number.isdigit() and len(number) <= 20):
            raise ValueError(f"a handset is a number of up to 20 digits, got {handset!r}")
        if absent:
            self._absent.add(number)
        else:
            self._absent.discard(number)
        return number

    @property
    def absent_handsets(self) -> frozenset[str]:
        return frozenset(self._absent)

    # -- the outcome model ----------------------------------------------------------------

    def outcome(self, message: MtMessage, now: float, rng: random.Random) -> Outcome:
        trivial = self._trivial
        if (
            trivial is not None
            and not self._down
            and not self._absent
            and message.schedule_time is None
            and (
                not self._number_caps
                or normalize_number(message.source_addr) not in self._number_caps
            )
            and (
                self.compliance is None
                or self.compliance.mt_refusal(
                    message.source_addr, normalize_number(message.destination_addr)
                )
                is None
            )
        ):
            return trivial
        handset = normalize_number(message.destination_addr)
        carrier = self.carrier_for(handset)
        cfg = carrier.config
        start = message.schedule_time if message.schedule_time is not None else now
        start = max(start, now)
        expiry = message.expiry_time
        until_expiry = max(
            0.0, (expiry if expiry is not None else start + self.default_validity) - start
        )

        if self.compliance is not None:
            refusal = self.compliance.mt_refusal(message.source_addr, handset)
            if refusal is not None:
                mode, status, err = refusal
                if mode is OptedOutMode.REJECT:
                    return _refused(status)
                return Outcome(MessageState.REJECTED, err, cfg.latency.sample(rng))

        if carrier.name in self._down:
            outage = cfg.outage
            if outage.mode is OutageMode.REJECT:
                return _refused(outage.reject_status)
            if outage.mode is OutageMode.EXPIRE:
                return Outcome(MessageState.EXPIRED, outage.error_code, until_expiry)
            return Outcome(MessageState.UNDELIVERABLE, outage.error_code, cfg.latency.sample(rng))

        unknown = cfg.unknown
        if numbers_listed(unknown.numbers, handset) or _chance(rng, unknown.share):
            if unknown.mode is UnknownMode.REJECT:
                return _refused(unknown.reject_status)
            return Outcome(MessageState.UNDELIVERABLE, unknown.error_code, cfg.latency.sample(rng))

        queued = 0.0
        if start <= now:
            # Future scheduled messages skip the caps: their slot would block today's traffic.
            wait = self._caps(normalize_number(message.source_addr), carrier, now)
            if wait is None:
                return _refused(CommandStatus.ESME_RTHROTTLED)
            queued = wait

        absent = cfg.absent
        if handset in self._absent:
            # Away until switched back on (the core then delivers it at once).
            return Outcome(MessageState.EXPIRED, absent.error_code, until_expiry, absent=True)
        if numbers_listed(absent.numbers, handset) or _chance(rng, absent.share):
            if absent.mode is AbsentMode.EXPIRE:
                return Outcome(MessageState.EXPIRED, absent.error_code, until_expiry, absent=True)
            delay = queued + cfg.latency.sample(rng) + absent.retries * absent.retry_interval
            if delay > until_expiry:
                return Outcome(MessageState.EXPIRED, absent.error_code, until_expiry, absent=True)
            return Outcome(MessageState.DELIVERED, 0, delay, absent=True)

        chosen, err = carrier.draw(rng)
        return Outcome(chosen.state, err, queued + cfg.latency.sample(rng))

    def _caps(self, sender: str, carrier: Carrier, now: float) -> float | None:
        """Queueing delay under the sending number's cap and then the carrier's, or None when
        one that throttles has no room (then neither counts the message)."""
        wait = 0.0
        number_tat = carrier_tat = None
        cap = self._number_caps.get(sender)
        if cap is not None:
            number_wait, number_tat = _slot(self._number_tat.get(sender), *cap, now)
            if number_wait is None:
                return None
            wait = number_wait
        cfg = carrier.config
        if cfg.throughput is not None:
            # The message reaches the carrier's link once the number's queue lets it go.
            carrier_wait, carrier_tat = _slot(
                self._tat.get(carrier.name), cfg.throughput, cfg.over_throughput, now + wait
            )
            if carrier_wait is None:
                return None
            wait += carrier_wait
        if number_tat is not None:
            self._number_tat[sender] = number_tat
        if carrier_tat is not None:
            self._tat[carrier.name] = carrier_tat
        return wait


def _slot(
    tat: float | None, throughput: float, over: OverThroughput, at: float
) -> tuple[float | None, float]:
    """One message arriving at ``at`` under a cap (GCRA, a burst of one second's worth):
    (its queueing delay, or None when the cap throttles and it does not fit; the
    theoretical arrival time to keep if it is taken)."""
    interval = 1.0 / throughput
    tolerance = (math.ceil(throughput) - 1) * interval
    tat = at if tat is None else max(tat, at)
    if over is OverThroughput.THROTTLE:
        if tat - at > tolerance:
            return None, tat
        return 0.0, tat + interval
    return max(0.0, tat - tolerance - at), tat + interval


def _refused(status: int) -> Outcome:
    return Outcome(MessageState.REJECTED, 0, 0.0, reject_status=int(status))


def _chance(rng: random.Random, share: float) -> bool:
    # No draw for a share of 0: adding a carrier without faults leaves other draws alone.
    return share > 0 and rng.random() < share
