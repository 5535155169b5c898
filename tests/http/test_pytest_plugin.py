"""The pytest plugin, run by pytester: the README's example, and what a failure looks like."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_example() -> str:
    text = README.read_text()
    match = re.search(r"<!-- example: test_confirmation.py -->\n```python\n(.*?)```", text, re.S)
    assert match, "the README's example test is missing"
    return match.group(1)


def test_the_readme_example_passes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_confirmation=readme_example())
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_fixtures_reset_between_tests_and_fail_on_a_missing_message(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini("[pytest]\nsmsc_args = --receipt-delay 0.1\n")
    pytester.makepyfile(
        test_flow="""
        def test_one(smsc):
            smsc.send_mo("447700900001", "12345", "hello")
            assert [m["text"] for m in smsc.messages()] == ["hello"]

        def test_two_starts_empty(smsc):
            assert smsc.messages() == []
            assert smsc.smpp_port > 0

        def test_fresh_is_its_own_server(smsc, smsc_fresh):
            assert smsc_fresh.smpp_port != smsc.smpp_port
            smsc_fresh.send_mo("1", "2", "x")
            assert smsc.messages() == []

        def test_missing_message_fails(smsc):
            smsc.wait_for_message(timeout=0.2, text="never sent")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*MessageTimeoutError: no message matching*never sent*"])


def test_outages_and_opt_outs_of_a_test_are_undone_before_the_next(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_switches="""
        def test_one(smsc):
            smsc.set_outage("default", True)
            smsc.opt_out("447700900001", "12345")
            assert smsc.carriers()[0]["down"] is True
            assert smsc.optouts() == [{"handset": "447700900001", "sender": "12345"}]

        def test_two_starts_clean(smsc):
            assert smsc.carriers()[0]["down"] is False
            assert smsc.optouts() == []
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
