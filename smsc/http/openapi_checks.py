"""The app checker's part of the OpenAPI document: GET/DELETE /api/v1/findings, GET
/api/v1/report and the Finding schema (merged by ``smsc.http.openapi``)."""

from __future__ import annotations

from typing import Any

from ..checks import CODES, Severity
from . import findings
from .openapi_schemas import BAD_QUERY, FILTERS, closed, json_body, query, ref

__all__ = ["CHECK_PATHS", "CHECK_SCHEMAS"]

_SINCE = next(f["schema"] for f in FILTERS if f["name"] == "since")

CHECK_SCHEMAS: dict[str, Any] = {
    "Finding": closed(
        {
            "id": {"type": "integer"},
            "code": {"type": "string", "enum": list(CODES)},
            "severity": {"type": "string", "enum": [s.value for s in Severity]},
            "time": {"type": "number", "description": "seconds since the epoch"},
            "account": {"type": "string", "description": "system_id of the app's account"},
            "message_id": {"type": ["string", "null"], "description": "the message, if any"},
            "handset": {"type": ["string", "null"]},
            "sender": {"type": ["string", "null"]},
            "text": {"type": "string", "description": "what happened and what to do"},
        },
        "One problem the app checker saw in the app's traffic (docs/checks.md).",
    ),
}

CHECK_PATHS: dict[str, Any] = {
    "/api/v1/findings": {
        "get": {
            "summary": "What the app checker found, newest first",
            "parameters": [
                query("code", "finding code", {"type": "string", "enum": list(CODES)}),
                query(
                    "severity",
                    "this severity or worse",
                    {"type": "string", "enum": [s.value for s in Severity]},
                ),
                query("account", "system_id of the app's account"),
                query("handset", "the handset's number, exact"),
                query("message_id", "findings about this message (part)"),
                query(
                    "since",
                    "time at or after: seconds since the epoch or an RFC 3339 date-time with "
                    "its zone",
                    _SINCE,
                ),
                query(
                    "limit",
                    f"at most this many (default {findings.DEFAULT_LIMIT})",
                    {"type": "integer", "minimum": 0, "maximum": findings.MAX_LIMIT},
                ),
            ],
            "responses": {
                "200": json_body(
                    closed(
                        {
                            "findings": {"type": "array", "items": ref("Finding")},
                            "enabled": {"type": "boolean", "description": "checks are on"},
                        }
                    ),
                    "the findings",
                ),
                "400": BAD_QUERY,
            },
        },
        "delete": {
            "summary": "Forget every finding (the metrics keep counting)",
            "responses": {
                "200": json_body(
                    closed({"cleared": {"type": "integer", "minimum": 0}}),
                    "how many were forgotten",
                ),
            },
        },
    },
    "/api/v1/report": {
        "get": {
            "summary": "A report of the run: messages by state, parts, reply and opt-out rates, "
            "the app's response times, findings by code",
            "parameters": [
                query(
                    "format",
                    "json (default), markdown, or html (one self-contained page with charts)",
                    {"type": "string", "enum": list(findings.REPORT_FORMATS)},
                )
            ],
            "responses": {
                "200": {
                    "description": "the report",
                    "content": {
                        ctype: {"schema": {"type": "object" if fmt == "json" else "string"}}
                        for fmt, ctype in findings.REPORT_FORMATS.items()
                    },
                },
                "400": BAD_QUERY,
            },
        },
    },
}
