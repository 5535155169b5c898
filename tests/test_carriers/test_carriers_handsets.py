"""Simulated handsets: rules, probabilities, delays, and long replies in parts with faults."""

from __future__ import annotations

import random
import tomllib
from collections import Counter

import pytest

from carriers.config import CarriersConfig, HandsetSettings
from carriers.handsets import Fault, HandsetSimulator, ScheduledReply
from carriers.network import Network
from pdu import text as pdu_text
from pdu.reassembly import Reassembler, concat_info
from smsc.config import carriers_from_dict

NOW = 1_700_000_000.0
HANDSET = "447700900123"
LONG = "I can make it on Tuesday afternoon, but only after three o'clock. " * 4  # 268 chars

RULES = """
[[carriers]]
name = "sar-carrier"
prefixes = ["4477009002"]
mo_segmentation = "sar"
[[carriers]]
name = "udh16-carrier"
prefixes = ["4477009003"]
mo_segmentation = "udh16"

[[handset_rules]]
name = "confirm"
match = "reply 1 to confirm"
reply = "1"
probability = 0.7
delay = { kind = "uniform", min = 2, max = 30 }

[[handset_rules]]
name = "long"
regex = '^Tell us more'
reply = "REPLACE"

[[handset_rules]]
name = "french only"
match = "bonjour"
reply = "Oui"
handsets = ["33*"]
"""


def config(faults: str = "") -> CarriersConfig:
    return carriers_from_dict(tomllib.loads(RULES.replace("REPLACE", LONG) + faults))


def sim(faults: str = "") -> HandsetSimulator:
    cfg = config(faults)
    return HandsetSimulator(cfg, Network(cfg))


def reassemble(reply: ScheduledReply) -> str | None:
    r: Reassembler[str] = Reassembler(timeout=60)
    whole: bytes | None = None
    for p in reply.parts:
        tlv = p.tlvs()
        info = concat_info(
            p.esm_class,
            p.short_message,
            tlv.get("sar_msg_ref_num"),  # type: ignore[arg-type]
            tlv.get("sar_total_segments"),  # type: ignore[arg-type]
            tlv.get("sar_segment_seqnum"),  # type: ignore[arg-type]
        )
        if info is None:
            return pdu_text.decode(p.short_message, reply.data_coding)
        got = r.add(
            reply.source_addr, info.reference, info.total, info.seqnum, info.payload, now=p.due
        )
        whole = got if got is not None else whole
    return None if whole is None else pdu_text.decode(whole, reply.data_coding)


def test_rule_answers_from_the_handset_to_the_sender() -> None:
    s = HandsetSimulator(CarriersConfig(handset_rules=config().handset_rules[1:2]))
    (reply,) = s.on_mt("12345", HANDSET, "Tell us more about your visit", NOW, random.Random(1))
    assert (reply.source_addr, reply.destination_addr) == (HANDSET, "12345")
    assert reply.rule == "long"
    assert reply.text == LONG
    assert reply.due == NOW + 5.0  # the default delay of a rule
    assert reassemble(reply) == LONG


def test_no_rule_matches_no_reply() -> None:
    s = sim()
    rng = random.Random(1)
    assert s.on_mt("12345", HANDSET, "Your code is 1234", NOW, rng) == []
    assert s.on_mt("12345", HANDSET, None, NOW, rng) == []  # binary MT
    assert s.on_mt("12345", HANDSET, "Bonjour", NOW, rng) == []  # not a French handset
    assert s.on_mt("12345", "33612345678", "Bonjour !", NOW, rng)[0].text == "Oui"
    assert HandsetSimulator().on_mt("1", HANDSET, "Reply 1 to confirm", NOW, rng) == []


def test_seventy_percent_answer_within_the_delay_window() -> None:
    s = sim()
    rng = random.Random(99)
    n = 10_000
    replies = [
        s.on_mt("12345", HANDSET, "Appointment at 10. Reply 1 to confirm", NOW, rng)
        for _ in range(n)
    ]
    answered = [r[0] for r in replies if r]
    # binomial, 0.7 of 10,000: a standard deviation of 46, so +-3.3 sd is +-150
    assert abs(len(answered) - 0.7 * n) < 150
    delays = sorted(r.due - NOW for r in answered)
    assert delays[0] >= 2.0
    assert delays[-1] <= 30.0
    assert delays[len(delays) // 2] == pytest.approx(16.0, abs=0.8)
    assert {r.text for r in answered} == {"1"}
    assert all(len(r.parts) == 1 and r.parts[0].short_message == b"1" for r in answered)


def test_same_seed_same_replies() -> None:
    def run(seed: int) -> list[list[ScheduledReply]]:
        s = sim()
        rng = random.Random(seed)
        return [s.on_mt("12345", HANDSET, "reply 1 to confirm", NOW + i, rng) for i in range(200)]

    assert run(5) == run(5)
    assert run(5) != run(6)


@pytest.mark.parametrize(
    ("handset", "sar", "udhi"),
    [("447700900123", False, 0x40), ("447700900299", True, 0), ("447700900399", False, 0x40)],
)
def test_long_replies_are_split_as_the_carrier_does(handset: str, sar: bool, udhi: int) -> None:
    s = sim()
    (reply,) = s.on_mt("12345", handset, "Tell us more", NOW, random.Random(1))
    assert len(reply.parts) == 2
    assert [p.seqnum for p in reply.parts] == [1, 2]
    assert {p.sar for p in reply.parts} == {sar}
    assert {p.esm_class for p in reply.parts} == {udhi}
    assert bool(reply.parts[0].tlvs()) is sar
    assert reply.faults == ()
    assert reassemble(reply) == LONG
    if handset.startswith("4477009003"):
        assert reply.parts[0].short_message[1] == 0x08  # 16-bit reference IE


def test_consecutive_long_replies_use_different_references() -> None:
    s = sim()
    rng = random.Random(1)
    refs = {s.on_mt("1", HANDSET, "Tell us more", NOW, rng)[0].parts[0].reference for _ in range(5)}
    assert len(refs) == 5


def test_faults_missing_duplicate_out_of_order() -> None:
    s = sim()
    rng = random.Random(4)
    for fault, settings in [
        (Fault.MISSING, HandsetSettings(missing_part=1.0)),
        (Fault.DUPLICATE, HandsetSettings(duplicate_part=1.0)),
        (Fault.OUT_OF_ORDER, HandsetSettings(out_of_order=1.0)),
    ]:
        reply = s.segment_mo(HANDSET, "12345", LONG, NOW, rng, settings=settings)
        seqnums = [p.seqnum for p in reply.parts]
        assert reply.faults == (fault,)
        if fault is Fault.MISSING:
            assert len(seqnums) == 1
            assert reassemble(reply) is None  # the ESME never gets the whole message
        elif fault is Fault.DUPLICATE:
            assert sorted(seqnums) == [1, 1, 2] or sorted(seqnums) == [1, 2, 2]
            assert reassemble(reply) == LONG
        else:
            assert seqnums == [2, 1]
            assert reassemble(reply) == LONG


def test_fault_shares_from_config_and_part_gap() -> None:
    s = sim("\n[handsets]\nmissing_part = 0.25\npart_gap = 0.5\n")
    rng = random.Random(8)
    replies = [s.segment_mo(HANDSET, "12345", LONG, NOW, rng) for _ in range(4000)]
    missing = Counter(Fault.MISSING in r.faults for r in replies)
    assert abs(missing[True] - 1000) < 100  # binomial sd 27
    whole = next(r for r in replies if not r.faults)
    assert [p.due for p in whole.parts] == [NOW, NOW + 0.5]


def test_single_part_replies_are_never_faulty() -> None:
    s = HandsetSimulator()
    all_faults = HandsetSettings(missing_part=1, duplicate_part=1, out_of_order=1)
    reply = s.segment_mo(HANDSET, "12345", "YES", NOW, random.Random(1), settings=all_faults)
    assert reply.faults == ()
    assert [(p.short_message, p.esm_class, p.reference) for p in reply.parts] == [(b"YES", 0, None)]


def test_unicode_reply_is_ucs2() -> None:
    reply = HandsetSimulator().segment_mo(HANDSET, "12345", "Да 👍", NOW, random.Random(1))
    assert reply.data_coding == 0x08
    assert reassemble(reply) == "Да 👍"
