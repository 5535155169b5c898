"""pytest plugin: the simulator as a fixture (registered by the ``pytest11`` entry point).

Fixtures:

* ``smsc`` (function scope): the session's simulator, reset before the test; the usual one.
* ``smsc_session`` (session scope): one ``smsc serve`` for the whole run, never reset.
* ``smsc_fresh`` (function scope): a simulator of its own, started for the test and
  stopped after it (for tests that change config or must not share state).

Each is a :class:`Simulator`: ``smpp_host``/``smpp_port`` to point the app at (``http_url``,
and ``tls_address`` when the config asks for TLS), ``send_mo(...)``, ``messages(...)``,
``wait_for_message(...)``, ``mark()``, ``reset()``, ``binds()``,
``add_fault(kind, **params)``, ``remove_fault(id)``, ``clear_faults()``, ``faults()``,
``optouts()``, ``opt_out(handset, sender)``, ``opt_in(handset, sender)``, ``carriers()``,
``set_outage(name, down)``, ``findings(...)``, ``assert_no_findings(severity="warning")``.
``wait_for_message`` answers with the oldest match it holds, at once if there is one. To
wait for a *new* message, pass ``after=``: the message you saw last, or ``smsc.mark()`` taken
before the action; a match stored before it is never the answer (the server's
``/api/v1/messages/wait?after=<cursor>``)::

    first = smsc.wait_for_message(direction="mt", to="447700900123")
    app.resend_code("447700900123")
    second = smsc.wait_for_message(direction="mt", to="447700900123", after=first)

The simulator runs as a subprocess (``python -m smsc serve``) on free loopback ports, with
the in-memory store; a fixture returns once the server has printed every address it listens
on. ini options: ``smsc_args`` (more ``smsc serve`` arguments, e.g. ``--receipt-delay 0.1``)
and ``smsc_config`` (a TOML config file).
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from .client import ApiClient
from .serve_process import start_serve

STOP_TIMEOUT = 5.0


class Simulator:
    """A running ``smsc serve`` subprocess and a client of its API."""

    def __init__(self, proc: subprocess.Popen[bytes], workdir: Path, stdout: Path) -> None:
        self.proc = proc
        self.workdir = workdir
        self.stdout_path = stdout
        self.smpp_host = ""
        self.smpp_port = 0
        self.http_url = ""
        self.tls_address: tuple[str, int] | None = None  # when the config or args ask for TLS
        self.api = ApiClient()
        self.added_faults: list[int] = []  # removed before the next test by the smsc fixture
        # carrier -> its outage before this test switched it; restored by the smsc fixture
        self.switched_outages: dict[str, bool] = {}
        self.absent_handsets: set[str] = set()  # switched off here; on again before the next test

    @classmethod
    def start(
        cls, workdir: Path, args: Sequence[str] = (), config: str | Path | None = None
    ) -> Simulator:
        workdir.mkdir(parents=True, exist_ok=True)
        argv = ["--store", "memory", "--data-dir", str(workdir / "data"), *args]
        if config is not None:
            argv += ["--config", str(config)]
        stdout = workdir / "smsc.stdout"
        proc, listening = start_serve(argv, workdir, stdout)
        sim = cls(proc, workdir, stdout)
        (sim.smpp_host, sim.smpp_port), sim.http_url = listening.smpp, listening.http_url
        sim.tls_address = listening.tls
        # smsc serve takes its --api-token from $SMSC_API_TOKEN too: the same token.
        sim.api = ApiClient(sim.http_url, os.environ.get("SMSC_API_TOKEN") or None)
        return sim

    def output(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    @property
    def smpp_address(self) -> tuple[str, int]:
        return self.smpp_host, self.smpp_port

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT)

    # -- the harness, through the API ------------------------------------------------------

    def send_mo(self, from_: str, to: str, text: str, **options: object) -> str:
        """A handset sends ``text`` to ``to``; returns the message id. Options:
        data_coding, segmentation (udh, udh16, sar, payload), account."""
        return self.api.send_mo(from_, to, text, **options)

    def messages(self, **filters: object) -> list[dict[str, Any]]:
        """Stored messages, oldest first (``order="newest"``: newest first). Filters:
        direction ("mt"/"mo"), from_, to, handset, account, state, text (substring), since;
        paging: limit, offset, after and before (a message's "cursor")."""
        return self.api.messages(**filters)

    def message(self, message_id: str) -> dict[str, Any]:
        """One message with its parts, state history and receipts."""
        return self.api.message(message_id)

    def wait_for_message(
        self, timeout: float = 10.0, after: object = None, **filters: object
    ) -> dict[str, Any]:
        """The oldest message matching the filters, waiting for it up to ``timeout``
        seconds; fails the test (AssertionError) if none arrives. ``after``: a message
        returned before, or a ``mark()``: only a message stored after it matches."""
        return self.api.wait_for_message(timeout, after, **filters)

    def mark(self) -> str:
        """A cursor after every message stored so far, for ``wait_for_message(after=...)``:
        take it, act, then wait for what the action sent."""
        return self.api.mark()

    def reset(self) -> None:
        """Forget every message, broadcast and pending delivery; binds stay up."""
        self.api.reset()

    def binds(self) -> list[dict[str, Any]]:
        return self.api.binds()

    def add_fault(self, kind: str, **params: object) -> int:
        """Activate a fault, e.g. ``add_fault("reject", status="ESME_RSYSERR",
        probability=0.5, account="shop")`` (kinds and parameters: docs/carriers.md, "Faults
        on demand"); returns its id. The ``smsc`` fixture clears it before the next test."""
        fault_id = int(self.api.add_fault(kind, **params)["id"])
        self.added_faults.append(fault_id)
        return fault_id

    def remove_fault(self, fault_id: int) -> None:
        self.api.remove_fault(fault_id)

    def clear_faults(self) -> int:
        """Clear every fault, those of the config file too; returns how many."""
        self.added_faults.clear()
        return self.api.clear_faults()

    def faults(self) -> list[dict[str, Any]]:
        return self.api.faults()

    def optouts(self) -> list[dict[str, str]]:
        """The opt-out list: {"handset", "sender"} pairs (emptied by ``reset()``)."""
        return self.api.optouts()

    def findings(self, **filters: object) -> list[dict[str, Any]]:
        """What the app checker found (docs/checks.md), newest first. Filters: code,
        severity (this or worse), account, handset, message_id, since, limit."""
        return self.api.findings(**filters)

    def assert_no_findings(self, severity: str = "info", **filters: object) -> None:
        """Fail the test, listing them, if the app checker found anything of ``severity``
        or worse (and matching ``filters``)."""
        found = self.api.findings(severity=severity, **filters)
        if found:
            from .checks.show import findings_text  # noqa: PLC0415 - only on failure

            raise AssertionError(
                f"the app checker found {len(found)} problem(s) of severity {severity} or"
                f" worse:\n{findings_text(reversed(found))}"
            )

    def opt_out(self, handset: str, sender: str) -> None:
        """``handset`` opted out of ``sender`` as by its STOP, without the texts: MT from
        ``sender`` to it is refused."""
        self.api.opt_out(handset, sender)

    def opt_in(self, handset: str, sender: str) -> None:
        self.api.opt_in(handset, sender)

    def carriers(self) -> list[dict[str, Any]]:
        return self.api.carriers()

    def set_outage(self, name: str, down: bool) -> dict[str, Any]:
        """Switch carrier ``name``'s outage on or off (``"default"`` is the built-in
        catch-all); the ``smsc`` fixture switches it back before the next test."""
        if name not in self.switched_outages:
            before = {c["name"]: c["down"] for c in self.api.carriers()}
            if name in before:
                self.switched_outages[name] = before[name]
        return self.api.set_outage(name, down)

    def set_absent(self, handset: str, absent: bool = True) -> dict[str, Any]:
        """Switch ``handset`` off (every MT to it waits, as for an absent subscriber) or on
        again (what waits is delivered now, each alert_notification owed first); the
        ``smsc`` fixture switches it on again before the next test."""
        switched = self.api.set_absent(handset, absent)
        if absent:
            self.absent_handsets.add(switched["handset"])
        else:
            self.absent_handsets.discard(switched["handset"])
        return switched

    def scripts(self, **filters: object) -> list[dict[str, Any]]:
        """Where each scripted handset's conversation is (filters: handset, number,
        script); ``reset()`` forgets them."""
        return self.api.scripts(**filters)

    def conversation_metrics(self, **filters: object) -> dict[str, Any]:
        """Reply rate, opt-out rate, the app's response times (p50, p95, max) and MO
        unanswered, per number and per account (filters: window, number, account)."""
        return self.api.conversation_metrics(**filters)

    def _restore_outages(self) -> None:
        for name, down in self.switched_outages.items():
            self.api.set_outage(name, down)
        self.switched_outages.clear()

    def _forget_added_faults(self) -> None:
        active = {f["id"] for f in self.api.faults()}
        for fault_id in self.added_faults:
            if fault_id in active:
                self.api.remove_fault(fault_id)
        self.added_faults.clear()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("smsc_args", "more arguments for `smsc serve` in the smsc fixtures", type="args")
    parser.addini("smsc_config", "TOML config file for the smsc fixtures", type="string")


def _start(config: pytest.Config, workdir: Path) -> Simulator:
    args = list(config.getini("smsc_args") or [])
    toml = config.getini("smsc_config") or None
    if toml:
        toml = str(config.rootpath / toml)
    return Simulator.start(workdir, args, toml)


@pytest.fixture(scope="session")
def smsc_session(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Simulator]:
    """One simulator for the whole test session (not reset between tests)."""
    sim = _start(pytestconfig, tmp_path_factory.mktemp("smsc"))
    try:
        yield sim
    finally:
        sim.stop()


@pytest.fixture
def smsc(smsc_session: Simulator) -> Simulator:
    """The session's simulator, reset before this test (faults an earlier test added
    with ``add_fault`` cleared too, outages it switched with ``set_outage`` switched
    back; ``reset()`` empties the opt-out list)."""
    smsc_session.reset()
    if smsc_session.added_faults:
        smsc_session._forget_added_faults()
    if smsc_session.switched_outages:
        smsc_session._restore_outages()
    for handset in sorted(smsc_session.absent_handsets):
        smsc_session.api.set_absent(handset, False)  # after the reset: nothing waits
    smsc_session.absent_handsets.clear()
    return smsc_session


@pytest.fixture
def smsc_fresh(pytestconfig: pytest.Config, tmp_path: Path) -> Iterator[Simulator]:
    """A simulator of this test's own, stopped after it."""
    sim = _start(pytestconfig, tmp_path / "smsc")
    try:
        yield sim
    finally:
        sim.stop()
