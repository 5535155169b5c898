"""The findings list and its filters; a country's local time."""

from __future__ import annotations

from datetime import UTC, datetime

from smsc.checks import FindingQuery, Findings, Severity
from smsc.checks.localtime import ZONES, LocalClock


def _fill() -> Findings:
    f = Findings(limit=3)
    f.add("protocol.no_resp", Severity.ERROR, 1.0, "a", "t1")
    f.add("protocol.slow_resp", Severity.WARNING, 2.0, "b", "t2", handset="44")
    f.add("encoding.invalid", Severity.ERROR, 3.0, "a", "t3", message_id="m1")
    f.add("segment.too_many", Severity.INFO, 4.0, "a", "t4", message_id="m2")
    return f


def test_the_list_is_bounded_newest_first_and_counts_everything() -> None:
    f = _fill()
    assert [x.text for x in f.find()] == ["t4", "t3", "t2"]  # t1 fell off the end
    assert sum(f.counts.values()) == 4
    assert f.counts[("protocol.no_resp", Severity.ERROR)] == 1


def test_each_filter_narrows_and_severity_means_at_least() -> None:
    f = _fill()
    assert [x.text for x in f.find(FindingQuery(severity=Severity.WARNING))] == ["t3", "t2"]
    assert [x.text for x in f.find(FindingQuery(account="a"))] == ["t4", "t3"]
    assert [x.text for x in f.find(FindingQuery(handset="44"))] == ["t2"]
    assert [x.text for x in f.find(FindingQuery(message_ids=frozenset({"m1"})))] == ["t3"]
    assert [x.text for x in f.find(FindingQuery(since=3.0))] == ["t4", "t3"]
    assert [x.text for x in f.find(FindingQuery(code="encoding.invalid"))] == ["t3"]
    assert [x.text for x in f.find(limit=1)] == ["t4"]
    assert f.clear() == 3 and f.find() == [] and sum(f.counts.values()) == 4


def test_local_time_follows_daylight_saving_and_unknown_countries_have_none() -> None:
    clock = LocalClock()
    summer = datetime(2024, 7, 1, 21, 30, tzinfo=UTC).timestamp()
    winter = datetime(2024, 1, 1, 21, 30, tzinfo=UTC).timestamp()
    assert clock.minute("GB", summer) == 22 * 60 + 30  # BST
    assert clock.minute("GB", winter) == 21 * 60 + 30
    assert clock.minute("in", winter) == 3 * 60  # +05:30, lower case accepted
    assert clock.minute("XX", winter) is None


def test_every_zone_of_the_table_exists() -> None:
    clock = LocalClock()
    assert all(clock.zone(country) is not None for country in ZONES)
