"""Golden-vector helpers: hand-written wire layouts and the two kinds of cases.

A layout is hex octets, "quoted ASCII" and '#' comments, one line per field, written from the
spec (never produced by our encoder); tests/test_pdu_golden.py checks every case.
"""

from __future__ import annotations

from typing import NamedTuple

import pdu


def wire(layout: str) -> bytes:
    """Octets from a hand-written layout: hex octets, "quoted ASCII", '#' comments."""
    out = bytearray()
    for line in layout.splitlines():
        code = line.split("#", 1)[0]
        while code.strip():
            code = code.strip()
            if code.startswith('"'):
                text, _, code = code[1:].partition('"')
                out += text.encode("ascii")
            else:
                token, _, code = code.partition(" ")
                out += bytes.fromhex(token)
    return bytes(out)


class Golden(NamedTuple):
    name: str
    pdu: pdu.Pdu
    layout: str


class DecodeOnly(NamedTuple):
    name: str
    layout: str
    pdu: pdu.Pdu  # what the tolerant decoder makes of it
    canonical: str  # what that PDU encodes to
