"""GET/DELETE /api/v1/findings, a message's findings, /metrics, the event stream and the
plugin's helpers, against a real ``smsc serve`` (the ``smsc`` fixture) with an ESME."""

from __future__ import annotations

import http.client
import json
import urllib.parse
from typing import Any

import pytest
from interop.conftest import RawClient, unique_system_id
from test_http_api import call, error_of, metric

import pdu
from smsc.http.openapi import PATHS
from smsc.pytest_plugin import Simulator

HANDSET = "447700900321"
SHORT_CODE = "12345"
NOTICE = b" Reply STOP to opt out"


@pytest.fixture
def esme(smsc: Simulator) -> Any:
    with RawClient(smsc.smpp_address) as client:
        assert client.bind(system_id=unique_system_id()).command_status == 0
        yield client


def submit(esme: RawClient, text: bytes, *, to: str = HANDSET, data_coding: int = 0) -> str:
    resp = esme.request(
        pdu.SubmitSm(
            source_addr=SHORT_CODE, destination_addr=to, short_message=text, data_coding=data_coding
        )
    )
    assert resp.command_status == 0
    return str(resp.message_id)  # type: ignore[attr-defined]


def test_findings_are_listed_newest_first_and_filtered(smsc: Simulator, esme: RawClient) -> None:
    first = submit(esme, b"no notice here")  # compliance.no_opt_out_notice
    ucs2 = submit(esme, "Hello again".encode("utf-16-be") + NOTICE.decode().encode("utf-16-be"),
                  data_coding=8)  # fmt: skip
    found = smsc.findings()
    assert [(f["code"], f["message_id"]) for f in found] == [
        ("encoding.ucs2_not_needed", ucs2),
        ("compliance.no_opt_out_notice", first),
    ]
    f = found[1]
    assert (f["severity"], f["handset"], f["sender"]) == ("warning", HANDSET, SHORT_CODE)
    assert f["account"] and f["text"] and f["time"] > 0
    assert [x["message_id"] for x in smsc.findings(code="encoding.ucs2_not_needed")] == [ucs2]
    assert smsc.findings(severity="error") == []
    assert len(smsc.findings(handset=HANDSET, limit=1)) == 1
    assert smsc.findings(message_id=first)[0]["code"] == "compliance.no_opt_out_notice"
    assert smsc.findings(since=f["time"] + 3600) == []
    # The message's detail lists its findings.
    assert [x["code"] for x in smsc.message(first)["findings"]] == ["compliance.no_opt_out_notice"]


def test_bad_filters_are_400_with_a_suggestion(smsc: Simulator) -> None:
    status, why = error_of(smsc, "GET", "/api/v1/findings?code=protocol.duplicate")
    assert status == 400 and "did you mean 'protocol.duplicate_submit'" in why
    assert error_of(smsc, "GET", "/api/v1/findings?severity=fatal")[0] == 400
    assert error_of(smsc, "GET", "/api/v1/findings?colour=red")[0] == 400
    assert error_of(smsc, "GET", "/api/v1/findings?limit=-1")[0] == 400


def test_delete_forgets_findings_but_metrics_keep_counting(
    smsc: Simulator, esme: RawClient
) -> None:
    name = 'smsc_findings_total{code="compliance.no_opt_out_notice",severity="warning"}'
    before = call(smsc, "GET", "/metrics")[2].decode()
    base = metric(before, name) if name in before else 0
    submit(esme, b"first contact", to="447700900400")
    assert call(smsc, "DELETE", "/api/v1/findings")[0] == 200
    assert smsc.findings() == []
    assert metric(call(smsc, "GET", "/metrics")[2].decode(), name) == base + 1


def test_assert_no_findings_fails_with_a_readable_list(smsc: Simulator, esme: RawClient) -> None:
    submit(esme, b"Your code is 1234" + NOTICE, to="447700900401")
    smsc.assert_no_findings(severity="warning")
    submit(esme, b"Your code is 1234" + NOTICE, to="447700900401")  # again at once
    with pytest.raises(AssertionError) as e:
        smsc.assert_no_findings(severity="warning")
    text = str(e.value)
    assert "1 problem(s) of severity warning or worse" in text
    assert "protocol.duplicate_submit" in text and "447700900401" in text
    smsc.assert_no_findings(severity="error")


def test_the_event_stream_sends_each_finding(smsc: Simulator, esme: RawClient) -> None:
    url = urllib.parse.urlsplit(smsc.http_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.request("GET", "/api/v1/events")
        resp = conn.getresponse()
        submit(esme, b"hi", to="447700900402")
        event = None
        for _ in range(40):  # bounded: comments, message events, the finding
            line = resp.fp.readline().decode()
            if line.startswith("data: ") and event == "finding":
                assert json.loads(line[6:])["code"] == "compliance.no_opt_out_notice"
                return
            if line.startswith("event: "):
                event = line[7:].strip()
        raise AssertionError("no finding event")
    finally:
        conn.close()


def test_findings_are_in_the_openapi_document() -> None:
    assert set(PATHS["/api/v1/findings"]) == {"get", "delete"}


def test_the_findings_command_lists_filters_fails_on_and_clears(
    smsc: Simulator, esme: RawClient
) -> None:
    from test_cli_client import smsc_cli

    api = ("--api", smsc.http_url)
    empty = smsc_cli("findings", *api)
    assert (empty.returncode, empty.stdout, empty.stderr) == (0, "", "smsc: no findings\n")
    message_id = submit(esme, b"no notice", to="447700900403")
    listed = smsc_cli("findings", *api, "--fail-on", "warning")
    assert listed.returncode == 1
    (line,) = listed.stdout.splitlines()
    assert "warning compliance.no_opt_out_notice" in line
    assert f"447700900403 msg {message_id}:" in line
    assert smsc_cli("findings", *api, "--fail-on", "error").returncode == 0
    as_json = json.loads(smsc_cli("findings", *api, "--json", "--severity", "warning").stdout)
    assert [f["message_id"] for f in as_json] == [message_id]
    assert smsc_cli("findings", *api, "--clear").stdout == "cleared 1 finding(s)\n"
    assert smsc.findings() == []


def test_the_report_in_every_format_over_http_and_the_command_line(
    smsc: Simulator, esme: RawClient, tmp_path: Any
) -> None:
    from test_cli_client import smsc_cli

    submit(esme, b"no notice", to="447700900404")
    status, headers, raw = call(smsc, "GET", "/api/v1/report")
    assert status == 200 and headers["Content-Type"] == "application/json"
    data = json.loads(raw)
    assert data["mt_messages"] == 1 and data["findings"]["total"] == 1
    assert data["messages"]["mt"] == {"ENROUTE": 1} or data["messages"]["mt"] == {"DELIVERED": 1}
    status, headers, raw = call(smsc, "GET", "/api/v1/report?format=html")
    assert headers["Content-Type"] == "text/html; charset=utf-8" and b"<svg" in raw
    status, headers, raw = call(smsc, "GET", "/api/v1/report?format=markdown")
    assert raw.startswith(b"# smsc run report")
    assert error_of(smsc, "GET", "/api/v1/report?format=pdf")[0] == 400
    out = tmp_path / "report.html"
    written = smsc_cli("report", "--api", smsc.http_url, "--format", "html", "-o", str(out))
    assert written.returncode == 0 and "report written to" in written.stderr
    assert "id='headline-findings'><span class=value>1</span>" in out.read_text()
    md = smsc_cli("report", "--api", smsc.http_url)
    assert "| messages sent | **1** | 1 parts |" in md.stdout
