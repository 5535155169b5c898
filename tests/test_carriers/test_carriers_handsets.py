"""Simulated handsets: rules, probabilities, delays, and long replies in parts with faults."""

from __future__ import annotations

import random
import tomllib
from collections import Counter

import pytest

from carriers.config import (
    CarriersConfig,
    FixedLatency,
    HandsetRule,
    HandsetSettings,
    WeightedReply,
)
from carriers.handsets import Fault, HandsetSimulator, ScheduledReply
from carriers.network import Network
from pdu import text as pdu_text
from pdu.reassembly import Reassembler, concat_info
from smsc.config import carriers_from_dict
from tests.stats import chi_square

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


# -- weighted replies and fallthrough --------------------------------------------------------

# An NPS survey: scores 0-10, most people passive or promoters, a few detractors.
NPS_WEIGHTS = {0: 1, 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 6, 7: 12, 8: 21, 9: 24, 10: 26}
NPS_ASK = "How likely are you to recommend us? Reply 0-10"


def nps_rule(**changes: object) -> HandsetRule:
    fields: dict[str, object] = {
        "name": "nps",
        "replies": tuple(WeightedReply(str(s), w) for s, w in NPS_WEIGHTS.items()),
        "substring": "recommend us",
        "probability": 0.7,
    }
    fields.update(changes)
    return HandsetRule(**fields)  # type: ignore[arg-type]


def test_an_nps_survey_of_200_handsets_gives_the_configured_distribution() -> None:
    """Seeded: 200 handsets asked once; the answers (no answer being a category of its own,
    expected 30%) pass Pearson's chi-square test against the configured weights at
    alpha = 0.01, cells expected below 5 pooled with their neighbours."""
    s = HandsetSimulator(CarriersConfig(handset_rules=(nps_rule(),)))
    rng = random.Random(2024)
    answers = Counter[str]()
    for i in range(200):
        replies = s.on_mt("12345", f"4477009{i:05d}", NPS_ASK, NOW, rng)
        answers[replies[0].text if replies else "none"] += 1
    total = sum(NPS_WEIGHTS.values())
    cells = ["none", *map(str, NPS_WEIGHTS)]
    expected = [200 * 0.3] + [200 * 0.7 * w / total for w in NPS_WEIGHTS.values()]
    _, df, p = chi_square([answers[c] for c in cells], expected)
    assert df >= 5  # enough cells survive pooling for the test to say something
    assert p > 0.01, (answers, p)
    assert set(answers) <= set(cells)


def test_weighted_draw_is_not_blind_to_a_wrong_distribution() -> None:
    """The same test rejects the draw when held against weights it was not configured with
    (reversed scores): the check above can fail."""
    s = HandsetSimulator(CarriersConfig(handset_rules=(nps_rule(probability=1.0),)))
    rng = random.Random(2024)
    got = Counter(s.on_mt("1", HANDSET, NPS_ASK, NOW, rng)[0].text for _ in range(200))
    wrong = list(reversed(NPS_WEIGHTS.values()))
    expected = [200 * w / sum(wrong) for w in wrong]
    _, _, p = chi_square([got[str(k)] for k in NPS_WEIGHTS], expected)
    assert p < 1e-6


def test_a_weight_of_zero_is_never_drawn() -> None:
    rule = nps_rule(
        replies=(WeightedReply("A", 0), WeightedReply("B", 1), WeightedReply("C", 0)),
        probability=1.0,
    )
    s = HandsetSimulator(CarriersConfig(handset_rules=(rule,)))
    rng = random.Random(3)
    assert {s.on_mt("1", HANDSET, NPS_ASK, NOW, rng)[0].text for _ in range(2000)} == {"B"}


def test_a_rule_that_loses_its_draw_stays_silent_unless_it_falls_through() -> None:
    backup = HandsetRule(
        name="second",
        replies=(WeightedReply("later"),),
        substring="recommend",
        delay=FixedLatency(60),
    )
    for fallthrough, expected in ((False, {"none"}), (True, {"later"})):
        first = nps_rule(name="first", probability=0.5, fallthrough=fallthrough)
        s = HandsetSimulator(CarriersConfig(handset_rules=(first, backup)))
        rng = random.Random(11)
        lost = Counter[str]()
        for _ in range(400):
            (reply,) = s.on_mt("1", HANDSET, NPS_ASK, NOW, rng) or [None]
            if reply is None or reply.rule == "second":
                lost[reply.text if reply else "none"] += 1
            else:
                assert reply.rule == "first"
        assert set(lost) == expected
        assert 150 < sum(lost.values()) < 250  # about half lose the 50% draw


def test_a_handsets_filter_that_excludes_the_handset_lets_later_rules_answer() -> None:
    french = HandsetRule(
        name="french", replies=(WeightedReply("Oui"),), substring="?", handsets=("33*",)
    )
    anyone = HandsetRule(name="anyone", replies=(WeightedReply("Yes"),), substring="?")
    s = HandsetSimulator(CarriersConfig(handset_rules=(french, anyone)))
    rng = random.Random(1)
    assert s.on_mt("1", "33612345678", "Ready?", NOW, rng)[0].text == "Oui"
    assert s.on_mt("1", HANDSET, "Ready?", NOW, rng)[0].text == "Yes"


def test_a_single_reply_draws_nothing_more_than_before() -> None:
    """A rule with one reply takes no weight draw: the seeded run stays as it was."""
    one = nps_rule(replies=(WeightedReply("9"),))
    s = HandsetSimulator(CarriersConfig(handset_rules=(one,)))
    rng = random.Random(5)
    s.on_mt("1", HANDSET, NPS_ASK, NOW, rng)
    mirror = random.Random(5)
    mirror.random()  # the probability draw
    assert rng.random() == mirror.random()
