"""Simulated handsets that answer MT, so two-way flows can be tested at scale.

``HandsetSimulator.on_mt`` looks at an MT the network delivered to a handset: the first
handset rule (config order) that matches decides (a rule whose ``handsets`` do not include
this handset does not match, so later rules are tried). With the rule's probability the
handset answers, one of the rule's replies drawn by weight, after a delay drawn from the
rule's latency model. A rule that matches but loses the probability draw stays silent (later
rules are not tried), so "70% answer 1" means exactly that; with ``fallthrough`` the next
matching rule is tried instead. A handset and number that a conversation script covers
follow the script instead (``carriers.scripts``), not the rules.

The answer is an MO from the handset to the number the MT came from. A reply too long for
one SMS is split as the handset's carrier does (UDH with an 8- or 16-bit reference, or SAR
TLVs: ``mo_segmentation``), and each long reply may, by the ``[handsets]`` shares, lose a
part, repeat one, or arrive out of order: the ESME's reassembly is what is being tested.
(An MO injected through the API is split the same way, by its handset's carrier unless the
request names a method, but without these faults: the core does that.)

Pure: time comes in as ``now``, randomness from the ``random.Random`` passed in.
Concatenation references come from a counting allocator, so consecutive long replies never
share one until it wraps.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import Enum

from pdu.segment import (
    CounterReferenceAllocator,
    Part,
    ReferenceAllocator,
    SegmentMethod,
    segment_text,
)

from .config import CarriersConfig, HandsetSettings, normalize_number
from .network import Network
from .scripts import Scripts
from .weighted import Weights

__all__ = ["Fault", "HandsetSimulator", "ReplyPart", "ScheduledReply"]

ESM_CLASS_UDHI = 0x40


class Fault(Enum):
    MISSING = "missing"  # one part never arrives
    DUPLICATE = "duplicate"  # one part arrives twice
    OUT_OF_ORDER = "out_of_order"  # parts arrive shuffled


@dataclass(frozen=True, slots=True)
class ReplyPart:
    """One deliver_sm's worth of an MO, in the order the network delivers them."""

    due: float
    short_message: bytes  # UDH included when esm_class has UDHI
    esm_class: int  # 0x40 (UDHI) for a UDH part, else 0
    seqnum: int  # 1-based position in the message
    total: int
    reference: int | None  # concatenation reference; None for a single-part message
    sar: bool  # the concatenation is in sar_* TLVs rather than a UDH

    def tlvs(self) -> dict[str, object]:
        """The TLVs to put on the deliver_sm (``Smsc.inject_mo(tlvs=...)``)."""
        if not self.sar or self.reference is None:
            return {}
        return {
            "sar_msg_ref_num": self.reference,
            "sar_total_segments": self.total,
            "sar_segment_seqnum": self.seqnum,
        }


@dataclass(frozen=True, slots=True)
class ScheduledReply:
    due: float  # when the first part reaches the SMSC
    source_addr: str  # the handset
    destination_addr: str  # the number the MT came from
    text: str
    data_coding: int
    parts: tuple[ReplyPart, ...]  # delivery order, faults applied
    faults: tuple[Fault, ...] = ()
    rule: str | None = None  # the handset rule that answered
    script: str | None = None  # or the conversation script


class HandsetSimulator:
    def __init__(
        self,
        config: CarriersConfig | None = None,
        network: Network | None = None,
        allocator: ReferenceAllocator | None = None,
    ) -> None:
        self.config = config or CarriersConfig()
        self.network = network if network is not None else Network(self.config)
        self.allocator: ReferenceAllocator = allocator or CounterReferenceAllocator()
        self.scripts = Scripts(self.config.handset_scripts)
        self._scripted = bool(self.config.handset_scripts)
        self._answers = self._scripted or bool(self.config.handset_rules)  # else: no work per MT
        self._rules = [
            (r, Weights([c.weight for c in r.replies]) if len(r.replies) > 1 else None)
            for r in self.config.handset_rules
        ]

    def on_mt(
        self,
        source_addr: str,
        destination_addr: str,
        text: str | None,
        now: float,
        rng: random.Random,
    ) -> list[ScheduledReply]:
        """Replies of the handset ``destination_addr`` to an MT from ``source_addr`` that
        reached it at ``now``. ``text`` None (binary content) matches no rule."""
        if text is None or not self._answers:
            return []
        handset = normalize_number(destination_addr)
        if self._scripted:
            answer = self.scripts.on_mt(source_addr, handset, text, now, rng)
            if answer is not None:  # the script covers this handset: the rules do not answer
                if answer.text is None:
                    return []
                due = now + answer.delay
                return [
                    self.segment_mo(
                        handset, source_addr, answer.text, due, rng, script=answer.script
                    )
                ]
        for rule, weights in self._rules:
            if not rule.matches(handset, text):
                continue
            if rule.probability < 1.0 and rng.random() >= rule.probability:
                if rule.fallthrough:
                    continue
                return []
            # One reply needs no draw: a seed replays the same run as before replies existed.
            i = 0 if weights is None else weights.draw(rng)
            due = now + rule.delay.sample(rng)
            reply = rule.replies[i].text
            return [self.segment_mo(handset, source_addr, reply, due, rng, rule=rule.name)]
        return []

    def segment_mo(
        self,
        handset: str,
        number: str,
        text: str,
        due: float,
        rng: random.Random,
        *,
        rule: str | None = None,
        script: str | None = None,
        settings: HandsetSettings | None = None,
    ) -> ScheduledReply:
        """An MO from ``handset`` to ``number`` as the parts the network delivers; faults by
        ``settings`` (the config's ``[handsets]`` when None)."""
        handset = normalize_number(handset)
        method = self.network.mo_segmentation(handset)
        segmented = segment_text(text, None, method, allocator=self.allocator)
        sar = method is SegmentMethod.SAR
        total = len(segmented.parts)
        parts = [_reply_part(p, seqnum, total, sar) for seqnum, p in enumerate(segmented.parts, 1)]
        faults: list[Fault] = []
        if total > 1:
            parts, faults = _faults(parts, settings or self.config.handsets, rng)
        gap = (settings or self.config.handsets).part_gap
        timed = tuple(ReplyPart(due + i * gap, *_fields(p)) for i, p in enumerate(parts))
        return ScheduledReply(
            due,
            handset,
            normalize_number(number),
            text,
            segmented.data_coding,
            timed,
            tuple(faults),
            rule,
            script,
        )


def _reply_part(part: Part, seqnum: int, total: int, sar: bool) -> ReplyPart:
    if total == 1:
        return ReplyPart(0.0, part.short_message, 0, 1, 1, None, False)
    if sar:
        return ReplyPart(0.0, part.short_message, 0, seqnum, total, part.sar_msg_ref_num, True)
    # UDH parts: UDHL, IEI (0x00 8-bit / 0x08 16-bit), IEDL, then the reference.
    udh = part.short_message
    reference = udh[3] if udh[1] == 0x00 else int.from_bytes(udh[3:5], "big")
    return ReplyPart(0.0, udh, ESM_CLASS_UDHI, seqnum, total, reference, False)


def _fields(p: ReplyPart) -> tuple[bytes, int, int, int, int | None, bool]:
    return (p.short_message, p.esm_class, p.seqnum, p.total, p.reference, p.sar)


def _faults(
    parts: list[ReplyPart], settings: HandsetSettings, rng: random.Random
) -> tuple[list[ReplyPart], list[Fault]]:
    faults: list[Fault] = []
    # A share of 0 draws nothing, so enabling one fault leaves the other draws alone.
    if settings.missing_part and rng.random() < settings.missing_part:
        del parts[rng.randrange(len(parts))]
        faults.append(Fault.MISSING)
    if settings.duplicate_part and rng.random() < settings.duplicate_part:
        i = rng.randrange(len(parts))
        parts.insert(i + 1, parts[i])
        faults.append(Fault.DUPLICATE)
    if settings.out_of_order and len(parts) > 1 and rng.random() < settings.out_of_order:
        before = list(parts)
        rng.shuffle(parts)
        if parts == before:  # a shuffle may leave them in order; out of order means not
            parts.reverse()
        faults.append(Fault.OUT_OF_ORDER)
    return parts, faults
