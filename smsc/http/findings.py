"""GET/DELETE /api/v1/findings and GET /api/v1/report: parsing the query, the JSON of a
finding, the report in the format asked for (no HTTP here; ``resources`` serves them). A
message's detail lists the findings about any of its parts."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence

from ..checks import CODES, Checker, Finding, FindingQuery, Severity
from ..report import render_html, render_markdown
from .payloads import ApiError, parse_time
from .payloads import _check_known as check_known
from .payloads import _int as int_param
from .payloads import _one as one

__all__ = [
    "DEFAULT_LIMIT",
    "FINDING_PARAMS",
    "MAX_LIMIT",
    "findings_json",
    "message_findings",
    "parse_findings_args",
    "parse_report_args",
    "render_report",
]

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
FINDING_PARAMS = ("code", "severity", "account", "handset", "message_id", "since", "limit")


def _code(value: str) -> str:
    if value in CODES:
        return value
    close = difflib.get_close_matches(value, list(CODES), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(CODES)}"
    raise ApiError(400, f"unknown finding code {value!r}{hint}")


def _severity(value: str) -> Severity:
    try:
        return Severity(value.lower())
    except ValueError:
        names = ", ".join(s.value for s in Severity)
        raise ApiError(400, f"severity must be one of {names}, got {value!r}") from None


def parse_findings_args(args: Mapping[str, list[str]]) -> tuple[FindingQuery, int]:
    """GET /api/v1/findings: (filter, limit)."""
    check_known(args, FINDING_PARAMS)
    code, severity = one(args, "code"), one(args, "severity")
    message_id, since = one(args, "message_id"), one(args, "since")
    query = FindingQuery(
        code=None if code is None else _code(code),
        severity=None if severity is None else _severity(severity),
        account=one(args, "account"),
        handset=one(args, "handset"),
        message_ids=None if message_id is None else frozenset({message_id}),
        since=None if since is None else parse_time(since, "since"),
    )
    return query, int_param(one(args, "limit"), "limit", DEFAULT_LIMIT, 0, MAX_LIMIT)


def findings_json(found: Sequence[Finding]) -> list[dict[str, object]]:
    return [f.to_dict() for f in found]


def message_findings(checks: Checker | None, part_ids: Sequence[str]) -> list[dict[str, object]]:
    """The findings about a message (any of its parts), newest first."""
    if checks is None:
        return []
    query = FindingQuery(message_ids=frozenset(part_ids))
    return findings_json(checks.findings.find(query))


REPORT_FORMATS = {
    "json": "application/json",
    "markdown": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


def parse_report_args(args: Mapping[str, list[str]]) -> str:
    """GET /api/v1/report: the format asked for (json, markdown or html)."""
    check_known(args, ("format",))
    fmt = one(args, "format") or "json"
    if fmt not in REPORT_FORMATS:
        raise ApiError(400, f"format must be one of {', '.join(REPORT_FORMATS)}, got {fmt!r}")
    return fmt


def render_report(data: dict[str, object], fmt: str) -> tuple[str, bytes]:
    """(Content-Type, body) of the report in ``fmt``."""
    if fmt == "markdown":
        text = render_markdown(data)
    elif fmt == "html":
        text = render_html(data)
    else:
        text = json.dumps(data, indent=1) + "\n"
    return REPORT_FORMATS[fmt], text.encode()
