"""Hypothesis strategies for every PDU class of the codec, shared by the property tests.

Values stay inside the spec's limits (facts sections 0, 2 and 3): C-Octet String maxima
include the NUL, time fields are empty or 16 characters, short_message is 0..254 octets,
submit_multi has 1..254 destinations of both kinds. The TLVs a PDU may carry come from
``pdu.tlv.allowed_specs``, so a TLV or PDU added to the tables is covered without editing
this file; the cross-TLV rules (all three sar_* or none, 1 <= seqnum <= total; never
short_message and message_payload together) are respected, and a PDU's mandatory TLVs (the
5.0 broadcast PDUs) are always drawn. Unknown and vendor TLVs, and 5.0 tags the PDU does not
carry, go in ``extra_tlvs``.

A generated PDU encodes, and decodes back equal to itself: a body the spec omits on error
(bind_*_resp, submit_sm_resp) is only generated with command_status 0, or header-only.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

import pdu
from pdu.base import Pdu
from pdu.layout import PDU_DEFS, Field, Kind, PduDef
from pdu.tlv import RECORD_FORMATS, SPECS_BY_TAG, TLV_SPECS, TlvSpec, TlvType, allowed_specs

SAR = ("sar_msg_ref_num", "sar_total_segments", "sar_segment_seqnum")
MAX_SHORT_MESSAGE = 254
MAX_DESTS = 254
# Long enough to cross the sm_length limit of 254 and the 1-octet/2-octet boundaries;
# short enough to keep examples fast. The codec's own limit (65535) is a table value.
MAX_PAYLOAD_DRAWN = 600

BYTE = st.integers(0, 0xFF)
SEQ = st.integers(1, 0x7FFFFFFF)
# Requests carry 0; responses any code, vendor (0x400-0x4FF) and reserved included.
STATUS = st.one_of(
    st.just(0),
    st.sampled_from([0x01, 0x03, 0x08, 0x0A, 0x45, 0x58, 0xC2, 0xFE, 0x104, 0x401]),
    st.integers(0, 0xFFFFFFFF),
)
# Any octet but NUL: the codec carries C-strings as Latin-1, one character per octet.
CHAR = st.characters(min_codepoint=1, max_codepoint=0xFF)
PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x7E)


def cstring(max_length: int, min_size: int = 0) -> st.SearchStrategy[str]:
    """A C-Octet String whose maximum ``max_length`` includes the NUL.

    The longest value is drawn on purpose as often as any other size: an off-by-one in a
    maximum only shows there, and plain ``st.text`` seldom reaches it.
    """
    chars = st.one_of(PRINTABLE, CHAR)
    return st.one_of(
        st.text(chars, min_size=min_size, max_size=max_length - 1),
        st.text(chars, min_size=max_length - 1, max_size=max_length - 1),
    )


def octets(min_size: int, max_size: int) -> st.SearchStrategy[bytes]:
    """Octets of min_size..max_size, with both bounds drawn on purpose."""
    return st.one_of(
        st.binary(min_size=min_size, max_size=max_size),
        st.sampled_from([min_size, max_size]).flatmap(lambda n: st.binary(min_size=n, max_size=n)),
    )


@st.composite
def _absolute_time(draw: st.DrawFn) -> str:
    # YYMMDDhhmmsstnnp: t tenths, nn quarter hours from UTC, p '+' or '-'.
    parts = [
        draw(st.integers(0, 99)),
        draw(st.integers(1, 12)),
        draw(st.integers(1, 31)),
        draw(st.integers(0, 23)),
        draw(st.integers(0, 59)),
        draw(st.integers(0, 59)),
    ]
    t = draw(st.integers(0, 9))
    nn = draw(st.integers(0, 48))
    return "".join(f"{x:02d}" for x in parts) + f"{t}{nn:02d}" + draw(st.sampled_from("+-"))


@st.composite
def _relative_time(draw: st.DrawFn) -> str:
    parts = [draw(st.integers(0, 99)) for _ in range(6)]
    return "".join(f"{x:02d}" for x in parts) + "000R"


#: C(1|17): NULL, an absolute or relative SMPP time, or any 16 characters (the codec
#: checks only the length; the time syntax is pdu.smpptime's business).
TIME = st.one_of(
    st.just(""), _absolute_time(), _relative_time(), st.text(CHAR, min_size=16, max_size=16)
)
SHORT_MESSAGE = octets(0, MAX_SHORT_MESSAGE)

sme_addresses = st.builds(pdu.SmeAddress, BYTE, BYTE, cstring(21))
distribution_lists = st.builds(pdu.DistributionList, cstring(21))
_dest = st.one_of(sme_addresses, distribution_lists)
#: 1..254 destinations of both kinds; the full 254 drawn on purpose (short values, for speed).
dest_addresses = st.one_of(
    st.lists(_dest, min_size=1, max_size=MAX_DESTS),
    st.lists(
        st.one_of(
            st.builds(pdu.SmeAddress, BYTE, BYTE, st.sampled_from(["", "1", "x" * 20])),
            st.builds(pdu.DistributionList, st.sampled_from(["", "d", "y" * 20])),
        ),
        min_size=MAX_DESTS,
        max_size=MAX_DESTS,
    ),
)
_unsuccess = st.builds(pdu.UnsuccessSme, BYTE, BYTE, cstring(21), st.integers(0, 0xFFFFFFFF))
unsuccess_smes = st.one_of(
    st.lists(_unsuccess, max_size=MAX_DESTS),
    st.lists(
        st.builds(pdu.UnsuccessSme, BYTE, BYTE, st.sampled_from(["", "1"]), st.just(0x45)),
        min_size=MAX_DESTS,
        max_size=MAX_DESTS,
    ),
)


def field_values(f: Field) -> st.SearchStrategy[Any]:
    """Values of one mandatory field, by the field's kind and maximum."""
    if f.kind is Kind.INT1:
        return BYTE
    if f.kind is Kind.INT2:
        return st.integers(0, 0xFFFF)
    if f.kind is Kind.INT4:
        return st.integers(0, 0xFFFFFFFF)
    if f.kind is Kind.CSTRING:
        return cstring(f.max_length)
    if f.kind is Kind.TIME:
        return TIME
    if f.kind is Kind.SHORT_MESSAGE:
        return SHORT_MESSAGE
    if f.kind is Kind.DEST_ADDRESSES:
        return dest_addresses
    if f.kind is Kind.UNSUCCESS_SMES:
        return unsuccess_smes
    raise AssertionError(f"no strategy for field kind {f.kind}")


def _record(cls: type[tuple[int, ...]]) -> st.SearchStrategy[Any]:
    sizes = {"B": 0xFF, "H": 0xFFFF, "I": 0xFFFFFFFF}
    return st.builds(cls, *(st.integers(0, sizes[c]) for c in RECORD_FORMATS[cls][1:]))


def tlv_item(spec: TlvSpec) -> st.SearchStrategy[Any]:
    """Valid values of one TLV (one item of a repeating one), lengths within its bounds."""
    if spec.type is TlvType.INT:
        return st.integers(0, (1 << (8 * spec.size)) - 1)
    if spec.type is TlvType.CSTRING:
        return cstring(spec.max_length)
    if spec.type is TlvType.OCTETS:
        return octets(spec.min_length, min(spec.max_length, MAX_PAYLOAD_DRAWN))
    if spec.type is TlvType.FLAG:
        return st.just(True)
    if spec.type is TlvType.FLAG_OR_INT:
        return st.one_of(st.just(True), BYTE)
    assert spec.record is not None
    if spec.type is TlvType.INT_OR_RECORD:
        return st.one_of(st.integers(0, (1 << (8 * spec.size)) - 1), _record(spec.record))
    if spec.type is TlvType.RECORD:
        return _record(spec.record)
    raise AssertionError(f"no strategy for TLV type {spec.type}")


def tlv_values(spec: TlvSpec) -> st.SearchStrategy[Any]:
    """Valid values of one TLV: a tuple of 1..4 items for a repeating one."""
    item = tlv_item(spec)
    if spec.repeats:
        return st.lists(item, min_size=1, max_size=4).map(tuple)
    return item


@st.composite
def sar_values(draw: st.DrawFn) -> dict[str, int]:
    total = draw(st.integers(1, 255))
    return {
        "sar_msg_ref_num": draw(st.integers(0, 0xFFFF)),
        "sar_total_segments": total,
        "sar_segment_seqnum": draw(st.integers(1, total)),
    }


#: Tags the codec does not know: the SMSC vendor range (0x1400-0x3FFF) and reserved ones
#: (the gaps around the 5.0 tags among them). They must come back raw in extra_tlvs.
UNKNOWN_TAGS = st.one_of(
    st.integers(0x1400, 0x3FFF), st.sampled_from([0x0429, 0x060C, 0x0614]), st.integers(0, 0xFFFF)
).filter(lambda t: t not in SPECS_BY_TAG)


@st.composite
def tlv_sets(draw: st.DrawFn, command_id: int, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """A valid set of the TLVs allowed in ``command_id``, ``required`` among them, in a drawn
    order."""
    specs = allowed_specs(command_id)
    if not specs:
        return {}
    names = [s.name for s in specs if s.name not in SAR]
    chosen = draw(st.lists(st.sampled_from(names), unique=True, max_size=6)) if names else []
    chosen += [n for n in required if n not in chosen]
    by_name = {s.name: s for s in specs}
    out: dict[str, Any] = {n: draw(tlv_values(by_name[n])) for n in chosen}
    if all(n in by_name for n in SAR) and draw(st.booleans()):
        out.update(draw(sar_values()))
    order = draw(st.permutations(list(out)))
    return {n: out[n] for n in order}


@st.composite
def extra_tlv_lists(
    draw: st.DrawFn, tlvs: dict[str, Any], command_id: int = 0
) -> tuple[tuple[int, bytes], ...]:
    """Unknown/vendor TLVs, 5.0 tags that ``command_id`` does not carry (kept raw, as 5.0
    says), and repeats of callback_num (a 3.4 TLV the spec lets repeat)."""
    elsewhere = sorted(
        {s.tag for s in TLV_SPECS if s.version == 0x50}
        - {s.tag for s in TLV_SPECS if command_id in s.allowed_in}
    )
    tags = st.one_of(UNKNOWN_TAGS, st.sampled_from(elsewhere)) if elsewhere else UNKNOWN_TAGS
    extras = draw(st.lists(st.tuples(tags, st.binary(max_size=40)), max_size=3).map(tuple))
    if "callback_num" in tlvs:
        repeats = draw(st.lists(st.binary(min_size=4, max_size=19), max_size=2))
        extras += tuple((int(pdu.Tag.callback_num), v) for v in repeats)
    return tuple(draw(st.permutations(list(extras))))


@st.composite
def _pdus(draw: st.DrawFn, d: PduDef) -> Pdu:
    cls = pdu.CLASSES[d.command_id]
    seq = draw(SEQ)
    status = draw(STATUS) if d.is_response else draw(st.one_of(st.just(0), STATUS))
    if d.body_omitted_on_error and status:
        # The encoder leaves out the body (facts 2.6); only the header survives.
        return cls(sequence_number=seq, command_status=status)
    values = {f.name: draw(field_values(f)) for f in d.fields}
    required = tuple(
        r.name
        for r in d.required_tlvs
        if r.waived_when is None
        or values[r.waived_when[0]] != r.waived_when[1]
        or draw(st.booleans())
    )
    tlvs = draw(tlv_sets(d.command_id, required))
    if "message_payload" in tlvs and values.get("short_message"):
        # Never both (facts 2.2): keep one of the two.
        if draw(st.booleans()):
            values["short_message"] = b""
        else:
            del tlvs["message_payload"]
    extras = draw(extra_tlv_lists(tlvs, d.command_id))
    return cls(**values, **tlvs, sequence_number=seq, command_status=status, extra_tlvs=extras)


#: One strategy per PDU class, keyed by class.
PDUS: dict[type[Pdu], st.SearchStrategy[Pdu]] = {
    pdu.CLASSES[d.command_id]: _pdus(d) for d in PDU_DEFS
}
#: The class names, for pytest ids.
PDU_CLASSES: list[type[Pdu]] = list(PDUS)


def pdus_of(cls: type[Pdu]) -> st.SearchStrategy[Pdu]:
    return PDUS[cls]


#: Any PDU of any class.
any_pdu: st.SearchStrategy[Pdu] = st.one_of(*PDUS.values())
