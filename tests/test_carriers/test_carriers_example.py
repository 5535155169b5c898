"""docs/example-carriers.toml loads, and behaves as docs/carriers.md says it does."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from carriers import CarriersConfig, Compliance, HandsetSimulator, Network, Numbers, plan_mo
from carriers.config import OverThroughput
from pdu.enums import CommandStatus, MessageState
from pdu.segment import SegmentMethod
from smsc.config import load_document
from smsc.model import Direction, Message

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "example-carriers.toml"
NOW = 1_700_000_000.0


def load_carriers(path: Path) -> CarriersConfig:
    return load_document(path).carriers


def mt(source: str, destination: str) -> Message:
    return Message("1", Direction.MT, "acme", 1, 1, source, 1, 1, destination, 0, 0, 1, b"x", NOW)


def test_example_loads_with_every_table() -> None:
    config = load_carriers(EXAMPLE)
    assert [c.name for c in config.carriers] == ["Vodafone UK", "EE", "everyone else"]
    assert [n.number for n in config.numbers] == [
        "12345",
        "447700100200",
        "18005550100",
        "55555",
        "77777",
    ]
    assert [r.name for r in config.handset_rules] == [
        "confirm appointment",
        "join the club",
        "nps",
        "nps later",
        "chatty",
    ]
    assert [s.name for s in config.handset_scripts] == ["reschedule"]
    assert config.handsets.out_of_order == 0.1


def test_example_behaves_as_documented() -> None:
    config = load_carriers(EXAMPLE)
    numbers = Numbers(config)
    compliance = Compliance(numbers)
    network = Network(config, compliance=compliance)
    handsets = HandsetSimulator(config, network)
    rng = random.Random(2024)

    assert network.carrier_for("447700900123").name == "Vodafone UK"
    assert network.carrier_for("447900900123").name == "EE"
    assert network.carrier_for("4915112345678").name == "everyone else"
    assert network.mo_segmentation("447900900123") is SegmentMethod.SAR
    unknown = network.outcome(mt("12345", "447700900912"), NOW, rng)
    assert unknown.reject_status == CommandStatus.ESME_RINVDSTADR

    assert numbers.route_mo("55555", "Repair bath tap").account == "plumbco"
    assert numbers.route_mo("55555", "repair door").account == "repairco"
    assert numbers.route_mo("55555", "hello").account == "aggregator"

    handset = "447700900123"
    stop = plan_mo(compliance, handset, "12345", "stop", NOW)
    assert stop.forward
    assert stop.account == "acme"
    refused = network.outcome(mt("12345", handset), NOW, rng)
    assert (refused.state, refused.error_code) == (MessageState.REJECTED, 13)

    # the club: refused until the handset joins and confirms
    club = network.outcome(mt("77777", handset), NOW, rng)
    assert club.reject_status == CommandStatus.ESME_RINVDSTADR
    assert "reply YES" in plan_mo(compliance, handset, "77777", "JOIN", NOW).replies[0].text
    plan_mo(compliance, handset, "77777", "YES", NOW + 30)
    assert compliance.mt_allowed("77777", handset)

    chatty = handsets.on_mt("12345", handset, "Please tell us more", NOW, rng)
    assert len(chatty) == 1
    assert chatty[0].destination_addr == "12345"
    assert {p.total for p in chatty[0].parts} == {2}


def test_example_two_way_behaves_as_documented() -> None:
    config = load_carriers(EXAMPLE)
    network = Network(config)
    handsets = HandsetSimulator(config, network)
    rng = random.Random(7)

    caps = {n.number: n.cap for n in config.numbers}
    assert caps["447700100200"] == (1.0, OverThroughput.QUEUE)  # long_code's default
    assert caps["18005550100"] == (10, OverThroughput.THROTTLE)  # its own keys
    assert caps["55555"] == (100.0, OverThroughput.QUEUE)
    assert caps["12345"] is None  # no type: no cap
    queued = [network.outcome(mt("447700100200", "33612345678"), NOW, rng) for _ in range(3)]
    assert [o.delay for o in queued] == [1.0, 2.0, 3.0]  # one a second, plus the latency

    # the survey: about 70% answer the first rule, a score by weight; of the rest, the second
    # rule answers one in ten
    asked = "How likely are you to recommend us? Reply 0-10"
    answers: Counter[tuple[str | None, str]] = Counter()
    for i in range(2000):
        for reply in handsets.on_mt("12345", f"3361234{i:04d}", asked, NOW, rng):
            answers[reply.rule, reply.text] += 1
    scores = {text for rule, text in answers if rule == "nps"}
    assert scores == {"10", "9", "8", "7", "6", "5", "3", "0"}
    assert 1300 < sum(n for (rule, _), n in answers.items() if rule == "nps") < 1500
    assert 20 < answers["nps later", "Who is this?"] < 100

    # the reschedule script, for a handset it covers
    handset = "447700900223"
    handsets.on_mt("12345", handset, "Reply 1 to confirm, 2 to reschedule", NOW, rng)
    run = handsets.scripts.get(handset, "12345")
    assert run is not None
    assert run.state in {"offered", "reminded"}  # answered "2", or went quiet or sent STOP
