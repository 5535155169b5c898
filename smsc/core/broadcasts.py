"""SMPP 5.0 cell broadcast: broadcast_sm, query_broadcast_sm and cancel_broadcast_sm.

The spec gives a broadcast no state machine (5.0 facts section 7); this is ours:

* Accepted, a broadcast is SCHEDULED until its schedule_delivery_time (at once when there is
  none), then ENROUTE while the network broadcasts it, then EXPIRED when it has run its course
  (the spec names no final state for that; EXPIRED is the nearest), or DELETED when
  cancelled.
* It runs its course at its validity_period when one is given; else after
  ``broadcast_rep_num`` repetitions at ``broadcast_frequency_interval`` (an immediate
  broadcast, priority_flag 1, goes once; rep_num 0 repeats until the default validity).
* query_broadcast_sm_resp gives that state, each area of the broadcast with its
  broadcast_area_success (the simulated network takes every area: 100 once broadcasting
  started, 0 before), broadcast_end_time once EXPIRED or DELETED, and the
  user_message_reference the broadcast had.
* cancel_broadcast_sm ends an open broadcast: by message_id (source_addr must match when
  given), or with message_id NULL every open one of that source address (and service_type,
  and user_message_reference, when given).
* broadcast_sm with replace_if_present_flag 1 replaces the open broadcast named by its
  message_id or user_message_reference (never both); with none to replace it fails, and no
  new broadcast is made (5.0 facts section 3).

Broadcasts are stored (``Batch.broadcasts``), the response held until they are, like a
message's; an open broadcast comes back after a restart with its timers.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime

import pdu
from pdu import CommandStatus as S
from pdu import MessageState
from pdu import text as pdu_text
from pdu.smpptime import format_absolute

from ..config import AccountConfig, Timers
from ..ids import MessageIdAllocator
from ..model import Broadcast
from ..scheduler import Scheduler
from ..store import Store, StoreError
from ..validate import resolve_times
from .commit import GroupCommit

__all__ = ["BroadcastDue", "Broadcasts"]

MAX_AREAS = 100  # areas per broadcast; more are refused ESME_RINVNUMBCAST_AREAS
MAX_ENDED = 10_000  # ended broadcasts kept in memory (see Broadcasts.ended)
AREA_FORMATS = (0, 1, 2)  # alias/name, ellipsoid arc, polygon (3GPP 23.032)
NETWORKS = (0, 1, 2, 3)  # broadcast_content_type: generic, GSM, TDMA, CDMA
# broadcast_frequency_interval units, in seconds: 0x00 "as often as possible" taken as 1 s.
UNIT_SECONDS = {
    0x00: 1.0,
    0x08: 1.0,
    0x09: 60.0,
    0x0A: 3600.0,
    0x0B: 86400.0,
    0x0C: 7 * 86400.0,
    0x0D: 30 * 86400.0,
    0x0E: 365 * 86400.0,
}
IMMEDIATE = 1  # priority_flag of an immediate broadcast: sent once
TAKEN = 100  # broadcast_area_success: every BTS of the area took it
OPEN_STATES = (MessageState.SCHEDULED, MessageState.ENROUTE)


@dataclass(slots=True, eq=False)
class BroadcastDue:
    """Scheduled: a broadcast starts (ENROUTE) or runs its course (EXPIRED)."""

    message_id: str
    state: MessageState


class Broadcasts:
    def __init__(
        self,
        *,
        store: Store,
        ids: MessageIdAllocator,
        timers: Timers,
        scheduler: Scheduler[object],
        commit: GroupCommit,
    ) -> None:
        self._store = store
        self._ids = ids
        self._timers = timers
        self._scheduler = scheduler
        self._commit = commit
        self.open: dict[str, Broadcast] = {}
        # Ended lately, newest last: their final version may still wait for its batch, so
        # a query reads them here before the store (bounded: broadcasts are few).
        self.ended: dict[str, Broadcast] = {}
        self._due: dict[str, BroadcastDue] = {}  # message_id -> its live timer

    # -- broadcast_sm ----------------------------------------------------------------------

    def broadcast_sm(
        self, account: AccountConfig, p: pdu.BroadcastSm, now: float
    ) -> pdu.BroadcastSmResp:
        """The response; ESME_ROK means the broadcast (new or replaced) is in the batch."""
        seq = p.sequence_number
        status, schedule, expiry = self._check(account, p, now)
        if status:
            return pdu.BroadcastSmResp(sequence_number=seq, command_status=status)
        start = max(now, schedule) if schedule is not None else now
        d = p.__dict__
        areas = tuple(d["broadcast_area_identifier"])
        frequency = d["broadcast_frequency_interval"]
        rep_num = d.get("broadcast_rep_num")
        payload = d.get("message_payload") or b""
        if p.replace_if_present_flag:
            target = self._replaced(account.system_id, p)
            if target is None:
                return pdu.BroadcastSmResp(sequence_number=seq, command_status=S.ESME_RBCASTFAIL)
            message_id = target.message_id
        else:
            message_id = account.message_id_format.format(self._ids.next())
        b = Broadcast(
            message_id=message_id,
            account=account.system_id,
            source_addr_ton=p.source_addr_ton,
            source_addr_npi=p.source_addr_npi,
            source_addr=p.source_addr,
            areas=areas,
            content_type=tuple(d["broadcast_content_type"]),
            frequency=tuple(frequency),
            rep_num=None if p.priority_flag == IMMEDIATE else rep_num,
            payload=payload,
            submit_time=now,
            start_time=start,
            end_time=_end_time(start, expiry, explicit_expiry=bool(p.validity_period), p=p),
            service_type=p.service_type,
            priority_flag=p.priority_flag,
            data_coding=p.data_coding,
            sm_default_msg_id=p.sm_default_msg_id,
            user_message_reference=d.get("user_message_reference"),
            text=_text(payload, p.data_coding),
            tlvs={name: d[name] for name in _KEPT if name in d},
        )
        self._changed(b, now, new=not p.replace_if_present_flag)
        return pdu.BroadcastSmResp(message_id=message_id, sequence_number=seq)

    def _check(
        self, account: AccountConfig, p: pdu.BroadcastSm, now: float
    ) -> tuple[int, float | None, float]:
        """(status, schedule, expiry): the first fault, in the order the fields come."""
        d = p.__dict__
        if not account.source_addr_allowed(p.source_addr):
            return S.ESME_RINVSRCADR, None, 0.0
        if p.priority_flag > 4:
            return S.ESME_RINVPRTFLG, None, 0.0
        if p.replace_if_present_flag > 1:
            return S.ESME_RINVREPFLAG, None, 0.0
        status, schedule, expiry = resolve_times(
            p.schedule_delivery_time, p.validity_period, now, self._timers.default_validity
        )
        if status:
            return status, None, 0.0
        areas = d["broadcast_area_identifier"]
        if len(areas) > MAX_AREAS:
            return S.ESME_RINVNUMBCAST_AREAS, None, 0.0
        for area in areas:
            if area[0] not in AREA_FORMATS:
                return S.ESME_RINVBCASTAREAFMT, None, 0.0
            name = area[1:]
            if area[0] == 0 and not (name and name.isascii() and name.decode().isprintable()):
                return S.ESME_RINVBCASTALIAS_NAME, None, 0.0
        if d["broadcast_content_type"].type_of_network not in NETWORKS:
            return S.ESME_RINVBCASTCNTTYPE, None, 0.0
        if d["broadcast_frequency_interval"].unit_of_time not in UNIT_SECONDS:
            return S.ESME_RINVBCASTFREQINT, None, 0.0
        if d.get("broadcast_message_class", 0) > 3:
            return S.ESME_RINVBCASTMSGCLASS, None, 0.0
        if d.get("broadcast_channel_indicator", 0) > 1:
            return S.ESME_RINVBCASTCHANIND, None, 0.0
        if not d.get("message_payload") and not p.sm_default_msg_id:
            return S.ESME_RBCASTFAIL, None, 0.0  # nothing to broadcast
        if p.replace_if_present_flag and p.message_id and "user_message_reference" in d:
            return S.ESME_RBCASTFAIL, None, 0.0  # one or the other names it, never both
        return 0, schedule, expiry

    def _replaced(self, system_id: str, p: pdu.BroadcastSm) -> Broadcast | None:
        ref = p.__dict__.get("user_message_reference")
        for b in self._of(system_id, p.message_id, ref):
            if not p.source_addr or b.source_addr == p.source_addr:
                return b
        return None

    # -- query, cancel ---------------------------------------------------------------------

    def query_broadcast_sm(
        self, system_id: str, p: pdu.QueryBroadcastSm
    ) -> pdu.QueryBroadcastSmResp:
        ref = p.__dict__.get("user_message_reference")
        found = [
            b
            for b in self._of(system_id, p.message_id, ref, include_final=True)
            if not p.source_addr or b.source_addr == p.source_addr
        ]
        if not found:
            return pdu.QueryBroadcastSmResp(
                sequence_number=p.sequence_number, command_status=S.ESME_RBCASTQUERYFAIL
            )
        b = found[0]  # by reference: the most recently submitted (5.0 facts section 3)
        started = b.state in (MessageState.ENROUTE, MessageState.EXPIRED) or (
            b.state is MessageState.DELETED
            and b.done_time is not None
            and b.done_time > b.start_time
        )
        resp = pdu.QueryBroadcastSmResp(message_id=b.message_id, sequence_number=p.sequence_number)
        resp.message_state = int(b.state)
        resp.broadcast_area_identifier = b.areas
        resp.broadcast_area_success = (TAKEN if started else 0,) * len(b.areas)
        if b.state.is_final and b.done_time is not None:
            resp.broadcast_end_time = format_absolute(datetime.fromtimestamp(b.done_time, UTC))
        if b.user_message_reference is not None:
            resp.user_message_reference = b.user_message_reference
        return resp

    def cancel_broadcast_sm(
        self, system_id: str, p: pdu.CancelBroadcastSm, now: float
    ) -> pdu.CancelBroadcastSmResp:
        """The response; ESME_ROK means the cancellations are in the current batch."""
        d = p.__dict__
        ref = d.get("user_message_reference")
        if p.message_id or ref is not None:
            targets = self._of(system_id, p.message_id, ref)
        else:
            targets = [
                b
                for b in self.open.values()
                if b.account == system_id and b.source_addr == p.source_addr
            ]
        targets = [
            b
            for b in targets
            if (not p.source_addr or b.source_addr == p.source_addr)
            and (not p.service_type or b.service_type == p.service_type)
            and (
                "broadcast_content_type" not in d
                or tuple(d["broadcast_content_type"]) == b.content_type
            )
        ]
        if not targets:
            return pdu.CancelBroadcastSmResp(
                sequence_number=p.sequence_number, command_status=S.ESME_RBCASTCANCELFAIL
            )
        for b in targets:
            self._end(b, MessageState.DELETED, now)
        return pdu.CancelBroadcastSmResp(sequence_number=p.sequence_number)

    def _of(
        self,
        system_id: str,
        message_id: str,
        ref: int | None,
        *,
        include_final: bool = False,
    ) -> list[Broadcast]:
        """The account's broadcasts named by ``message_id``, or else by ``ref``
        (user_message_reference), newest first; open ones unless ``include_final``."""
        if message_id:
            b = self.open.get(message_id)
            if b is None and include_final:
                b = self.ended.get(message_id)
            if b is None and include_final:
                try:
                    b = self._store.get_broadcast(message_id)
                except StoreError:
                    b = None
            return [b] if b is not None and b.account == system_id else []
        if ref is None:
            return []
        found = [
            b
            for b in self.open.values()
            if b.account == system_id and b.user_message_reference == ref
        ]
        if include_final and not found:
            try:
                stored = self._store.find_broadcasts(account=system_id, limit=1000)
            except StoreError:
                stored = []
            latest = [self.ended.get(b.message_id, b) for b in stored]
            latest += [b for b in self.ended.values() if b.account == system_id]
            found = list(
                {b.message_id: b for b in latest if b.user_message_reference == ref}.values()
            )
        found.reverse()  # the newest stored first among equal submit times
        found.sort(key=lambda b: b.submit_time, reverse=True)
        return found

    # -- the life of a broadcast -----------------------------------------------------------

    def _changed(self, b: Broadcast, now: float, *, new: bool = False) -> None:
        """``b`` is new, or replaces the open broadcast of its id: stored, timers set."""
        b.state = MessageState.SCHEDULED if b.start_time > now else MessageState.ENROUTE
        self.open[b.message_id] = b
        self._commit.add_broadcast(copy.copy(b), new=new)
        if b.state is MessageState.SCHEDULED:
            self._at(b.start_time, BroadcastDue(b.message_id, MessageState.ENROUTE))
        else:
            self._at(b.end_time, BroadcastDue(b.message_id, MessageState.EXPIRED))

    def _at(self, when: float, item: BroadcastDue) -> None:
        self._due[item.message_id] = item  # supersedes an earlier timer of the broadcast
        self._scheduler.at(when, item)

    def due(self, item: BroadcastDue, now: float) -> None:
        if self._due.get(item.message_id) is not item:
            return  # superseded (replaced or cancelled since)
        b = self.open.get(item.message_id)
        if b is None:
            return
        if item.state is MessageState.ENROUTE:
            b.state = MessageState.ENROUTE
            self._commit.add_broadcast(copy.copy(b))
            self._at(b.end_time, BroadcastDue(b.message_id, MessageState.EXPIRED))
        else:
            self._end(b, MessageState.EXPIRED, now)

    def _end(self, b: Broadcast, state: MessageState, now: float) -> None:
        del self.open[b.message_id]
        self._due.pop(b.message_id, None)
        b.state = state
        b.done_time = now
        if state is MessageState.DELETED:
            b.end_time = min(b.end_time, now)
        self._commit.add_broadcast(copy.copy(b))
        self.ended[b.message_id] = b
        if len(self.ended) > MAX_ENDED:
            del self.ended[next(iter(self.ended))]

    def recover(self, broadcasts: list[Broadcast], now: float) -> None:
        """Open broadcasts a previous run left: their timers again (those past fire now)."""
        for b in broadcasts:
            self.open[b.message_id] = b
            if b.state is MessageState.SCHEDULED:
                self._at(max(b.start_time, now), BroadcastDue(b.message_id, MessageState.ENROUTE))
            else:
                self._at(max(b.end_time, now), BroadcastDue(b.message_id, MessageState.EXPIRED))

    def forget(self, message_ids: set[str]) -> None:
        """These broadcasts were refused after all (their batch could not be stored)."""
        for message_id in message_ids:
            self.open.pop(message_id, None)
            self._due.pop(message_id, None)

    def reset(self) -> None:
        self.open.clear()
        self.ended.clear()
        self._due.clear()


# Optional broadcast TLVs kept with the broadcast (shown by the API; the others are
# addressing details of the air interface the simulation does not use).
_KEPT = (
    "broadcast_channel_indicator",
    "broadcast_content_type_info",
    "broadcast_message_class",
    "broadcast_service_group",
    "language_indicator",
    "display_time",
    "ms_validity",
)


def _end_time(start: float, expiry: float, *, explicit_expiry: bool, p: pdu.BroadcastSm) -> float:
    """When the broadcast has run its course (see the module docstring)."""
    if explicit_expiry:
        return expiry
    d = p.__dict__
    unit, number = d["broadcast_frequency_interval"]
    interval: float = UNIT_SECONDS[unit] * max(number, 1)
    if p.priority_flag == IMMEDIATE:
        return start + interval  # once
    rep_num: int = d.get("broadcast_rep_num", 0)
    if not rep_num:
        return expiry  # repeated until the default validity
    return min(start + rep_num * interval, expiry)


def _text(payload: bytes, data_coding: int) -> str | None:
    try:
        return pdu_text.decode(payload, data_coding, "replace")
    except (pdu_text.TextError, TypeError):
        return None
