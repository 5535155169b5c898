"""The two-way part of the OpenAPI document (``smsc.http.openapi``): conversation script
runs and conversation metrics, their schemas and their operations. Data only; each mirrors a
parser or a view in ``smsc.http.payloads``.
"""

from __future__ import annotations

from typing import Any

from carriers.config import NumberType
from carriers.scripts import MAX_STEPS
from carriers.scripts import Event as ScriptEvent
from carriers.scripts import Status as ScriptStatus

from ..core.conversations import MAX_WINDOW
from .openapi_schemas import ADDRESS, BAD_QUERY, closed, error_response, json_body, query, ref
from .payloads import DEFAULT_METRICS_WINDOW

__all__ = ["TWOWAY_PATHS", "TWOWAY_SCHEMAS"]

# How conversations went over a window (smsc.core.conversations), per number or account.
CONVERSATION_STATS: dict[str, Any] = {
    "mt": {"type": "integer", "description": "messages the app sent (a long one once)"},
    "mo": {"type": "integer", "description": "messages handsets sent (a long one once)"},
    "handsets_messaged": {
        "type": "integer",
        "description": "handsets the app sent at least one MT",
    },
    "handsets_replied": {
        "type": "integer",
        "description": "of those, handsets that sent an MO after such an MT (a STOP counts)",
    },
    "reply_rate": {
        "type": ["number", "null"],
        "description": "handsets_replied / handsets_messaged; null: none messaged",
    },
    "opt_outs": {
        "type": "integer",
        "description": "handsets messaged that sent STOP after such an MT",
    },
    "opt_out_rate": {"type": ["number", "null"]},
    "mo_unanswered": {
        "type": "integer",
        "description": "MO received in the window and forwarded to the app that the app has "
        "not answered (no MT to the handset from that number since the MO was delivered); a "
        "STOP is owed nothing",
    },
    "response_time": closed(
        {
            "answered": {"type": "integer"},
            "p50": {"type": ["number", "null"]},
            "p95": {"type": ["number", "null"]},
            "max": {"type": ["number", "null"]},
        },
        "the app's response time, seconds: for each MO delivered to the app (its "
        "deliver_sm_resp ESME_ROK), the time until the app's next MT to that handset from "
        "that number; nearest-rank percentiles over the answers made in the window",
    ),
}

TWOWAY_SCHEMAS: dict[str, Any] = {
    "ConversationMetrics": closed(
        {
            "window": {"type": "number", "description": "seconds"},
            "since": {"type": "number", "description": "seconds since the epoch"},
            "until": {"type": "number"},
            "numbers": {
                "type": "array",
                "items": closed(
                    {
                        "number": {"type": "string"},
                        "type": {
                            "enum": [*(t.value for t in NumberType), None],
                            "description": "as in [[numbers]]; null: not configured or no type",
                        },
                        "throughput": {
                            "type": ["number", "null"],
                            "description": "MT/s from this number; null: no cap",
                        },
                        "over_throughput": {"enum": ["queue", "throttle", None]},
                        **CONVERSATION_STATS,
                    }
                ),
            },
            "accounts": {
                "type": "array",
                "items": closed(
                    {
                        "account": {
                            "type": "string",
                            "description": "system_id; empty for MO in development mode "
                            "that no MT of an app has followed",
                        },
                        **CONVERSATION_STATS,
                    }
                ),
            },
        },
        "How conversations went over the window. A conversation is a handset and one of the "
        "app's numbers.",
    ),
    "ScriptRun": closed(
        {
            "script": {"type": "string", "description": "the script's name"},
            "handset": {"type": "string"},
            "number": {"type": "string", "description": "the app's number (the MT's sender)"},
            "state": {"type": "string", "description": "the state it is in now"},
            "status": {
                "enum": [s.value for s in ScriptStatus],
                "description": "active: answers what its state's rules match; finished: "
                "reached a state without rules; quiet: went quiet for good; stopped: "
                "answered STOP",
            },
            "started": {"type": "number", "description": "seconds since the epoch"},
            "updated": {"type": "number"},
            "steps": {
                "type": "array",
                "description": f"the MT that reached the handset, the latest {MAX_STEPS}",
                "items": closed(
                    {
                        "time": {"type": "number"},
                        "mt": {"type": "string", "description": "the app's text"},
                        "state": {"type": "string", "description": "the state it found"},
                        "event": {
                            "enum": [e.value for e in ScriptEvent],
                            "description": "replied; silent (lost the rule's probability "
                            "draw); unmatched (no rule of the state matched); quiet; stop; "
                            "ignored (the run was over)",
                        },
                        "reply": {"type": ["string", "null"]},
                        "next_state": {"type": "string"},
                    }
                ),
            },
        },
        "One conversation script ([[handset_scripts]]) as a simulated handset follows it "
        "with one number: created by the first MT from the number to the handset, forgotten "
        "by DELETE /api/v1/messages.",
    ),
}

TWOWAY_PATHS: dict[str, Any] = {
    "/api/v1/metrics/conversations": {
        "get": {
            "summary": "Conversation metrics per number and per account over a window",
            "description": "Reply rate, opt-out rate, the app's response time to MO and "
            "MO still unanswered. DELETE /api/v1/messages starts them afresh.",
            "parameters": [
                query(
                    "window",
                    f"seconds up to now (default {DEFAULT_METRICS_WINDOW:g}, at most "
                    f"{MAX_WINDOW:g})",
                    {"type": "number", "minimum": 1, "maximum": MAX_WINDOW},
                ),
                query(
                    "number",
                    "keep only this number in numbers",
                    {"type": "string", "pattern": ADDRESS},
                ),
                query("account", "keep only this account in accounts"),
            ],
            "responses": {
                "200": json_body(ref("ConversationMetrics"), "the metrics"),
                "400": error_response(
                    "a bad window or number, a repeated or unknown query parameter"
                ),
            },
        },
    },
    "/api/v1/scripts": {
        "get": {
            "summary": "Conversation script runs: where each scripted handset is",
            "description": "One run per (handset, number) a [[handset_scripts]] script "
            "covers, least recently active first.",
            "parameters": [
                query(
                    "handset", "only this handset's runs", {"type": "string", "pattern": ADDRESS}
                ),
                query(
                    "number", "only runs with this number", {"type": "string", "pattern": ADDRESS}
                ),
                query("script", "only runs of the script with this name"),
            ],
            "responses": {
                "200": json_body(
                    closed({"scripts": {"type": "array", "items": ref("ScriptRun")}}),
                    "the runs",
                ),
                "400": BAD_QUERY,
            },
        },
    },
}
