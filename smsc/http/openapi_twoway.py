"""The two-way part of the OpenAPI document (``smsc.http.openapi``): conversation script
runs and conversation metrics, their schemas and their operations. Data only; each mirrors a
parser or a view in ``smsc.http.payloads``.
"""

from __future__ import annotations

from typing import Any

from carriers.scripts import MAX_STEPS
from carriers.scripts import Event as ScriptEvent
from carriers.scripts import Status as ScriptStatus

from .openapi_schemas import ADDRESS, BAD_QUERY, closed, json_body, query, ref

__all__ = ["TWOWAY_PATHS", "TWOWAY_SCHEMAS"]

TWOWAY_SCHEMAS: dict[str, Any] = {
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
