"""node-smpp (npm ``smpp``), an SMPP 5.0 peer, as a codec in the fields-dict language of
tests/peers.py, for the differential tests (tests/test_nodesmpp.py).

The package is installed with npm on first use into a cache directory outside version
control (``.cache/nodesmpp`` in the repository, gitignored; ``$SMSC_NODESMPP_DIR`` moves it)
at a pinned version, and driven through tests/node/node_smpp_codec.js: one long-lived node
process per test module, JSON lines in and out, ended by its PID when the module is done.
benchmarks/server_bench.py installs its node peer with the same ``install``.

Where node-smpp's value types differ from the spec's (found while writing this adapter; the
tests pin the ones that lose data):

* ussd_service_op is an I1 there (an octet in the spec): converted both ways.
* broadcast_content_type_info, broadcast_service_group, source_node_id, dest_node_id and
  dest_addr_np_information are ASCII strings there (octets in the spec).
* dest_addr_np_country is a 4-octet integer there (1-5 opaque octets in the spec).
* alert_on_message_delivery is always one octet there; it reads one even from the 3.4
  zero-length form.
* ms_validity is a Buffer (1 or 4 octets in 5.0): converted to an int when one octet.
* callback_num, callback_num_atag and callback_num_pres_ind repeat there; broadcast_area_success
  does not (one value kept).
* broadcast_end_time is sent in 16 octets without a NUL (C-Octet String in the spec).
* Any response with command_status != 0 is sent header-only, TLVs included.
* Strings are read as Node's 'ascii', which clears the high bit: octets above 0x7F change.
* destination_port (3.4's name) is dest_port (5.0's name) there.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import struct
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import peers as P  # noqa: N812

ROOT = Path(__file__).resolve().parent.parent
CODEC_JS = Path(__file__).resolve().parent / "node" / "node_smpp_codec.js"
VERSION = "0.5.1"  # the peer's bugs pinned in tests/test_nodesmpp.py are this version's
DEFAULT_DIR = Path(os.environ.get("SMSC_NODESMPP_DIR", ROOT / ".cache" / "nodesmpp"))
TIMEOUT = 30.0  # seconds for one answer from the node process


class NodeUnavailableError(Exception):
    """node (or npm) is not installed here: the tests skip and say so."""


def install(base: Path = DEFAULT_DIR) -> Path:
    """The node_modules directory holding node-smpp, installed with npm when missing.

    Raises NodeUnavailableError when node or npm is missing, RuntimeError when npm fails."""
    if shutil.which("node") is None:
        raise NodeUnavailableError("node is not installed (apt-get install nodejs npm)")
    modules = base / "node_modules"
    manifest = modules / "smpp" / "package.json"
    if manifest.exists() and json.loads(manifest.read_text()).get("version") == VERSION:
        return modules
    npm = shutil.which("npm")
    if npm is None:
        raise NodeUnavailableError("npm is not installed (apt-get install npm)")
    base.mkdir(parents=True, exist_ok=True)
    if not (base / "package.json").exists():
        (base / "package.json").write_text('{"name": "smsc-nodesmpp", "private": true}\n')
    done = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--no-save", f"smpp@{VERSION}"],
        cwd=base,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"npm install smpp@{VERSION} failed: {done.stderr.strip()[-400:]}")
    return modules


# How node-smpp types the TLVs whose spec type differs (see the module docstring).
_INT8_OCTET = frozenset({"ussd_service_op"})
_ASCII_OCTETS = frozenset(
    {
        "broadcast_content_type_info",
        "broadcast_service_group",
        "source_node_id",
        "dest_node_id",
        "dest_addr_np_information",
    }
)
_REPEATING_THERE = frozenset({"callback_num", "callback_num_atag", "callback_num_pres_ind"})
_NAME_THERE = {"destination_port": "dest_port"}
_NAME_HERE = {v: k for k, v in _NAME_THERE.items()}


class NodeSmpp(P._Base):
    """node-smpp through tests/node/node_smpp_codec.js (see the module docstring)."""

    name = "node-smpp"
    commands = frozenset(P.COMMAND_IDS)
    missing_tlvs: ClassVar[Mapping[str, frozenset[str]]] = {}

    def __init__(self, modules: Path) -> None:
        env = {**os.environ, "NODE_PATH": str(modules)}
        node = shutil.which("node")
        assert node is not None
        self._proc = subprocess.Popen(
            [node, str(CODEC_JS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
        )

    def close(self) -> None:
        proc = self._proc
        if proc.poll() is None:
            assert proc.stdin is not None
            proc.stdin.close()  # the script ends at the end of its input
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)

    def tlvs(self, command: str) -> frozenset[str]:
        return frozenset(P.tlvs_allowed(command, 0x50))

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        proc = self._proc
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(json.dumps(request) + "\n")
        proc.stdin.flush()
        ready, _, _ = select.select([proc.stdout], [], [], TIMEOUT)
        if not ready:
            raise TimeoutError(f"node-smpp gave no answer within {TIMEOUT} s")
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"node-smpp exited ({proc.poll()})")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise P.Unsupported(f"node-smpp: {answer['error']}")
        return answer

    # -- fields dict -> node ---------------------------------------------------------------

    def build(self, fields: Mapping[str, Any]) -> Any:
        self._check(fields)
        cmd = fields["command"]
        out: dict[str, Any] = {}
        mandatory = {f.name for f in P.MANDATORY[cmd]}
        for name, value in fields.items():
            if name == "command":
                continue
            if name in mandatory:
                out[name] = value
            else:
                out[_NAME_THERE.get(name, name)] = self._tlv_out(name, value)
        return {"command": cmd, "fields": _json(out)}

    def _tlv_out(self, name: str, value: Any) -> Any:
        if name not in P.TLVS:
            return value  # header fields
        if name in _INT8_OCTET:
            return value[0]
        if name in _ASCII_OCTETS:
            return bytes(value).decode("latin-1")
        if name == "dest_addr_np_country":
            if len(value) != 4:
                raise P.Unsupported("node-smpp writes dest_addr_np_country as 4 octets")
            return int.from_bytes(value, "big")
        if name == "alert_on_message_delivery" and value is True:
            raise P.Unsupported("node-smpp cannot send the zero-length 3.4 form")
        if name == "ms_validity" and isinstance(value, int):
            return bytes([value])
        if name == "broadcast_area_success" and len(value) == 1:
            return value[0]
        if name in _REPEATING_THERE:
            return [value]
        return value

    def encode_native(self, obj: Any) -> bytes:
        return bytes.fromhex(self._ask({"op": "encode", **obj})["hex"])

    # -- node -> fields dict ---------------------------------------------------------------

    def decode_native(self, data: bytes) -> Any:
        return self._ask({"op": "decode", "hex": data.hex()})

    def to_fields(self, obj: Any) -> P.Fields:
        cmd = obj["command"]
        got = {k: _unjson(v) for k, v in obj["fields"].items()}
        out: P.Fields = {
            "command": cmd,
            "sequence_number": obj["sequence_number"],
            "command_status": obj["command_status"],
        }
        for f in P.MANDATORY[cmd]:
            if f.name not in got:
                continue  # a header-only response
            v = got.pop(f.name)
            if f.kind == "dests":
                v = [{"dest_flag": 2 if "dl_name" in d else 1, **d} for d in v]
            out[f.name] = v
        for name, value in got.items():
            here = _NAME_HERE.get(name, name)
            out[here] = self._tlv_in(here, value)
        return out

    def _tlv_in(self, name: str, value: Any) -> Any:
        if name in _INT8_OCTET:
            return bytes([value])
        if name in _ASCII_OCTETS:
            return value.encode("latin-1")
        if name == "dest_addr_np_country":
            return struct.pack(">I", value)
        if name == "ms_validity" and len(value) == 1:
            return value[0]
        if name == "broadcast_area_success":
            return [value]
        if name in _REPEATING_THERE:
            (single,) = value
            return single
        return value


def _json(value: Any) -> Any:
    """A fields dict as the JSON the node script reads: octets as {"$hex": ...}."""
    if isinstance(value, bytes | bytearray):
        return {"$hex": bytes(value).hex()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return value


def _unjson(value: Any) -> Any:
    if isinstance(value, dict):
        if "$hex" in value:
            return bytes.fromhex(value["$hex"])
        return {k: _unjson(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unjson(v) for v in value]
    return value
