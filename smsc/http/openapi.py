"""The OpenAPI 3 description of the HTTP API, as data; served at /api/v1/openapi.json.

It says exactly what the server accepts and answers: parameters and bodies as the parsers in
``smsc.http.api`` read them, every status a handler can answer with its body, security only
when the server has an api_token (``document`` is made per server). The tests check that
every route of ``smsc.http.resources.ROUTES`` is described here and nothing else, and run
schemathesis with all its checks against a running server (tests/http/test_contract.py).
"""

from __future__ import annotations

import copy
from typing import Any

from pdu import CommandStatus, MessageState

from ..config.faults import MAX_COPIES, MAX_DELAY, MAX_PREFIX
from ..config.values import MAX_RATE, MAX_SYSTEM_ID
from ..core import MAX_ADDR
from ..faults import PARAMETERS, FaultKind
from .payloads import (
    DEFAULT_CONVERSATIONS,
    DEFAULT_LIMIT,
    DEFAULT_WAIT,
    EPOCH_SECONDS,
    MAX_BODY_OCTETS,
    MAX_CURSOR_DIGITS,
    MAX_LIMIT,
    MAX_OFFSET,
    MAX_WAIT,
    MO_FIELDS,
    OPT_OUT_FIELDS,
    SEGMENTATION,
)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


def _q(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


FILTERS: list[dict[str, Any]] = [
    _q("direction", "mt (submitted by an ESME) or mo (sent by a handset)", {"enum": ["mt", "mo"]}),
    _q("from", "source_addr, exact"),
    _q("to", "destination_addr, exact"),
    _q("handset", "the handset's number, exact: MT to it and MO from it"),
    _q("account", "system_id of the owning account (MO injected without one: empty string)"),
    _q(
        "state",
        "message state: its name (upper or lower case) or number",
        {
            "type": "string",
            "enum": [
                *(s.name for s in MessageState),
                *(s.name.lower() for s in MessageState),
                *(str(int(s)) for s in MessageState),
            ],
        },
    ),
    _q("text", "substring of the decoded text of a part (case-sensitive)"),
    _q(
        "since",
        "submit_time at or after: seconds since the epoch (1714564800.5) or an RFC 3339 "
        "date-time with its zone (2024-05-01T12:00:00Z)",
        {
            "anyOf": [
                {"type": "string", "pattern": EPOCH_SECONDS},
                {"type": "string", "format": "date-time"},
            ]
        },
    ),
]
CURSOR = {
    "type": "string",
    "pattern": f"^[0-9]{{1,{MAX_CURSOR_DIGITS}}}$",
    "description": "opaque: a message's 'cursor' or a page's 'next'",
}
AFTER = _q(
    "after",
    "only messages stored after the message of this cursor (newer than the one you last saw)",
    CURSOR,
)
BEFORE = _q("before", "only messages stored before the message of this cursor", CURSOR)
NEXT = {
    "type": ["string", "null"],
    "description": "the cursor to go on from (before= when newest first, after= when oldest "
    "first); null when this page was the last",
}

UNAUTHORIZED = {
    **_error("no valid 'Authorization: Bearer' header (this server has an api_token)"),
    "headers": {"WWW-Authenticate": {"schema": {"const": "Bearer"}}},
}
BAD_QUERY = _error("a bad or repeated query parameter, one it does not know, not UTF-8")
TOO_LARGE = _error(f"a body larger than {MAX_BODY_OCTETS} octets")
LOCATION = {"Location": {"schema": {"type": "string"}, "description": "the new resource"}}
PRINTABLE = "[\\x20-\\x7e]"  # printable ASCII, as a JSON Schema (ECMA 262) pattern

ADDRESS = f"^\\+?[A-Za-z0-9]{{1,{MAX_ADDR}}}$"  # what an opt-out takes: see api._address

# A fault on demand, one schema per kind (as a [[faults]] table of the config file): the
# parameters each kind takes, with their defaults, and the scope every kind shares.
FAULT_PARAMETERS: dict[str, dict[str, Any]] = {
    "status": {
        "oneOf": [
            {"enum": [n for n in CommandStatus.__members__ if n != "ESME_ROK"]},
            {"type": "integer", "minimum": 1, "maximum": 0xFFFFFFFF},
        ],
        "description": "command_status name (ESME_RSYSERR) or number, not ESME_ROK",
    },
    "rate": {
        "type": "number",
        "exclusiveMinimum": 0,
        "maximum": MAX_RATE,
        "description": "submissions per second",
    },
    "delay": {
        "type": "number",
        "exclusiveMinimum": 0,
        "maximum": MAX_DELAY,
        "description": "seconds",
    },
    "copies": {"type": "integer", "minimum": 1, "maximum": MAX_COPIES},
    "after": {
        "type": "integer",
        "minimum": 1,
        "maximum": 2**31 - 1,
        "description": "PDUs from the ESME",
    },
}
FAULT_HELP = {
    FaultKind.REJECT: "submissions refused with status",
    FaultKind.THROTTLE: "ESME_RTHROTTLED above rate submissions per second",
    FaultKind.SLOW_RESPONSE: "the response to an accepted submission delay seconds late",
    FaultKind.NO_RESPONSE: "accepted, but the response never sent",
    FaultKind.RECEIPT_DELAY: "the receipt queued delay seconds after the final state",
    FaultKind.RECEIPT_LOST: "the final state reached, its receipt never sent",
    FaultKind.DUPLICATE_DELIVERY: "a receipt or MO deliver_sm sent copies more times",
    FaultKind.BIND_REFUSED: "binds answered with status",
    FaultKind.DROP_SESSION: "the connection closed after after PDUs from the ESME",
}


def _fault_name(kind: FaultKind) -> str:
    return "Fault" + "".join(w.title() for w in kind.value.split("_"))


def _fault_schema(kind: FaultKind) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "id": {
            "readOnly": True,
            "description": "given by the server (an integer); ignored in a request",
        },
        "kind": {"const": kind.value},
        "account": {
            "type": "string",
            "pattern": f"^[\\x21-\\x7e]{{1,{MAX_SYSTEM_ID}}}$",
            "description": "only this system_id's traffic (printable ASCII, no spaces)",
        },
        "probability": {
            "type": "number",
            "exclusiveMinimum": 0,
            "maximum": 1,
            "default": 1.0,
        },
    }
    if kind not in (FaultKind.BIND_REFUSED, FaultKind.DROP_SESSION):
        properties["prefix"] = {
            "type": "string",
            "pattern": f"^{PRINTABLE}{{1,{MAX_PREFIX}}}$",
            "description": "only destinations starting so",
        }
    required = ["kind"]
    for name, default in PARAMETERS[kind].items():
        schema = dict(FAULT_PARAMETERS[name])
        if default is None:
            required.append(name)
        else:
            schema["default"] = (
                CommandStatus(default).name if isinstance(default, CommandStatus) else default
            )
        properties[name] = schema
    return {
        "type": "object",
        "description": FAULT_HELP[kind],
        "required": required,
        "additionalProperties": False,
        "properties": properties,
    }


def _closed(properties: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    """An object with exactly these properties, every one always present."""
    schema: dict[str, Any] = {
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
    }
    if description:
        schema["description"] = description
    return schema


MESSAGE: dict[str, Any] = {
    "id": {"type": "string"},
    "direction": {"enum": ["mt", "mo"]},
    "account": {"type": "string"},
    "from": {"type": "string"},
    "to": {"type": "string"},
    "text": {"type": ["string", "null"], "description": "null for binary data"},
    "state": {
        "anyOf": [
            {"enum": [s.name for s in MessageState]},
            {"type": "string", "pattern": "^UNKNOWN_0x[0-9A-F]+$"},
        ],
        "description": "a state SMPP 3.4 does not name shows as UNKNOWN_0x<hex>",
    },
    "error_code": {"type": "integer"},
    "data_coding": {"type": "integer"},
    "esm_class": {"type": "integer"},
    "registered_delivery": {"type": "integer"},
    "submit_time": {"type": "number", "description": "seconds since the epoch"},
    "done_time": {"type": ["number", "null"]},
    "part_number": {"type": "integer"},
    "part_total": {"type": "integer"},
    "concat_ref": {"type": ["integer", "null"]},
    "cursor": {
        "type": "string",
        "description": "opaque; for after= and before=. Later stored, later in every order; "
        "never reused, not even after a reset",
    },
}

FAULT_SCHEMAS: dict[str, Any] = {_fault_name(k): _fault_schema(k) for k in FaultKind}
FAULT_SCHEMAS["Fault"] = {
    "description": "A fault on demand, as a [[faults]] table of the config file. Scope: "
    "account and/or destination prefix; neither = every submission (or bind).",
    "oneOf": [_ref(_fault_name(k)) for k in FaultKind],
    "discriminator": {
        "propertyName": "kind",
        "mapping": {k.value: f"#/components/schemas/{_fault_name(k)}" for k in FaultKind},
    },
}

SCHEMAS: dict[str, Any] = {
    "Error": _closed(
        {
            "error": {"type": "string", "description": "what is wrong, for a developer"},
            "status": {"type": "integer", "description": "the HTTP status again"},
        }
    ),
    "Message": _closed(
        MESSAGE,
        "One message, or one part of a long message (each part has its id).",
    ),
    "MessageDetail": _closed(
        {
            **MESSAGE,
            "text": {
                "type": ["string", "null"],
                "description": "the reassembled text when every part is held",
            },
            "complete": {"type": "boolean"},
            "parts": {
                "type": "array",
                "items": _closed(
                    {
                        "id": {"type": "string"},
                        "part_number": {"type": "integer"},
                        "state": MESSAGE["state"],
                        "text": {"type": ["string", "null"]},
                        "short_message_hex": {
                            "type": "string",
                            "description": "the payload octets as sent, UDH included",
                        },
                        "pdu_hex": {
                            "type": "string",
                            "description": "the whole PDU that carried the part: as received "
                            "(MT) or as sent without its per-attempt sequence_number (MO)",
                        },
                        "tlvs": {"type": "object", "description": "the TLVs kept, by name"},
                        "pdu": _ref("DecodedPdu"),
                    }
                ),
            },
            "history": {
                "type": "array",
                "items": _closed(
                    {
                        "state": MESSAGE["state"],
                        "time": {"type": "number"},
                        "error_code": {"type": "integer"},
                    }
                ),
            },
            "receipts": {
                "type": "array",
                "description": "receipts queued for the ESME, per registered_delivery",
                "items": _closed(
                    {
                        "state": MESSAGE["state"],
                        "time": {"type": "number"},
                        "intermediate": {"type": "boolean"},
                    }
                ),
            },
        },
        "One message with its parts, state history and receipts.",
    ),
    "DecodedPdu": {
        "description": "pdu_hex decoded: the header, the mandatory fields in wire order "
        "(octet strings in hex) and the TLVs; or error when it does not decode",
        "oneOf": [
            {
                "type": "object",
                "required": [
                    "command_length",
                    "command_id",
                    "command_name",
                    "command_status",
                    "command_status_name",
                    "sequence_number",
                    "fields",
                    "tlvs",
                ],
                "additionalProperties": False,
                "properties": {
                    "command_length": {"type": "integer"},
                    "command_id": {"type": "integer"},
                    "command_name": {"type": ["string", "null"]},
                    "command_status": {"type": "integer"},
                    "command_status_name": {"type": ["string", "null"]},
                    "sequence_number": {"type": "integer"},
                    "fields": {"type": "object"},
                    "tlvs": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name", "tag", "value", "hex"],
                            "properties": {
                                "name": {
                                    "type": ["string", "null"],
                                    "description": "null: a tag SMPP 3.4 does not name",
                                },
                                "tag": {"type": "integer"},
                                "value": {},
                                "hex": {"type": "string", "description": "the value octets"},
                            },
                        },
                    },
                },
            },
            {
                "type": "object",
                "required": ["error"],
                "additionalProperties": False,
                "properties": {"error": {"type": "string"}},
            },
        ],
    },
    "MoRequest": {
        "type": "object",
        "required": ["from", "to", "text"],
        "additionalProperties": False,
        "properties": {
            "from": {
                "type": "string",
                "pattern": f"^{PRINTABLE}{{1,{MAX_ADDR}}}$",
                "description": "the handset's number (source_addr)",
            },
            "to": {
                "type": "string",
                "pattern": f"^{PRINTABLE}{{1,{MAX_ADDR}}}$",
                "description": "short code or long number",
            },
            "text": {
                "type": "string",
                "minLength": 1,
                "description": "refused (422) when the data_coding cannot carry it",
            },
            "data_coding": {
                "type": ["integer", "null"],
                "minimum": 0,
                "maximum": 255,
                "description": "default (null): 0 (GSM 03.38) when the text fits, else 8 (UCS-2)",
            },
            "segmentation": {
                "enum": [*SEGMENTATION, None],
                "description": "how a long text is split: UDH 8- or 16-bit reference, SAR "
                "TLVs, or one deliver_sm with message_payload (default: as the sending "
                "handset's carrier splits long MO, its mo_segmentation; udh with no carriers "
                "configured; null: the default)",
            },
            "account": {
                "type": ["string", "null"],
                "description": "deliver to this account's binds (default, null: any receiver "
                "bind); "
                "refused (422) when no such account is configured",
            },
        },
    },
    "MoCreated": {
        "type": "object",
        "required": ["id", "ids", "parts", "data_coding"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "description": "message id of the first part"},
            "ids": {"type": "array", "items": {"type": "string"}},
            "parts": {"type": "integer"},
            "data_coding": {"type": "integer"},
        },
    },
    "Bind": _closed(
        {
            "connection": {"type": "integer"},
            "system_id": {"type": "string"},
            "state": {"enum": ["bound_tx", "bound_rx", "bound_trx", "unbinding"]},
            "peer": {"type": "string"},
            "outstanding": {"type": "integer"},
            "inbound_pending": {"type": "integer"},
        }
    ),
    "OptOut": {
        "type": "object",
        "description": "A handset opted out of a sender's number, as by its STOP: MT from "
        "that number to the handset is refused (per the number's compliance opted_out mode).",
        "required": ["handset", "sender"],
        "additionalProperties": False,
        "properties": {
            "handset": {
                "type": "string",
                "pattern": ADDRESS,
                "description": "E.164 digits; a leading + dropped",
            },
            "sender": {
                "type": "string",
                "pattern": ADDRESS,
                "description": "the short code or long number",
            },
        },
    },
    "Carrier": _closed(
        {
            "name": {"type": "string"},
            "country": {"type": "string"},
            "mcc": {"type": "string"},
            "mnc": {"type": "string"},
            "prefixes": {
                "type": "array",
                "items": {"type": "string"},
                "description": "empty: the catch-all",
            },
            "latency": {
                "type": "object",
                "description": "as in the config: kind fixed (seconds), uniform (min, "
                "max) or lognormal (median, sigma, max)",
                "properties": {"kind": {"enum": ["fixed", "uniform", "lognormal"]}},
            },
            "throughput": {"type": ["number", "null"], "description": "messages/s; null: no cap"},
            "over_throughput": {"enum": ["queue", "throttle"]},
            "down": {"type": "boolean"},
            "outage_mode": {
                "enum": ["reject", "undeliverable", "expire"],
                "description": "what an MT meets while the carrier is down",
            },
        },
        "A simulated carrier as configured ([[carriers]]; 'default' is the built-in "
        "catch-all), and whether it is in an outage now.",
    ),
}

SCHEMAS.update(FAULT_SCHEMAS)
assert set(MO_FIELDS) == set(SCHEMAS["MoRequest"]["properties"])
assert set(OPT_OUT_FIELDS) == set(SCHEMAS["OptOut"]["properties"])

PATHS: dict[str, Any] = {
    "/api/v1/messages": {
        "get": {
            "summary": "List messages in the order stored: oldest first, or newest first",
            "description": "Page with the cursors: order=newest and before=<next> goes back in "
            "time page by page; order=oldest and after=<next> forwards. A page read by cursor "
            "costs the same at any depth, and messages arriving meanwhile do not shift it.",
            "parameters": [
                *FILTERS,
                _q(
                    "order",
                    "oldest (default) or newest first",
                    {"enum": ["oldest", "newest"], "default": "oldest"},
                ),
                AFTER,
                BEFORE,
                _q(
                    "limit",
                    f"page size (default {DEFAULT_LIMIT}, at most {MAX_LIMIT})",
                    {"type": "integer", "minimum": 0, "maximum": MAX_LIMIT},
                ),
                _q(
                    "offset",
                    "messages to skip",
                    {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
                ),
            ],
            "responses": {
                "200": _json(
                    _closed(
                        {
                            "messages": {"type": "array", "items": _ref("Message")},
                            "limit": {"type": "integer"},
                            "offset": {"type": "integer"},
                            "order": {"enum": ["oldest", "newest"]},
                            "next": NEXT,
                        }
                    ),
                    "the page of matching messages",
                ),
                "400": BAD_QUERY,
            },
        },
        "delete": {
            "summary": "Forget every message and pending delivery (reset between tests)",
            "description": "Binds stay up; counters in /metrics are kept.",
            "responses": {"204": {"description": "reset"}},
        },
    },
    "/api/v1/messages/wait": {
        "get": {
            "summary": "Wait for a message matching the filters",
            "description": "Answers as soon as a matching message is stored (at once if one "
            "already is), with the oldest match. Give after=<cursor of the last message you "
            "saw> to wait for a newer one: a match stored before it is never the answer.",
            "parameters": [
                *FILTERS,
                AFTER,
                _q(
                    "timeout",
                    f"seconds to wait (default {DEFAULT_WAIT:g}, at most {MAX_WAIT:g})",
                    {"type": "number", "minimum": 0, "maximum": MAX_WAIT},
                ),
            ],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["message"],
                        "additionalProperties": False,
                        "properties": {"message": _ref("Message")},
                    },
                    "the first matching message",
                ),
                "400": BAD_QUERY,
                "408": _error("no matching message within the timeout"),
            },
        },
    },
    "/api/v1/conversations": {
        "get": {
            "summary": "Handsets by their latest message, newest first (the inbox's list)",
            "parameters": [
                _q("search", "only handsets whose number contains these characters"),
                _q("before", "only handsets whose latest message is before this cursor", CURSOR),
                _q(
                    "limit",
                    f"page size (default {DEFAULT_CONVERSATIONS}, at most {MAX_LIMIT})",
                    {"type": "integer", "minimum": 0, "maximum": MAX_LIMIT},
                ),
            ],
            "responses": {
                "200": _json(
                    _closed(
                        {
                            "conversations": {
                                "type": "array",
                                "items": _closed(
                                    {"handset": {"type": "string"}, "last": _ref("Message")}
                                ),
                            },
                            "next": {
                                "type": ["string", "null"],
                                "description": "give as before= for the next page; null "
                                "when this page was the last",
                            },
                        }
                    ),
                    "the page of handsets",
                ),
                "400": BAD_QUERY,
            },
        },
    },
    "/api/v1/messages/{id}": {
        "get": {
            "summary": "One message with its parts, state history and receipts",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": _json(_ref("MessageDetail"), "the message"),
                "404": _error("no message with this id"),
            },
        },
    },
    "/api/v1/mo": {
        "post": {
            "summary": "A handset sends a message (mobile-originated)",
            "description": "Stored, then delivered as deliver_sm to a receiver or "
            "transceiver bind (queued while none is bound).",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("MoRequest")}},
            },
            "responses": {
                "201": {
                    **_json(_ref("MoCreated"), "injected; Location names the first part"),
                    "headers": LOCATION,
                },
                "400": _error("not JSON, an unknown or missing field, a wrong type"),
                "413": TOO_LARGE,
                "422": _error(
                    "empty text, a bad address, text the data_coding cannot carry, "
                    "an unknown account"
                ),
                "503": _json(
                    {
                        "type": "object",
                        "required": ["error", "status", "ids"],
                        "properties": {
                            "error": {"type": "string"},
                            "status": {"const": 503},
                            "ids": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                    "injected, but the store did not confirm it in time (ids: the parts)",
                ),
            },
        },
    },
    "/api/v1/binds": {
        "get": {
            "summary": "SMPP sessions currently bound",
            "responses": {
                "200": _json(
                    _closed({"binds": {"type": "array", "items": _ref("Bind")}}),
                    "the binds",
                ),
            },
        },
    },
    "/api/v1/faults": {
        "get": {
            "summary": "The active faults",
            "responses": {
                "200": _json(
                    _closed({"faults": {"type": "array", "items": _ref("Fault")}}),
                    "the faults, by id",
                ),
            },
        },
        "post": {
            "summary": "Activate a fault",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("Fault")}},
            },
            "responses": {
                "201": {
                    **_json(_ref("Fault"), "active; Location names it for DELETE"),
                    "headers": LOCATION,
                },
                "400": _error("not a JSON object"),
                "413": TOO_LARGE,
                "422": _error("an unknown kind, a missing or bad parameter"),
            },
        },
        "delete": {
            "summary": "Clear every fault",
            "responses": {
                "200": _json(
                    _closed({"cleared": {"type": "integer", "minimum": 0}}),
                    "how many were cleared",
                ),
            },
        },
    },
    "/api/v1/faults/{id}": {
        "delete": {
            "summary": "Clear one fault",
            "parameters": [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 0},
                }
            ],
            "responses": {
                "204": {"description": "cleared"},
                "404": _error("no fault with this id"),
            },
        },
    },
    "/api/v1/optouts": {
        "get": {
            "summary": "The opt-out list: (handset, sender) pairs, sorted",
            "responses": {
                "200": _json(
                    _closed({"optouts": {"type": "array", "items": _ref("OptOut")}}),
                    "the pairs",
                ),
            },
        },
        "post": {
            "summary": "Opt a handset out of a sender, as its STOP would, sending no texts",
            "description": "A subscription of the handset to the sender ends too. "
            "DELETE /api/v1/messages empties the list.",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("OptOut")}},
            },
            "responses": {
                "201": _json(_ref("OptOut"), "opted out (the numbers as stored)"),
                "400": _error("not JSON, an unknown or missing field, a bad number"),
                "413": TOO_LARGE,
            },
        },
        "delete": {
            "summary": "Opt a handset back in: one pair, a handset's or a sender's pairs, or all",
            "description": "Only takes pairs off the list: no START texts, no subscription. "
            "Both handset and sender: that pair (204, or 404 when it is not listed); one of "
            "them: every pair of that handset, or of that sender; neither: every pair.",
            "parameters": [
                _q("handset", "the handset's pairs", {"type": "string", "pattern": ADDRESS}),
                _q("sender", "the sender's pairs", {"type": "string", "pattern": ADDRESS}),
            ],
            "responses": {
                "200": _json(
                    _closed({"cleared": {"type": "integer", "minimum": 0}}),
                    "the pairs deleted (not both parameters): how many there were",
                ),
                "204": {"description": "the pair deleted"},
                "400": _error("a bad number, a repeated or unknown query parameter"),
                "404": _error("the pair is not on the list"),
            },
        },
    },
    "/api/v1/carriers": {
        "get": {
            "summary": "The simulated carriers and their outage switches",
            "responses": {
                "200": _json(
                    _closed({"carriers": {"type": "array", "items": _ref("Carrier")}}),
                    "the carriers, in config order",
                ),
            },
        },
    },
    "/api/v1/carriers/{name}/outage": {
        "put": {
            "summary": "Switch a carrier's outage on or off",
            "description": "While down, MT to its numbers meets its [carriers.outage] mode: "
            "submit_sm refused, UNDELIV receipts (the default) or EXPIRED at the end of "
            "validity. Kept until switched back or the server restarts.",
            "parameters": [
                {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["down"],
                            "additionalProperties": False,
                            "properties": {"down": {"type": "boolean"}},
                        }
                    }
                },
            },
            "responses": {
                "200": _json(_ref("Carrier"), "the carrier, switched"),
                "400": _error("not JSON, 'down' missing or not a boolean"),
                "413": TOO_LARGE,
                "404": _error("no carrier with this name"),
            },
        },
    },
    "/api/v1/events": {
        "get": {
            "summary": "Server-sent events: stored and changed messages, resets",
            "description": "text/event-stream. Event 'message': a Message JSON, sent when a "
            "message is stored or changes state. Event 'reset': after DELETE /api/v1/messages.",
            "responses": {
                "200": {
                    "description": "the stream",
                    "content": {"text/event-stream": {"schema": {"type": "string"}}},
                },
            },
        },
    },
    "/api/v1/openapi.json": {
        "get": {
            "summary": "This document",
            "security": [],
            "responses": {"200": {"description": "OpenAPI 3 document"}},
        },
    },
    "/metrics": {
        "get": {
            "summary": "Prometheus metrics (text exposition format 0.0.4)",
            "security": [],
            "responses": {
                "200": {
                    "description": "binds, PDUs by command and status, submit and receipt "
                    "counters, queue depths, ESME response latency histogram",
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                }
            },
        },
    },
}


def document(version: str, secured: bool = False) -> dict[str, Any]:
    """The document for a server: ``secured`` when it has an api_token, so that every
    operation but the public ones needs the bearer token and may answer 401."""
    paths = copy.deepcopy(PATHS)
    if secured:
        for operations in paths.values():
            for operation in operations.values():
                if operation.get("security") != []:
                    operation["responses"]["401"] = UNAUTHORIZED
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "smsc simulator API",
            "version": version,
            "description": "Inject handset messages, inspect what ESMEs sent, wait for "
            "messages in tests, reset between tests.",
        },
        "servers": [{"url": "/"}],
        # Without an api_token every request is served as it comes: no security at all.
        "security": [{"bearer": []}] if secured else [],
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "only when the server has api_token configured",
                }
            },
            "schemas": SCHEMAS,
        },
        "paths": paths,
    }
