"""``--log-format json``: the formatter's one-object-per-line records."""

from __future__ import annotations

import json
import logging

from smsc.cli import JsonFormatter


def record(**kwargs: object) -> logging.LogRecord:
    return logging.makeLogRecord(
        {"name": "smsc.core", "levelno": logging.INFO, "levelname": "INFO", "created": 0.25,
         "msg": "conn %d: %s", "args": (3, "bound"), **kwargs}
    )  # fmt: skip


def test_a_record_is_one_json_line_with_the_standard_fields() -> None:
    line = JsonFormatter().format(record())
    assert "\n" not in line
    assert json.loads(line) == {
        "time": "1970-01-01T00:00:00.250Z",
        "level": "info",
        "logger": "smsc.core",
        "message": "conn 3: bound",
    }


def test_extra_fields_are_kept_and_unserialisable_ones_become_text() -> None:
    out = json.loads(JsonFormatter().format(record(conn=3, system_id="acme", peer=object)))
    assert (out["conn"], out["system_id"]) == (3, "acme")
    assert out["peer"] == "<class 'object'>"


def test_an_exception_is_one_line_with_its_traceback() -> None:
    try:
        raise ValueError("boom\nsecond line")
    except ValueError as e:
        exc_info = (type(e), e, e.__traceback__)
    line = JsonFormatter().format(record(exc_info=exc_info))
    assert "\n" not in line
    out = json.loads(line)
    assert "Traceback" in out["exception"]
    assert "ValueError: boom\nsecond line" in out["exception"]
