"""The pytest plugin, run by pytester: the README's example, and what a failure looks like;
its start-up wait, against stand-ins for ``smsc serve``."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from smsc.serve_process import START_TIMEOUT, Listening, wait_listening

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


def test_outages_opt_outs_and_absent_handsets_of_a_test_are_undone_before_the_next(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_switches="""
        def test_one(smsc):
            smsc.set_outage("default", True)
            smsc.opt_out("447700900001", "12345")
            smsc.set_absent("447700900002")
            assert smsc.carriers()[0]["down"] is True
            assert smsc.optouts() == [{"handset": "447700900001", "sender": "12345"}]
            assert smsc.api.absent_handsets() == ["447700900002"]

        def test_two_starts_clean(smsc):
            assert smsc.carriers()[0]["down"] is False
            assert smsc.optouts() == []
            assert smsc.api.absent_handsets() == []
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


# A stand-in for ``smsc serve`` that prints its SMPP line, then half of its web line, and
# finishes that line only once the test creates the file named by its first argument.
HALTING_SERVE = """
import pathlib, sys, time
go = pathlib.Path(sys.argv[1])
print("smsc: SMPP listening on 127.0.0.1:2775 (store: in memory)", flush=True)
print("smsc: web and API on http://127.0.0.1:80", end="", flush=True)
deadline = time.monotonic() + 60
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.01)
print("25", flush=True)
time.sleep(60)
"""


def test_the_fixtures_wait_for_every_address_line_and_read_whole_lines(tmp_path: Path) -> None:
    out, go = tmp_path / "out", tmp_path / "go"
    with out.open("wb") as f:
        proc = subprocess.Popen([sys.executable, "-c", HALTING_SERVE, str(go)], stdout=f)
    try:
        found: list[Listening] = []
        waiter = threading.Thread(target=lambda: found.append(wait_listening(proc, out, tls=False)))
        waiter.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not out.read_text().endswith("http://127.0.0.1:80"):
            assert time.monotonic() < deadline, out.read_text()
            time.sleep(0.01)
        go.touch()
        waiter.join(START_TIMEOUT)
        # Returning at the SMPP line, or reading the half-written one, would give another URL.
        assert found == [Listening(("127.0.0.1", 2775), "http://127.0.0.1:8025")]
    finally:
        proc.kill()
        proc.wait()


def test_a_server_that_exits_is_reported_with_its_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    script = "print('smsc: SMPP listening on 127.0.0.1:2775 (store: in memory)'); exit(3)"
    with out.open("wb") as f:
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=f)
    with pytest.raises(RuntimeError, match=r"exited with status 3 .*\n.*SMPP listening on"):
        wait_listening(proc, out, tls=False)
