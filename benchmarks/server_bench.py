"""SMPP server throughput over loopback: our SMSC against two peer servers, same load, same run.

A script, not a test. Bounded: every cell runs a fixed time (``--duration``, plus warm-up and
at most ``--drain`` for late receipts) and every process it starts is ended by PID at the end,
errors included. Full run about five minutes on a 2-core box, ``--quick`` a few seconds::

    .venv/bin/python benchmarks/server_bench.py                      # Markdown table
    .venv/bin/python benchmarks/server_bench.py --quick              # smoke check
    .venv/bin/python benchmarks/server_bench.py --servers ours --duration 5 --json

Servers (each started afresh per cell on a free 127.0.0.1 port):

* ``ours``: ``python -m smsc serve --smpp-port PORT --store memory --receipt-delay D``; skipped
  with a message when it cannot start.
* ``base``, ``base-sqlite``: ``ours`` and ``ours-sqlite`` run from another checkout given
  with ``--baseline DIR`` (e.g. ``git worktree add /tmp/before COMMIT``): a change measured
  before and after in one run. With ``--rounds N`` every cell runs N times, the servers
  interleaved, and the report adds medians and the median per-round ratio ours/base.
* ``ours-sqlite``: the same with the default store (``--store sqlite``, a fresh database per
  cell in the run's temporary directory): every message, state and receipt committed.
* ``twisted``: the server side of PyPI's ``smpp.twisted3`` (SMPPServerFactory), wrapped by
  benchmarks/peers/twisted3_smpp_server.py to accept any bind, answer submit_sm with a
  message_id and send a receipt after D seconds, like ours. It pins Twisted~=23.10, so it runs
  from its own venv outside the repository (created on first use).
* ``node``: npm's ``smpp`` (node-smpp) bare server, benchmarks/peers/node_smpp_server.js:
  answers binds, submit_sm, enquire_link and unbind; stores nothing, sends no receipts. The
  package is installed outside the repository on first use (tests/nodesmpp.py ``install``,
  the version the differential tests pin).

The load (benchmarks/loadclient.py) runs in separate processes on our codec and plain
sockets, so the server has a core of its own to use; ``--pin`` also pins the server to CPU 0
and the clients to the others (slower on a shared or virtualised box: see README). Client and
server CPU are measured over the measured window: a client near 100 % of its core means the
figure is the client's limit, not the server's; a server near 100 % is saturated.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import nodesmpp  # noqa: E402  (tests/nodesmpp.py, after the path set-up above)

HERE = Path(__file__).resolve().parent
PEERS = HERE / "peers"
LOADCLIENT = HERE / "loadclient.py"
ALL_SERVERS = ("ours", "ours-sqlite", "twisted", "node")
CLIENT_BOUND_PCT = 90.0  # per client core: above this the client, not the server, is the limit


class UnavailableError(Exception):
    """A server that cannot be run here; the reason goes in the report."""


# ---------------------------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------------------------


@dataclass
class ServerSpec:
    name: str
    argv: list[str]  # "{port}", "{http_port}" and "{data_dir}" are replaced per cell
    receipts: bool
    env: dict[str, str] = field(default_factory=dict)
    note: str = ""
    cwd: Path = ROOT  # ``python -m smsc`` runs the smsc package found here


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_quiet(argv: list[str], timeout: float, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False, **kw)


def spec_ours(args: argparse.Namespace) -> ServerSpec:
    py = sys.executable
    try:
        probe = _run_quiet([py, "-m", "smsc", "serve", "--help"], 30, cwd=ROOT)
    except subprocess.TimeoutExpired as e:
        raise UnavailableError("`python -m smsc serve --help` did not answer in 30 s") from e
    if probe.returncode != 0:
        why = (probe.stderr or probe.stdout).strip().splitlines()
        raise UnavailableError(
            f"`python -m smsc serve` is not available yet ({why[-1] if why else '?'})"
        )
    argv = [py, "-m", "smsc", "serve", "--smpp-port", "{port}", "--http-port", "0"]
    argv += ["--store", "memory"]
    note = ""
    if "--receipt-delay" in probe.stdout:
        argv += ["--receipt-delay", str(args.receipt_delay)]
    else:
        note = "no --receipt-delay option: server default delay"
    if "--log-level" in probe.stdout:
        argv += ["--log-level", "warning"]  # measure the server, not its per-PDU logging
    if "--http-port" in probe.stdout:
        argv += ["--http-port", "{http_port}"]  # never a fixed port another run may hold
    argv += args.ours_arg
    return ServerSpec("ours", argv, receipts=True, note=note)


def spec_ours_sqlite(args: argparse.Namespace) -> ServerSpec:
    """Ours with the default store: every message and receipt in SQLite (a fresh database
    per cell), submit_sm_resp only after the batch holding the message is committed."""
    ours = spec_ours(args)
    argv = list(ours.argv)
    at = argv.index("--store")
    argv[at : at + 2] = ["--store", "sqlite", "--data-dir", "{data_dir}"]
    return ServerSpec("ours-sqlite", argv, receipts=True, note=ours.note)


def spec_twisted(args: argparse.Namespace) -> ServerSpec:
    venv = Path(args.twisted_venv)
    py = venv / "bin" / "python"
    if not py.exists() or _run_quiet([str(py), "-c", "import smpp.twisted.server"], 60).returncode:
        print(f"setting up smpp.twisted3 in {venv} ...", file=sys.stderr)
        made = _run_quiet([sys.executable, "-m", "venv", str(venv)], 120)
        if made.returncode:
            raise UnavailableError(f"cannot create {venv}: {made.stderr.strip()[-200:]}")
        inst = _run_quiet([str(py), "-m", "pip", "install", "-q", "smpp.twisted3"], 600)
        if inst.returncode:
            raise UnavailableError(
                f"pip install smpp.twisted3 failed: {inst.stderr.strip()[-300:]}"
            )
    script = str(PEERS / "twisted3_smpp_server.py")
    return ServerSpec(
        "twisted", [str(py), script, "{port}", str(args.receipt_delay)], receipts=True
    )


def spec_node(args: argparse.Namespace) -> ServerSpec:
    try:
        modules = nodesmpp.install(Path(args.nodesmpp_dir))
    except (nodesmpp.NodeUnavailableError, RuntimeError) as e:
        raise UnavailableError(str(e)) from None
    node = shutil.which("node")
    assert node is not None
    return ServerSpec(
        "node",
        [node, str(PEERS / "node_smpp_server.js"), "{port}"],
        receipts=False,
        env={"NODE_PATH": str(modules)},
        note="bare server: no receipts",
    )


def _baseline(args: argparse.Namespace, ours: ServerSpec, name: str) -> ServerSpec:
    """``ours`` run from another checkout (``--baseline DIR``): the code before a change,
    measured in the same run as the code after it."""
    if args.baseline is None:
        raise UnavailableError("needs --baseline DIR (a checkout of the code to compare with)")
    base = Path(args.baseline).resolve()
    if not (base / "smsc" / "__main__.py").is_file():
        raise UnavailableError(f"{base} is not a checkout of smsc")
    return ServerSpec(name, ours.argv, receipts=True, note=ours.note, cwd=base)


def spec_base(args: argparse.Namespace) -> ServerSpec:
    return _baseline(args, spec_ours(args), "base")


def spec_base_sqlite(args: argparse.Namespace) -> ServerSpec:
    return _baseline(args, spec_ours_sqlite(args), "base-sqlite")


SPECS = {
    "ours": spec_ours,
    "ours-sqlite": spec_ours_sqlite,
    "base": spec_base,
    "base-sqlite": spec_base_sqlite,
    "twisted": spec_twisted,
    "node": spec_node,
}


class Procs:
    """Every process the bench starts, so that ``close`` can end each one by its PID."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[Any]] = []

    def start(self, argv: list[str], cpus: set[int] | None, **kw: Any) -> subprocess.Popen[Any]:
        def pin() -> None:
            # In the child before exec, so that every thread it makes (node's) inherits it.
            if cpus:
                os.sched_setaffinity(0, cpus)

        p: subprocess.Popen[Any] = subprocess.Popen(argv, preexec_fn=pin, **kw)  # noqa: PLW1509
        self.procs.append(p)
        return p

    def stop(self, p: subprocess.Popen[Any]) -> None:
        if p.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(p.pid, signal.SIGTERM)
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(p.pid, signal.SIGKILL)
                p.wait(5)
        if p in self.procs:
            self.procs.remove(p)

    def close(self) -> None:
        for p in list(self.procs):
            self.stop(p)


def _wait_listening(proc: subprocess.Popen[Any], port: int, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace").strip().splitlines()[-5:]
            raise UnavailableError(f"exited with status {proc.returncode}: " + " | ".join(tail))
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise UnavailableError(f"not listening on 127.0.0.1:{port} after {timeout:.0f} s")


def _proc_cpu_seconds(pid: int) -> float | None:
    """utime + stime of a process, all its threads (Linux /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------------------
# One cell: a fresh server, N binds over K client processes
# ---------------------------------------------------------------------------------------------


def _pct(sorted_us: list[int], q: float) -> float | None:
    if not sorted_us:
        return None
    i = min(len(sorted_us) - 1, round(q * (len(sorted_us) - 1)))
    return sorted_us[i] / 1000.0


def run_cell(
    args: argparse.Namespace, spec: ServerSpec, binds: int, window: int, logdir: Path
) -> dict[str, Any]:
    cpus = sorted(os.sched_getaffinity(0))
    pin = args.pin and len(cpus) >= 2
    server_cpus = {cpus[0]} if pin else None
    client_cpus = cpus[1:] if pin else []
    nprocs = max(1, min(binds, args.client_procs))
    row: dict[str, Any] = {"server": spec.name, "binds": binds, "window": window}
    procs = Procs()
    try:
        port = _free_port()
        log = logdir / f"{spec.name}-{binds}x{window}.log"
        with log.open("w") as logf:
            server = procs.start(
                [
                    a.replace("{port}", str(port))
                    .replace("{http_port}", str(_free_port()))
                    .replace("{data_dir}", str(logdir / f"{spec.name}-{binds}x{window}.data"))
                    for a in spec.argv
                ],
                server_cpus,
                stdout=logf,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=spec.cwd,
                env=os.environ | spec.env,
            )
        _wait_listening(server, port, log, args.start_timeout)
        # All client processes bind first, then start together at this wall-clock time.
        start_at = time.time() + 1.0 + 0.2 * nprocs
        clients = []
        per = [binds // nprocs + (i < binds % nprocs) for i in range(nprocs)]
        for i, n in enumerate(per):
            argv = [
                sys.executable,
                str(LOADCLIENT),
                f"--port={port}",
                f"--binds={n}",
                f"--window={window}",
                f"--duration={args.duration}",
                f"--warmup={args.warmup}",
                f"--drain={args.drain if spec.receipts else 1.0}",
                f"--count={args.count}",
                f"--io={args.io}",
                f"--start-at={start_at}",
            ]
            if not spec.receipts:
                argv.append("--no-receipts")
            pin_to = {client_cpus[i % len(client_cpus)]} if client_cpus else None
            clients.append(
                procs.start(argv, pin_to, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            )
        # Server CPU over the measured window, sampled from here while the clients run.
        t0 = start_at + args.warmup
        time.sleep(max(0.0, t0 - time.time()))
        s0 = _proc_cpu_seconds(server.pid)
        time.sleep(max(0.0, t0 + args.duration - time.time()))
        s1 = _proc_cpu_seconds(server.pid)
        limit = 10 + args.drain + 5
        reports = []
        for c in clients:
            try:
                out, err = c.communicate(timeout=limit)
            except subprocess.TimeoutExpired:
                procs.stop(c)
                why = f"load client did not finish within {limit:.0f} s"
                raise UnavailableError(why) from None
            if c.returncode:
                raise UnavailableError(
                    f"load client failed: {err.decode(errors='replace').strip()[-300:]}"
                )
            reports.append(json.loads(out))
        if server.poll() is not None:
            row["note"] = f"server exited with status {server.returncode} during the run"
        row.update(_merge(reports, spec))
        if s0 is not None and s1 is not None and row["elapsed"] > 0:
            row["server_cpu_pct"] = 100.0 * (s1 - s0) / args.duration
            if row["submit_per_s"]:
                # CPU per message: steadier than rates on a box shared with other work.
                row["server_cpu_us_per_msg"] = (
                    1e6 * (s1 - s0) / (row["submit_per_s"] * args.duration)
                )
    except UnavailableError as e:
        row["error"] = str(e)
    finally:
        procs.close()
    return row


def _merge(reports: list[dict[str, Any]], spec: ServerSpec) -> dict[str, Any]:
    elapsed = max(r["elapsed"] for r in reports)
    resp = sorted(x for r in reports for x in r["resp_lat_us"])
    rcpt_lat = [x for r in reports for x in r["receipt_lat_us"]]
    # Receipts that reached another client process than their submit_sm's.
    owed = {m: t for r in reports for m, t in r["owed_us"]}
    for r in reports:
        for m, t in r["early_us"]:
            sent = owed.pop(m, None)
            if sent is not None:
                rcpt_lat.append(t - sent)
    rcpt = sorted(rcpt_lat)
    errors: dict[str, int] = {}
    for r in reports:
        for k, v in r["errors"].items():
            errors[k] = errors.get(k, 0) + v
    notes = []
    if sum(r["bound"] for r in reports) < sum(r["binds"] for r in reports):
        notes.append("some binds failed")
    missing = len(owed)
    if spec.receipts and missing:
        notes.append(f"{missing} receipts missing after drain")
    if not all(r["clean_unbind"] for r in reports):
        notes.append("unbind not answered")
    if any(r.get("disconnected") for r in reports):
        notes.append("server closed a connection mid-run")
    notes += [f"{v}x {k}" for k, v in sorted(errors.items())]
    return {
        "elapsed": elapsed,
        "client_procs": len(reports),
        "io": reports[0]["io"],
        "submitted": sum(r["submitted"] for r in reports),
        "submit_per_s": sum(r["resps_in_window"] for r in reports) / elapsed,
        "receipts_per_s": (
            sum(r["receipts_in_window"] for r in reports) / elapsed if spec.receipts else None
        ),
        "resp_p50_ms": _pct(resp, 0.50),
        "resp_p99_ms": _pct(resp, 0.99),
        "receipt_p50_ms": _pct(rcpt, 0.50),
        "receipt_p99_ms": _pct(rcpt, 0.99),
        "receipts_missing": missing if spec.receipts else None,
        "client_cpu_pct": 100.0 * sum(r["cpu_seconds"] for r in reports) / elapsed,
        "client_cpu_max_pct": 100.0 * max(r["cpu_seconds"] for r in reports) / elapsed,
        "errors": errors,
        "note": "; ".join(notes),
    }


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------


def _f(x: float | None, fmt: str) -> str:
    return "n/a" if x is None else format(x, fmt)


def markdown(rows: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    pinning = (
        "server pinned to one core, clients to the other(s)" if meta["pinned"] else "not pinned"
    )
    lines = [
        f"SMPP server throughput, {meta['duration']} s per cell after {meta['warmup']} s "
        f"warm-up; receipt delay {meta['receipt_delay']} s; {meta['cpus']} CPUs, "
        f"{pinning}; client I/O: {meta['io']}; Python {meta['python']}, node {meta['node']}; "
        f"1-min load average {meta['loadavg_before']:.1f} before, "
        f"{meta['loadavg_after']:.1f} after (other work on the box skews the figures).",
        "",
        "| server | binds | window | submit_sm/s | receipts/s | submit->resp p50/p99 ms "
        "| submit->receipt p50/p99 ms | client CPU % | server CPU % | notes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        if "error" in r:
            lines.append(
                f"| {r['server']} | {r['binds']} | {r['window']} | - | - | - | - | - | - "
                f"| skipped: {r['error']} |"
            )
            continue
        note = r.get("note", "")
        if r["client_cpu_max_pct"] >= CLIENT_BOUND_PCT:
            note = "; ".join(x for x in ("client-bound", note) if x)
        lines.append(
            f"| {r['server']} | {r['binds']} | {r['window']} | {r['submit_per_s']:,.0f} "
            f"| {_f(r['receipts_per_s'], ',.0f')} "
            f"| {_f(r['resp_p50_ms'], '.2f')} / {_f(r['resp_p99_ms'], '.2f')} "
            f"| {_f(r['receipt_p50_ms'], '.1f')} / {_f(r['receipt_p99_ms'], '.1f')} "
            f"| {r['client_cpu_pct']:.0f} | {_f(r.get('server_cpu_pct'), '.0f')} | {note} |"
        )
    for name, why in meta["skipped"].items():
        lines.append(f"\n{name}: skipped: {why}")
    if meta.get("rounds", 1) > 1:
        lines += ["", *medians(rows)]
    return "\n".join(lines)


PAIRS = {"ours": "base", "ours-sqlite": "base-sqlite"}  # after -> before, for ratios


def medians(rows: list[dict[str, Any]]) -> list[str]:
    """Per server and cell: the median rates over the rounds and, where the same cell ran
    from the baseline checkout, the median of the per-round ratios (after / before)."""
    ok = [r for r in rows if "error" not in r]
    cells = sorted({(r["binds"], r["window"]) for r in ok})
    by = {(r["server"], r["binds"], r["window"], r["round"]): r for r in ok}
    out = [
        "| server | binds | window | rounds | median submit_sm/s | median receipts/s "
        "| median ratio to baseline (submit_sm/s) | median server CPU us/msg "
        "| median ratio to baseline (CPU/msg) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for server in dict.fromkeys(r["server"] for r in ok):
        for b, w in cells:
            mine = [r for k, r in by.items() if k[:3] == (server, b, w)]
            if not mine:
                continue
            ratios, cpu_ratios = [], []
            base = PAIRS.get(server)
            for r in mine:
                other = by.get((base, b, w, r["round"])) if base else None
                if other and other["submit_per_s"]:
                    ratios.append(r["submit_per_s"] / other["submit_per_s"])
                if other and r.get("server_cpu_us_per_msg") and other.get("server_cpu_us_per_msg"):
                    cpu_ratios.append(r["server_cpu_us_per_msg"] / other["server_cpu_us_per_msg"])
            cpu = [r["server_cpu_us_per_msg"] for r in mine if r.get("server_cpu_us_per_msg")]
            rec = [r["receipts_per_s"] for r in mine if r["receipts_per_s"] is not None]
            out.append(
                f"| {server} | {b} | {w} | {len(mine)} "
                f"| {statistics.median(r['submit_per_s'] for r in mine):,.0f} "
                f"| {_f(statistics.median(rec) if rec else None, ',.0f')} "
                f"| {_f(statistics.median(ratios) if ratios else None, '.3f')} "
                f"| {_f(statistics.median(cpu) if cpu else None, '.1f')} "
                f"| {_f(statistics.median(cpu_ratios) if cpu_ratios else None, '.3f')} |"
            )
    return out


def _version(argv: list[str]) -> str:
    try:
        out = _run_quiet(argv, 10)
    except (OSError, subprocess.TimeoutExpired):
        return "n/a"
    return (out.stdout or out.stderr).strip() or "n/a"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--servers", default=",".join(ALL_SERVERS), help="ours,ours-sqlite,twisted,node"
    )
    ap.add_argument("--binds", default="1,4", help="transceiver binds per cell, comma-separated")
    ap.add_argument("--windows", default="1,10,100", help="outstanding submit_sm per bind")
    ap.add_argument("--duration", type=float, default=10.0, help="measured seconds per cell")
    ap.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds per cell")
    ap.add_argument("--count", type=int, default=0, help="also stop at N responses per bind")
    ap.add_argument("--drain", type=float, default=3.0, help="max wait for late receipts")
    ap.add_argument("--receipt-delay", type=float, default=0.05, help="seconds, ours and twisted")
    ap.add_argument("--client-procs", type=int, default=1, help="client processes per cell")
    ap.add_argument("--io", choices=("selectors", "asyncio"), default="selectors")
    ap.add_argument(
        "--pin",
        action="store_true",
        help="pin the server to one CPU and the clients to the others (see README)",
    )
    ap.add_argument("--start-timeout", type=float, default=20.0)
    ap.add_argument(
        "--baseline",
        help="a checkout of smsc to compare with: servers base and base-sqlite run from it",
    )
    ap.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run every cell this many times, servers interleaved; report medians",
    )
    ap.add_argument("--quick", action="store_true", help="one short cell per server")
    ap.add_argument("--json", action="store_true", help="JSON on stdout instead of Markdown")
    ap.add_argument(
        "--ours-arg", action="append", default=[], help="extra argument for `smsc serve`"
    )
    ap.add_argument("--twisted-venv", default="/tmp/smsc-bench-peers/twisted3-venv")
    ap.add_argument("--nodesmpp-dir", default="/tmp/nodesmpp")
    args = ap.parse_args(argv)
    if args.quick:
        args.binds, args.windows = "1", "10"
        args.duration, args.warmup, args.drain = 1.0, 0.3, 1.0
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    names = [s.strip() for s in args.servers.split(",") if s.strip()]
    unknown = [n for n in names if n not in SPECS]
    if unknown:
        raise SystemExit(f"unknown server(s): {', '.join(unknown)}; known: {', '.join(SPECS)}")
    binds = [int(x) for x in args.binds.split(",")]
    windows = [int(x) for x in args.windows.split(",")]
    cpus = len(os.sched_getaffinity(0))
    meta: dict[str, Any] = {
        "duration": args.duration,
        "warmup": args.warmup,
        "receipt_delay": args.receipt_delay,
        "cpus": cpus,
        "pinned": args.pin and cpus >= 2,
        "loadavg_before": os.getloadavg()[0],
        "io": args.io,
        "python": platform.python_version(),
        "node": _version(["node", "--version"]),
        "skipped": {},
    }
    rows: list[dict[str, Any]] = []
    specs: dict[str, ServerSpec] = {}
    for name in names:
        try:
            specs[name] = SPECS[name](args)
        except UnavailableError as e:
            meta["skipped"][name] = str(e)
            print(f"{name}: skipped: {e}", file=sys.stderr)
            continue
        if specs[name].note:
            meta.setdefault("notes", {})[name] = specs[name].note
    meta["rounds"] = args.rounds
    with tempfile.TemporaryDirectory(prefix="server_bench-") as tmp:
        # Rounds interleave the servers, so load from elsewhere on the box hits them alike.
        for rnd in range(1, args.rounds + 1):
            for b in binds:
                for w in windows:
                    for name, spec in specs.items():
                        print(
                            f"round {rnd}: {name}: {b} bind(s), window {w} ...",
                            file=sys.stderr,
                            flush=True,
                        )
                        cell = Path(tmp) / f"round{rnd}"
                        cell.mkdir(exist_ok=True)
                        row = run_cell(args, spec, b, w, cell)
                        row["round"] = rnd
                        if "error" in row:
                            print(f"  {row['error']}", file=sys.stderr)
                        rows.append(row)
    meta["loadavg_after"] = os.getloadavg()[0]
    if args.json:
        json.dump({"meta": meta, "rows": rows}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(markdown(rows, meta))
    return 0


if __name__ == "__main__":
    sys.exit(main())
