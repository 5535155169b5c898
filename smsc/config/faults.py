"""Reading a fault: a ``[[faults]]`` table of the config file or the JSON body of
POST /api/v1/faults (the same keys, the shape ``Fault.to_dict`` shows)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from ..faults import PARAMETERS, SESSION_KINDS, Fault, FaultKind
from .tables import Reader, Table
from .values import Parser, address, enum, error_status, integer, number, rate, system_id

__all__ = ["fault_from_dict", "read_fault"]

T = TypeVar("T")

MAX_DELAY = 7 * 24 * 3600.0
MAX_COPIES = 10
MAX_PREFIX = 20  # destination_addr is C(21)

probability = number(above=True, maximum=1.0)  # 0 would be a fault that never fires


def read_fault(t: Table) -> Fault:
    """A fault from its table; an ``id`` key is ignored (the registry gives ids)."""
    kind = t.require("kind", enum(FaultKind), FaultKind.NO_RESPONSE)
    if not t.valid("kind"):
        t.give_up()  # which keys are allowed depends on the kind
    t.unknown_note = f" for kind {kind.value}"
    t.get("id", lambda v: v, None)
    if kind in SESSION_KINDS and t.has("prefix"):
        t.problem("prefix", f"does not apply to kind {kind.value}")

    def param(name: str, parse: Parser[T], unused: T) -> T:
        """Parameter ``name`` of this kind (``unused`` for a parameter it does not take)."""
        if name not in PARAMETERS[kind]:
            return unused
        default = PARAMETERS[kind][name]
        if default is None:
            return t.require(name, parse, unused, f"is required for kind {kind.value}")
        return t.get(name, parse, parse(default))

    return Fault(
        kind,
        account=t.get("account", system_id, None),
        prefix=None if kind in SESSION_KINDS else t.get("prefix", address(MAX_PREFIX), None),
        probability=t.get("probability", probability, 1.0),
        status=int(param("status", error_status, 0)),
        rate=param("rate", rate, 0.0),
        delay=param("delay", number(above=True, maximum=MAX_DELAY), 0.0),
        copies=param("copies", integer(1, MAX_COPIES), 0),
        after=param("after", integer(1, 2**31 - 1), 0),
    )


def fault_from_dict(data: Mapping[str, object], path: str = "", source: str = "") -> Fault:
    """A fault from a parsed JSON object or TOML table; a ConfigError lists every problem,
    each key prefixed with ``path`` (``faults[0].rate``)."""
    return Reader(source, data, path).read(read_fault)
