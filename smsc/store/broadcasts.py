"""Broadcasts as the stores keep them: copied in and out, and as one JSON text (SQLite)."""

from __future__ import annotations

import json
from dataclasses import replace

from pdu.enums import MessageState
from smsc.model import Broadcast

from .tlvs import decode_tlvs, encode_tlvs

__all__ = ["broadcast_from_record", "broadcast_record", "copy_broadcast"]


def copy_broadcast(b: Broadcast) -> Broadcast:
    return replace(b, tlvs=dict(b.tlvs))


def broadcast_record(b: Broadcast) -> str:
    """A broadcast as one JSON text (what the SQLite store keeps); ``broadcast_from_record``
    reads it back."""
    return json.dumps(
        {
            "message_id": b.message_id,
            "account": b.account,
            "source": [b.source_addr_ton, b.source_addr_npi, b.source_addr],
            "areas": [a.hex() for a in b.areas],
            "content_type": list(b.content_type),
            "frequency": list(b.frequency),
            "rep_num": b.rep_num,
            "payload": b.payload.hex(),
            "times": [b.submit_time, b.start_time, b.end_time, b.done_time],
            "service_type": b.service_type,
            "priority_flag": b.priority_flag,
            "data_coding": b.data_coding,
            "sm_default_msg_id": b.sm_default_msg_id,
            "user_message_reference": b.user_message_reference,
            "state": int(b.state),
            "text": b.text,
            "tlvs": encode_tlvs(b.tlvs),
        }
    )


def broadcast_from_record(text: str) -> Broadcast:
    r = json.loads(text)
    ton, npi, source = r["source"]
    submit, start, end, done = r["times"]
    return Broadcast(
        message_id=r["message_id"],
        account=r["account"],
        source_addr_ton=ton,
        source_addr_npi=npi,
        source_addr=source,
        areas=tuple(bytes.fromhex(a) for a in r["areas"]),
        content_type=(r["content_type"][0], r["content_type"][1]),
        frequency=(r["frequency"][0], r["frequency"][1]),
        rep_num=r["rep_num"],
        payload=bytes.fromhex(r["payload"]),
        submit_time=submit,
        start_time=start,
        end_time=end,
        done_time=done,
        service_type=r["service_type"],
        priority_flag=r["priority_flag"],
        data_coding=r["data_coding"],
        sm_default_msg_id=r["sm_default_msg_id"],
        user_message_reference=r["user_message_reference"],
        state=MessageState(r["state"]),
        text=r["text"],
        tlvs=decode_tlvs(r["tlvs"]),
    )
