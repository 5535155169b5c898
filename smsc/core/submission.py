"""Submissions from an ESME: submit_sm, data_sm and submit_multi, checked and turned into
messages.

Each ``Submissions`` method returns a ``Decision``: the response to send and the messages
accepted, each with the outcome the network model drew for it. No messages means the
response is a refusal, to be sent at once; otherwise the caller accepts the messages and
sends the response when they are durable. The checks run in the order that decides which
status an ESME sees when several fields are wrong (addresses, flags, times, source,
throughput, concatenation, the network).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pdu
from carriers.outcome import Outcome, OutcomeModel
from pdu import CommandStatus as S
from pdu import Pdu
from pdu import text as pdu_text
from pdu.reassembly import ConcatError, ConcatInfo, concat_info
from pdu.udh import UdhError

from ..config import AccountConfig, Timers
from ..ids import MessageIdAllocator, part_id
from ..model import Direction, Message
from ..throttle import RateLimiter
from ..validate import check_addresses, check_flags, resolve_times
from .stats import Stats

__all__ = ["Decision", "Submissions", "decode_parts", "message_from_pdu"]

Submission = pdu.SubmitSm | pdu.DataSm | pdu.SubmitMulti


@dataclass(slots=True)
class Decision:
    response: Pdu
    accepted: list[tuple[Message, Outcome]]  # empty: ``response`` refuses, send it at once


def message_from_pdu(
    p: Submission,
    message_id: str,
    account: str,
    now: float,
    schedule: float | None,
    expiry: float | None,
    dest: pdu.SmeAddress | None = None,
) -> Message:
    """The message ``p`` submits (to ``dest``, one of a submit_multi's destinations)."""
    if type(p) is pdu.DataSm:
        payload = p.message_payload or b""
        protocol_id = priority_flag = 0  # data_sm has neither field
    else:
        assert not isinstance(p, pdu.DataSm)
        payload = p.short_message
        if not payload and p.message_payload is not None:
            payload = p.message_payload
        protocol_id, priority_flag = p.protocol_id, p.priority_flag
    if dest is None:
        assert not isinstance(p, pdu.SubmitMulti)
        dest = pdu.SmeAddress(p.dest_addr_ton, p.dest_addr_npi, p.destination_addr)
    msg = Message(
        message_id,
        Direction.MT,
        account,
        p.source_addr_ton,
        p.source_addr_npi,
        p.source_addr,
        dest.dest_addr_ton,
        dest.dest_addr_npi,
        dest.destination_addr,
        p.esm_class,
        p.data_coding,
        p.registered_delivery,
        payload,
        now,
        service_type=p.service_type,
        protocol_id=protocol_id,
        priority_flag=priority_flag,
        schedule_time=schedule,
        expiry_time=expiry,
        raw_pdu=getattr(p, "raw", b""),
    )
    if p.__dict__ and p.__dict__.get("set_dpf") == 1:
        msg.tlvs["set_dpf"] = 1  # kept with the message: an alert may be owed after a restart
    return msg


def concat_status(esm_class: int, payload: bytes, p: Pdu) -> tuple[int, ConcatInfo | None]:
    """Concatenation details from a UDH or SAR TLVs, or the status a malformed set gets."""
    if not esm_class & 0x40 and not p.__dict__:
        return 0, None  # no UDH and no TLVs at all: the common single-part message
    try:
        info = concat_info(
            esm_class,
            payload,
            getattr(p, "sar_msg_ref_num", None),
            getattr(p, "sar_total_segments", None),
            getattr(p, "sar_segment_seqnum", None),
        )
    except (ConcatError, UdhError) as e:
        return int(e.command_status), None
    return 0, info


def decode_parts(msg: Message, p: Pdu) -> int:
    """Fill in ``msg``'s concatenation details and decoded text from the PDU that carried
    it; a status instead when its UDH or SAR TLVs are malformed."""
    payload = msg.short_message
    status, info = concat_status(msg.esm_class, payload, p)
    if status:
        return status
    if info is not None:
        msg.concat_ref = info.reference
        msg.part_number = info.seqnum
        msg.part_total = info.total
        payload = info.payload
    try:
        msg.text = pdu_text.decode(payload, msg.data_coding, "replace")
    except (pdu_text.TextError, TypeError):
        msg.text = None  # binary, or an alphabet we do not decode
    return 0


class Submissions:
    __slots__ = ("_ids", "_limiters", "_outcome", "_rng", "_stats", "_timers")

    def __init__(
        self,
        *,
        ids: MessageIdAllocator,
        outcome: OutcomeModel,
        rng: random.Random,
        timers: Timers,
        stats: Stats,
    ) -> None:
        self._ids = ids
        self._outcome = outcome
        self._rng = rng
        self._timers = timers
        self._stats = stats
        self._limiters: dict[str, RateLimiter] = {}  # per account with a throughput cap

    def submit(self, account: AccountConfig, p: Submission, now: float) -> Decision:
        if type(p) is pdu.SubmitSm:
            return self.submit_sm(account, p, now)
        if type(p) is pdu.DataSm:
            return self.data_sm(account, p, now)
        assert isinstance(p, pdu.SubmitMulti)
        return self.submit_multi(account, p, now)

    def submit_sm(self, account: AccountConfig, p: pdu.SubmitSm, now: float) -> Decision:
        seq = p.sequence_number
        status = _check_addresses(p)
        schedule: float | None = None
        expiry = 0.0
        if not status:
            status, schedule, expiry = self._admit(account, p, now)
        if status:
            return Decision(pdu.SubmitSmResp(sequence_number=seq, command_status=status), [])
        msg = message_from_pdu(p, self._new_id(account), account.system_id, now, schedule, expiry)
        status = decode_parts(msg, p)
        if status:
            return Decision(pdu.SubmitSmResp(sequence_number=seq, command_status=status), [])
        outcome = self._outcome.outcome(msg, now, self._rng)
        if outcome.reject_status:
            resp = pdu.SubmitSmResp(sequence_number=seq, command_status=outcome.reject_status)
            return Decision(resp, [])
        return Decision(pdu.SubmitSmResp(msg.message_id, seq), [(msg, outcome)])

    def data_sm(self, account: AccountConfig, p: pdu.DataSm, now: float) -> Decision:
        seq = p.sequence_number
        status = _check_addresses(p) or check_flags(
            p.esm_class, p.registered_delivery, allow_forward_mode=True
        )
        if not status:
            status = _check_source(account, p.source_addr) or self._throttle(account, now)
        if status:
            return Decision(pdu.DataSmResp(sequence_number=seq, command_status=status), [])
        expiry = now + self._timers.default_validity
        msg = message_from_pdu(p, self._new_id(account), account.system_id, now, None, expiry)
        status = decode_parts(msg, p)
        if not status:  # the network model is asked (and its generator drawn) only then
            outcome = self._outcome.outcome(msg, now, self._rng)
            status = outcome.reject_status
        if status:
            return Decision(pdu.DataSmResp(sequence_number=seq, command_status=status), [])
        resp = pdu.DataSmResp(message_id=msg.message_id, sequence_number=seq)
        return Decision(resp, [(msg, outcome)])

    def submit_multi(self, account: AccountConfig, p: pdu.SubmitMulti, now: float) -> Decision:
        seq = p.sequence_number
        status, schedule, expiry = self._admit(account, p, now, len(p.dest_address))
        payload = p.short_message or p.message_payload or b""
        if not status:
            status = concat_status(p.esm_class, payload, p)[0]
        if status:
            return Decision(pdu.SubmitMultiResp(sequence_number=seq, command_status=status), [])
        base = self._new_id(account)
        unsuccess: list[pdu.UnsuccessSme] = []
        accepted: list[tuple[Message, Outcome]] = []
        for i, dest in enumerate(p.dest_address):
            if isinstance(dest, pdu.DistributionList):
                unsuccess.append(pdu.UnsuccessSme(0, 0, dest.dl_name, S.ESME_RINVDLNAME))
                continue
            ton, npi, addr = dest
            st = check_addresses(p.source_addr_ton, p.source_addr_npi, ton, npi, addr)
            if st:
                unsuccess.append(pdu.UnsuccessSme(ton, npi, addr, st))
                continue
            msg = message_from_pdu(
                p, part_id(base, i), account.system_id, now, schedule, expiry, dest
            )
            outcome = self._outcome.outcome(msg, now, self._rng)
            if outcome.reject_status:
                unsuccess.append(pdu.UnsuccessSme(ton, npi, addr, outcome.reject_status))
                continue
            decode_parts(msg, p)  # well-formed: checked above for the whole PDU
            accepted.append((msg, outcome))
        if not accepted:
            resp = pdu.SubmitMultiResp(
                message_id="",
                unsuccess_sme=unsuccess,
                sequence_number=seq,
                command_status=S.ESME_RSUBMITFAIL,
            )
            return Decision(resp, [])
        resp = pdu.SubmitMultiResp(message_id=base, unsuccess_sme=unsuccess, sequence_number=seq)
        return Decision(resp, accepted)

    # -- checks ---------------------------------------------------------------------------

    def _admit(
        self,
        account: AccountConfig,
        p: pdu.SubmitSm | pdu.SubmitMulti,
        now: float,
        count: int = 1,
    ) -> tuple[int, float | None, float]:
        """Flags, times, source and throughput of a submission: (status, schedule, expiry)."""
        default_validity = self._timers.default_validity
        status = check_flags(
            p.esm_class,
            p.registered_delivery,
            priority_flag=p.priority_flag,
            replace_if_present_flag=p.replace_if_present_flag,
            sm_default_msg_id=p.sm_default_msg_id,
        )
        schedule: float | None = None
        expiry = now + default_validity
        if not status and (p.schedule_delivery_time or p.validity_period):
            status, schedule, expiry = resolve_times(
                p.schedule_delivery_time, p.validity_period, now, default_validity
            )
        if not status:
            status = _check_source(account, p.source_addr) or self._throttle(account, now, count)
        return status, schedule, expiry

    def _throttle(self, account: AccountConfig, now: float, n: int = 1) -> int:
        if account.throughput is None:
            return 0
        limiter = self._limiters.get(account.system_id)
        if limiter is None:
            limiter = self._limiters[account.system_id] = RateLimiter.per_second(account.throughput)
        if limiter.allow(now, n):
            return 0
        self._stats.counters["throttled"] += 1
        return S.ESME_RTHROTTLED

    def throughput_load(self, account: AccountConfig, now: float) -> float:
        """The share of the account's throughput cap used in the last second (0 uncapped)."""
        limiter = self._limiters.get(account.system_id)
        if limiter is None:
            return 0.0
        return limiter.in_window(now) / limiter.limit

    def _new_id(self, account: AccountConfig) -> str:
        return account.message_id_format.format(self._ids.next())


def _check_addresses(p: pdu.SubmitSm | pdu.DataSm) -> int:
    return check_addresses(
        p.source_addr_ton, p.source_addr_npi, p.dest_addr_ton, p.dest_addr_npi, p.destination_addr
    )


def _check_source(account: AccountConfig, source_addr: str) -> int:
    if account.allowed_source_addresses is None or account.source_addr_allowed(source_addr):
        return 0
    return S.ESME_RINVSRCADR
