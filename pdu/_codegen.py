"""Generates ``pdu/_generated.py`` from the field and TLV tables.

Run ``python -m pdu._codegen`` after changing ``pdu/layout.py`` or ``pdu/tlv.py``;
``python -m pdu._codegen --check`` exits 1 when the checked-in file is stale (a test runs it).

Why generated: a table-driven interpreter costs a loop iteration, a dispatch and an
attribute lookup per field. Straight-line code per PDU type, produced from the same tables,
runs several times faster and stays readable and type-checked.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .layout import PDU_DEFS, Field, Kind, PduDef
from .tlv import allowed_specs

TARGET = Path(__file__).with_name("_generated.py")

_INT_FMT = {Kind.INT1: "B", Kind.INT2: "H", Kind.INT4: "I"}
_INT_SIZE = {Kind.INT1: 1, Kind.INT2: 2, Kind.INT4: 4}


def _snake(d: PduDef) -> str:
    out = ""
    for ch in d.class_name:
        out += ("_" + ch.lower()) if ch.isupper() and out else ch.lower()
    return out


def _int_runs(fields: tuple[Field, ...]) -> list[list[Field]]:
    """Split fields into runs: consecutive integers grouped, everything else alone."""
    runs: list[list[Field]] = []
    for f in fields:
        if f.kind in _INT_FMT and runs and runs[-1][0].kind in _INT_FMT:
            runs[-1].append(f)
        else:
            runs.append([f])
    return runs


class _Gen:
    def __init__(self) -> None:
        self.structs: dict[str, str] = {}
        self.shapes: list[str] = []  # per-PDU caches of shaped encoders' Structs
        self.out: list[str] = []

    def struct(self, fmt: str) -> str:
        name = "_S_" + fmt
        self.structs[fmt] = name
        return name

    def emit(self, line: str = "") -> None:
        self.out.append(line)

    # -- classes -------------------------------------------------------------------------

    def cls(self, d: PduDef) -> None:
        tlvs = allowed_specs(d.command_id)
        if tlvs:
            self.emit(f"class {d.class_name}Tlvs(TypedDict, total=False):")
            self.emit(f'    """The TLVs {d.class_name} may carry, by name."""')
            self.emit()
            for s in tlvs:
                self.emit(f"    {s.name}: {s.python_type} | None")
            self.emit()
            self.emit()
        self.emit(f"class {d.class_name}(Pdu):")
        self.emit(f'    """{_snake(d)} (command_id 0x{d.command_id:08X})."""')
        self.emit()
        names = tuple(f.name for f in d.fields)
        # Mandatory fields in slots (fast attribute access); TLVs in __dict__, which stays
        # empty when a PDU has none, so "any TLVs?" is one truth test.
        slots = (*names, "__dict__")
        self.emit(f"    __slots__ = {slots!r}")
        self.emit()
        self.emit(f"    command_id: ClassVar[int] = 0x{d.command_id:08X}")
        self.emit(f"    mandatory_fields: ClassVar[tuple[str, ...]] = {names!r}")
        self.emit(
            f"    tlv_specs: ClassVar[tuple[TlvSpec, ...]] = allowed_specs(0x{d.command_id:08X})"
        )
        self.emit("    tlv_by_name: ClassVar[dict[str, TlvSpec]] = {s.name: s for s in tlv_specs}")
        if d.body_omitted_on_error:
            self.emit("    body_omitted_on_error: ClassVar[bool] = True")
        self.emit()
        for f in d.fields:
            self.emit(f"    {f.name}: {f.python_type}")
        for s in tlvs:
            self.emit(f"    {s.name}: {s.python_type} | None = None")
        self.emit()
        params = ["self"]
        for f in d.fields:
            t = f.python_type
            if f.default == "None":
                t += " | None"
            params.append(f"{f.name}: {t} = {f.default}")
        params += [
            "sequence_number: int = 0",
            "command_status: int = 0",
            "extra_tlvs: tuple[tuple[int, bytes], ...] = ()",
        ]
        if tlvs:
            params.append(f"**tlvs: Unpack[{d.class_name}Tlvs]")
        self.emit("    def __init__(")
        for p in params:
            self.emit(f"        {p},")
        self.emit("    ) -> None:")
        for f in d.fields:
            if f.default == "None":
                self.emit(f"        self.{f.name} = [] if {f.name} is None else {f.name}")
            else:
                self.emit(f"        self.{f.name} = {f.name}")
        self.emit("        self.sequence_number = sequence_number")
        self.emit("        self.command_status = command_status")
        self.emit("        if extra_tlvs:")
        self.emit("            self.extra_tlvs = tuple(extra_tlvs)")
        if tlvs:
            self.emit("        if tlvs:")
            self.emit("            self._set_tlvs(dict(tlvs))")
        self.emit()
        self.emit()

    # -- decoders ------------------------------------------------------------------------

    def decoder(self, d: PduDef) -> None:
        fn = f"_decode_{_snake(d)}"
        cid = f"0x{d.command_id:08X}"
        self.emit(f"def {fn}(buf: bytes, start: int, end: int, seq: int, status: int) -> Pdu:")
        # The object is made bare and filled field by field: calling the class (its keyword
        # and TLV handling, every field passed as an argument) cost a fifth of the decode.
        if not d.fields:
            self.emit(f"    o = _new({d.class_name})")
            self.emit("    o.sequence_number = seq")
            self.emit("    o.command_status = status")
            self.emit("    if start + 16 < end:")
            self.emit(f"        _TLVS[{cid}].decode(o, buf, start + 16, end, seq)")
            self.emit("    return o")
            self.emit()
            self.emit()
            return
        if d.is_response:
            # A response may come header-only, whatever its status (facts 2.6).
            self.emit("    if start + 16 == end:")
            self.emit(f"        return {d.class_name}(sequence_number=seq, command_status=status)")
        self.emit("    p = start + 16")
        self.emit(f"    o = _new({d.class_name})")
        uses_index = any(f.kind in (Kind.CSTRING, Kind.TIME) for f in d.fields)
        if uses_index:
            self.emit("    index = buf.index")
        for run in _int_runs(d.fields):
            f = run[0]
            if f.kind in _INT_FMT:
                if all(x.kind is Kind.INT1 for x in run):
                    # Indexing bytes is cheaper than unpack_from and its tuple.
                    for k, x in enumerate(run):
                        self.emit(f"    o.{x.name} = buf[p{' + ' + str(k) if k else ''}]")
                    self.emit(f"    p += {len(run)}")
                else:
                    fmt = ">" + "".join(_INT_FMT[x.kind] for x in run)
                    size = sum(_INT_SIZE[x.kind] for x in run)
                    s = self.struct(fmt[1:])
                    names = ", ".join(f"o.{x.name}" for x in run)
                    self.emit(
                        f"    {names}{',' if len(run) == 1 else ''} = {s}.unpack_from(buf, p)"
                    )
                    self.emit(f"    p += {size}")
            elif f.kind in (Kind.CSTRING, Kind.TIME):
                self.emit("    if buf[p] == 0:")
                self.emit(f'        o.{f.name} = ""')
                self.emit("        p += 1")
                self.emit("    else:")
                # Unbounded search (two arguments are cheaper): a NUL found past `end` is
                # caught by the `p > end` check below.
                self.emit("        i = index(0, p)")
                if f.kind is Kind.TIME:
                    self.emit("        if i - p != 16:")
                else:
                    self.emit(f"        if i - p >= {f.max_length}:")
                self.emit(f"            raise _field_error(buf, start, end, {f.name!r})")
                self.emit(f'        o.{f.name} = buf[p:i].decode("latin-1")')
                self.emit("        p = i + 1")
            elif f.kind is Kind.SHORT_MESSAGE:
                self.emit("    n = buf[p]")
                self.emit("    if n == 255:")
                self.emit(f"        raise _field_error(buf, start, end, {f.name!r})")
                self.emit(f"    o.{f.name} = buf[p + 1 : p + 1 + n]")
                self.emit("    p += 1 + n")
            elif f.kind in (Kind.DEST_ADDRESSES, Kind.UNSUCCESS_SMES):
                # The helpers raise precise errors themselves, which is only right if the
                # fields before them lie inside the PDU: check before handing over.
                helper = (
                    "_decode_dest_addresses"
                    if f.kind is Kind.DEST_ADDRESSES
                    else "_decode_unsuccess_smes"
                )
                self.emit("    if p > end:")
                self.emit("        raise _field_error(buf, start, end, None)")
                self.emit(f"    o.{f.name}, p = {helper}(buf, p, end, seq, {cid})")
        self.emit("    if p > end:")
        self.emit("        raise _field_error(buf, start, end, None)")
        self.emit("    o.sequence_number = seq")
        self.emit("    o.command_status = status")
        self.emit("    if p < end:")
        self.emit(f"        _TLVS[{cid}].decode(o, buf, p, end, seq)")
        if any(s.name == "sar_msg_ref_num" for s in allowed_specs(d.command_id)):
            self.emit("        _check_message_tlvs(o, seq)")
        self.required_checks(d, "status", "{name} not in d", "raise _missing_tlv(o, {name})")
        self.emit("    return o")
        self.emit()
        self.emit()

    def required_checks(self, d: PduDef, status: str, absent: str, fault: str) -> None:
        """Emit the checks of the PDU's mandatory TLVs (in a response: only when ``status``,
        the expression of its command_status, is 0). ``absent`` is the test of one TLV's
        absence from ``d``, the instance __dict__; ``fault`` the raise statement. Both are
        formatted with the TLV's ``name``."""
        if not d.required_tlvs:
            return
        indent = "    "
        if d.is_response and status != "0":
            self.emit(f"    if not {status}:")
            indent += "    "
        self.emit(f"{indent}d = o.__dict__")
        for r in d.required_tlvs:
            test = absent.format(name=repr(r.name))
            if r.waived_when is not None:
                field, value = r.waived_when
                test += f" and o.{field} != {value}"
            self.emit(f"{indent}if {test}:")
            self.emit(f"{indent}    {fault.format(name=repr(r.name))}")

    # -- encoders ------------------------------------------------------------------------

    def encoder(self, d: PduDef) -> None:
        fn = f"_encode_{_snake(d)}"
        cid = f"0x{d.command_id:08X}"
        self.emit(f"def {fn}(o: {d.class_name}) -> bytes:")
        if d.body_omitted_on_error:
            self.emit("    if o.command_status:")
            self.emit(
                f"        return _HEADER.pack(16, {cid}, o.command_status, o.sequence_number)"
            )
        # After the early return above, command_status is 0 in a body_omitted_on_error PDU.
        status = "0" if d.body_omitted_on_error else "o.command_status"
        self.required_checks(d, status, "d.get({name}) is None", "raise _tlv_needed(o, {name})")
        variable = [f for f in d.fields if f.kind in (Kind.CSTRING, Kind.TIME, Kind.SHORT_MESSAGE)]
        lists = [f for f in d.fields if f.kind in (Kind.DEST_ADDRESSES, Kind.UNSUCCESS_SMES)]
        if len(variable) >= 2 and not lists:
            self.shaped_encoder(d, cid)
            return
        # The body is one bytes %-format: a single C call instead of a join of many
        # small pieces (%c writes a one-octet integer and rejects values above 255).
        fmt: list[str] = []
        args: list[str] = []
        for f in d.fields:
            if f.kind is Kind.INT1:
                fmt.append("%c")
                args.append(f"o.{f.name}")
            elif f.kind in _INT_FMT:
                fmt.append("%s")
                args.append(f"{self.struct(_INT_FMT[f.kind])}.pack(o.{f.name})")
            elif f.kind in (Kind.CSTRING, Kind.TIME):
                fmt.append("%s\\x00")
                args.append(self.cstring_bytes(f))
            elif f.kind is Kind.SHORT_MESSAGE:
                self.short_message_length(f)
                fmt.append("%c%s")
                args += ["n", "sm"]
            elif f.kind is Kind.DEST_ADDRESSES:
                fmt.append("%s")
                args.append(f"_encode_dest_addresses(o.{f.name})")
            elif f.kind is Kind.UNSUCCESS_SMES:
                fmt.append("%s")
                args.append(f"_encode_unsuccess_smes(o.{f.name})")
        if args:
            self.emit(f'    body = b"{"".join(fmt)}" % ({", ".join(args)},)')
        else:
            self.emit("    body = b''")
        self.emit("    if o.__dict__:")
        self.emit("        body += _encode_tlvs(o)")
        self.emit(
            f"    return _HEADER.pack(16 + len(body), {cid}, o.command_status, o.sequence_number)"
            " + body"
        )
        self.emit()
        self.emit()

    def cstring_bytes(self, f: Field) -> str:
        """Emit the checks and the encoding of a C-Octet String field; the bytes' name."""
        v, b = f"s_{f.name}", f"b_{f.name}"
        self.emit(f"    {v} = o.{f.name}")
        self.emit(f"    if {v}:")
        if f.kind is Kind.TIME:
            self.emit(f'        if len({v}) != 16 or "\\x00" in {v}:')
        else:
            self.emit(f'        if len({v}) >= {f.max_length} or "\\x00" in {v}:')
        self.emit(f"            raise _cstring_error({v}, {f.max_length}, {f.name!r})")
        self.emit(f'        {b} = {v}.encode("latin-1")')
        self.emit("    else:")
        self.emit(f'        {b} = b""')
        return b

    def short_message_length(self, f: Field) -> None:
        """Emit ``sm`` (the field) and ``n`` (its length, checked)."""
        self.emit(f"    sm = o.{f.name}")
        self.emit("    n = len(sm)")
        self.emit("    if n > 254:")
        self.emit(
            "        raise EncodeError('short_message is at most 254 octets;"
            " use message_payload or segment', 'short_message')"
        )

    def shaped_encoder(self, d: PduDef, cid: str) -> None:
        """Header and body in one ``struct.pack``, with a Struct per shape (the lengths of
        the variable fields), cached: a third less time than a %-format plus the header."""
        cache = f"_SHAPES_{_snake(d).upper()}"
        self.shapes.append(cache)
        fmt = ["IIII"]
        args = ["st.size + len(tlvs)", cid, "o.command_status", "o.sequence_number"]
        lengths: list[str] = []
        for f in d.fields:
            if f.kind in _INT_FMT:
                fmt.append(_INT_FMT[f.kind])
                args.append(f"o.{f.name}")
            elif f.kind in (Kind.CSTRING, Kind.TIME):
                b = self.cstring_bytes(f)
                fmt.append("%dsx")  # the octets, then the NUL as a pad octet
                lengths.append(f"len({b})")
                args.append(b)
            elif f.kind is Kind.SHORT_MESSAGE:
                self.short_message_length(f)
                fmt.append("B%ds")
                lengths.append("n")
                args += ["n", "sm"]
        self.emit(f"    key = ({', '.join(lengths)})")
        self.emit(f"    st = {cache}.get(key)")
        self.emit("    if st is None:")
        self.emit(f'        st = _shape({cache}, ">{"".join(fmt)}", key)')
        self.emit("    if o.__dict__:")
        self.emit("        tlvs = _encode_tlvs(o)")
        self.emit(f"        return st.pack({', '.join(args)}) + tlvs")
        args[0] = "st.size"
        self.emit(f"    return st.pack({', '.join(args)})")
        self.emit()
        self.emit()


HEAD = '''"""Generated by ``python -m pdu._codegen`` from pdu/layout.py and pdu/tlv.py.

Do not edit: change the tables and regenerate.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any, ClassVar, TypedDict, Unpack

from ._runtime import (
    _HEADER,
    _check_message_tlvs,
    _cstring_error,
    _decode_dest_addresses,
    _decode_unsuccess_smes,
    _encode_dest_addresses,
    _encode_tlvs,
    _encode_unsuccess_smes,
    _field_error,
    _missing_tlv,
    _shape,
    _tlv_needed,
)
from .base import DistributionList, Pdu, SmeAddress, UnsuccessSme
from .errors import EncodeError
from .tlv import (
    BroadcastContentType,
    BroadcastFrequencyInterval,
    MsValidity,
    NetworkErrorCode,
    TlvDecoder,
    TlvSpec,
    allowed_specs,
)

__all__ = [
{names}
]

'''


def generate() -> str:
    g = _Gen()
    g.struct("B")
    for d in PDU_DEFS:
        g.cls(d)
    g.emit("# -- decoders: buf[start:end] is one whole PDU; the header is already read --")
    g.emit()
    for d in PDU_DEFS:
        g.decoder(d)
    g.emit("# -- encoders -----------------------------------------------------------------")
    g.emit()
    for d in PDU_DEFS:
        g.encoder(d)
    g.emit("CLASSES: dict[int, type[Pdu]] = {")
    for d in PDU_DEFS:
        g.emit(f"    0x{d.command_id:08X}: {d.class_name},")
    g.emit("}")
    g.emit("_TLVS: dict[int, TlvDecoder] = {cid: TlvDecoder(cid) for cid in CLASSES}")
    g.emit("DECODERS: dict[int, Callable[[bytes, int, int, int, int], Pdu]] = {")
    for d in PDU_DEFS:
        g.emit(f"    0x{d.command_id:08X}: _decode_{_snake(d)},")
    g.emit("}")
    g.emit("ENCODERS: dict[type[Pdu], Callable[[Any], bytes]] = {")
    for d in PDU_DEFS:
        g.emit(f"    {d.class_name}: _encode_{_snake(d)},")
    g.emit("}")
    exported = [d.class_name for d in PDU_DEFS]
    exported += [f"{d.class_name}Tlvs" for d in PDU_DEFS if allowed_specs(d.command_id)]
    exported += ["CLASSES", "DECODERS", "ENCODERS", "NetworkErrorCode", "SmeAddress"]
    exported += ["BroadcastContentType", "BroadcastFrequencyInterval", "MsValidity"]
    exported += ["DistributionList", "UnsuccessSme"]
    names = "\n".join(f'    "{n}",' for n in sorted(exported, key=lambda n: (not n.isupper(), n)))
    structs = "".join(f'{v} = struct.Struct(">{k}")\n' for k, v in sorted(g.structs.items()))
    new = "_new = object.__new__  # decoders make their objects bare (see _Gen.decoder)\n"
    new += "".join(f"{c}: dict[tuple[int, ...], struct.Struct] = {{}}\n" for c in g.shapes)
    return HEAD.format(names=names) + structs + new + "\n\n" + "\n".join(g.out).rstrip() + "\n"


def main(argv: list[str]) -> int:
    code = generate()
    if "--check" in argv:
        if TARGET.read_text() != code:
            print(f"{TARGET} is stale: run python -m pdu._codegen", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(code)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
