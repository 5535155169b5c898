"""SMPP 5.0 broadcasts in the REST API: GET /api/v1/broadcasts' arguments and the JSON of one
broadcast (docs/smpp50.md)."""

from __future__ import annotations

from collections.abc import Mapping

from pdu import MessageState

from ..model import Broadcast
from .payloads import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, _check_known, _int, _jsonable, _one

__all__ = ["broadcast_json", "parse_broadcast_args"]


def parse_broadcast_args(args: Mapping[str, list[str]]) -> tuple[str | None, int, int]:
    """GET /api/v1/broadcasts: (account, limit, offset)."""
    _check_known(args, ("account", "limit", "offset"))
    limit = _int(_one(args, "limit"), "limit", DEFAULT_LIMIT, 0, MAX_LIMIT)
    offset = _int(_one(args, "offset"), "offset", 0, 0, MAX_OFFSET)
    return _one(args, "account"), limit, offset


AREA_FORMATS = {0: "alias", 1: "ellipsoid_arc", 2: "polygon"}


def broadcast_json(b: Broadcast) -> dict[str, object]:
    """One SMPP 5.0 broadcast: what it says, where, how often, and its state."""
    return {
        "id": b.message_id,
        "account": b.account,
        "from": b.source_addr,
        "service_type": b.service_type,
        "text": b.text,
        "payload_hex": b.payload.hex(),
        "data_coding": b.data_coding,
        "areas": [
            {
                "format": AREA_FORMATS.get(a[0], str(a[0])),
                "name": a[1:].decode("latin-1") if a[0] == 0 else None,
                "hex": a.hex(),
            }
            for a in b.areas
        ],
        "content_type": {"network": b.content_type[0], "type": b.content_type[1]},
        "frequency": {"unit": b.frequency[0], "number": b.frequency[1]},
        "rep_num": b.rep_num,
        "priority_flag": b.priority_flag,
        "user_message_reference": b.user_message_reference,
        "state": MessageState(b.state).name,
        "submit_time": b.submit_time,
        "start_time": b.start_time,
        "end_time": b.end_time,
        "done_time": b.done_time,
        "tlvs": {k: _jsonable(v) for k, v in b.tlvs.items()},
    }
