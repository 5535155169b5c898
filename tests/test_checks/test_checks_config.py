"""The [checks] table: every key read into ChecksConfig, every mistake reported at once with
its key path, a table with only [checks] still development mode."""

from __future__ import annotations

from pathlib import Path

import pytest

from smsc.checks import ChecksConfig, QuietHours, Severity
from smsc.config import ConfigError, load_document


def load(tmp_path: Path, text: str) -> ChecksConfig:
    path = tmp_path / "smsc.toml"
    path.write_text(text, encoding="utf-8")
    return load_document(path).checks


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, text)
    return [f"{p.key}: {p.problem}" for p in info.value.problems]


def test_every_key_is_read(tmp_path: Path) -> None:
    checks = load(
        tmp_path,
        """
[checks]
reply_sla = 60
duplicate_window = 5
quiet_hours = "22:30-07:00"
reply_window = 3600
max_parts = 6
segment_timeout = 30
slow_response = 0.5
country = "gb"
disabled = ["protocol.enquire_link_storm", "compliance.no_opt_out_notice"]

[checks.severity]
"protocol.slow_resp" = "info"
"encoding.ucs2_not_needed" = "error"
""",
    )
    assert checks == ChecksConfig(
        reply_sla=60,
        duplicate_window=5,
        quiet_hours=QuietHours(22 * 60 + 30, 7 * 60),
        reply_window=3600,
        max_parts=6,
        segment_timeout=30,
        slow_response=0.5,
        country="GB",
        disabled=frozenset({"protocol.enquire_link_storm", "compliance.no_opt_out_notice"}),
        severity={"protocol.slow_resp": Severity.INFO, "encoding.ucs2_not_needed": Severity.ERROR},
    )
    assert checks.severity_of("compliance.no_opt_out_notice") is None
    assert checks.severity_of("protocol.slow_resp") is Severity.INFO


def test_absent_is_the_defaults_and_alone_it_stays_development_mode(tmp_path: Path) -> None:
    assert load(tmp_path, "") == ChecksConfig()
    path = tmp_path / "only.toml"
    path.write_text("[checks]\nenabled = false\nquiet_hours = false\n", encoding="utf-8")
    settings = load_document(path)
    assert settings.server.development_mode
    assert not settings.checks.enabled and settings.checks.quiet_hours is None


def test_every_mistake_is_reported_with_its_key_and_a_suggestion(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """
[checks]
reply_sla = 0
quiet_hours = "9pm-8am"
max_parts = 300
country = "Atlantis"
disabled = ["protocol.duplicate", 7]
reply_sal = 10

[checks.severity]
"protocol.no_resp" = "fatal"
"protocol.slow" = "info"
""",
    )
    assert found[0] == "checks.reply_sla: must be a positive number, got 0"
    assert found[1].startswith('checks.quiet_hours: must be "HH:MM-HH:MM"')
    assert found[2] == "checks.max_parts: must be an integer from 1 to 255, got 300"
    assert found[3].startswith('checks.country: must be "" or an ISO 3166 country code')
    assert found[4] == (
        "checks.disabled[0]: must be a check code like 'protocol.no_resp'"
        " (did you mean 'protocol.duplicate_submit'?), got \"protocol.duplicate\""
    )
    assert found[5].startswith("checks.disabled[1]: must be a check code")
    assert "checks.reply_sal: unknown key" in found[6] and "reply_sla" in found[6]
    assert found[7] == (
        'checks.severity.protocol.no_resp: must be one of "info", "warning", "error", got "fatal"'
    )
    assert found[8] == (
        "checks.severity.protocol.slow: unknown key; did you mean protocol.slow_resp?"
    )
    assert len(found) == 9
