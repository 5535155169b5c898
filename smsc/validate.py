"""Semantic checks of a message submission: the statuses of facts 4.1 the codec cannot know.

The codec checks wire syntax (lengths, NULs, TLV rules); this module checks values against
the value tables (TON, NPI, esm_class, registered_delivery, ...) and turns the time strings
into absolute times. Each check returns the command_status to answer, 0 when fine.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pdu import NPI, TON, smpptime
from pdu import CommandStatus as S

_TONS = frozenset(int(t) for t in TON)
_NPIS = frozenset(int(n) for n in NPI)
# esm_class message types an ESME may submit: default, ESME delivery ack, ESME manual ack.
_ESME_TYPES = frozenset((0x00, 0x08, 0x10))
FORWARD_MODE = 0x02


def check_addresses(
    source_addr_ton: int,
    source_addr_npi: int,
    dest_addr_ton: int,
    dest_addr_npi: int,
    destination_addr: str,
) -> int:
    if source_addr_ton not in _TONS:
        return S.ESME_RINVSRCTON
    if source_addr_npi not in _NPIS:
        return S.ESME_RINVSRCNPI
    if dest_addr_ton not in _TONS:
        return S.ESME_RINVDSTTON
    if dest_addr_npi not in _NPIS:
        return S.ESME_RINVDSTNPI
    if not destination_addr:
        return S.ESME_RINVDSTADR
    return 0


def check_flags(
    esm_class: int,
    registered_delivery: int,
    *,
    priority_flag: int = 0,
    replace_if_present_flag: int = 0,
    sm_default_msg_id: int = 0,
    allow_forward_mode: bool = False,
) -> int:
    if esm_class & 0x3C not in _ESME_TYPES:
        return S.ESME_RINVESMCLASS
    if esm_class & 0x03 == FORWARD_MODE and not allow_forward_mode:
        return S.ESME_RINVESMCLASS  # transaction mode is data_sm's (facts 2.2)
    if registered_delivery & 0xE0 or registered_delivery & 0x03 == 0x03:
        return S.ESME_RINVREGDLVFLG  # reserved bits; 3 in bits 1-0 is reserved in 3.4
    if priority_flag > 3:
        return S.ESME_RINVPRTFLG
    if replace_if_present_flag > 1:
        return S.ESME_RINVREPFLAG
    if sm_default_msg_id:
        return S.ESME_RINVDFTMSGID  # no canned messages are configured
    return 0


def resolve_times(
    schedule_delivery_time: str,
    validity_period: str,
    now: float,
    default_validity: float,
) -> tuple[int, float | None, float]:
    """(status, schedule time or None, expiry time) as epoch seconds."""
    if not schedule_delivery_time and not validity_period:
        return 0, None, now + default_validity
    now_dt = datetime.fromtimestamp(now, UTC)
    schedule: float | None = None
    if schedule_delivery_time:
        try:
            dt = smpptime.parse(schedule_delivery_time, now_dt)
        except smpptime.SmppTimeError:
            return S.ESME_RINVSCHED, None, 0.0
        schedule = dt.timestamp() if dt is not None else None
    start = max(now, schedule) if schedule is not None else now
    expiry = start + default_validity
    if validity_period:
        try:
            dt = smpptime.parse(validity_period, now_dt)
        except smpptime.SmppTimeError:
            return S.ESME_RINVEXPIRY, None, 0.0
        if dt is not None:
            expiry = dt.timestamp()
            if expiry <= now:
                return S.ESME_RINVEXPIRY, None, 0.0
    if schedule is not None and schedule >= expiry:
        return S.ESME_RINVSCHED, None, 0.0
    return 0, schedule, expiry
