"""What each shipped carrier profile looks like on the wire, for the interop tests: one
account per (profile, client), and a check of a submit_sm_resp id with its receipt that the
smpplib, aiosmpplib and node-smpp tests share."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from pdu import receipt as receipt_text
from smsc.config import shipped_profiles

CLIENTS = ("smpplib", "aio", "node")
SHORT = {
    "legacy-hex": "lh",
    "uuid-gateway": "ug",
    "racy-receipts": "rr",
    "strict-contract": "sc",
}
PROFILES = sorted(shipped_profiles())
ESME_ADDR = "1234"
HANDSET = "447700900001"
ABSENT = "447700900555"
# A carrier whose handset ABSENT is back after two quick retries (alert_notification tests).
ABSENT_CARRIER = f"""
[[carriers]]
name = "net"
latency = {{ kind = "fixed", seconds = 0.1 }}
[carriers.absent]
numbers = ["{ABSENT}"]
retries = 2
retry_interval = 0.3
"""


def system_id(profile: str, client: str) -> str:
    return f"{SHORT[profile]}-{client}"


def config() -> str:
    """Accounts for every (profile, client); each client binds only its own."""
    assert set(SHORT) == set(PROFILES), "a shipped profile without interop coverage"
    blocks = [
        f'[[accounts]]\nsystem_id = "{system_id(p, c)}"\npassword = "pw"\nprofile = "{p}"\n'
        for p in PROFILES
        for c in CLIENTS
    ]
    return "\n".join(blocks)


def _is_uuid(s: str) -> bool:
    try:
        return str(uuid.UUID(s)) == s
    except ValueError:
        return False


@dataclass(frozen=True)
class Expected:
    response_id: Callable[[str], bool]
    receipt_id: Callable[[str], str]  # from the response's id
    text: str  # a regular expression the whole receipt text matches
    tlvs: bool = True  # False: an SMPP 3.3 carrier, no receipted_message_id


_DATE10 = r"\d{10}"
EXPECTED = {
    "legacy-hex": Expected(
        lambda s: re.fullmatch(r"[0-9a-f]{8}", s) is not None,
        lambda s: str(int(s, 16)),  # the same number, in decimal
        rf"id:\d+ sub:1 dlvrd:1 submit date:{_DATE10} done date:{_DATE10} stat:DELIVRD err:000",
        tlvs=False,
    ),
    "uuid-gateway": Expected(
        _is_uuid,
        lambda s: s,
        r"id:\S+ sub:001 dlvrd:001 submit date:\d{12} done date:\d{12} stat:DELIVRD err:000"
        r" text:.*",
    ),
    "racy-receipts": Expected(
        lambda s: re.fullmatch(r"\d{20}", s) is not None,
        lambda s: s,
        rf"ID:\d{{20}} SUB:001 DLVRD:001 SUBMIT DATE:{_DATE10} DONE DATE:{_DATE10}"
        r" STAT:DELIVRD ERR:000 TEXT:.*",
    ),
    "strict-contract": Expected(
        lambda s: s.isdigit(),
        lambda s: s,
        rf"id:\d+ sub:001 dlvrd:001 submit date:{_DATE10} done date:{_DATE10} stat:DELIVRD"
        r" err:000 text:.*",
    ),
}


def check(profile: str, response_id: str, receipted_id: str | None, text: bytes) -> None:
    """The response id in the profile's format; the receipt's TLV and text carry the id the
    profile writes for it; the text in the profile's style, and readable by our parser."""
    e = EXPECTED[profile]
    assert e.response_id(response_id), (profile, response_id)
    want = e.receipt_id(response_id)
    assert receipted_id == (want if e.tlvs else None), (profile, receipted_id, want)
    s = text.decode("ascii")
    assert re.fullmatch(e.text, s), (profile, s)
    parsed = receipt_text.parse(s)
    assert (parsed.id, parsed.stat) == (want, "DELIVRD")
