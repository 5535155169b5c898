"""Memory per idle bind: open N transceiver binds to a fresh server and read its RSS.

A script, not a test. Starts ``python -m smsc serve --store memory`` on a free port on
127.0.0.1, records the server's resident memory, opens ``--binds`` TCP connections that each
bind (bind_transceiver, one system_id per 50 binds), waits for every bind_resp, lets the server
settle, records RSS again, then unbinds everything and stops the server by its PID::

    .venv/bin/python benchmarks/binds_memory.py --binds 1000
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdu  # noqa: E402


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    m = re.search(r"VmRSS:\s+(\d+) kB", status)
    assert m is not None
    return int(m.group(1))


def read_pdu(sock: socket.socket, framer: pdu.Framer) -> pdu.Pdu:
    while True:
        data = sock.recv(4096)
        if not data:
            raise ConnectionError("server closed the connection")
        items = framer.feed_pdus(data)
        if items:
            item = items[0]
            if isinstance(item, pdu.PduError):
                raise item
            return item


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binds", type=int, default=1000)
    ap.add_argument("--timeout", type=float, default=120.0, help="give up after this long")
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = args.binds + 64
    if soft < want:  # the server inherits the raised limit
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "smsc",
            "serve",
            "--smpp-port",
            "0",
            "--http-port",
            "0",
            "--store",
            "memory",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    socks: list[socket.socket] = []
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        m = re.search(r"listening on ([\d.]+):(\d+)", line)
        if m is None:
            raise RuntimeError(f"server did not start: {line!r}")
        host, port = m.group(1), int(m.group(2))
        time.sleep(0.5)
        before = rss_kib(server.pid)
        deadline = time.monotonic() + args.timeout
        for i in range(args.binds):
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {i} binds in {args.timeout} s")
            s = socket.create_connection((host, port), timeout=10)
            s.sendall(
                pdu.encode(
                    pdu.BindTransceiver(
                        sequence_number=1,
                        system_id=f"load{i // 50}",
                        password="pw",
                        interface_version=0x34,
                    )
                )
            )
            resp = read_pdu(s, pdu.Framer())
            if resp.command_status != 0:
                raise RuntimeError(f"bind {i} refused: {resp!r}")
            socks.append(s)
        time.sleep(1.0)
        after = rss_kib(server.pid)
        per_bind = (after - before) / args.binds
        print(f"binds held: {len(socks)}")
        print(f"server RSS before: {before} KiB, after: {after} KiB")
        print(f"memory per idle bind: {per_bind:.1f} KiB")
        for s in socks:
            s.sendall(pdu.encode(pdu.Unbind(sequence_number=2)))
        return 0
    finally:
        for s in socks:
            s.close()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(server.pid, signal.SIGKILL)
            server.wait()


if __name__ == "__main__":
    raise SystemExit(main())
