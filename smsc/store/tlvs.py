"""TLV values of a message as the stores keep them: tagged JSON (JSON has no bytes)."""

from __future__ import annotations

import json

from .contract import StoreError

# Message.tlvs holds decoded TLV values: ints, strings, bytes and lists of them. JSON has no
# bytes, so every value is stored as a one-letter type tag and a JSON value.


def tag_tlv(value: object) -> object:
    if value is None:
        return ["n", None]
    if isinstance(value, bool):  # before int: bool is an int
        return ["b", value]
    if isinstance(value, str):
        return ["s", value]
    if isinstance(value, float):
        return ["f", value]
    if isinstance(value, int):
        return ["i", int(value)]  # an IntEnum comes back as its int value
    if isinstance(value, bytes | bytearray | memoryview):
        return ["x", bytes(value).hex()]
    if isinstance(value, list | tuple):
        return ["l" if isinstance(value, list) else "t", [tag_tlv(v) for v in value]]
    raise TypeError(f"cannot store TLV value of type {type(value).__name__}: {value!r}")


def untag_tlv(tagged: object) -> object:
    if not (isinstance(tagged, list) and len(tagged) == 2 and isinstance(tagged[0], str)):
        raise StoreError(f"corrupt TLV value {tagged!r}")
    tag, value = tagged
    if tag == "x" and isinstance(value, str):
        return bytes.fromhex(value)
    if tag == "l":
        return [untag_tlv(v) for v in value]
    if tag == "t":
        return tuple(untag_tlv(v) for v in value)
    return value


def encode_tlvs(tlvs: dict[str, object]) -> str | None:
    if not tlvs:
        return None
    return json.dumps({name: tag_tlv(v) for name, v in tlvs.items()}, separators=(",", ":"))


def decode_tlvs(text: str | None) -> dict[str, object]:
    if text is None:
        return {}
    return {name: untag_tlv(v) for name, v in json.loads(text).items()}
