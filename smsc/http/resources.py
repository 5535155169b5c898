"""The HTTP layer: Twisted Web resources of the REST API, the web inbox and /metrics, on the
SMPP server's reactor.

Thin by design: parse with ``smsc.http.payloads``, ask the core's façade, the store or the
server, write JSON. Waiting (for a message to be stored, for a reset) is done with Deferreds fired
by the server's batch listeners: nothing polls.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote

from twisted.internet import defer, threads
from twisted.internet.base import DelayedCall
from twisted.web import server as web_server
from twisted.web.resource import Resource

from ..core import MoError
from ..metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from ..metrics import exposition
from ..model import Message
from ..report import checker_summary, message_counts, report_data
from ..store import Batch
from . import broadcasts, findings, payloads, ui
from .openapi import document

if TYPE_CHECKING:
    from ..server import SmscServer

# twisted.web's Request is untyped: handlers take it as Any.
Request = Any

log = logging.getLogger("smsc.http")

T = TypeVar("T")
STORE_TIMEOUT = 10.0  # an injected MO is answered once stored; a store this slow is broken
SSE_HEARTBEAT = 15.0  # keeps proxies and idle timers from closing the stream


@dataclass
class Reply:
    status: int
    body: object = None  # JSON-able; None for an empty body
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # sent as is, with headers["Content-Type"]


# (api, request, path parameter) -> a reply now, later, or None for a stream kept open.
Handler = Callable[["HttpApi", Any, str], "Reply | defer.Deferred[Reply] | None"]


def _error(status: int, message: str) -> Reply:
    return Reply(status, payloads.ApiError(status, message).body())


@dataclass(frozen=True)
class Route:
    method: str
    # OpenAPI path; a parameter at the end ("{id}") matches the rest of the path, one
    # followed by more ("{name}/outage") matches one segment.
    template: str
    handler: Handler
    public: bool = False  # no token needed

    def match(self, path: str) -> str | None:
        """The path parameter ("" when none) if ``path`` matches, else None."""
        head, brace, rest = self.template.partition("{")
        if not brace:
            return "" if path == self.template else None
        tail = rest.partition("}")[2]
        if not path.startswith(head) or not path.endswith(tail):
            return None
        param = path[len(head) : len(path) - len(tail)]
        if not param or (tail and "/" in param):
            return None
        return unquote(param)


@dataclass(eq=False)
class _Wait:
    probe: Callable[[], object]
    deferred: defer.Deferred[Any]
    timer: DelayedCall | None = None


class Waiters:
    """Deferreds that fire when a probe of the store finds something after a batch is
    stored (or at once), or with None after their timeout."""

    def __init__(self, reactor: Any) -> None:
        self.reactor = reactor
        self.pending: list[_Wait] = []

    def wait(self, probe: Callable[[], T | None], timeout: float) -> defer.Deferred[T | None]:
        found = probe()
        if found is not None:
            return defer.succeed(found)
        w = _Wait(probe, defer.Deferred(lambda _: self._forget(w)))
        w.timer = self.reactor.callLater(timeout, self._expire, w)
        self.pending.append(w)
        return w.deferred

    def _forget(self, w: _Wait) -> None:
        if w in self.pending:
            self.pending.remove(w)
        if w.timer is not None and w.timer.active():
            w.timer.cancel()

    def _expire(self, w: _Wait) -> None:
        w.timer = None
        self._forget(w)
        w.deferred.callback(None)

    def stored(self, _: Batch) -> None:
        for w in list(self.pending):
            found = w.probe()
            if found is not None:
                self._forget(w)
                w.deferred.callback(found)


class Events:
    """Server-sent event streams: a 'message' event per message stored or changed."""

    def __init__(self, server: SmscServer) -> None:
        self.smsc = server
        self.clients: list[Request] = []

    def add(self, request: Request) -> None:
        request.setHeader(b"Content-Type", b"text/event-stream; charset=utf-8")
        request.setHeader(b"Cache-Control", b"no-cache")
        request.write(b": smsc events\n\n")
        self.clients.append(request)
        timer = self.smsc.reactor.callLater(SSE_HEARTBEAT, self._beat, request)

        def gone(_: object) -> None:
            if request in self.clients:
                self.clients.remove(request)
            if timer.active():
                timer.cancel()

        request.notifyFinish().addBoth(gone)

    def _beat(self, request: Request) -> None:
        if request in self.clients:
            request.write(b": keep-alive\n\n")
            self.smsc.reactor.callLater(SSE_HEARTBEAT, self._beat, request)

    def send(self, event: str, data: object) -> None:
        frame = f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()
        for request in list(self.clients):
            request.write(frame)

    def stored(self, batch: Batch) -> None:
        if not self.clients:
            return
        for m in batch.messages:
            self.send("message", payloads.message_json(m))
        for change in batch.state_changes:
            changed = self.smsc.store.get_message(change.message_id)
            if changed is not None:
                self.send("message", payloads.message_json(changed))


class HttpApi(Resource):
    isLeaf = True  # noqa: N815 - Twisted's name

    def __init__(self, server: SmscServer) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.smsc = server
        self.token = server.config.api_token
        self.waiters = Waiters(server.reactor)
        self.events = Events(server)
        server.batch_listeners.append(self.waiters.stored)
        server.batch_listeners.append(self.events.stored)
        if server.core.checks is not None:  # the inbox's findings panel, live
            server.core.checks.findings.listeners.append(
                lambda f: self.events.send("finding", f.to_dict()) if self.events.clients else None
            )
        try:
            version = metadata.version("smsc")
        except metadata.PackageNotFoundError:
            version = "0"
        self.openapi = json.dumps(document(version, self.token is not None), indent=1).encode()

    # -- dispatch -----------------------------------------------------------------------

    def render(self, request: Request) -> bytes | int:
        method = (request.method or b"").decode("ascii", "replace")
        path = (request.path or b"").decode("utf-8", "replace")
        if ui.is_ui_path(path):  # the web inbox: public files, the data comes from the API
            return self._write(request, self._ui(method, path))
        matched = [(r, p) for r in ROUTES if (p := r.match(path)) is not None]
        if not matched:
            return self._write(request, _error(404, f"no such path {path}"))
        for route, param in matched:  # noqa: B007 - used after the loop
            if route.method == method:
                break
        else:
            allowed = ", ".join(sorted({r.method for r, _ in matched}))
            reply = _error(405, f"{method} not allowed here; use {allowed}")
            reply.headers["Allow"] = allowed
            return self._write(request, reply)
        if not route.public and not self._authorized(request):
            reply = _error(401, "missing or wrong 'Authorization: Bearer' token")
            reply.headers["WWW-Authenticate"] = "Bearer"
            return self._write(request, reply)
        try:
            result = route.handler(self, request, param)
        except payloads.ApiError as e:
            return self._write(request, Reply(e.status, e.body()))
        if result is None:  # a stream the handler keeps open
            return web_server.NOT_DONE_YET
        if isinstance(result, Reply):
            return self._write(request, result)
        result.addErrback(self._failed)
        result.addCallback(self._finish, request)
        request.notifyFinish().addErrback(lambda _: result.cancel())
        return web_server.NOT_DONE_YET

    def _authorized(self, request: Request) -> bool:
        if self.token is None:
            return True
        given = request.getHeader(b"Authorization") or b""
        return hmac.compare_digest(given, b"Bearer " + self.token.encode())

    def _failed(self, failure: Any) -> Reply:
        if failure.check(defer.CancelledError):
            return Reply(499)  # the client went away; nothing is written
        if failure.check(payloads.ApiError):
            e: payloads.ApiError = failure.value
            return Reply(e.status, e.body())
        log.error("HTTP handler failed: %s", failure.getTraceback())
        return _error(500, f"internal error: {failure.getErrorMessage()}")

    def _finish(self, reply: Reply, request: Request) -> None:
        if reply.status == 499 or request.finished or request._disconnected:
            return
        request.write(self._write(request, reply))
        request.finish()

    def _write(self, request: Request, reply: Reply) -> bytes:
        request.setResponseCode(reply.status)
        for name, value in reply.headers.items():
            request.setHeader(name.encode(), value.encode())
        if reply.raw is not None:
            return reply.raw
        if reply.body is None:
            return b""
        request.setHeader(b"Content-Type", b"application/json")
        return json.dumps(reply.body).encode() + b"\n"

    def _ui(self, method: str, path: str) -> Reply:
        if method not in ("GET", "HEAD"):
            reply = _error(405, f"{method} not allowed here; use GET")
            reply.headers["Allow"] = "GET, HEAD"
            return reply
        found = ui.asset(path)
        if found is None:
            return _error(404, f"no such path {path}")
        headers = {
            "Content-Type": found.content_type,
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
            # Only our own files and API: messages are shown as text, never as markup.
            "Content-Security-Policy": "default-src 'self'; img-src 'self' data:",
        }
        return Reply(200, raw=found.body, headers=headers)

    # -- handlers -----------------------------------------------------------------------

    def _args(self, request: Request) -> dict[str, list[str]]:
        return payloads.decode_query_args(request.args or {})

    def list_messages(self, request: Request, _: str) -> Reply:
        query, limit, offset = payloads.parse_list_args(self._args(request))
        found = query.find(self.smsc.store, limit, offset)
        return Reply(
            200,
            {
                "messages": [payloads.message_json(m) for m in found],
                "limit": limit,
                "offset": offset,
                "order": "newest" if query.newest_first else "oldest",
                "next": payloads.next_cursor(found, limit),
            },
        )

    def list_conversations(self, request: Request, _: str) -> Reply:
        before, search, limit = payloads.parse_conversation_args(self._args(request))
        found = self.smsc.store.conversations(before=before, handset_contains=search, limit=limit)
        return Reply(
            200,
            {
                "conversations": [payloads.conversation_json(m) for m in found],
                "next": payloads.next_cursor(found, limit),
            },
        )

    def get_message(self, _: Request, message_id: str) -> Reply:
        m = self.smsc.store.get_message(message_id)
        if m is None:
            return _error(404, f"no message with id {message_id!r}")
        detail = payloads.message_detail(self.smsc.store, m)
        ids = [part["id"] for part in detail["parts"]]  # type: ignore[attr-defined]
        detail["findings"] = findings.message_findings(self.smsc.core.checks, ids or [m.message_id])
        return Reply(200, detail)

    def wait_message(self, request: Request, _: str) -> defer.Deferred[Reply]:
        query, timeout = payloads.parse_wait_args(self._args(request))

        def first() -> Message | None:
            found = query.find(self.smsc.store, 1)
            return found[0] if found else None

        def answer(m: Message | None) -> Reply:
            if m is None:
                return _error(408, f"no matching message within {timeout:g} s")
            return Reply(200, {"message": payloads.message_json(m)})

        return self.waiters.wait(first, timeout).addCallback(answer)

    def reset(self, _: Request, __: str) -> defer.Deferred[Reply]:
        def done(_: None) -> Reply:
            self.events.send("reset", {})
            return Reply(204)

        return self.smsc.reset().addCallback(done)

    def post_mo(self, request: Request, _: str) -> defer.Deferred[Reply]:
        mo = payloads.parse_mo(self._body(request))
        server = self.smsc
        try:
            parts = server.core.inject_mo_text(
                mo.source_addr,
                mo.destination_addr,
                mo.text,
                server.now(),
                data_coding=mo.data_coding,
                method=mo.method,
                account=mo.account,
            )
        except MoError as e:
            raise payloads.ApiError(422, str(e)) from None
        server.flush()
        ids = [m.message_id for m in parts]
        reply = Reply(
            201,
            {"id": ids[0], "ids": ids, "parts": len(ids), "data_coding": parts[0].data_coding},
            {"Location": f"/api/v1/messages/{ids[0]}"},
        )

        # Answered once stored, so that a GET of the id right after finds it.
        def stored(found: object) -> Reply:
            if found is None:
                body = {"error": "the message was not stored in time", "status": 503, "ids": ids}
                return Reply(503, body)
            return reply

        last = ids[-1]
        return self.waiters.wait(lambda: server.store.get_message(last), STORE_TIMEOUT).addCallback(
            stored
        )

    def list_faults(self, _: Request, __: str) -> Reply:
        return Reply(200, {"faults": [f.to_dict() for f in self.smsc.core.list_faults()]})

    def add_fault(self, request: Request, _: str) -> Reply:
        fault = self.smsc.core.add_fault(payloads.parse_fault(self._body(request)))
        log.info("fault %d added: %s", fault.id, fault.to_dict())
        return Reply(201, fault.to_dict(), {"Location": f"/api/v1/faults/{fault.id}"})

    def delete_fault(self, _: Request, fault_id: str) -> Reply:
        if not self.smsc.core.remove_fault(payloads.parse_fault_id(fault_id)):
            return _error(404, f"no fault with id {fault_id!r}")
        return Reply(204)

    def clear_faults(self, _: Request, __: str) -> Reply:
        return Reply(200, {"cleared": self.smsc.core.clear_faults()})

    def _body(self, request: Request) -> bytes:
        assert request.content is not None
        body: bytes = request.content.read(payloads.MAX_BODY_OCTETS + 1)
        if len(body) > payloads.MAX_BODY_OCTETS:
            raise payloads.ApiError(413, f"body larger than {payloads.MAX_BODY_OCTETS} octets")
        return body

    def list_opt_outs(self, _: Request, __: str) -> Reply:
        pairs = self.smsc.core.opt_outs()
        return Reply(200, {"optouts": [payloads.opt_out_json(h, s) for h, s in pairs]})

    def add_opt_out(self, request: Request, _: str) -> Reply:
        handset, sender = payloads.parse_opt_out(self._body(request))
        self.smsc.core.opt_out(handset, sender)
        return Reply(201, payloads.opt_out_json(handset, sender))

    def delete_opt_outs(self, request: Request, _: str) -> Reply:
        handset, sender = payloads.parse_opt_out_args(self._args(request))
        core = self.smsc.core
        if handset is not None and sender is not None:
            if not core.opt_in(handset, sender):
                return _error(404, f"{handset} has not opted out of {sender}")
            return Reply(204)
        if handset is None and sender is None:
            return Reply(200, {"cleared": core.clear_opt_outs()})
        listed = core.opt_outs()
        pairs = [(h, s) for h, s in listed if handset in (None, h) and sender in (None, s)]
        for pair in pairs:
            core.opt_in(*pair)
        return Reply(200, {"cleared": len(pairs)})

    def list_carriers(self, _: Request, __: str) -> Reply:
        carriers = [payloads.carrier_json(c, down) for c, down in self.smsc.core.carriers()]
        return Reply(200, {"carriers": carriers})

    def set_outage(self, request: Request, name: str) -> Reply:
        down = payloads.parse_switch(self._body(request), "down")
        try:
            carrier = self.smsc.core.set_outage(name, down)
        except ValueError as e:
            return _error(404, str(e))
        log.info("carrier %r outage %s", name, "on" if down else "off")
        return Reply(200, payloads.carrier_json(carrier, down))

    def list_absent(self, _: Request, __: str) -> Reply:
        return Reply(200, {"handsets": self.smsc.core.absent_handsets()})

    def set_absent(self, request: Request, handset: str) -> Reply:
        absent = payloads.parse_switch(self._body(request), "absent")
        server = self.smsc
        try:
            number, delivered = server.core.set_absent(handset, absent, server.now())
        except ValueError as e:
            return _error(400, str(e))
        server.flush()  # what waited is due now
        log.info("handset %s switched %s", number, "off" if absent else "on")
        return Reply(200, {"handset": number, "absent": absent, "delivered": delivered})

    def list_findings(self, request: Request, _: str) -> Reply:
        query, limit = findings.parse_findings_args(self._args(request))
        checks = self.smsc.core.checks
        found = [] if checks is None else checks.findings.find(query, limit)
        body = {"findings": findings.findings_json(found), "enabled": checks is not None}
        return Reply(200, body)

    def clear_findings(self, _: Request, __: str) -> Reply:
        checks = self.smsc.core.checks
        return Reply(200, {"cleared": 0 if checks is None else checks.findings.clear()})

    def report(self, request: Request, _: str) -> defer.Deferred[Reply]:
        fmt = findings.parse_report_args(self._args(request))
        server = self.smsc
        summary = checker_summary(server.core.checks)  # here: the core's thread
        now = server.now()

        def rendered(counts: dict[str, dict[str, int]]) -> Reply:
            ctype, body = findings.render_report(report_data(counts, summary, now), fmt)
            return Reply(200, raw=body, headers={"Content-Type": ctype})

        # The store is paged through in a worker thread: SMPP traffic goes on meanwhile.
        d: defer.Deferred[dict[str, dict[str, int]]] = threads.deferToThread(
            message_counts, server.store
        )
        return d.addCallback(rendered)

    def conversation_metrics(self, request: Request, _: str) -> Reply:
        query = payloads.parse_metrics_args(self._args(request))
        core, now = self.smsc.core, self.smsc.now()
        numbers, accounts = core.conversations(now, query.window)
        configured = {n.number: n for n in core.network.config.numbers}
        body = payloads.conversation_metrics_json(query, now, numbers, accounts, configured)
        return Reply(200, body)

    def list_scripts(self, request: Request, _: str) -> Reply:
        filters = payloads.parse_script_args(self._args(request))
        runs = self.smsc.core.script_runs(**filters)
        return Reply(200, {"scripts": [payloads.script_run_json(r) for r in runs]})

    def list_broadcasts(self, request: Request, _: str) -> Reply:
        account, limit, offset = broadcasts.parse_broadcast_args(self._args(request))
        found = self.smsc.core.broadcasts(account=account, limit=limit, offset=offset)
        return Reply(
            200,
            {
                "broadcasts": [broadcasts.broadcast_json(b) for b in found],
                "limit": limit,
                "offset": offset,
            },
        )

    def get_broadcast(self, _: Request, message_id: str) -> Reply:
        b = self.smsc.core.broadcast(message_id)
        if b is None:
            return _error(404, f"no broadcast with id {message_id!r}")
        return Reply(200, broadcasts.broadcast_json(b))

    def binds(self, _: Request, __: str) -> Reply:
        return Reply(200, {"binds": [payloads.bind_json(c) for c in self.smsc.core.binds()]})

    def stream_events(self, request: Request, _: str) -> None:
        self.events.add(request)

    def openapi_json(self, _: Request, __: str) -> Reply:
        return Reply(200, raw=self.openapi, headers={"Content-Type": "application/json"})

    def metrics(self, _: Request, __: str) -> Reply:
        text = exposition(self.smsc.metric_families())
        return Reply(200, raw=text.encode(), headers={"Content-Type": METRICS_CONTENT_TYPE})


# First match wins: /wait before /{id}.
ROUTES = (
    Route("GET", "/api/v1/messages/wait", HttpApi.wait_message),
    Route("GET", "/api/v1/messages/{id}", HttpApi.get_message),
    Route("GET", "/api/v1/messages", HttpApi.list_messages),
    Route("GET", "/api/v1/conversations", HttpApi.list_conversations),
    Route("DELETE", "/api/v1/messages", HttpApi.reset),
    Route("POST", "/api/v1/mo", HttpApi.post_mo),
    Route("GET", "/api/v1/broadcasts/{id}", HttpApi.get_broadcast),
    Route("GET", "/api/v1/broadcasts", HttpApi.list_broadcasts),
    Route("GET", "/api/v1/binds", HttpApi.binds),
    Route("GET", "/api/v1/faults", HttpApi.list_faults),
    Route("POST", "/api/v1/faults", HttpApi.add_fault),
    Route("DELETE", "/api/v1/faults", HttpApi.clear_faults),
    Route("DELETE", "/api/v1/faults/{id}", HttpApi.delete_fault),
    Route("GET", "/api/v1/optouts", HttpApi.list_opt_outs),
    Route("POST", "/api/v1/optouts", HttpApi.add_opt_out),
    Route("DELETE", "/api/v1/optouts", HttpApi.delete_opt_outs),
    Route("GET", "/api/v1/findings", HttpApi.list_findings),
    Route("DELETE", "/api/v1/findings", HttpApi.clear_findings),
    Route("GET", "/api/v1/report", HttpApi.report),
    Route("GET", "/api/v1/carriers", HttpApi.list_carriers),
    Route("PUT", "/api/v1/carriers/{name}/outage", HttpApi.set_outage),
    Route("GET", "/api/v1/handsets/absent", HttpApi.list_absent),
    Route("PUT", "/api/v1/handsets/{handset}/absent", HttpApi.set_absent),
    Route("GET", "/api/v1/scripts", HttpApi.list_scripts),
    Route("GET", "/api/v1/metrics/conversations", HttpApi.conversation_metrics),
    Route("GET", "/api/v1/events", HttpApi.stream_events),
    Route("GET", "/api/v1/openapi.json", HttpApi.openapi_json, public=True),
    Route("GET", "/metrics", HttpApi.metrics, public=True),
)


def listen_http(server: SmscServer) -> Any:
    """Listen on the configured HTTP host and port; returns the listening port."""
    site = web_server.Site(HttpApi(server))  # type: ignore[no-untyped-call]
    site.displayTracebacks = False
    config = server.config
    return server.reactor.listenTCP(config.http_port, site, interface=config.http_host)
