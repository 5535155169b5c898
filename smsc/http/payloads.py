"""What the REST API reads and writes, without HTTP: query parameters and JSON bodies parsed
into typed requests, and records shown as JSON.

Pure functions over the core's records and the store; the HTTP layer (the Twisted Web
resources in ``smsc.http.resources``) only moves bytes. Every bad input is an
:class:`ApiError` carrying the HTTP status and a message meant for the developer who sent it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from carriers.config import FixedLatency, NumberConfig, UniformLatency
from carriers.network import Carrier
from carriers.scripts import ScriptRun
from pdu import MessageState
from pdu.segment import SegmentMethod

from ..config import ConfigError, fault_from_dict
from ..core import MAX_ADDR, Connection
from ..core.conversations import MAX_WINDOW, ConversationStats
from ..faults import Fault
from ..model import Direction, Message
from ..receipts import intermediate_wanted, receipt_wanted
from ..store import Store, handset_of
from .pdu_json import pdu_json

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
DEFAULT_CONVERSATIONS = 50
DEFAULT_WAIT = 10.0
MAX_WAIT = 300.0
MAX_OFFSET = 2**62
MAX_BODY_OCTETS = 64 * 1024
# since=: seconds since the epoch, or an RFC 3339 date-time with its zone. Exactly these
# (the OpenAPI document says so): no exponent, no spaces, no "inf".
EPOCH_SECONDS = r"^-?[0-9]{1,12}(\.[0-9]{1,9})?$"
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?"
    r"(?P<zone>[Zz]|[+-]\d{2}:\d{2})?"
)
# Parts of one long message arrive within this long of each other (for reassembly).
PART_WINDOW = 600.0

SEGMENTATION: dict[str, SegmentMethod] = {
    "udh": SegmentMethod.UDH_8BIT_REF,
    "udh16": SegmentMethod.UDH_16BIT_REF,
    "sar": SegmentMethod.SAR,
    "payload": SegmentMethod.MESSAGE_PAYLOAD,
}
FILTER_PARAMS = ("direction", "from", "to", "handset", "account", "state", "text", "since")
ORDERS = ("oldest", "newest")
# A cursor is a message's insertion sequence number, as a string of digits: opaque to
# clients, who only hand back what a message's "cursor" or a page's "next" gave them.
MAX_CURSOR_DIGITS = 18


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def body(self) -> dict[str, object]:
        return {"error": self.message, "status": self.status}


# -- queries ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MessageQuery:
    """Filters of GET /api/v1/messages, as keyword arguments of Store.find_messages."""

    direction: Direction | None = None
    source_addr: str | None = None
    destination_addr: str | None = None
    account: str | None = None
    state: MessageState | None = None
    text_contains: str | None = None
    since: float | None = None
    handset: str | None = None
    after: int | None = None  # cursors: insertion sequence bounds, exclusive
    before: int | None = None
    newest_first: bool = False

    def find(self, store: Store, limit: int = DEFAULT_LIMIT, offset: int = 0) -> list[Message]:
        return store.find_messages(
            direction=self.direction,
            account=self.account,
            source_addr=self.source_addr,
            destination_addr=self.destination_addr,
            state=self.state,
            text_contains=self.text_contains,
            since=self.since,
            handset=self.handset,
            after=self.after,
            before=self.before,
            newest_first=self.newest_first,
            limit=limit,
            offset=offset,
        )


def _one(args: Mapping[str, list[str]], name: str) -> str | None:
    values = args.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise ApiError(400, f"query parameter {name!r} given {len(values)} times")
    return values[0]


def _check_known(args: Mapping[str, list[str]], known: tuple[str, ...]) -> None:
    for name in args:
        if name not in known:
            raise ApiError(
                400, f"unknown query parameter {name!r}; known: {', '.join(sorted(known))}"
            )


def parse_state(value: str) -> MessageState:
    """A state by name (upper or lower case) or number."""
    if value.isascii() and value.isdigit():
        known = {str(int(s)): s for s in MessageState}  # not a state SMPP 3.4 has no name for
        if value in known:
            return known[value]
    elif value in (value.upper(), value.lower()) and value.upper() in MessageState.__members__:
        return MessageState[value.upper()]
    names = ", ".join(s.name for s in MessageState)
    raise ApiError(400, f"state {value!r} is not one of {names} (or its number)")


def parse_time(value: str, name: str) -> float:
    """Seconds since the epoch (1714564800.5), or an RFC 3339 date-time with its zone
    (2024-05-01T12:00:00Z)."""
    if re.fullmatch(EPOCH_SECONDS, value):
        return float(value)
    m = _RFC3339.fullmatch(value)
    if m is None:
        raise ApiError(
            400,
            f"{name} must be seconds since the epoch or an RFC 3339 date-time such as "
            f"2024-05-01T12:00:00Z, got {value!r}",
        )
    zone = m["zone"]
    if zone is None:
        raise ApiError(400, f"{name} needs a time zone (e.g. Z), got {value!r}")
    year, month, day, hour, minute, second = (int(m[i]) for i in range(1, 7))
    try:
        offset = timedelta() if zone in "Zz" else _offset(zone)
        # A leap second (:60) is the second after :59.
        when = datetime(
            year, month, day, hour, minute, min(second, 59), tzinfo=timezone(offset)
        ) + timedelta(seconds=max(second - 59, 0))
    except ValueError as e:
        raise ApiError(400, f"{name} is not a date-time ({e}), got {value!r}") from None
    return when.astimezone(UTC).timestamp() + float(m[7] or 0)


def _offset(zone: str) -> timedelta:
    hours, minutes = int(zone[1:3]), int(zone[4:6])
    if hours > 23 or minutes > 59:
        raise ValueError("the zone offset is out of range")
    sign = -1 if zone[0] == "-" else 1
    return sign * timedelta(hours=hours, minutes=minutes)


def _number(value: str | None, name: str, default: float, lo: float, hi: float) -> float:
    if value is None:
        return default
    try:
        n = float(value)
    except ValueError:
        raise ApiError(400, f"{name} must be a number, got {value!r}") from None
    if not lo <= n <= hi:
        raise ApiError(400, f"{name} must be between {lo:g} and {hi:g}, got {value!r}")
    return n


def _int(value: str | None, name: str, default: int, lo: int, hi: int) -> int:
    if value is None:
        return default
    if not value.isascii() or not value.isdigit():
        raise ApiError(400, f"{name} must be a whole number, got {value!r}")
    n = int(value)
    if not lo <= n <= hi:
        raise ApiError(400, f"{name} must be between {lo} and {hi}, got {n}")
    return n


def parse_cursor(value: str | None, name: str) -> int | None:
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > MAX_CURSOR_DIGITS:
        raise ApiError(
            400, f"{name} must be a cursor (a message's 'cursor' or a page's 'next'), got {value!r}"
        )
    return int(value)


def cursor(m: Message) -> str:
    return str(m.seq)


def parse_query(args: Mapping[str, list[str]]) -> MessageQuery:
    direction = _one(args, "direction")
    if direction is not None and direction not in ("mt", "mo"):
        raise ApiError(400, f"direction must be mt or mo, got {direction!r}")
    state = _one(args, "state")
    since = _one(args, "since")
    return MessageQuery(
        direction=None if direction is None else Direction(direction),
        source_addr=_one(args, "from"),
        destination_addr=_one(args, "to"),
        handset=_one(args, "handset"),
        account=_one(args, "account"),
        state=None if state is None else parse_state(state),
        text_contains=_one(args, "text"),
        since=None if since is None else parse_time(since, "since"),
        after=parse_cursor(_one(args, "after"), "after"),
    )


def parse_list_args(args: Mapping[str, list[str]]) -> tuple[MessageQuery, int, int]:
    """GET /api/v1/messages: (filter, limit, offset)."""
    _check_known(args, (*FILTER_PARAMS, "after", "before", "order", "limit", "offset"))
    order = _one(args, "order") or "oldest"
    if order not in ORDERS:
        raise ApiError(400, f"order must be oldest or newest, got {order!r}")
    query = replace(
        parse_query(args),
        before=parse_cursor(_one(args, "before"), "before"),
        newest_first=order == "newest",
    )
    limit = _int(_one(args, "limit"), "limit", DEFAULT_LIMIT, 0, MAX_LIMIT)
    offset = _int(_one(args, "offset"), "offset", 0, 0, MAX_OFFSET)
    return query, limit, offset


def parse_wait_args(args: Mapping[str, list[str]]) -> tuple[MessageQuery, float]:
    """GET /api/v1/messages/wait: (filter, timeout in seconds). The match is the oldest,
    after the cursor ``after`` when given."""
    _check_known(args, (*FILTER_PARAMS, "after", "timeout"))
    query = parse_query(args)
    return query, _number(_one(args, "timeout"), "timeout", DEFAULT_WAIT, 0.0, MAX_WAIT)


def parse_conversation_args(args: Mapping[str, list[str]]) -> tuple[int | None, str | None, int]:
    """GET /api/v1/conversations: (before cursor, handset search, limit)."""
    _check_known(args, ("before", "search", "limit"))
    before = parse_cursor(_one(args, "before"), "before")
    limit = _int(_one(args, "limit"), "limit", DEFAULT_CONVERSATIONS, 0, MAX_LIMIT)
    return before, _one(args, "search"), limit


def next_cursor(found: list[Message], limit: int) -> str | None:
    """A page's "next": the cursor to go on from, or None when the page was the last."""
    return cursor(found[-1]) if found and len(found) == limit else None


def decode_query_args(raw: Mapping[bytes, list[bytes]]) -> dict[str, list[str]]:
    try:
        return {k.decode(): [v.decode() for v in vs] for k, vs in raw.items()}
    except UnicodeDecodeError:
        raise ApiError(400, "query parameters must be UTF-8") from None


# -- MO ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MoRequest:
    source_addr: str
    destination_addr: str
    text: str
    data_coding: int | None = None
    method: SegmentMethod | None = None  # None: as the handset's carrier splits long MO
    account: str | None = None


MO_FIELDS = ("from", "to", "text", "data_coding", "segmentation", "account")


def parse_json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ApiError(400, f"body is not valid JSON: {e}") from None
    if not isinstance(data, dict):
        raise ApiError(400, "body must be a JSON object")
    return data


def parse_fault(body: bytes) -> Fault:
    """POST /api/v1/faults body: a fault as in a ``[[faults]]`` table of the config file."""
    # JSON has one kind of number: 2.0 is the integer 2 (a TOML file tells them apart).
    data = {
        k: int(v) if isinstance(v, float) and v.is_integer() else v
        for k, v in parse_json_object(body).items()
    }
    try:
        return fault_from_dict(data)
    except ConfigError as e:
        raise ApiError(422, str(e)) from None


def parse_fault_id(value: str) -> int:
    if not value.isdigit() or len(value) > 9:
        raise ApiError(404, f"no fault with id {value!r}")
    return int(value)


def parse_mo(body: bytes) -> MoRequest:
    """POST /api/v1/mo body: {"from", "to", "text"} and optional data_coding, segmentation,
    account."""
    data = parse_json_object(body)
    unknown = sorted(set(data) - set(MO_FIELDS))
    if unknown:
        raise ApiError(400, f"unknown field {unknown[0]!r}; known: {', '.join(MO_FIELDS)}")
    for name in ("from", "to", "text"):
        if name not in data:
            raise ApiError(400, f"missing field {name!r}")
        if not isinstance(data[name], str):
            raise ApiError(400, f"{name!r} must be a string")
    data_coding = data.get("data_coding")
    if isinstance(data_coding, float) and data_coding.is_integer():  # 8.0 is an integer in JSON
        data_coding = int(data_coding)
    if data_coding is not None and (
        isinstance(data_coding, bool) or not isinstance(data_coding, int)
    ):
        raise ApiError(400, "'data_coding' must be an integer 0-255")
    if data_coding is not None and not 0 <= data_coding <= 255:
        raise ApiError(400, f"'data_coding' must be 0-255, got {data_coding}")
    segmentation = data.get("segmentation")
    if segmentation is not None and (
        not isinstance(segmentation, str) or segmentation not in SEGMENTATION
    ):
        raise ApiError(
            400, f"'segmentation' must be one of {', '.join(SEGMENTATION)}, got {segmentation!r}"
        )
    account = data.get("account")
    if account is not None and not isinstance(account, str):
        raise ApiError(400, "'account' must be a string")
    return MoRequest(
        data["from"],
        data["to"],
        data["text"],
        data_coding,
        None if segmentation is None else SEGMENTATION[segmentation],
        account,
    )


# -- opt-outs ---------------------------------------------------------------------------

OPT_OUT_FIELDS = ("handset", "sender")


def _address(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise ApiError(400, f"{name!r} must be a string")
    digits = value.removeprefix("+")
    if not digits or len(digits) > MAX_ADDR or not digits.isascii() or not digits.isalnum():
        raise ApiError(
            400,
            f"{name!r} must be 1-{MAX_ADDR} ASCII letters or digits (a leading + is "
            f"dropped), got {value!r}",
        )
    return digits


def parse_opt_out(body: bytes) -> tuple[str, str]:
    """POST /api/v1/optouts body: {"handset", "sender"}."""
    data = parse_json_object(body)
    unknown = sorted(set(data) - set(OPT_OUT_FIELDS))
    if unknown:
        raise ApiError(400, f"unknown field {unknown[0]!r}; known: {', '.join(OPT_OUT_FIELDS)}")
    for name in OPT_OUT_FIELDS:
        if name not in data:
            raise ApiError(400, f"missing field {name!r}")
    return _address(data["handset"], "handset"), _address(data["sender"], "sender")


def parse_opt_out_args(args: Mapping[str, list[str]]) -> tuple[str | None, str | None]:
    """DELETE /api/v1/optouts: (handset, sender), each None when not given: both name one
    pair, one names every pair of that number, neither every pair."""
    _check_known(args, OPT_OUT_FIELDS)
    handset, sender = _one(args, "handset"), _one(args, "sender")
    return (
        None if handset is None else _address(handset, "handset"),
        None if sender is None else _address(sender, "sender"),
    )


def opt_out_json(handset: str, sender: str) -> dict[str, str]:
    return {"handset": handset, "sender": sender}


DEFAULT_METRICS_WINDOW = 3600.0
METRICS_ARGS = ("window", "number", "account")


@dataclass(frozen=True, slots=True)
class MetricsQuery:
    window: float
    number: str | None
    account: str | None


def parse_metrics_args(args: Mapping[str, list[str]]) -> MetricsQuery:
    """GET /api/v1/metrics/conversations: the window, and the number and the account to
    keep in each list."""
    _check_known(args, METRICS_ARGS)
    number = _one(args, "number")
    window = _number(_one(args, "window"), "window", DEFAULT_METRICS_WINDOW, 1.0, MAX_WINDOW)
    return MetricsQuery(
        window, None if number is None else _address(number, "number"), _one(args, "account")
    )


def conversation_stats_json(stats: ConversationStats) -> dict[str, object]:
    times = stats.response_times
    return {
        "mt": stats.mt,
        "mo": stats.mo,
        "handsets_messaged": stats.handsets_messaged,
        "handsets_replied": stats.handsets_replied,
        "reply_rate": stats.reply_rate,
        "opt_outs": stats.opt_outs,
        "opt_out_rate": stats.opt_out_rate,
        "mo_unanswered": stats.mo_unanswered,
        "response_time": {
            "answered": len(times),
            "p50": stats.percentile(50),
            "p95": stats.percentile(95),
            "max": times[-1] if times else None,
        },
    }


def conversation_metrics_json(
    query: MetricsQuery,
    now: float,
    numbers: Mapping[str, ConversationStats],
    accounts: Mapping[str, ConversationStats],
    configured: Mapping[str, NumberConfig],
) -> dict[str, object]:
    """Per number (with its type and cap, when it is one of [[numbers]]) and per account."""

    def number_json(n: str, stats: ConversationStats) -> dict[str, object]:
        cfg = configured.get(n)
        cap = cfg.cap if cfg is not None else None
        return {
            "number": n,
            "type": cfg.type.value if cfg is not None and cfg.type is not None else None,
            "throughput": cap[0] if cap else None,
            "over_throughput": cap[1].value if cap else None,
            **conversation_stats_json(stats),
        }

    return {
        "window": query.window,
        "since": now - query.window,
        "until": now,
        "numbers": [
            number_json(n, stats)
            for n, stats in sorted(numbers.items())
            if query.number in (None, n)
        ],
        "accounts": [
            {"account": a, **conversation_stats_json(stats)}
            for a, stats in sorted(accounts.items())
            if query.account in (None, a)
        ],
    }


SCRIPT_FILTERS = ("handset", "number", "script")


def parse_script_args(args: Mapping[str, list[str]]) -> dict[str, str | None]:
    """GET /api/v1/scripts: the filters given (handset and number as E.164 digits)."""
    _check_known(args, SCRIPT_FILTERS)
    handset, number = _one(args, "handset"), _one(args, "number")
    return {
        "handset": None if handset is None else _address(handset, "handset"),
        "number": None if number is None else _address(number, "number"),
        "script": _one(args, "script"),
    }


def script_run_json(run: ScriptRun) -> dict[str, object]:
    return {
        "script": run.script,
        "handset": run.handset,
        "number": run.number,
        "state": run.state,
        "status": run.status.value,
        "started": run.started,
        "updated": run.updated,
        "steps": [
            {
                "time": step.time,
                "mt": step.mt,
                "state": step.state,
                "event": step.event.value,
                "reply": step.reply,
                "next_state": step.next_state,
            }
            for step in run.steps
        ],
    }


def parse_switch(body: bytes, name: str) -> bool:
    """The body of a PUT that throws a switch: ``{name: true|false}`` (a carrier's outage
    "down", a handset's "absent")."""
    data = parse_json_object(body)
    unknown = sorted(set(data) - {name})
    if unknown:
        raise ApiError(400, f"unknown field {unknown[0]!r}; known: {name}")
    if name not in data:
        raise ApiError(400, f"missing field {name!r}")
    if not isinstance(data[name], bool):
        raise ApiError(400, f"{name!r} must be true or false, got {json.dumps(data[name])}")
    return bool(data[name])


# -- views ------------------------------------------------------------------------------


def message_json(m: Message) -> dict[str, object]:
    return {
        "id": m.message_id,
        "direction": m.direction.value,
        "account": m.account,
        "from": m.source_addr,
        "to": m.destination_addr,
        "text": m.text,
        "state": MessageState(m.state).name,
        "error_code": m.error_code,
        "data_coding": m.data_coding,
        "esm_class": m.esm_class,
        "registered_delivery": m.registered_delivery,
        "submit_time": m.submit_time,
        "done_time": m.done_time,
        "part_number": m.part_number,
        "part_total": m.part_total,
        "concat_ref": m.concat_ref,
        "cursor": cursor(m),
    }


def conversation_json(last: Message) -> dict[str, object]:
    return {"handset": handset_of(last), "last": message_json(last)}


def message_parts(store: Store, m: Message) -> list[Message]:
    """The parts of ``m``'s long message that the store holds, by part number (``m`` alone
    for a single-part message). References repeat after they wrap, so for each part number
    the part nearest in time to ``m`` wins."""
    if m.concat_ref is None or m.part_total <= 1:
        return [m]
    candidates = store.find_messages(
        direction=m.direction,
        account=m.account,
        source_addr=m.source_addr,
        destination_addr=m.destination_addr,
        since=m.submit_time - PART_WINDOW,
        limit=MAX_LIMIT,
    )
    best: dict[int, Message] = {m.part_number: m}
    for c in candidates:
        if c.concat_ref != m.concat_ref or c.part_total != m.part_total:
            continue
        if c.submit_time > m.submit_time + PART_WINDOW:
            continue
        held = best.get(c.part_number)
        if held is None or abs(c.submit_time - m.submit_time) < abs(
            held.submit_time - m.submit_time
        ):
            best[c.part_number] = c
    return [best[n] for n in sorted(best)]


def message_detail(store: Store, m: Message) -> dict[str, object]:
    """GET /api/v1/messages/{id}: the message, its long message's text and parts, the
    state history and the receipts queued for the ESME."""
    parts = message_parts(store, m)
    complete = len(parts) == m.part_total
    texts = [p.text for p in parts]
    history = store.state_history(m.message_id)
    receipts: list[dict[str, object]] = []
    if m.direction is Direction.MT:
        if intermediate_wanted(m.registered_delivery):
            receipts.append(
                {"state": MessageState.ENROUTE.name, "time": m.submit_time, "intermediate": True}
            )
        for change in history[1:]:
            state = MessageState(change.state)
            if state.is_final and receipt_wanted(m.registered_delivery, state):
                receipts.append({"state": state.name, "time": change.time, "intermediate": False})
    view = message_json(m)
    if complete and len(parts) > 1 and None not in texts:
        view["text"] = "".join(t for t in texts if t is not None)  # the reassembled text
    view.update(
        complete=complete,
        parts=[
            {
                "id": p.message_id,
                "part_number": p.part_number,
                "state": MessageState(p.state).name,
                "text": p.text,
                "short_message_hex": p.short_message.hex(),
                # The whole PDU that carried the part: as received for MT, as we send it
                # for MO (its sequence_number is set per delivery attempt).
                "pdu_hex": p.raw_pdu.hex(),
                "pdu": pdu_json(p.raw_pdu),
                "tlvs": {k: _jsonable(v) for k, v in p.tlvs.items()},
            }
            for p in parts
        ],
        history=[
            {"state": MessageState(h.state).name, "time": h.time, "error_code": h.error_code}
            for h in history
        ],
        receipts=receipts,
    )
    return view


def _jsonable(value: object) -> object:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def bind_json(c: Connection) -> dict[str, object]:
    return {
        "connection": c.id,
        "system_id": c.system_id,
        "state": c.session.state.value,
        "peer": c.peer,
        "outstanding": c.session.outstanding,
        "inbound_pending": c.session.inbound_pending,
    }


def carrier_json(c: Carrier, down: bool) -> dict[str, object]:
    """GET /api/v1/carriers: one carrier as configured (latency with the config's keys),
    and whether it is down now."""
    cfg = c.config
    lat = cfg.latency
    latency: dict[str, object]
    if isinstance(lat, FixedLatency):
        latency = {"kind": "fixed", "seconds": lat.seconds}
    elif isinstance(lat, UniformLatency):
        latency = {"kind": "uniform", "min": lat.low, "max": lat.high}
    else:
        latency = {"kind": "lognormal", "median": lat.median, "sigma": lat.sigma, "max": lat.cap}
    return {
        "name": c.name,
        "country": cfg.country,
        "mcc": cfg.mcc,
        "mnc": cfg.mnc,
        "prefixes": list(cfg.prefixes),
        "latency": latency,
        "throughput": cfg.throughput,
        "over_throughput": cfg.over_throughput.value,
        "down": down,
        "outage_mode": cfg.outage.mode.value,
    }
