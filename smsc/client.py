"""A small blocking client of the simulator's HTTP API (standard library only).

Used by ``smsc mo`` / ``smsc messages`` and the pytest plugin; usable from any test.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

DEFAULT_API = "http://127.0.0.1:8025"


class ApiError(Exception):
    """The API answered with an error status; ``status`` and the server's ``message``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class MessageTimeoutError(AssertionError):
    """No message matched within the timeout (an AssertionError: a test fails, not errors)."""


class ApiClient:
    def __init__(self, base: str = DEFAULT_API, token: str | None = None, timeout: float = 10.0):
        self.base = base.rstrip("/")
        self.token = token
        self.timeout = timeout

    def request(
        self,
        method: str,
        path: str,
        body: object = None,
        params: dict[str, object] | None = None,
        timeout: float | None = None,
    ) -> Any:
        """JSON in and out; None for an empty answer. Raises ApiError on 4xx/5xx and
        OSError (URLError) when the server cannot be reached."""
        url = self.base + path
        query = {k: str(v) for k, v in (params or {}).items() if v is not None}
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                message = json.loads(raw)["error"]
            except (ValueError, KeyError, TypeError):
                message = raw.decode(errors="replace") or e.reason
            raise ApiError(e.code, str(message)) from None
        return json.loads(raw) if raw.strip() else None

    # -- the harness ----------------------------------------------------------------------

    def send_mo(self, from_: str, to: str, text: str, **options: object) -> str:
        """A handset sends ``text``; returns the message id (of the first part). Options:
        data_coding, segmentation (udh, udh16, sar, payload), account."""
        body = {"from": from_, "to": to, "text": text, **options}
        return str(self.request("POST", "/api/v1/mo", body)["id"])

    def messages(self, **filters: object) -> list[dict[str, Any]]:
        """Messages matching the filters (direction, from_, to, handset, account, state,
        text, since), in the order stored: oldest first, or newest first with
        ``order="newest"``. Paging: limit, offset, and the cursors after and before (a
        message's "cursor")."""
        found: list[dict[str, Any]] = self.request(
            "GET", "/api/v1/messages", params=_params(filters)
        )["messages"]
        return found

    def message(self, message_id: str) -> dict[str, Any]:
        quoted = urllib.parse.quote(message_id, safe="")
        detail: dict[str, Any] = self.request("GET", f"/api/v1/messages/{quoted}")
        return detail

    def conversations(self, search: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """Handsets by their latest message, newest first: {"handset", "last"}."""
        params: dict[str, object] = {"search": search, "limit": limit}
        found: list[dict[str, Any]] = self.request("GET", "/api/v1/conversations", params=params)[
            "conversations"
        ]
        return found

    def mark(self) -> str:
        """A cursor after every message stored so far: ``wait_for_message(after=mark)``
        then waits for one stored from now on."""
        newest = self.messages(order="newest", limit=1)
        return str(newest[0]["cursor"]) if newest else "0"

    def wait_for_message(
        self, timeout: float = 10.0, after: object = None, **filters: object
    ) -> dict[str, Any]:
        """The oldest message matching the filters, waiting up to ``timeout`` seconds for
        one to arrive; MessageTimeoutError (an AssertionError) if none does.

        ``after``: a message (as returned here) or a cursor (its "cursor", or ``mark()``):
        only a message stored after it matches, so a test waits for a new one instead of
        finding the one it saw before."""
        if isinstance(after, dict):
            after = after["cursor"]
        params = {**_params(filters), "after": after, "timeout": timeout}
        try:
            reply = self.request(
                "GET", "/api/v1/messages/wait", params=params, timeout=timeout + self.timeout
            )
        except ApiError as e:
            if e.status == 408:
                raise MessageTimeoutError(
                    f"no message matching {filters} within {timeout:g} s"
                ) from None
            raise
        message: dict[str, Any] = reply["message"]
        return message

    def reset(self) -> None:
        self.request("DELETE", "/api/v1/messages")

    def binds(self) -> list[dict[str, Any]]:
        binds: list[dict[str, Any]] = self.request("GET", "/api/v1/binds")["binds"]
        return binds

    # -- faults on demand -------------------------------------------------------------------

    def faults(self) -> list[dict[str, Any]]:
        faults: list[dict[str, Any]] = self.request("GET", "/api/v1/faults")["faults"]
        return faults

    def add_fault(self, kind: str, **params: object) -> dict[str, Any]:
        """Activate a fault (kind and parameters as in a [[faults]] table); returns it with
        its id."""
        fault: dict[str, Any] = self.request("POST", "/api/v1/faults", {"kind": kind, **params})
        return fault

    def remove_fault(self, fault_id: int) -> None:
        self.request("DELETE", f"/api/v1/faults/{int(fault_id)}")

    def clear_faults(self) -> int:
        return int(self.request("DELETE", "/api/v1/faults")["cleared"])

    # -- opt-outs and carriers ----------------------------------------------------------------

    def optouts(self) -> list[dict[str, str]]:
        """The opt-out list: {"handset", "sender"} pairs."""
        pairs: list[dict[str, str]] = self.request("GET", "/api/v1/optouts")["optouts"]
        return pairs

    def findings(self, **filters: object) -> list[dict[str, Any]]:
        """The app checker's findings, newest first. Filters: code, severity (this or
        worse), account, handset, message_id, since, limit."""
        found: list[dict[str, Any]] = self.request("GET", "/api/v1/findings", params=filters)[
            "findings"
        ]
        return found

    def clear_findings(self) -> int:
        return int(self.request("DELETE", "/api/v1/findings")["cleared"])

    def opt_out(self, handset: str, sender: str) -> None:
        """``handset`` opted out of ``sender``, as by its STOP (no texts sent)."""
        self.request("POST", "/api/v1/optouts", {"handset": handset, "sender": sender})

    def opt_in(self, handset: str, sender: str) -> None:
        """Take the pair off the opt-out list; ApiError 404 if it is not on it."""
        self.request("DELETE", "/api/v1/optouts", params={"handset": handset, "sender": sender})

    def clear_optouts(self) -> int:
        return int(self.request("DELETE", "/api/v1/optouts")["cleared"])

    def carriers(self) -> list[dict[str, Any]]:
        carriers: list[dict[str, Any]] = self.request("GET", "/api/v1/carriers")["carriers"]
        return carriers

    def set_outage(self, name: str, down: bool) -> dict[str, Any]:
        """Switch carrier ``name``'s outage on or off; returns the carrier."""
        quoted = urllib.parse.quote(name, safe="")
        carrier: dict[str, Any] = self.request(
            "PUT", f"/api/v1/carriers/{quoted}/outage", {"down": down}
        )
        return carrier

    def set_absent(self, handset: str, absent: bool) -> dict[str, Any]:
        """Switch a handset off (MT to it waits, as for an absent subscriber) or on again
        (what waits is delivered now, alerts first); returns the handset, its switch and
        how many messages were delivered."""
        quoted = urllib.parse.quote(handset, safe="")
        switched: dict[str, Any] = self.request(
            "PUT", f"/api/v1/handsets/{quoted}/absent", {"absent": absent}
        )
        return switched

    def absent_handsets(self) -> list[str]:
        handsets: list[str] = self.request("GET", "/api/v1/handsets/absent")["handsets"]
        return handsets

    # -- two-way: scripts and conversation metrics ------------------------------------------

    def scripts(self, **filters: object) -> list[dict[str, Any]]:
        """Conversation script runs (filters: handset, number, script)."""
        runs: list[dict[str, Any]] = self.request("GET", "/api/v1/scripts", params=filters)[
            "scripts"
        ]
        return runs

    def conversation_metrics(self, **filters: object) -> dict[str, Any]:
        """Per number and per account over a window (filters: window in seconds, number or
        account): reply rate, opt-out rate, the app's response times, MO unanswered."""
        metrics: dict[str, Any] = self.request(
            "GET", "/api/v1/metrics/conversations", params=filters
        )
        return metrics


def _params(filters: dict[str, object]) -> dict[str, object]:
    # "from" is a keyword in Python: callers write from_.
    out = dict(filters)
    if "from_" in out:
        out["from"] = out.pop("from_")
    return out
