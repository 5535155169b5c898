"""The building blocks of the OpenAPI document (``smsc.http.openapi``): the component
schemas of every body the API takes or answers, and the parameters, errors and headers that
many operations share. Data only; each mirrors a parser in ``smsc.http.payloads``.
"""

from __future__ import annotations

from typing import Any

from pdu import CommandStatus, MessageState

from ..config.faults import MAX_COPIES, MAX_DELAY, MAX_PREFIX
from ..config.values import MAX_RATE, MAX_SYSTEM_ID
from ..core import MAX_ADDR
from ..faults import PARAMETERS, FaultKind
from .payloads import (
    EPOCH_SECONDS,
    MAX_BODY_OCTETS,
    MAX_CURSOR_DIGITS,
    MO_FIELDS,
    OPT_OUT_FIELDS,
    SEGMENTATION,
)


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error_response(description: str) -> dict[str, Any]:
    return json_body(ref("Error"), description)


def query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


FILTERS: list[dict[str, Any]] = [
    query(
        "direction", "mt (submitted by an ESME) or mo (sent by a handset)", {"enum": ["mt", "mo"]}
    ),
    query("from", "source_addr, exact"),
    query("to", "destination_addr, exact"),
    query("handset", "the handset's number, exact: MT to it and MO from it"),
    query("account", "system_id of the owning account (MO injected without one: empty string)"),
    query(
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
    query("text", "substring of the decoded text of a part (case-sensitive)"),
    query(
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
AFTER = query(
    "after",
    "only messages stored after the message of this cursor (newer than the one you last saw)",
    CURSOR,
)
BEFORE = query("before", "only messages stored before the message of this cursor", CURSOR)
NEXT = {
    "type": ["string", "null"],
    "description": "the cursor to go on from (before= when newest first, after= when oldest "
    "first); null when this page was the last",
}

UNAUTHORIZED = {
    **error_response("no valid 'Authorization: Bearer' header (this server has an api_token)"),
    "headers": {"WWW-Authenticate": {"schema": {"const": "Bearer"}}},
}
BAD_QUERY = error_response("a bad or repeated query parameter, one it does not know, not UTF-8")
TOO_LARGE = error_response(f"a body larger than {MAX_BODY_OCTETS} octets")
LOCATION = {"Location": {"schema": {"type": "string"}, "description": "the new resource"}}
PRINTABLE = "[\\x20-\\x7e]"  # printable ASCII, as a JSON Schema (ECMA 262) pattern

ADDRESS = f"^\\+?[A-Za-z0-9]{{1,{MAX_ADDR}}}$"  # what an opt-out takes: see payloads._address

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


def closed(properties: dict[str, Any], description: str | None = None) -> dict[str, Any]:
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
    "oneOf": [ref(_fault_name(k)) for k in FaultKind],
    "discriminator": {
        "propertyName": "kind",
        "mapping": {k.value: f"#/components/schemas/{_fault_name(k)}" for k in FaultKind},
    },
}

SCHEMAS: dict[str, Any] = {
    "Error": closed(
        {
            "error": {"type": "string", "description": "what is wrong, for a developer"},
            "status": {"type": "integer", "description": "the HTTP status again"},
        }
    ),
    "Message": closed(
        MESSAGE,
        "One message, or one part of a long message (each part has its id).",
    ),
    "MessageDetail": closed(
        {
            **MESSAGE,
            "text": {
                "type": ["string", "null"],
                "description": "the reassembled text when every part is held",
            },
            "complete": {"type": "boolean"},
            "parts": {
                "type": "array",
                "items": closed(
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
                        "pdu": ref("DecodedPdu"),
                    }
                ),
            },
            "history": {
                "type": "array",
                "items": closed(
                    {
                        "state": MESSAGE["state"],
                        "time": {"type": "number"},
                        "error_code": {"type": "integer"},
                    }
                ),
            },
            "findings": {
                "type": "array",
                "description": "the app checker's findings about any part, newest first",
                "items": ref("Finding"),
            },
            "receipts": {
                "type": "array",
                "description": "receipts queued for the ESME, per registered_delivery",
                "items": closed(
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
                                    "description": "null: a tag SMPP (3.4 or 5.0) does not name",
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
    "Bind": closed(
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
    "Carrier": closed(
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

SCHEMAS["Broadcast"] = closed(
    {
        "id": {"type": "string", "description": "the message_id its broadcast_sm_resp gave"},
        "account": {"type": "string"},
        "from": {"type": "string"},
        "service_type": {"type": "string"},
        "text": {"type": ["string", "null"], "description": "null for binary data"},
        "payload_hex": {"type": "string", "description": "message_payload as sent"},
        "data_coding": {"type": "integer"},
        "areas": {
            "type": "array",
            "items": closed(
                {
                    "format": {"type": "string", "description": "alias, ellipsoid_arc, polygon"},
                    "name": {"type": ["string", "null"], "description": "an alias area's name"},
                    "hex": {"type": "string", "description": "broadcast_area_identifier"},
                }
            ),
        },
        "content_type": closed({"network": {"type": "integer"}, "type": {"type": "integer"}}),
        "frequency": closed({"unit": {"type": "integer"}, "number": {"type": "integer"}}),
        "rep_num": {"type": ["integer", "null"], "description": "null: an immediate broadcast"},
        "priority_flag": {"type": "integer"},
        "user_message_reference": {"type": ["integer", "null"]},
        "state": {"enum": ["SCHEDULED", "ENROUTE", "EXPIRED", "DELETED"]},
        "submit_time": {"type": "number"},
        "start_time": {"type": "number"},
        "end_time": {"type": "number", "description": "when it ends, or ended"},
        "done_time": {"type": ["number", "null"]},
        "tlvs": {"type": "object", "description": "the other broadcast TLVs sent, by name"},
    },
    "An SMPP 5.0 cell broadcast (broadcast_sm): SCHEDULED until its start, ENROUTE while "
    "broadcast, EXPIRED once it ran its course, DELETED when cancelled.",
)
SCHEMAS.update(FAULT_SCHEMAS)
assert set(MO_FIELDS) == set(SCHEMAS["MoRequest"]["properties"])
assert set(OPT_OUT_FIELDS) == set(SCHEMAS["OptOut"]["properties"])
