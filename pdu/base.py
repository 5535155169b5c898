"""The base class of every PDU and the small records used inside submit_multi."""

from __future__ import annotations

from typing import Any, ClassVar, NamedTuple

from .enums import CommandId
from .tlv import SPECS_BY_NAME, TlvSpec


class SmeAddress(NamedTuple):
    """A submit_multi destination with dest_flag 0x01."""

    dest_addr_ton: int
    dest_addr_npi: int
    destination_addr: str


class DistributionList(NamedTuple):
    """A submit_multi destination with dest_flag 0x02."""

    dl_name: str


class UnsuccessSme(NamedTuple):
    """One entry of submit_multi_resp's unsuccess list."""

    dest_addr_ton: int
    dest_addr_npi: int
    destination_addr: str
    error_status_code: int


class Pdu:
    """One SMPP PDU. Subclasses (in ``pdu._generated``) carry the spec's field names.

    Mandatory fields are always attributes; a TLV attribute reads ``None`` while the TLV is
    absent. ``extra_tlvs`` holds unknown, vendor and repeated TLVs as raw ``(tag, value)``
    pairs, written back byte for byte. ``command_length`` and ``sm_length`` are not
    attributes: the encoder computes them.
    """

    # raw: the frame as received, set only by a Framer(keep_raw=True); unset otherwise.
    __slots__ = ("command_status", "raw", "sequence_number")

    command_id: ClassVar[int]
    # Names of the mandatory fields in wire order, and the TLVs this PDU may carry.
    mandatory_fields: ClassVar[tuple[str, ...]]
    tlv_specs: ClassVar[tuple[TlvSpec, ...]]
    tlv_by_name: ClassVar[dict[str, TlvSpec]]
    # Body left out of the encoded PDU when command_status != 0 (bind_*_resp, submit_sm_resp).
    body_omitted_on_error: ClassVar[bool] = False

    sequence_number: int
    command_status: int
    raw: bytes  # only with Framer(keep_raw=True); read it with getattr(p, "raw", b"")
    extra_tlvs: tuple[tuple[int, bytes], ...] = ()

    def __init__(self, sequence_number: int = 0, command_status: int = 0) -> None:
        # Every concrete class defines its own __init__ with its fields; this one only types
        # the arguments they all share.
        raise TypeError("Pdu is abstract: use a concrete class such as SubmitSm")

    def _set_tlvs(self, tlvs: dict[str, Any]) -> None:
        for name, value in tlvs.items():
            spec = self.tlv_by_name.get(name)
            if spec is None:
                where = "an SMPP TLV" if name not in SPECS_BY_NAME else "allowed here"
                raise TypeError(f"{type(self).__name__}: {name!r} is not {where}")
            if value is not None:
                # A repeating TLV's items as a tuple, as decoded: equal PDUs compare equal.
                as_list = spec.repeats and isinstance(value, list)
                setattr(self, name, tuple(value) if as_list else value)

    @property
    def is_response(self) -> bool:
        return bool(self.command_id & 0x80000000)

    @property
    def command_name(self) -> str:
        return CommandId(self.command_id).name

    def tlvs(self) -> dict[str, Any]:
        """The TLVs present on this PDU, by name, in table order."""
        d = self.__dict__
        return {s.name: d[s.name] for s in self.tlv_specs if d.get(s.name) is not None}

    def fields(self) -> dict[str, Any]:
        """Mandatory fields, then present TLVs, by name."""
        out = {name: getattr(self, name) for name in self.mandatory_fields}
        out.update(self.tlvs())
        return out

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Pdu)
        return (
            self.sequence_number == other.sequence_number
            and self.command_status == other.command_status
            and self.fields() == other.fields()
            and tuple(self.extra_tlvs) == tuple(other.extra_tlvs)
        )

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        parts = [f"sequence_number={self.sequence_number}"]
        if self.command_status:
            parts.append(f"command_status={self.command_status:#x}")
        parts.extend(f"{k}={v!r}" for k, v in self.fields().items())
        if self.extra_tlvs:
            parts.append(f"extra_tlvs={self.extra_tlvs!r}")
        return f"{type(self).__name__}({', '.join(parts)})"
