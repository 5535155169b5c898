"""``smsc mo`` and ``smsc messages`` against a running simulator, as a user types them."""

from __future__ import annotations

import json
import subprocess
import sys

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
    for option in ("--direction", "--state", "--text", "--since", "--limit", "--wait", "--json"):
        assert option in messages
    serve = smsc_cli("serve", "--help").stdout
    assert "--http-port" in serve
    assert "--api-token" in serve
