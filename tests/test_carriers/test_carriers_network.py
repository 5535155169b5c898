"""Network: carriers by prefix, seeded outcome and latency distributions, throughput cap,
outages, absent handsets and numbers that do not exist."""

from __future__ import annotations

import random
import statistics
import tomllib
from collections import Counter

import pytest

from carriers.config import CarriersConfig, OptedOutMode
from carriers.network import Network
from carriers.outcome import Outcome, OutcomeModel
from pdu.enums import CommandStatus, MessageState
from pdu.segment import SegmentMethod
from smsc.config import carriers_from_dict
from smsc.model import Direction, Message

NOW = 1_700_000_000.0
# Chi-square critical values at p = 0.001 by degrees of freedom: a correct model fails one
# seed in a thousand, and the seed is fixed, so the test is deterministic.
CHI2_CRITICAL_001 = {1: 10.828, 2: 13.816, 6: 22.458}


def config(text: str) -> CarriersConfig:
    return carriers_from_dict(tomllib.loads(text))


def mt(destination: str = "447700900123", *, source: str = "ACME", **kw: object) -> Message:
    msg = Message(
        message_id="1",
        direction=Direction.MT,
        account="acme",
        source_addr_ton=1,
        source_addr_npi=1,
        source_addr=source,
        dest_addr_ton=1,
        dest_addr_npi=1,
        destination_addr=destination,
        esm_class=0,
        data_coding=0,
        registered_delivery=1,
        short_message=b"hi",
        submit_time=NOW,
    )
    for k, v in kw.items():
        setattr(msg, k, v)
    return msg


def chi_square(observed: Counter[object], expected: dict[object, float]) -> float:
    n = sum(observed.values())
    total = sum(expected.values())
    return sum((observed[k] - n * w / total) ** 2 / (n * w / total) for k, w in expected.items())


TWO_CARRIERS = """
[[carriers]]
name = "uk"
prefixes = ["44"]
[[carriers]]
name = "uk-vodafone"
prefixes = ["447700", "447701"]
mo_segmentation = "sar"
[[carriers]]
name = "rest"
latency = { kind = "fixed", seconds = 7 }
"""


def test_network_is_an_outcome_model() -> None:
    model: OutcomeModel = Network()
    assert isinstance(model.outcome(mt(), NOW, random.Random(1)), Outcome)


def test_zero_config_delivers_everything_after_the_default_delay() -> None:
    net = Network(default_delay=2.5)
    rng = random.Random(1)
    for dest in ("447700900123", "15551234567", "12345"):
        assert net.outcome(mt(dest), NOW, rng) == Outcome(MessageState.DELIVERED, 0, 2.5)


def test_longest_prefix_wins_and_the_rest_goes_to_the_catch_all() -> None:
    net = Network(config(TWO_CARRIERS))
    assert net.carrier_for("447700900123").name == "uk-vodafone"
    assert net.carrier_for("+447701000000").name == "uk-vodafone"
    assert net.carrier_for("447800900123").name == "uk"
    assert net.carrier_for("33612345678").name == "rest"
    assert net.carrier_for("4477").name == "uk"  # shorter than the longer prefix
    assert net.mo_segmentation("447700900123") is SegmentMethod.SAR
    assert net.mo_segmentation("447800900123") is SegmentMethod.UDH_8BIT_REF
    assert net.outcome(mt("33612345678"), NOW, random.Random(1)).delay == 7.0


def test_without_a_configured_catch_all_the_builtin_one_delivers() -> None:
    net = Network(config('[[carriers]]\nname = "uk"\nprefixes = ["44"]\n'), default_delay=1.0)
    assert net.carrier_for("33612345678").name == "default"
    assert net.outcome(mt("33612345678"), NOW, random.Random(1)).state is MessageState.DELIVERED


WEIGHTED = """
[[carriers]]
name = "weighted"
latency = { kind = "lognormal", median = 2.0, sigma = 0.5 }
[[carriers.outcomes]]
state = "DELIVRD"
weight = 70
[[carriers.outcomes]]
state = "UNDELIV"
weight = 10
err = [1, 34]
[[carriers.outcomes]]
state = "EXPIRED"
weight = 5
err = 27
[[carriers.outcomes]]
state = "REJECTD"
weight = 5
[[carriers.outcomes]]
state = "DELETED"
weight = 3
[[carriers.outcomes]]
state = "UNKNOWN"
weight = 2
[[carriers.outcomes]]
state = "ACCEPTD"
weight = 5
"""


def test_outcomes_follow_the_configured_weights() -> None:
    net = Network(config(WEIGHTED))
    rng = random.Random(20240601)
    outcomes = [net.outcome(mt(), NOW, rng) for _ in range(20_000)]
    states = Counter[object](o.state for o in outcomes)
    expected: dict[object, float] = {
        MessageState.DELIVERED: 70,
        MessageState.UNDELIVERABLE: 10,
        MessageState.EXPIRED: 5,
        MessageState.REJECTED: 5,
        MessageState.DELETED: 3,
        MessageState.UNKNOWN: 2,
        MessageState.ACCEPTED: 5,
    }
    assert chi_square(states, expected) < CHI2_CRITICAL_001[6]
    # err codes go with their state: one of the configured ones, drawn evenly
    errs = Counter[object](o.error_code for o in outcomes if o.state is MessageState.UNDELIVERABLE)
    assert set(errs) == {1, 34}
    assert chi_square(errs, {1: 1, 34: 1}) < CHI2_CRITICAL_001[1]
    assert {o.error_code for o in outcomes if o.state is MessageState.EXPIRED} == {27}
    assert {o.error_code for o in outcomes if o.state is MessageState.DELIVERED} == {0}
    # the default err for a failure nobody gave one to is system failure (MAP 34)
    assert {o.error_code for o in outcomes if o.state is MessageState.REJECTED} == {34}


def test_a_zero_weight_state_is_never_drawn() -> None:
    text = (
        '[[carriers]]\nname = "c"\n[[carriers.outcomes]]\nstate = "UNDELIV"\nweight = 0\n'
        '[[carriers.outcomes]]\nstate = "DELIVRD"\nweight = 1\n'
        '[[carriers.outcomes]]\nstate = "EXPIRED"\nweight = 0\n'
    )
    net = Network(config(text))
    rng = random.Random(3)
    assert {net.outcome(mt(), NOW, rng).state for _ in range(2000)} == {MessageState.DELIVERED}


def test_lognormal_latency_quantiles() -> None:
    net = Network(config(WEIGHTED.split("[[carriers.outcomes]]", maxsplit=1)[0]))
    rng = random.Random(7)
    delays = sorted(net.outcome(mt(), NOW, rng).delay for _ in range(20_000))
    median = statistics.median(delays)
    p95 = delays[int(0.95 * len(delays))]
    assert median == pytest.approx(2.0, rel=0.03)
    assert p95 == pytest.approx(2.0 * 2.2760, rel=0.05)  # exp(1.6449 * 0.5)
    assert min(delays) > 0


def test_lognormal_cap_and_uniform_bounds() -> None:
    capped = Network(
        config(
            '[[carriers]]\nname = "c"\n'
            'latency = { kind = "lognormal", median = 2.0, sigma = 1.0, max = 3.0 }\n'
        )
    )
    rng = random.Random(5)
    delays = [capped.outcome(mt(), NOW, rng).delay for _ in range(5000)]
    assert max(delays) == 3.0
    uniform = Network(
        config('[[carriers]]\nname = "c"\nlatency = { kind = "uniform", min = 2, max = 30 }\n')
    )
    delays = sorted(uniform.outcome(mt(), NOW, rng).delay for _ in range(10_000))
    assert delays[0] >= 2.0 and delays[-1] <= 30.0
    assert delays[2500] == pytest.approx(9.0, abs=0.6)  # first quartile of U(2, 30)
    assert delays[7500] == pytest.approx(23.0, abs=0.6)


def test_same_seed_same_outcomes() -> None:
    def run(seed: int) -> list[Outcome]:
        net = Network(config(WEIGHTED))
        rng = random.Random(seed)
        return [net.outcome(mt(f"4477009{i:05d}"), NOW + i, rng) for i in range(500)]

    assert run(42) == run(42)
    assert run(42) != run(43)


def test_unknown_numbers_rejected_at_submit() -> None:
    net = Network(
        config('[[carriers]]\nname = "c"\n[carriers.unknown]\nnumbers = ["4477009009*"]\n')
    )
    rng = random.Random(1)
    o = net.outcome(mt("447700900912"), NOW, rng)
    assert o.reject_status == CommandStatus.ESME_RINVDSTADR
    assert net.outcome(mt("447700900812"), NOW, rng).reject_status == 0


def test_unknown_numbers_as_undeliverable_receipts() -> None:
    net = Network(
        config(
            '[[carriers]]\nname = "c"\nlatency = { kind = "fixed", seconds = 3 }\n'
            '[carriers.unknown]\nnumbers = ["447700900912"]\nmode = "undeliverable"\n'
        )
    )
    o = net.outcome(mt("447700900912"), NOW, random.Random(1))
    assert o == Outcome(MessageState.UNDELIVERABLE, 1, 3.0)  # MAP unknown subscriber


def test_a_share_of_unknown_numbers() -> None:
    net = Network(config('[[carriers]]\nname = "c"\n[carriers.unknown]\nshare = 0.2\n'))
    rng = random.Random(11)
    rejected = Counter[object](
        bool(net.outcome(mt(), NOW, rng).reject_status) for _ in range(10_000)
    )
    assert chi_square(rejected, {True: 0.2, False: 0.8}) < CHI2_CRITICAL_001[1]


def test_absent_handset_delivered_after_the_retries() -> None:
    net = Network(
        config(
            '[[carriers]]\nname = "c"\nlatency = { kind = "fixed", seconds = 2 }\n'
            '[carriers.absent]\nnumbers = ["447700900555"]\nretries = 3\nretry_interval = 600\n'
        )
    )
    rng = random.Random(1)
    # Absent: the retry that finds it is the moment it is back (smsc.core.alerts' cue).
    back = Outcome(MessageState.DELIVERED, 0, 1802.0, absent=True)
    assert net.outcome(mt("447700900555"), NOW, rng) == back
    # ... unless the validity period ends first: EXPIRED then, with absent subscriber
    short = mt("447700900555", expiry_time=NOW + 900)
    assert net.outcome(short, NOW, rng) == Outcome(MessageState.EXPIRED, 27, 900.0, absent=True)
    assert net.outcome(mt("447700900556"), NOW, rng) == Outcome(MessageState.DELIVERED, 0, 2.0)


def test_absent_handset_that_never_returns_expires_at_the_end_of_validity() -> None:
    net = Network(
        config('[[carriers]]\nname = "c"\n[carriers.absent]\nnumbers = ["44*"]\nmode = "expire"\n')
    )
    rng = random.Random(1)
    assert net.outcome(mt(expiry_time=NOW + 3600), NOW, rng) == Outcome(
        MessageState.EXPIRED, 27, 3600.0, absent=True
    )
    # no expiry time on the message: the default validity (48 h), or the server's
    assert net.outcome(mt(), NOW, rng).delay == 172_800.0
    short = Network(net.config, default_validity=60.0)
    assert short.outcome(mt(), NOW, rng).delay == 60.0
    # a scheduled message's validity counts from its delivery attempt
    scheduled = mt(schedule_time=NOW + 600, expiry_time=NOW + 3600)
    assert net.outcome(scheduled, NOW, rng).delay == 3000.0


OUTAGE = """
[[carriers]]
name = "uk"
prefixes = ["44"]
latency = {{ kind = "fixed", seconds = 4 }}
[carriers.outage]
mode = "{mode}"
down = {down}
"""


def test_outages_switch_at_run_time() -> None:
    net = Network(config(OUTAGE.format(mode="undeliverable", down="false")))
    rng = random.Random(1)
    assert net.outages == frozenset()
    assert net.outcome(mt(), NOW, rng).state is MessageState.DELIVERED
    net.set_outage("uk", True)
    assert net.outages == {"uk"}
    assert net.outcome(mt(), NOW, rng) == Outcome(MessageState.UNDELIVERABLE, 34, 4.0)
    # other carriers are not affected
    assert net.outcome(mt("33612345678"), NOW, rng).state is MessageState.DELIVERED
    net.set_outage("uk", False)
    assert net.outcome(mt(), NOW, rng).state is MessageState.DELIVERED
    with pytest.raises(ValueError, match="no carrier named 'fr'"):
        net.set_outage("fr", True)


def test_outage_modes() -> None:
    rng = random.Random(1)
    reject = Network(config(OUTAGE.format(mode="reject", down="true")))
    assert reject.outcome(mt(), NOW, rng).reject_status == CommandStatus.ESME_RSUBMITFAIL
    expire = Network(config(OUTAGE.format(mode="expire", down="true")))
    assert expire.outcome(mt(expiry_time=NOW + 60), NOW, rng) == Outcome(
        MessageState.EXPIRED, 34, 60.0
    )


CAPPED = """
[[carriers]]
name = "slow"
throughput = 2
over_throughput = "{over}"
latency = {{ kind = "fixed", seconds = 1 }}
"""


def test_throughput_cap_queues_beyond_the_rate() -> None:
    net = Network(config(CAPPED.format(over="queue")))
    rng = random.Random(1)
    delays = [net.outcome(mt(), NOW, rng).delay for _ in range(6)]
    # a burst of one second's worth goes at once, then one every 1/rate seconds
    assert delays == [1.0, 1.0, 1.5, 2.0, 2.5, 3.0]
    # after the queue drained, back to the plain latency
    assert net.outcome(mt(), NOW + 10, rng).delay == 1.0


def test_throughput_cap_throttles_beyond_the_rate() -> None:
    net = Network(config(CAPPED.format(over="throttle")))
    rng = random.Random(1)
    statuses = [net.outcome(mt(), NOW, rng).reject_status for _ in range(4)]
    assert statuses == [0, 0, CommandStatus.ESME_RTHROTTLED, CommandStatus.ESME_RTHROTTLED]
    assert net.outcome(mt(), NOW + 0.5, rng).reject_status == 0
    # over ten seconds at 2/s: exactly twenty accepted of a hundred offered
    accepted = sum(
        not net.outcome(mt(), NOW + 100 + i * 0.1, rng).reject_status for i in range(100)
    )
    assert accepted == 21  # 2 per second, plus one for the burst allowance at the start


class Refuse:
    def __init__(self, mode: OptedOutMode) -> None:
        self.mode = mode

    def mt_refusal(self, sender: str, handset: str) -> tuple[OptedOutMode, int, int] | None:
        if (sender, handset) == ("12345", "447700900123"):
            return self.mode, CommandStatus.ESME_RINVDSTADR, 13
        return None


def test_compliance_refusals_come_first() -> None:
    rng = random.Random(1)
    net = Network(compliance=Refuse(OptedOutMode.REJECT), default_delay=1.0)
    assert net.outcome(mt(source="12345"), NOW, rng).reject_status == CommandStatus.ESME_RINVDSTADR
    assert net.outcome(mt(source="54321"), NOW, rng).state is MessageState.DELIVERED
    net = Network(compliance=Refuse(OptedOutMode.REJECTD), default_delay=1.0)
    assert net.outcome(mt(source="12345"), NOW, rng) == Outcome(MessageState.REJECTED, 13, 1.0)
