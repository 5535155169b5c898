"""The OpenAPI 3 description of the HTTP API, as data; served at /api/v1/openapi.json.

It says exactly what the server accepts and answers: parameters and bodies as the parsers in
``smsc.http.payloads`` read them, every status a handler can answer with its body, security only
when the server has an api_token (``document`` is made per server). The tests check that
every route of ``smsc.http.resources.ROUTES`` is described here and nothing else, and run
schemathesis with all its checks against a running server (tests/http/test_contract.py).
The operations are here; the component schemas and the parameters and answers many of them
share are in ``smsc.http.openapi_schemas``, the two-way ones (scripts, conversation metrics)
in ``smsc.http.openapi_twoway``.
"""

from __future__ import annotations

import copy
from typing import Any

from .openapi_checks import CHECK_PATHS, CHECK_SCHEMAS
from .openapi_schemas import (
    ADDRESS,
    AFTER,
    BAD_QUERY,
    BEFORE,
    CURSOR,
    FILTERS,
    LOCATION,
    NEXT,
    SCHEMAS,
    TOO_LARGE,
    UNAUTHORIZED,
    closed,
    error_response,
    json_body,
    query,
    ref,
)
from .openapi_twoway import TWOWAY_PATHS, TWOWAY_SCHEMAS
from .payloads import (
    DEFAULT_CONVERSATIONS,
    DEFAULT_LIMIT,
    DEFAULT_WAIT,
    MAX_LIMIT,
    MAX_OFFSET,
    MAX_WAIT,
)


def _page(what: str) -> list[dict[str, Any]]:
    """The limit and offset parameters of a list of ``what``."""
    return [
        query(
            "limit",
            f"page size (default {DEFAULT_LIMIT}, at most {MAX_LIMIT})",
            {"type": "integer", "minimum": 0, "maximum": MAX_LIMIT},
        ),
        query(
            "offset",
            f"{what} to skip",
            {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
        ),
    ]


def switch_body(name: str) -> dict[str, Any]:
    """The body of a PUT that throws a switch: ``{name: true|false}``."""
    schema = closed({name: {"type": "boolean"}})
    return {"required": True, "content": {"application/json": {"schema": schema}}}


PATHS: dict[str, Any] = {
    "/api/v1/messages": {
        "get": {
            "summary": "List messages in the order stored: oldest first, or newest first",
            "description": "Page with the cursors: order=newest and before=<next> goes back in "
            "time page by page; order=oldest and after=<next> forwards. A page read by cursor "
            "costs the same at any depth, and messages arriving meanwhile do not shift it.",
            "parameters": [
                *FILTERS,
                query(
                    "order",
                    "oldest (default) or newest first",
                    {"enum": ["oldest", "newest"], "default": "oldest"},
                ),
                AFTER,
                BEFORE,
                *_page("messages"),
            ],
            "responses": {
                "200": json_body(
                    closed(
                        {
                            "messages": {"type": "array", "items": ref("Message")},
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
            "summary": "Forget every message, broadcast and pending delivery (reset between tests)",
            "description": "Binds stay up; counters in /metrics are kept. SMPP 5.0 "
            "broadcasts go whether open or ended; the opt-out list is emptied too.",
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
                query(
                    "timeout",
                    f"seconds to wait (default {DEFAULT_WAIT:g}, at most {MAX_WAIT:g})",
                    {"type": "number", "minimum": 0, "maximum": MAX_WAIT},
                ),
            ],
            "responses": {
                "200": json_body(
                    {
                        "type": "object",
                        "required": ["message"],
                        "additionalProperties": False,
                        "properties": {"message": ref("Message")},
                    },
                    "the first matching message",
                ),
                "400": BAD_QUERY,
                "408": error_response("no matching message within the timeout"),
            },
        },
    },
    "/api/v1/conversations": {
        "get": {
            "summary": "Handsets by their latest message, newest first (the inbox's list)",
            "parameters": [
                query("search", "only handsets whose number contains these characters"),
                query("before", "only handsets whose latest message is before this cursor", CURSOR),
                query(
                    "limit",
                    f"page size (default {DEFAULT_CONVERSATIONS}, at most {MAX_LIMIT})",
                    {"type": "integer", "minimum": 0, "maximum": MAX_LIMIT},
                ),
            ],
            "responses": {
                "200": json_body(
                    closed(
                        {
                            "conversations": {
                                "type": "array",
                                "items": closed(
                                    {"handset": {"type": "string"}, "last": ref("Message")}
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
                "200": json_body(ref("MessageDetail"), "the message"),
                "404": error_response("no message with this id"),
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
                "content": {"application/json": {"schema": ref("MoRequest")}},
            },
            "responses": {
                "201": {
                    **json_body(ref("MoCreated"), "injected; Location names the first part"),
                    "headers": LOCATION,
                },
                "400": error_response("not JSON, an unknown or missing field, a wrong type"),
                "413": TOO_LARGE,
                "422": error_response(
                    "empty text, a bad address, text the data_coding cannot carry, "
                    "an unknown account"
                ),
                "503": json_body(
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
    "/api/v1/broadcasts": {
        "get": {
            "summary": "SMPP 5.0 broadcasts, newest first",
            "parameters": [
                query("account", "only this account's (system_id)"),
                *_page("broadcasts"),
            ],
            "responses": {
                "200": json_body(
                    closed(
                        {
                            "broadcasts": {"type": "array", "items": ref("Broadcast")},
                            "limit": {"type": "integer"},
                            "offset": {"type": "integer"},
                        }
                    ),
                    "the broadcasts",
                ),
                "400": error_response("a bad number, a repeated or unknown query parameter"),
            },
        },
    },
    "/api/v1/broadcasts/{id}": {
        "get": {
            "summary": "One broadcast",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": json_body(ref("Broadcast"), "the broadcast"),
                "404": error_response("no broadcast with this id"),
            },
        },
    },
    "/api/v1/binds": {
        "get": {
            "summary": "SMPP sessions currently bound",
            "responses": {
                "200": json_body(
                    closed({"binds": {"type": "array", "items": ref("Bind")}}),
                    "the binds",
                ),
            },
        },
    },
    "/api/v1/faults": {
        "get": {
            "summary": "The active faults",
            "responses": {
                "200": json_body(
                    closed({"faults": {"type": "array", "items": ref("Fault")}}),
                    "the faults, by id",
                ),
            },
        },
        "post": {
            "summary": "Activate a fault",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("Fault")}},
            },
            "responses": {
                "201": {
                    **json_body(ref("Fault"), "active; Location names it for DELETE"),
                    "headers": LOCATION,
                },
                "400": error_response("not a JSON object"),
                "413": TOO_LARGE,
                "422": error_response("an unknown kind, a missing or bad parameter"),
            },
        },
        "delete": {
            "summary": "Clear every fault",
            "responses": {
                "200": json_body(
                    closed({"cleared": {"type": "integer", "minimum": 0}}),
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
                "404": error_response("no fault with this id"),
            },
        },
    },
    "/api/v1/optouts": {
        "get": {
            "summary": "The opt-out list: (handset, sender) pairs, sorted",
            "responses": {
                "200": json_body(
                    closed({"optouts": {"type": "array", "items": ref("OptOut")}}),
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
                "content": {"application/json": {"schema": ref("OptOut")}},
            },
            "responses": {
                "201": json_body(ref("OptOut"), "opted out (the numbers as stored)"),
                "400": error_response("not JSON, an unknown or missing field, a bad number"),
                "413": TOO_LARGE,
            },
        },
        "delete": {
            "summary": "Opt a handset back in: one pair, a handset's or a sender's pairs, or all",
            "description": "Only takes pairs off the list: no START texts, no subscription. "
            "Both handset and sender: that pair (204, or 404 when it is not listed); one of "
            "them: every pair of that handset, or of that sender; neither: every pair.",
            "parameters": [
                query("handset", "the handset's pairs", {"type": "string", "pattern": ADDRESS}),
                query("sender", "the sender's pairs", {"type": "string", "pattern": ADDRESS}),
            ],
            "responses": {
                "200": json_body(
                    closed({"cleared": {"type": "integer", "minimum": 0}}),
                    "the pairs deleted (not both parameters): how many there were",
                ),
                "204": {"description": "the pair deleted"},
                "400": error_response("a bad number, a repeated or unknown query parameter"),
                "404": error_response("the pair is not on the list"),
            },
        },
    },
    **CHECK_PATHS,
    "/api/v1/carriers": {
        "get": {
            "summary": "The simulated carriers and their outage switches",
            "responses": {
                "200": json_body(
                    closed({"carriers": {"type": "array", "items": ref("Carrier")}}),
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
            "requestBody": switch_body("down"),
            "responses": {
                "200": json_body(ref("Carrier"), "the carrier, switched"),
                "400": error_response("not JSON, 'down' missing or not a boolean"),
                "413": TOO_LARGE,
                "404": error_response("no carrier with this name"),
            },
        },
    },
    "/api/v1/handsets/absent": {
        "get": {
            "summary": "The handsets switched off",
            "responses": {
                "200": json_body(
                    closed({"handsets": {"type": "array", "items": {"type": "string"}}}),
                    "their numbers (digits), sorted",
                ),
            },
        },
    },
    "/api/v1/handsets/{handset}/absent": {
        "put": {
            "summary": "Switch a handset off or on again",
            "description": "Off (absent): every MT to it waits, as for an absent subscriber; "
            "never switched back, it expires at the end of its validity (EXPIRED, err 027). "
            "On again: what waits for it, and what the carriers' absent model holds for it, is "
            "delivered now, each alert_notification owed (set_dpf = 1) ahead of its receipts. "
            "Kept until switched back or the server restarts.",
            "parameters": [
                {
                    "name": "handset",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^\\+?[0-9]{1,20}$"},
                    "description": "its number, digits with an optional leading +",
                }
            ],
            "requestBody": switch_body("absent"),
            "responses": {
                "200": json_body(
                    closed(
                        {
                            "handset": {"type": "string"},
                            "absent": {"type": "boolean"},
                            "delivered": {
                                "type": "integer",
                                "description": "messages delivered now (0 when switched off)",
                            },
                        }
                    ),
                    "the handset, switched",
                ),
                "400": error_response(
                    "not JSON, 'absent' missing or not a boolean, or not a number of up to 20 "
                    "digits"
                ),
                "413": TOO_LARGE,
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
                    "counters, queue depths, ESME response latency histogram; per account and "
                    "number: MT, MO, opt-outs, MO unanswered, the app's response time "
                    "histogram; per number: reply and opt-out ratios over the last hour",
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                }
            },
        },
    },
}


PATHS.update(TWOWAY_PATHS)
SCHEMAS.update(TWOWAY_SCHEMAS)


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
            "schemas": {**SCHEMAS, **CHECK_SCHEMAS},
        },
        "paths": paths,
    }
