"""A config file as a whole: read once, every mistake reported at once in file order, an
unknown key named as unknown with a suggestion, and the documented examples loading."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from test_core import Harness

from carriers.network import Network
from smsc.cli import build_parser, load
from smsc.config import (
    ConfigError,
    Problem,
    ServerConfig,
    Settings,
    Timers,
    fault_from_dict,
    load_document,
    read_document,
)
from smsc.http.payloads import ApiError, parse_fault

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "smsc.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    """Each problem as ``key: problem`` (the file name checked once, here)."""
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_document(path)
    err = info.value
    assert {p.source for p in err.problems} == {str(path)}
    assert str(err) == "\n".join(str(p) for p in err.problems)
    return [f"{p.key}: {p.problem}" for p in err.problems]


SEVERAL = """\
smpp_port = 70000
[timers]
retry_base = -1

[[accounts]]
system_id = "has space"
password = "p"

[[accounts]]
system_id = "b"
password = "p"
throughput = "fast"

[[faults]]
kind = "throttle"

[[carriers]]
name = "uk"
prefixes = ["44", "4x"]

[handsets]
lost = 0.1
"""


def test_a_file_with_several_mistakes_reports_all_of_them_in_file_order(tmp_path: Path) -> None:
    assert problems(tmp_path, SEVERAL) == [
        "smpp_port: must be a port number 0-65535, got 70000",
        "timers.retry_base: must be a positive number, got -1",
        'accounts[0].system_id: must be printable ASCII without spaces, got "has space"',
        'accounts[1].throughput: must be a positive number, got "fast"',
        "faults[0].rate: is required for kind throttle",
        "carriers[0].prefixes[1]: must be digits (E.164, an optional leading '+'), got \"4x\"",
        "handsets.lost: unknown key",
    ]


def test_the_first_problem_is_the_errors_key_and_the_message_one_line_each(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, SEVERAL)
    with pytest.raises(ConfigError) as info:
        load_document(path)
    err = info.value
    assert (err.source, err.key) == (str(path), "smpp_port")
    lines = str(err).splitlines()
    assert len(lines) == len(err.problems) == 7
    assert all(line.startswith(f"{path}: ") for line in lines)


def test_unknown_key_beside_a_missing_required_one_is_named_with_a_suggestion(
    tmp_path: Path,
) -> None:
    text = '[[accounts]]\nsystem_id = "a"\npasword = "secret"\n'
    assert problems(tmp_path, text) == [
        "accounts[0].pasword: unknown key; did you mean password?",
        "accounts[0].password: is required",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("smpp_prot = 1", "smpp_prot: unknown key; did you mean smpp_port?"),
        ("[timers]\nresponse_timout = 1", "timers.response_timout: unknown key; did you mean "),
        ("[[carrier]]\nname = 'x'", "carrier: unknown key; did you mean carriers?"),
        (
            "[[carriers]]\nname = 'a'\n[[carriers.outcomes]]\nstate = 'DELIVRD'\nwieght = 1",
            "carriers[0].outcomes[0].wieght: unknown key; did you mean weight?",
        ),
        (
            "[[faults]]\nkind = 'throttle'\nrat = 5",
            "faults[0].rat: unknown key for kind throttle; did you mean rate?",
        ),
        ("colour = 'red'", "colour: unknown key"),
    ],
)
def test_unknown_keys_suggest_the_closest_known_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert problems(tmp_path, text)[0].startswith(expected)


def test_server_keys_and_carrier_tables_are_one_namespace(tmp_path: Path) -> None:
    # A server key inside a carrier table, or the reverse, is unknown where it is.
    assert problems(tmp_path, "[compliance]\nsmpp_port = 1") == [
        "compliance.smpp_port: unknown key"
    ]
    assert problems(tmp_path, "[timers]\nstop_reply = 'x'") == ["timers.stop_reply: unknown key"]


def test_a_bad_table_drops_its_record_but_not_the_checks_of_its_siblings(tmp_path: Path) -> None:
    text = (
        "[[carriers]]\nname = 'a'\nprefixes = ['44']\n"
        "[[carriers]]\nname = 'a'\nprefixes = ['33']\n"
        "[[carriers]]\nname = 'c'\nthroughput = 0\n"
    )
    assert problems(tmp_path, text) == [
        'carriers[1].name: duplicate of carriers[0].name "a"',
        "carriers[2].throughput: must be a positive number, got 0",
    ]


def test_a_check_across_keys_is_skipped_when_one_of_them_is_bad(tmp_path: Path) -> None:
    # inactivity_timeout is bad: comparing enquire_link_interval with its default would
    # report a second, misleading problem.
    text = "[timers]\nenquire_link_interval = 400\ninactivity_timeout = 'long'"
    assert problems(tmp_path, text) == [
        'timers.inactivity_timeout: must be a positive number, got "long"'
    ]


def test_passwords_and_tokens_are_not_echoed_among_other_problems(tmp_path: Path) -> None:
    text = (
        'api_token = "sec ret"\nsmpp_port = -1\n'
        '[[accounts]]\nsystem_id = "a"\npassword = "hunter2hunter2"\n'
    )
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_document(path)
    assert len(info.value.problems) == 3
    assert "sec ret" not in str(info.value)
    assert "hunter2" not in str(info.value)


# -- one read, one document ----------------------------------------------------------------------


def test_the_cli_reads_the_file_once_for_server_and_carriers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(
        tmp_path,
        'smpp_port = 2776\n[[carriers]]\nname = "uk"\nprefixes = ["44"]\n',
    )
    opened: list[Path] = []
    real_open = Path.open

    def counting_open(self: Path, *args: object, **kwargs: object) -> object:
        if self == path:
            opened.append(self)
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", counting_open)
    settings = load(build_parser().parse_args(["serve", "--config", str(path), "--seed", "3"]))
    assert opened == [path]
    assert (settings.server.smpp_port, settings.server.seed) == (2776, 3)
    assert [c.name for c in settings.carriers.carriers] == ["uk"]


def test_no_config_is_development_mode() -> None:
    settings = load(build_parser().parse_args(["serve"]))
    assert settings == Settings()
    assert settings.server.development_mode


def test_command_line_options_use_the_files_parsers_and_report_together() -> None:
    args = build_parser().parse_args(
        ["serve", "--smpp-port", "70000", "--receipt-delay", "-1", "--http-host", "a b"]
    )
    with pytest.raises(ConfigError) as info:
        load(args)
    assert [(p.source, p.key) for p in info.value.problems] == [
        ("command line", "smpp_port"),
        ("command line", "http_host"),
        ("command line", "receipt_delay"),
    ]


def test_the_cli_prints_every_problem_and_exits_2(tmp_path: Path) -> None:
    path = write(tmp_path, SEVERAL)
    proc = subprocess.run(
        [sys.executable, "-m", "smsc", "serve", "--config", str(path), "--smpp-port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0] == "smsc: 7 config errors:"
    assert f"  {path}: accounts[1].throughput: " in proc.stderr
    assert "listening" not in proc.stdout


def test_both_documented_examples_load_alone_and_as_one_file(tmp_path: Path) -> None:
    server = load_document(DOCS / "example-config.toml")
    carriers = load_document(DOCS / "example-carriers.toml")
    assert server.server.accounts and server.carriers.carriers == ()
    assert carriers.carriers.carriers and carriers.server.accounts == ()
    both = (
        (DOCS / "example-config.toml").read_text()
        + "\n"
        + (DOCS / "example-carriers.toml").read_text()
    )
    merged = load_document(write(tmp_path, both))
    # data_dir is relative to the file, which moved
    assert merged.server == replace(server.server, data_dir=tmp_path / "smsc-data")
    assert merged.carriers == carriers.carriers


def test_read_document_takes_a_parsed_document() -> None:
    doc = tomllib.loads('seed = 5\n[[numbers]]\nnumber = "+12345"\naccount = "a"\n')
    settings = read_document(doc, "inline")
    assert settings.server.seed == 5
    assert settings.carriers.numbers[0].number == "12345"
    with pytest.raises(ConfigError) as info:
        read_document({"seed": "x"}, "inline")
    assert info.value.problems == (Problem("inline", "seed", 'must be an integer, got "x"'),)


# -- default_validity has one source ------------------------------------------------------------


def test_default_validity_comes_from_the_servers_timers() -> None:
    h = Harness(ServerConfig(timers=Timers(default_validity=60.0)))
    assert h.core.network.default_validity == 60.0
    assert Network().default_validity == Timers().default_validity


# -- faults: the file and the HTTP API read them alike -------------------------------------------


def test_fault_account_is_a_system_id_everywhere() -> None:
    with pytest.raises(ConfigError, match="without spaces"):
        fault_from_dict({"kind": "no_response", "account": "my shop"})
    with pytest.raises(ConfigError, match=r"faults\[0\]\.account: must be printable ASCII"):
        read_document({"faults": [{"kind": "no_response", "account": "my shop"}]})


def test_fault_status_by_name_or_number_the_same_as_a_carriers() -> None:
    by_name = fault_from_dict({"kind": "reject", "status": "ESME_RSYSERR"})
    by_number = fault_from_dict({"kind": "reject", "status": 8})
    assert by_name == by_number
    doc = {"carriers": [{"name": "c", "outage": {"reject_status": 8}}]}
    assert read_document(doc).carriers.carriers[0].outage.reject_status == 8


def test_api_fault_body_gets_422_listing_every_problem() -> None:
    with pytest.raises(ApiError) as info:
        parse_fault(b'{"kind": "throttle", "rat": 5, "probability": 2}')
    assert info.value.status == 422
    assert str(info.value).splitlines() == [
        "rat: unknown key for kind throttle; did you mean rate?",
        "probability: must be at most 1, got 2",
        "rate: is required for kind throttle",
    ]


def test_fault_defaults_and_json_shape_are_kept() -> None:
    fault = fault_from_dict({"kind": "reject"})
    assert fault.to_dict() == {
        "id": 0,
        "kind": "reject",
        "probability": 1.0,
        "status": "ESME_RSUBMITFAIL",
    }
    assert fault_from_dict({"kind": "duplicate_delivery", "id": 7}).copies == 1
