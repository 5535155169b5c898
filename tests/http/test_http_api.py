"""The REST API, /metrics and the event stream of a real ``smsc serve`` over loopback.

The simulator comes from our own pytest plugin (the ``smsc`` fixture: one subprocess for
the session, reset before each test); ESMEs are ``RawClient``s from the interop suite.
Every wait is bounded.
"""

from __future__ import annotations

import http.client
import json
import threading
import urllib.parse
from typing import Any

import pytest
from interop.conftest import RawClient, unique_system_id

import pdu
from smsc.client import ApiError, MessageTimeoutError
from smsc.http.openapi import PATHS
from smsc.http.resources import ROUTES
from smsc.pytest_plugin import Simulator

HANDSET = "447700900123"
SHORT_CODE = "12345"
WAIT = 30.0  # bound on a wait for a message's state, not an expectation


def call(
    sim: Simulator, method: str, path: str, body: bytes | None = None, headers: Any = None
) -> tuple[int, dict[str, str], bytes]:
    """One raw HTTP request: (status, headers, body)."""
    url = urllib.parse.urlsplit(sim.http_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def error_of(sim: Simulator, method: str, path: str, body: bytes | None = None) -> tuple[int, str]:
    status, headers, raw = call(sim, method, path, body)
    assert headers["Content-Type"] == "application/json"
    data = json.loads(raw)
    assert data["status"] == status
    return status, data["error"]


@pytest.fixture
def esme(smsc: Simulator) -> Any:
    with RawClient(smsc.smpp_address) as client:
        resp = client.bind(system_id=unique_system_id())
        assert resp.command_status == 0
        yield client


def deliveries(client: RawClient, n: int) -> list[pdu.DeliverSm]:
    got: list[pdu.DeliverSm] = []
    for _ in range(n):
        p = client.wait_for(
            lambda p: isinstance(p, pdu.DeliverSm) and p not in got and not p.esm_class & 0x04,
            what="deliver_sm",
        )
        got.append(p)  # type: ignore[arg-type]
    return got


# -- MO ---------------------------------------------------------------------------------


def test_mo_reaches_the_bound_esme_and_is_listed_then_delivered(
    smsc: Simulator, esme: RawClient
) -> None:
    message_id = smsc.send_mo(HANDSET, SHORT_CODE, "YES")

    (dsm,) = deliveries(esme, 1)
    assert (dsm.source_addr, dsm.destination_addr, dsm.short_message) == (
        HANDSET,
        SHORT_CODE,
        b"YES",
    )
    (listed,) = smsc.messages(direction="mo")
    assert (listed["id"], listed["from"], listed["to"], listed["text"]) == (
        message_id,
        HANDSET,
        SHORT_CODE,
        "YES",
    )
    # The ESME answered deliver_sm_resp: the MO is DELIVERED.
    delivered = smsc.wait_for_message(direction="mo", state="DELIVERED", timeout=WAIT)
    assert delivered["id"] == message_id


def test_post_mo_answers_201_with_location_of_the_message(smsc: Simulator) -> None:
    body = json.dumps({"from": HANDSET, "to": SHORT_CODE, "text": "HELP"}).encode()
    status, headers, raw = call(smsc, "POST", "/api/v1/mo", body)
    created = json.loads(raw)
    assert status == 201
    assert headers["Location"] == f"/api/v1/messages/{created['id']}"
    detail = smsc.message(created["id"])
    assert (detail["direction"], detail["text"], detail["data_coding"]) == ("mo", "HELP", 0)


def test_long_mo_is_split_with_udh_and_reassembled_in_the_detail(
    smsc: Simulator, esme: RawClient
) -> None:
    text = "".join(f"word{i} " for i in range(40)).strip()  # > 160 GSM-7 characters
    smsc.send_mo(HANDSET, SHORT_CODE, text)
    parts = deliveries(esme, 2)
    assert all(p.esm_class & 0x40 for p in parts)  # UDHI: a concatenated message
    listed = smsc.messages(direction="mo")
    assert [m["part_number"] for m in listed] == [1, 2]
    detail = smsc.message(listed[1]["id"])
    assert detail["complete"] is True
    assert detail["text"] == text
    assert [p["part_number"] for p in detail["parts"]] == [1, 2]
    # Each part's octets as sent: a UDH (05 00 03 ref 02 n) then the text.
    assert detail["parts"][0]["short_message_hex"].startswith("050003")
    # And the whole deliver_sm that carries each part (its sequence number is per attempt).
    for part, sent in zip(detail["parts"], parts, strict=True):
        carried = pdu.decode(bytes.fromhex(part["pdu_hex"]))
        assert isinstance(carried, pdu.DeliverSm)
        assert carried.short_message == sent.short_message


def test_mo_in_ucs2_when_the_text_needs_it(smsc: Simulator, esme: RawClient) -> None:
    smsc.send_mo(HANDSET, SHORT_CODE, "Да")
    (dsm,) = deliveries(esme, 1)
    assert (dsm.data_coding, dsm.short_message) == (8, "Да".encode("utf-16-be"))


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (b"not json", 400, "not valid JSON"),
        (b"[1, 2]", 400, "JSON object"),
        (b'{"from": "1", "to": "2"}', 400, "missing field 'text'"),
        (b'{"from": "1", "to": "2", "text": "x", "colour": "red"}', 400, "unknown field 'colour'"),
        (b'{"from": 1, "to": "2", "text": "x"}', 400, "'from' must be a string"),
        (b'{"from": "1", "to": "2", "text": "x", "data_coding": 300}', 400, "0-255"),
        (b'{"from": "1", "to": "2", "text": "x", "segmentation": "x"}', 400, "segmentation"),
        (b'{"from": "1", "to": "2", "text": ""}', 422, "text is empty"),
        (b'{"from": "", "to": "2", "text": "x"}', 422, "from is empty"),
        (b'{"from": "1", "to": "' + b"9" * 21 + b'", "text": "x"}', 422, "to must be"),
        (b'{"from": "1", "to": "2", "text": "\\u20ac", "data_coding": 3}', 422, "cannot be"),
        (b'{"from": "1", "to": "2", "text": "x", "account": "nobody"}', 422, "unknown account"),
    ],
)
def test_bad_mo_is_refused_with_a_clear_json_error(
    smsc: Simulator, body: bytes, status: int, says: str
) -> None:
    got_status, error = error_of(smsc, "POST", "/api/v1/mo", body)
    assert (got_status, says in error) == (status, True), error
    assert smsc.messages() == []  # nothing injected


# -- MT, listing and detail -------------------------------------------------------------


def submit(
    esme: RawClient, to: str, text: bytes, registered_delivery: int = 1, **tlvs: object
) -> str:
    resp = esme.request(
        pdu.SubmitSm(
            source_addr=SHORT_CODE,
            destination_addr=to,
            short_message=text,
            registered_delivery=registered_delivery,
            **tlvs,
        )
    )
    assert resp.command_status == 0
    return str(resp.message_id)  # type: ignore[attr-defined]


def test_mt_detail_has_state_history_and_receipt(smsc: Simulator, esme: RawClient) -> None:
    message_id = submit(esme, HANDSET, b"Your code is 1234", user_message_reference=7)
    smsc.wait_for_message(direction="mt", state="DELIVERED", timeout=WAIT)
    detail = smsc.message(message_id)
    assert (detail["direction"], detail["to"], detail["text"]) == (
        "mt",
        HANDSET,
        "Your code is 1234",
    )
    assert [h["state"] for h in detail["history"]] == ["ENROUTE", "DELIVERED"]
    assert [(r["state"], r["intermediate"]) for r in detail["receipts"]] == [("DELIVERED", False)]
    assert detail["parts"][0]["short_message_hex"] == b"Your code is 1234".hex()
    # The submit_sm as the ESME sent it, byte for byte (RawClient numbers from 1; bind was 1).
    raw = bytes.fromhex(detail["parts"][0]["pdu_hex"])
    sent = pdu.decode(raw)
    assert isinstance(sent, pdu.SubmitSm) and sent.short_message == b"Your code is 1234"
    assert pdu.encode(sent) == raw
    # Decoded for people: header, the fields in wire order, the TLVs with their octets.
    decoded = detail["parts"][0]["pdu"]
    assert (decoded["command_name"], decoded["command_status_name"]) == ("submit_sm", "ESME_ROK")
    assert decoded["command_length"] == len(raw)
    assert list(decoded["fields"]) == list(pdu.SubmitSm.mandatory_fields)
    assert decoded["fields"]["destination_addr"] == HANDSET
    assert decoded["fields"]["short_message"] == b"Your code is 1234".hex()
    assert decoded["tlvs"] == [
        {"name": "user_message_reference", "tag": 0x0204, "value": 7, "hex": "0007"}
    ]


def test_filters_select_messages(smsc: Simulator, esme: RawClient) -> None:
    submit(esme, "447700900001", b"alpha one", 0)
    submit(esme, "447700900002", b"beta two", 0)
    smsc.send_mo("447700900003", SHORT_CODE, "gamma")
    deliveries(esme, 1)

    def ids(**filters: object) -> list[str]:
        return [m["text"] for m in smsc.messages(**filters)]

    assert ids(direction="mt") == ["alpha one", "beta two"]
    assert ids(direction="mo") == ["gamma"]
    assert ids(to="447700900002") == ["beta two"]
    assert ids(from_="447700900003") == ["gamma"]
    assert ids(text="two") == ["beta two"]
    # A state that lasts: ENROUTE ends after the receipt delay, however slow the machine.
    for text in ("alpha one", "beta two"):
        smsc.wait_for_message(direction="mt", text=text, state="DELIVERED", timeout=WAIT)
    assert ids(direction="mt", state="DELIVERED", limit=1) == ["alpha one"]
    first = smsc.messages(direction="mt")[0]
    assert ids(since=first["submit_time"] + 3600) == []


def test_paging_with_limit_and_offset(smsc: Simulator) -> None:
    for i in range(5):
        smsc.send_mo(HANDSET, SHORT_CODE, f"m{i}")
    assert [m["text"] for m in smsc.messages(limit=2, offset=2)] == ["m2", "m3"]
    assert [m["text"] for m in smsc.messages(offset=4)] == ["m4"]


def test_newest_first_pages_back_by_cursor(smsc: Simulator) -> None:
    for i in range(7):
        smsc.send_mo(HANDSET, SHORT_CODE, f"m{i}")
    status, _, raw = call(smsc, "GET", "/api/v1/messages?order=newest&limit=3")
    page = json.loads(raw)
    assert status == 200
    assert [m["text"] for m in page["messages"]] == ["m6", "m5", "m4"]
    assert (page["order"], page["next"]) == ("newest", page["messages"][-1]["cursor"])
    smsc.send_mo(HANDSET, SHORT_CODE, "arrived meanwhile")  # shifts no page by cursor
    older = smsc.messages(order="newest", before=page["next"], limit=3)
    assert [m["text"] for m in older] == ["m3", "m2", "m1"]
    last = json.loads(
        call(smsc, "GET", f"/api/v1/messages?order=newest&before={older[-1]['cursor']}&limit=3")[2]
    )
    assert ([m["text"] for m in last["messages"]], last["next"]) == (["m0"], None)
    forwards = smsc.messages(after=older[0]["cursor"], limit=2)
    assert [m["text"] for m in forwards] == ["m4", "m5"]


def test_handset_filter_is_its_mt_and_its_mo(smsc: Simulator, esme: RawClient) -> None:
    submit(esme, HANDSET, b"to the handset")
    smsc.send_mo(HANDSET, SHORT_CODE, "from the handset")
    smsc.send_mo("447700900999", SHORT_CODE, "another handset")
    smsc.wait_for_message(text="to the handset")
    found = smsc.messages(handset=HANDSET, order="newest")
    assert [m["text"] for m in found] == ["from the handset", "to the handset"]


def test_conversations_list_handsets_by_their_latest_message(
    smsc: Simulator, esme: RawClient
) -> None:
    smsc.send_mo("447700900001", SHORT_CODE, "one")
    smsc.send_mo("447700900002", SHORT_CODE, "two")
    submit(esme, "447700900001", b"reply to one")
    smsc.wait_for_message(text="reply to one")
    found = smsc.api.conversations()
    assert [(c["handset"], c["last"]["text"]) for c in found] == [
        ("447700900001", "reply to one"),
        ("447700900002", "two"),
    ]
    assert [c["handset"] for c in smsc.api.conversations(search="0002")] == ["447700900002"]
    status, _, raw = call(smsc, "GET", "/api/v1/conversations?limit=1")
    first = json.loads(raw)
    assert status == 200 and first["next"] == first["conversations"][0]["last"]["cursor"]
    rest = json.loads(call(smsc, "GET", f"/api/v1/conversations?before={first['next']}")[2])
    assert ([c["handset"] for c in rest["conversations"]], rest["next"]) == (
        ["447700900002"],
        None,
    )


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("direction=up", "direction must be mt or mo"),
        ("order=random", "order must be oldest or newest"),
        ("after=abc", "after must be a cursor"),
        ("before=-1", "before must be a cursor"),
        ("state=LOST", "state 'LOST' is not one of"),
        ("limit=-1", "limit must be a whole number"),
        ("limit=5000", "between 0 and 1000"),
        ("since=yesterday", "since must be seconds since the epoch or an RFC 3339"),
        ("since=", "since must be seconds since the epoch"),
        ("since=1e9", "since must be seconds since the epoch"),  # as the document says
        ("since=2024-01-01T00:00:00", "needs a time zone"),
        ("since=2024-02-30T00:00:00Z", "since is not a date-time (day is out of range"),
        ("state=Delivered", "state 'Delivered' is not one of"),
        ("state=10", "state '10' is not one of"),
        ("sort=asc", "unknown query parameter 'sort'"),
        ("to=1&to=2", "'to' given 2 times"),
    ],
)
def test_bad_filters_are_refused(smsc: Simulator, query: str, says: str) -> None:
    status, error = error_of(smsc, "GET", f"/api/v1/messages?{query}")
    assert status == 400
    assert says in error


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("since=0", 1),
        ("since=1714564800.5", 1),
        ("since=2024-05-01T12:00:00Z", 1),
        ("since=2024-05-01t14:00:00.25%2B02:00", 1),
        ("since=2999-01-01T00:00:00Z", 0),
        ("state=enroute", 1),
        ("state=ENROUTE", 1),
        ("state=1", 1),
        ("state=2", 0),
    ],
)
def test_filters_take_what_the_document_says(smsc: Simulator, query: str, found: int) -> None:
    smsc.send_mo(HANDSET, SHORT_CODE, "unread by any ESME")  # ENROUTE: no bind takes it
    status, _, raw = call(smsc, "GET", f"/api/v1/messages?{query}")
    assert (status, len(json.loads(raw)["messages"])) == (200, found)


def test_unknown_message_path_and_method(smsc: Simulator) -> None:
    assert error_of(smsc, "GET", "/api/v1/messages/999")[0] == 404
    assert error_of(smsc, "GET", "/api/v1/nothing")[0] == 404
    status, headers, _ = call(smsc, "PUT", "/api/v1/messages")
    assert (status, headers["Allow"]) == (405, "DELETE, GET")


# -- waiting ----------------------------------------------------------------------------


def test_wait_times_out_with_408(smsc: Simulator) -> None:
    status, _error = error_of(smsc, "GET", "/api/v1/messages/wait?text=never&timeout=0.2")
    assert status == 408
    with pytest.raises(MessageTimeoutError):
        smsc.wait_for_message(timeout=0.2, text="never")


def test_wait_answers_when_a_matching_message_arrives(smsc: Simulator) -> None:
    found: list[dict[str, Any]] = []
    waiter = threading.Thread(
        target=lambda: found.append(smsc.wait_for_message(timeout=WAIT, text="later"))
    )
    waiter.start()
    try:
        smsc.send_mo(HANDSET, SHORT_CODE, "not this one")
        smsc.send_mo(HANDSET, SHORT_CODE, "later")
    finally:
        waiter.join(timeout=WAIT + 5)
    assert [m["text"] for m in found] == ["later"]


def test_wait_answers_at_once_for_a_message_already_stored(smsc: Simulator) -> None:
    smsc.send_mo(HANDSET, SHORT_CODE, "already")
    assert smsc.wait_for_message(timeout=0, text="already")["text"] == "already"


def test_wait_after_a_cursor_never_answers_with_a_match_stored_before_it(
    smsc: Simulator,
) -> None:
    seen = smsc.send_mo(HANDSET, SHORT_CODE, "code 1")
    first = smsc.wait_for_message(timeout=0, text="code")
    assert first["id"] == seen
    # The same match again, for a wait without a cursor; none for a wait after it.
    assert smsc.wait_for_message(timeout=0, text="code")["id"] == seen
    status, error = error_of(
        smsc, "GET", f"/api/v1/messages/wait?text=code&after={first['cursor']}&timeout=0.2"
    )
    assert (status, error) == (408, "no matching message within 0.2 s")
    mark = smsc.mark()
    smsc.send_mo(HANDSET, SHORT_CODE, "code 2")
    second = smsc.wait_for_message(timeout=WAIT, text="code", after=first)
    assert second["text"] == "code 2"
    assert smsc.wait_for_message(timeout=WAIT, text="code", after=mark)["id"] == second["id"]


def test_wait_after_a_cursor_answers_when_a_newer_match_arrives(smsc: Simulator) -> None:
    smsc.send_mo(HANDSET, SHORT_CODE, "ping")
    old = smsc.wait_for_message(timeout=0, text="ping")
    found: list[dict[str, Any]] = []
    waiter = threading.Thread(
        target=lambda: found.append(smsc.wait_for_message(timeout=WAIT, text="ping", after=old))
    )
    waiter.start()
    try:
        smsc.send_mo(HANDSET, SHORT_CODE, "pong")
        smsc.send_mo(HANDSET, SHORT_CODE, "ping again")
    finally:
        waiter.join(timeout=WAIT + 5)
    assert [m["text"] for m in found] == ["ping again"]


def test_a_mark_taken_on_an_empty_store_and_cursors_survive_a_reset(smsc: Simulator) -> None:
    smsc.send_mo(HANDSET, SHORT_CODE, "before reset")
    before = smsc.wait_for_message(timeout=0, text="before reset")
    smsc.reset()
    assert smsc.mark() == "0"
    smsc.send_mo(HANDSET, SHORT_CODE, "after reset")
    # The cursor from before the reset still means "newer than what I saw".
    assert smsc.wait_for_message(timeout=WAIT, after=before)["text"] == "after reset"


# -- reset, binds -----------------------------------------------------------------------


def test_reset_forgets_messages_and_keeps_binds(smsc: Simulator, esme: RawClient) -> None:
    submit(esme, HANDSET, b"before reset")
    smsc.send_mo(HANDSET, SHORT_CODE, "before reset")
    status, _, body = call(smsc, "DELETE", "/api/v1/messages")
    assert (status, body) == (204, b"")
    assert smsc.messages() == []
    assert len(smsc.binds()) == 1
    # The session still works after the reset.
    submit(esme, HANDSET, b"after reset", 0)
    assert [m["text"] for m in smsc.messages()] == ["after reset"]


def test_binds_lists_bound_sessions(smsc: Simulator) -> None:
    system_id = unique_system_id()
    with RawClient(smsc.smpp_address) as client:
        client.bind(pdu.BindReceiver, system_id=system_id)
        (bind,) = [b for b in smsc.binds() if b["system_id"] == system_id]
        assert bind["state"] == "bound_rx"
        assert bind["peer"] == "127.0.0.1"


# -- OpenAPI, metrics, events -----------------------------------------------------------


def test_openapi_describes_every_route_and_only_routes(smsc: Simulator) -> None:
    status, _headers, raw = call(smsc, "GET", "/api/v1/openapi.json")
    doc = json.loads(raw)
    assert status == 200
    assert doc["openapi"].startswith("3.")
    described = {(m.upper(), path) for path, ops in doc["paths"].items() for m in ops}
    routes = {(r.method, r.template) for r in ROUTES}
    assert described == routes
    assert doc["paths"] == PATHS


def metric(text: str, name: str) -> float:
    """The value of one sample line ``name{...} value`` (name with its labels)."""
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in /metrics:\n{text}")


def test_metrics_count_binds_pdus_submits_and_receipts(smsc: Simulator, esme: RawClient) -> None:
    _status, headers, raw = call(smsc, "GET", "/metrics")
    before = raw.decode()
    submit(esme, HANDSET, b"counted")
    smsc.wait_for_message(state="DELIVERED", timeout=WAIT)
    esme.wait_for(lambda p: isinstance(p, pdu.DeliverSm) and bool(p.esm_class & 0x04))
    _, headers, raw = call(smsc, "GET", "/metrics")
    after = raw.decode()
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
    for name in ("smsc_submitted_total", "smsc_receipts_total"):
        assert metric(after, name) == metric(before, name) + 1
    resp = 'smsc_pdus_sent_total{command="submit_sm_resp",status="ESME_ROK"}'
    assert metric(after, resp) >= 1
    assert 'smsc_binds{system_id="' in after
    assert "# TYPE smsc_delivery_response_seconds histogram" in after
    assert 'smsc_queue_depth{queue="deliveries_queued"}' in after


def test_event_stream_sends_new_messages(smsc: Simulator) -> None:
    url = urllib.parse.urlsplit(smsc.http_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.request("GET", "/api/v1/events")
        resp = conn.getresponse()
        assert resp.status == 200
        assert resp.getheader("Content-Type", "").startswith("text/event-stream")
        smsc.send_mo(HANDSET, SHORT_CODE, "streamed")
        event = None
        for _ in range(20):  # bounded: a few comment and event lines
            line = resp.fp.readline().decode()
            if line.startswith("data: ") and event == "message":
                assert json.loads(line[6:])["text"] == "streamed"
                return
            if line.startswith("event: "):
                event = line[7:].strip()
        raise AssertionError("no message event")
    finally:
        conn.close()


# -- authentication ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Any:
    sim = Simulator.start(tmp_path_factory.mktemp("guarded"), ["--api-token", "s3cret"])
    try:
        yield sim
    finally:
        sim.stop()


def test_token_is_required_when_configured(guarded: Simulator) -> None:
    assert call(guarded, "GET", "/api/v1/messages")[0] == 401
    wrong = {"Authorization": "Bearer nope"}
    assert call(guarded, "GET", "/api/v1/messages", headers=wrong)[0] == 401
    right = {"Authorization": "Bearer s3cret"}
    assert call(guarded, "GET", "/api/v1/messages", headers=right)[0] == 200
    # Prometheus and the API description stay reachable.
    assert call(guarded, "GET", "/metrics")[0] == 200
    assert call(guarded, "GET", "/api/v1/openapi.json")[0] == 200
    with pytest.raises(ApiError) as e:
        guarded.api.request("POST", "/api/v1/mo", {"from": "1", "to": "2", "text": "x"})
    assert e.value.status == 401


def test_the_document_asks_for_a_token_only_when_the_server_has_one(
    smsc: Simulator, guarded: Simulator
) -> None:
    open_doc = json.loads(call(smsc, "GET", "/api/v1/openapi.json")[2])
    guarded_doc = json.loads(call(guarded, "GET", "/api/v1/openapi.json")[2])
    assert (open_doc["security"], guarded_doc["security"]) == ([], [{"bearer": []}])
    listing = "/api/v1/messages"
    assert "401" not in open_doc["paths"][listing]["get"]["responses"]
    assert "401" in guarded_doc["paths"][listing]["get"]["responses"]
    assert "401" not in guarded_doc["paths"]["/metrics"]["get"]["responses"]  # public


def test_fault_numbers_in_json_as_json_has_them(smsc: Simulator) -> None:
    fault = smsc.api.add_fault("duplicate_delivery", copies=2.0, probability=1.0)
    assert (fault["copies"], fault["probability"]) == (2, 1.0)  # 2.0 is the integer 2
    smsc.api.remove_fault(fault["id"])


def test_mo_numbers_in_json_as_json_has_them(smsc: Simulator) -> None:
    created = smsc.api.request(
        "POST", "/api/v1/mo", {"from": "1", "to": "2", "text": "x", "data_coding": 8.0}
    )
    assert created["data_coding"] == 8  # 8.0 is the integer 8 in JSON
    body = b'{"from": "1", "to": "2", "text": "x", "segmentation": {}}'
    assert error_of(smsc, "POST", "/api/v1/mo", body) == (
        400,
        "'segmentation' must be one of udh, udh16, sar, payload, got {}",
    )


# -- the SQLite store -------------------------------------------------------------------


def test_sqlite_store_mo_is_readable_at_once_and_reset_empties_it(tmp_path: Any) -> None:
    sim = Simulator.start(tmp_path, ["--store", "sqlite"])
    try:
        # POST answers once the message is committed: a GET right after finds it.
        message_id = sim.send_mo(HANDSET, SHORT_CODE, "durable")
        assert sim.message(message_id)["text"] == "durable"
        sim.reset()
        assert sim.messages() == []
        sim.send_mo("1", "2", "again")
        assert [m["text"] for m in sim.messages()] == ["again"]
    finally:
        sim.stop()
