"""A stored PDU decoded for people: the message detail's view of each part's PDU (what a
mail catcher shows as a message's headers), as JSON.

Pure: decodes with ``pdu`` and never fails; a PDU that does not decode (a store made before
PDUs were kept holds none) says why instead.
"""

from __future__ import annotations

import enum

import pdu
from pdu import CommandId, CommandStatus, PduError
from pdu.tlv import SPECS_BY_NAME, SPECS_BY_TAG, encode_value


def _value(value: object) -> object:
    """A field's value as JSON: octets in hex, enums by number, tuples as lists."""
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):  # NamedTuples too (network_error_code, addresses)
        fields = getattr(value, "_fields", None)
        if fields is not None:
            return {name: _value(v) for name, v in zip(fields, value, strict=True)}
        return [_value(v) for v in value]
    return value


def _name(enum_type: type[enum.IntEnum], value: int) -> str | None:
    try:
        return enum_type(value).name
    except ValueError:
        return None


def pdu_json(raw: bytes) -> dict[str, object]:
    """The header, the mandatory fields in wire order and the TLVs (each with its tag and
    its octets in hex) of one encoded PDU, or ``error`` naming what stops it decoding."""
    if not raw:
        return {"error": "no PDU kept for this message"}
    try:
        # Stored PDUs were accepted: a known TLV out of place came from a 5.0 peer, which
        # the session let through as 5.0 asks; show it among the raw ones.
        p = pdu.decode(raw, out_of_place_tlvs="keep")
    except PduError as e:
        return {"error": f"does not decode: {e}"}
    tlvs: list[dict[str, object]] = []
    for name, value in p.tlvs().items():
        spec = SPECS_BY_NAME[name]
        tlvs.append(
            {
                "name": name,
                "tag": spec.tag,
                "value": _value(value),
                "hex": encode_value(spec, value).hex(),
            }
        )
    for tag, octets in p.extra_tlvs:  # unknown, vendor, repeated or out of place: as they came
        known = SPECS_BY_TAG.get(tag)
        tlvs.append(
            {"name": known and known.name, "tag": tag, "value": octets.hex(), "hex": octets.hex()}
        )
    return {
        "command_length": len(raw),
        "command_id": p.command_id,
        "command_name": _name(CommandId, p.command_id),
        "command_status": p.command_status,
        "command_status_name": _name(CommandStatus, p.command_status),
        "sequence_number": p.sequence_number,
        "fields": {name: _value(getattr(p, name)) for name in p.mandatory_fields},
        "tlvs": tlvs,
    }
