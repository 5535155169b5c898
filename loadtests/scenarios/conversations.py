"""Conversations started by handsets: the load is MO, and what is measured is the app's answer.

    .venv/bin/python -m smsc serve --store memory --receipt-delay 0.05
    .venv/bin/locust -f loadtests/scenarios/conversations.py --headless -u 11 -r 11 -t 30s \\
        --host smpp://127.0.0.1:2775 --smsc-api http://127.0.0.1:8025

``Handsets`` (HTTP, no bind) each play one handset after another: it writes to the app's
number through ``POST /api/v1/mo``, waits for the app's MT back
(``GET /api/v1/messages/wait``), and reports ``app_reply``: the app's response time as the
server measures it (from the MO delivered to the app, its deliver_sm_resp, to the app's MT:
``submit_time`` of the MT minus ``done_time`` of the MO). No answer within
``--app-reply-timeout`` is a failure ``SmppError('no reply')``.

``AppBot`` (one SMPP bind, ``fixed_count = 1``) stands in for the app: it answers every MO
after ``--app-think-ms``. To load-test your own app instead, bind it to the server and run
the handsets alone: ``locust -f loadtests/scenarios/conversations.py Handsets ...``.
GET /api/v1/metrics/conversations then shows the same response times per number and
account, with the reply rate and the MO left unanswered.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

import gevent
import requests
from locust import User, between, constant, events, task
from locust.env import Environment
from locust.exception import StopUser

from loadtests.handsets import CONVERSATIONS, handsets
from loadtests.user import REQUEST_TYPE, SmppError, SmppUser
from pdu import Pdu

APP_NUMBER = "12345"
QUESTION = "Hi, is my order on its way?"
# The scenario's block of load-test handsets: each user writes from the next one.
_handsets = handsets(CONVERSATIONS)


class AppBot(SmppUser):
    """The app: answers each MO from the number it was sent to, after a think time."""

    fixed_count = 1
    wait_time = constant(1)
    window = 100

    @task
    def idle(self) -> None:
        """All its work is answering MO (``on_mo``); Locust wants a task."""

    def on_mo(self, p: Pdu) -> int:
        think = getattr(self.environment.parsed_options, "app_think_ms", 0) / 1000.0
        handset = str(getattr(p, "source_addr", ""))
        number = str(getattr(p, "destination_addr", ""))
        gevent.spawn_later(think, self._answer, handset, number)
        return 0

    def _answer(self, handset: str, number: str) -> None:
        # StopUser: the run is ending and the bind is gone, so this answer is not sent.
        with contextlib.suppress(StopUser):
            self.submit_sm(
                handset,
                b"Yes, it arrives tomorrow.",
                source_addr=number,
                registered_delivery=0,
                name="app answer",
            )


class Handsets(User):
    """Handsets writing to the app over the REST API; Locust's ``--host`` is the SMPP one,
    so the API's address is ``--smsc-api``."""

    wait_time = between(0.05, 0.2)

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        opts = environment.parsed_options
        self.api = (getattr(opts, "smsc_api", "") or "http://127.0.0.1:8025").rstrip("/")
        self.timeout = float(getattr(opts, "app_reply_timeout", 0) or 10.0)
        self.http = requests.Session()

    @task
    def write_to_the_app(self) -> None:
        handset = next(_handsets)
        t0 = time.perf_counter()
        body = {"from": handset, "to": APP_NUMBER, "text": QUESTION}
        mo = self._call("POST", "/api/v1/mo", json=body)
        if mo is None:
            return
        sent = self._call("GET", f"/api/v1/messages/{mo['id']}", name="/api/v1/messages/{id}")
        if sent is None:
            return
        params = {
            "direction": "mt",
            "to": handset,
            "from": APP_NUMBER,
            "since": repr(sent["submit_time"]),
            "timeout": repr(self.timeout),
        }
        answer = self._call("GET", "/api/v1/messages/wait", params=params, missing_ok=True)
        if answer is None:
            self._fire("app_reply", (time.perf_counter() - t0) * 1000.0, SmppError("no reply"))
            return
        delivered = self._call("GET", f"/api/v1/messages/{mo['id']}", name="/api/v1/messages/{id}")
        if delivered is None or delivered.get("done_time") is None:
            self._fire("app_reply", 0.0, SmppError("MO not delivered"))
            return
        seconds = answer["message"]["submit_time"] - delivered["done_time"]
        self._fire("app_reply", seconds * 1000.0, None)

    def _call(
        self,
        method: str,
        path: str,
        *,
        name: str | None = None,
        missing_ok: bool = False,
        **kw: Any,
    ) -> dict[str, Any] | None:
        """The JSON answer, or None: a failure reported as ``METHOD name`` (a 408 from the
        wait is not one when ``missing_ok``: the caller reports it)."""
        label = f"{method} {name or path}"
        try:
            resp = self.http.request(method, self.api + path, timeout=self.timeout + 5, **kw)
        except requests.RequestException as e:
            self._fire(label, 0.0, SmppError(repr(e)))
            return None
        if resp.status_code == 408 and missing_ok:
            return None
        if resp.status_code >= 300:
            self._fire(label, 0.0, SmppError(f"HTTP {resp.status_code}"))
            return None
        body: dict[str, Any] = resp.json()
        return body

    def _fire(self, name: str, ms: float, error: Exception | None) -> None:
        self.environment.events.request.fire(
            request_type=REQUEST_TYPE,
            name=name,
            response_time=ms,
            response_length=0,
            exception=error,
            context={},
        )


@events.init_command_line_parser.add_listener
def _options(parser: Any, **_kw: Any) -> None:
    group = parser.add_argument_group("conversations (loadtests/scenarios/conversations.py)")
    group.add_argument("--smsc-api", default="", help="the server's HTTP API (http://HOST:PORT)")
    group.add_argument("--app-think-ms", type=float, default=0.0, help="AppBot's delay per answer")
    group.add_argument(
        "--app-reply-timeout", type=float, default=10.0, help="seconds a handset waits for the app"
    )
