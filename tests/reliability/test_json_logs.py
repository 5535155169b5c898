"""``smsc serve --log-format json``: every stderr line is one JSON object with time, level,
logger and message, even at debug level through binds, refusals and submits; passwords never
appear in it."""

from __future__ import annotations

import datetime
import json

import pdu
from pdu import CommandStatus as S

from .conftest import RawClient, ServerFactory
from .test_security import ACCOUNT, PASSWORD, WRONG, bind


def test_json_logs_at_debug_level_are_one_object_per_line(smsc_server: ServerFactory) -> None:
    server = smsc_server(
        "--store", "memory", "--log-level", "debug", "--log-format", "json",
        config=ACCOUNT,
    )  # fmt: skip
    with RawClient(server.address) as client:
        assert bind(client, WRONG) == S.ESME_RINVPASWD
    with RawClient(server.address) as client:
        assert bind(client, PASSWORD) == S.ESME_ROK
        seq = client.send(pdu.SubmitSm(source_addr="1", destination_addr="447700900123"))
        assert client.response(seq).command_status == 0
    server.stop()
    stderr = server.stderr_path.read_text()
    lines = stderr.splitlines()
    assert lines, "nothing logged"
    records = []
    for line in lines:
        record = json.loads(line)  # a line that is not JSON fails here, naming it
        assert isinstance(record, dict), line
        assert {"time", "level", "logger", "message"} <= record.keys(), line
        assert record["level"] in {"debug", "info", "warning", "error", "critical"}, line
        assert datetime.datetime.fromisoformat(record["time"]).tzinfo is not None, line
        records.append(record)
    messages = [r["message"] for r in records]
    assert any("acme bound as BOUND_TRX" in m for m in messages), messages
    assert any("bind refused (ESME_RINVPASWD)" in m for m in messages), messages
    for secret in (PASSWORD, WRONG):
        assert secret not in stderr
