"""``smsc findings`` and ``smsc report``: the app checker's output from a running server."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from .checks import CODES, Severity
from .checks.show import finding_line

__all__ = ["COMMANDS", "add_commands", "run"]

COMMANDS = ("findings", "report")


def add_commands(sub: Any, api_options: Callable[[argparse.ArgumentParser], None]) -> None:
    found = sub.add_parser(
        "findings",
        help="what the app checker found in the app's traffic",
        description="List the findings of a running server, oldest first, one per line (time, "
        "severity, code, account, handset, message, what to do), or as JSON. Codes and how to "
        "silence them: docs/checks.md.",
    )
    found.add_argument("--code", choices=list(CODES), metavar="CODE", help="e.g. protocol.no_resp")
    severities = [s.value for s in Severity]
    found.add_argument("--severity", choices=severities, help="this severity or worse")
    found.add_argument("--account", metavar="SYSTEM_ID")
    found.add_argument("--handset", metavar="NUMBER")
    found.add_argument("--message-id", metavar="ID", help="findings about this message")
    found.add_argument("--since", metavar="TIME", help="epoch seconds or ISO 8601 with a zone")
    found.add_argument("--limit", type=int, default=1000, help="at most this many (default 1000)")
    found.add_argument("--json", action="store_true", help="print JSON instead of lines")
    found.add_argument(
        "--fail-on",
        choices=severities,
        metavar="SEVERITY",
        help="exit 1 when a finding of this severity or worse is listed (for CI)",
    )
    found.add_argument("--clear", action="store_true", help="forget them all and say how many")
    api_options(found)

    report = sub.add_parser(
        "report",
        help="a report of the run, as Markdown or one HTML page with charts",
        description="A report of what the app sent and how it behaved: messages by state, "
        "parts, reply and opt-out rates, the app's deliver_sm response times, findings by code. "
        "Markdown for a ticket's comment, HTML (self-contained, charts inline) to attach.",
    )
    report.add_argument(
        "--format",
        choices=("markdown", "html", "json"),
        default="markdown",
        help="default markdown",
    )
    report.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default stdout)")
    api_options(report)


def run(args: argparse.Namespace) -> int:
    from .client import ApiClient, ApiError  # noqa: PLC0415

    client = ApiClient(args.api, args.token)
    try:
        if args.command == "report":
            return _report(client, args)
        return _findings(client, args)
    except ApiError as e:
        print(f"smsc: API error {e.status}: {e.message}", file=sys.stderr)
    except OSError as e:
        print(f"smsc: cannot reach the API at {args.api}: {e}", file=sys.stderr)
    return 1


def _report(client: Any, args: argparse.Namespace) -> int:
    from .report import render_html, render_markdown  # noqa: PLC0415

    data = client.request("GET", "/api/v1/report")
    if args.format == "html":
        text = render_html(data)
    elif args.format == "markdown":
        text = render_markdown(data)
    else:
        text = json.dumps(data, indent=1) + "\n"
    if args.output is None:
        sys.stdout.write(text)
        return 0
    with open(args.output, "w", encoding="utf-8") as out:
        out.write(text)
    print(f"smsc: report written to {args.output}", file=sys.stderr)
    return 0


def _findings(client: Any, args: argparse.Namespace) -> int:
    if args.clear:
        print(f"cleared {client.clear_findings()} finding(s)")
        return 0
    filters = {
        "code": args.code,
        "severity": args.severity,
        "account": args.account,
        "handset": args.handset,
        "message_id": args.message_id,
        "since": args.since,
        "limit": args.limit,
    }
    found = list(reversed(client.findings(**{k: v for k, v in filters.items() if v is not None})))
    if args.json:
        print(json.dumps(found, indent=1))
    elif not found:
        print("smsc: no findings", file=sys.stderr)
    for f in [] if args.json else found:
        print(finding_line(f))
    if args.fail_on is not None:
        worst = Severity(args.fail_on).rank
        if any(Severity(f["severity"]).rank >= worst for f in found):
            return 1
    return 0
