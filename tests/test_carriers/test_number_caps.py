"""Per-number throughput caps: each number type's default, a number's own keys, queue and
throttle, two numbers of one account apart, and the carrier's cap behind the number's."""

from __future__ import annotations

import random

import pytest

from carriers.config import (
    NUMBER_TYPE_CAPS,
    CarrierConfig,
    CarriersConfig,
    FixedLatency,
    NumberConfig,
    NumberType,
    OverThroughput,
)
from carriers.network import Network
from pdu.enums import CommandStatus
from tests.test_carriers.test_carriers_network import NOW, mt

THROTTLED = CommandStatus.ESME_RTHROTTLED
LONG, SHORT, TOLL_FREE = "447700900900", "55555", "18005550100"


def numbers(*configs: NumberConfig, carriers: tuple[CarrierConfig, ...] = ()) -> Network:
    return Network(CarriersConfig(carriers=carriers, numbers=configs), default_delay=1.0)


def throttling(number: str, kind: NumberType, rate: float | None = None) -> NumberConfig:
    return NumberConfig(
        number, "acme", type=kind, throughput=rate, over_throughput=OverThroughput.THROTTLE
    )


def accepted(net: Network, source: str, times: list[float]) -> int:
    """How many MT from ``source`` offered at ``times`` are taken; every other one is
    refused with ESME_RTHROTTLED."""
    rng = random.Random(1)
    statuses = [net.outcome(mt(source=source), t, rng).reject_status for t in times]
    assert set(statuses) <= {0, THROTTLED}
    return statuses.count(0)


def test_type_defaults_are_a_long_code_1_a_short_code_100_and_toll_free_3_per_second() -> None:
    assert NUMBER_TYPE_CAPS == {
        NumberType.LONG_CODE: (1.0, OverThroughput.QUEUE),
        NumberType.SHORT_CODE: (100.0, OverThroughput.QUEUE),
        NumberType.TOLL_FREE: (3.0, OverThroughput.QUEUE),
    }
    assert NumberConfig(LONG, "acme").cap is None  # no type, no throughput: no cap
    assert NumberConfig(LONG, "acme", type=NumberType.LONG_CODE).cap == (1.0, OverThroughput.QUEUE)
    own = NumberConfig(SHORT, "acme", type=NumberType.SHORT_CODE, throughput=30)
    assert own.cap == (30, OverThroughput.QUEUE)
    assert NumberConfig(LONG, "acme", throughput=5).cap == (5, OverThroughput.QUEUE)


@pytest.mark.parametrize(
    ("number", "kind", "rate"),
    [
        (LONG, NumberType.LONG_CODE, 1),
        (SHORT, NumberType.SHORT_CODE, 100),
        (TOLL_FREE, NumberType.TOLL_FREE, 3),
    ],
)
def test_each_type_throttles_at_its_rate(number: str, kind: NumberType, rate: int) -> None:
    net = numbers(throttling(number, kind))
    # a burst of one second's worth at once, the rest refused
    assert accepted(net, number, [NOW] * (rate + 5)) == rate
    # a second later the burst is back; offered ten times the rate for ten seconds: the
    # burst, then one every 1/rate seconds (the last offer is just short of the tenth second)
    offered = [NOW + 1 + i / (10 * rate) for i in range(100 * rate)]
    assert accepted(net, number, offered) == rate + 10 * rate - 1


def test_two_numbers_of_one_account_throttle_apart() -> None:
    net = numbers(throttling(LONG, NumberType.LONG_CODE), throttling(SHORT, NumberType.SHORT_CODE))
    got = {LONG: 0, SHORT: 0}
    for i in range(2000):  # both offered 200/s, interleaved, for five seconds
        t = NOW + i / 400
        for number in (LONG, SHORT):
            got[number] += accepted(net, number, [t])
    # each its burst, then its own rate: 1 + 5 - 1 and 100 + 500 - 1
    assert got == {LONG: 5, SHORT: 599}


def test_queue_delays_the_final_state_at_the_numbers_rate() -> None:
    net = numbers(NumberConfig(TOLL_FREE, "acme", type=NumberType.TOLL_FREE))
    rng = random.Random(1)
    delays = [net.outcome(mt(source=TOLL_FREE), NOW, rng).delay for _ in range(7)]
    # three at once (the burst), then one every third of a second, each plus the latency
    assert delays == pytest.approx([1.0, 1.0, 1.0, 1 + 1 / 3, 1 + 2 / 3, 2.0, 2 + 1 / 3])
    assert net.outcome(mt(source=TOLL_FREE), NOW + 60, rng).delay == 1.0


def test_a_leading_plus_on_the_source_is_the_same_number() -> None:
    net = numbers(throttling(LONG, NumberType.LONG_CODE))
    assert accepted(net, "+" + LONG, [NOW, NOW]) + accepted(net, LONG, [NOW]) == 1


def test_other_senders_are_not_capped_and_keep_the_fast_path() -> None:
    net = numbers(throttling(LONG, NumberType.LONG_CODE))
    assert accepted(net, "ACME", [NOW] * 500) == 500
    rng = random.Random(1)
    first = net.outcome(mt(source="ACME"), NOW, rng)
    assert first is net.outcome(mt(source="ACME"), NOW, rng)  # the shared trivial Outcome
    assert rng.random() == random.Random(1).random()  # and no draw was made


def test_a_carrier_that_throttles_leaves_the_numbers_slot_unused() -> None:
    narrow = CarrierConfig(
        name="narrow",
        throughput=1,
        over_throughput=OverThroughput.THROTTLE,
        latency=FixedLatency(1.0),
    )
    net = numbers(throttling(SHORT, NumberType.SHORT_CODE), carriers=(narrow,))
    # the carrier lets one through per second; the number's 100 are not spent on refusals
    assert accepted(net, SHORT, [NOW] * 50) == 1
    assert accepted(net, SHORT, [NOW + 1]) == 1
    other = numbers(throttling(SHORT, NumberType.SHORT_CODE))
    assert accepted(other, SHORT, [NOW] * 50) == 50


def test_a_queued_number_feeds_a_queued_carrier_in_turn() -> None:
    slow = CarrierConfig(name="slow", throughput=1, latency=FixedLatency(1.0))
    net = numbers(NumberConfig(LONG, "acme", type=NumberType.LONG_CODE), carriers=(slow,))
    rng = random.Random(1)
    delays = [net.outcome(mt(source=LONG), NOW, rng).delay for _ in range(3)]
    assert delays == [1.0, 2.0, 3.0]  # one a second leaves the number, one a second the link


def test_scheduled_messages_skip_the_numbers_cap() -> None:
    net = numbers(throttling(LONG, NumberType.LONG_CODE))
    rng = random.Random(1)
    later = [net.outcome(mt(source=LONG, schedule_time=NOW + 3600), NOW, rng) for _ in range(5)]
    assert [o.reject_status for o in later] == [0] * 5
    assert accepted(net, LONG, [NOW]) == 1
