"""``smsc mo`` and ``smsc messages`` against a running simulator, as a user types them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from smsc.pytest_plugin import Simulator


def smsc_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "smsc", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_mo_prints_the_id_and_messages_lists_it(smsc: Simulator) -> None:
    sent = smsc_cli("mo", "--api", smsc.http_url, "--from", "447700900123", "--to", "12345", "YES")
    assert sent.returncode == 0, sent.stderr
    message_id = sent.stdout.strip()
    listed = smsc_cli("messages", "--api", smsc.http_url, "--direction", "mo")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split("\t") == [
        message_id,
        "mo",
        "447700900123",
        "12345",
        "ENROUTE",
        "YES\n",
    ]


def test_messages_json_with_filters_and_wait(smsc: Simulator) -> None:
    smsc.send_mo("447700900001", "12345", "first")
    smsc.send_mo("447700900002", "12345", "second")
    out = smsc_cli("messages", "--api", smsc.http_url, "--from", "447700900002", "--json")
    assert [m["text"] for m in json.loads(out.stdout)] == ["second"]
    waited = smsc_cli("messages", "--api", smsc.http_url, "--text", "first", "--wait", "2")
    assert waited.returncode == 0
    assert "\tfirst" in waited.stdout
    missed = smsc_cli("messages", "--api", smsc.http_url, "--text", "none", "--wait", "0.1")
    assert missed.returncode == 1
    assert "no message matching" in missed.stderr


def test_messages_wait_after_a_cursor_skips_what_was_seen_and_newest_pages_back(
    smsc: Simulator,
) -> None:
    smsc.send_mo("447700900001", "12345", "code 1")
    api = ("--api", smsc.http_url)
    seen = json.loads(smsc_cli("messages", *api, "--text", "code", "--wait", "2", "--json").stdout)
    cursor = seen[0]["cursor"]
    stale = smsc_cli("messages", *api, "--text", "code", "--after", cursor, "--wait", "0.2")
    assert stale.returncode == 1  # "code 1" was stored before the cursor
    smsc.send_mo("447700900001", "12345", "code 2")
    fresh = smsc_cli("messages", *api, "--text", "code", "--after", cursor, "--wait", "2")
    assert fresh.returncode == 0
    assert fresh.stdout.rstrip().endswith("\tcode 2")
    newest = smsc_cli("messages", *api, "--newest", "--limit", "1", "--json")
    assert [m["text"] for m in json.loads(newest.stdout)] == ["code 2"]
    older = smsc_cli("messages", *api, "--newest", "--before", cursor, "--json")
    assert json.loads(older.stdout) == []


def test_api_errors_and_unreachable_server_exit_1_with_a_message(smsc: Simulator) -> None:
    empty = smsc_cli("mo", "--api", smsc.http_url, "--from", "1", "--to", "2", "")
    assert (empty.returncode, empty.stderr.strip()) == (1, "smsc: API error 422: text is empty")
    down = smsc_cli("messages", "--api", "http://127.0.0.1:9")
    assert down.returncode == 1
    assert "cannot reach the API at http://127.0.0.1:9" in down.stderr


def test_help_names_every_option() -> None:
    mo = smsc_cli("mo", "--help").stdout
    for option in ("--from", "--to", "--data-coding", "--segmentation", "--api", "--token"):
        assert option in mo
    messages = smsc_cli("messages", "--help").stdout
    for option in (
        "--direction",
        "--state",
        "--text",
        "--since",
        "--limit",
        "--wait",
        "--json",
        "--after",
        "--newest",
    ):
        assert option in messages
    serve = smsc_cli("serve", "--help").stdout
    assert "--http-port" in serve
    assert "--api-token" in serve


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["serve", "--port", "2775"], "did you mean --smpp-port, --tls-port or --http-port?"),
        (["serve", "--data_dir", "x"], "did you mean --data-dir?"),
        (["messages", "--lmit", "3"], "did you mean --limit?"),
    ],
)
def test_an_unknown_option_suggests_what_was_meant(args: list[str], hint: str) -> None:
    proc = smsc_cli(*args)
    assert proc.returncode == 2
    last = proc.stderr.splitlines()[-1]
    assert last.startswith(f"smsc {args[0]}: error: unrecognized arguments: {args[1]}")
    assert last.endswith(f"({hint})")


def test_an_option_nothing_like_any_gets_no_guess() -> None:
    proc = smsc_cli("serve", "--frobnicate")
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == "smsc serve: error: unrecognized arguments: --frobnicate"


def test_empty_listings_say_so_on_stderr(smsc: Simulator) -> None:
    faults = smsc_cli("faults", "--api", smsc.http_url)
    assert (faults.returncode, faults.stdout, faults.stderr) == (0, "", "smsc: no faults active\n")
    found = smsc_cli("messages", "--api", smsc.http_url)
    assert (found.returncode, found.stdout, found.stderr) == (0, "", "smsc: no messages match\n")
    as_json = smsc_cli("messages", "--api", smsc.http_url, "--json")
    assert json.loads(as_json.stdout) == [] and as_json.stderr == ""
