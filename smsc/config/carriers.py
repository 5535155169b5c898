"""Reading the carriers' tables: ``[[carriers]]``, ``[compliance]``, ``[[numbers]]``,
``[[handset_rules]]``, ``[[handset_scripts]]`` and ``[handsets]`` into the records of
``carriers.config``
(docs/carriers.md, docs/example-carriers.toml)."""

from __future__ import annotations

import re
from collections.abc import Callable

from carriers.config import (
    DELIVER_ALL,
    MAP_SYSTEM_FAILURE,
    STAT_STATES,
    AbsentHandsets,
    AbsentMode,
    CarrierConfig,
    CarriersConfig,
    ComplianceConfig,
    FixedLatency,
    HandsetRule,
    HandsetScript,
    HandsetSettings,
    KeywordRoute,
    Latency,
    LognormalLatency,
    NumberConfig,
    NumberType,
    OptedOutMode,
    OptInMode,
    OutageConfig,
    OutageMode,
    OutcomeWeight,
    OverThroughput,
    ScriptRule,
    ScriptState,
    UniformLatency,
    UnknownMode,
    UnknownNumbers,
    WeightedReply,
)
from pdu.enums import MessageState
from pdu.segment import SegmentMethod

from .tables import Table
from .values import (
    array,
    boolean,
    choice,
    e164,
    enum,
    error_status,
    integer,
    keyword,
    number_pattern,
    positive,
    rate,
    refuse,
    seconds,
    share,
    system_id,
    text,
    word,
)

__all__ = ["read_carriers"]

MAX_ERROR_CODE = 255  # err: is three digits and query_sm_resp's error_code one octet
MAX_NAME = 64

STAT_NAMES = {state: name for name, state in STAT_STATES.items()}
SEGMENTATION = {
    "udh": SegmentMethod.UDH_8BIT_REF,
    "udh16": SegmentMethod.UDH_16BIT_REF,
    "sar": SegmentMethod.SAR,
}

name = text(MAX_NAME)
free_text = text()  # a reply, a match: up to MAX_TEXT
stat = choice(STAT_STATES)
patterns = array(number_pattern)
prefixes = array(e164, empty="must list at least one prefix (omit it for a catch-all)")
keywords = array(word, empty="must list at least one keyword")
retries = integer(0, 1000)


# A GSM MAP error code (3GPP TS 29.002), shown in a receipt's err: field.
error_code = integer(0, MAX_ERROR_CODE, f"must be an integer 0-{MAX_ERROR_CODE}")


def error_codes(value: object) -> tuple[int, ...]:
    """One error code, or an array of them (one is drawn per message)."""
    if isinstance(value, list) and value:
        return array(error_code)(value)
    if isinstance(value, list | str | dict | float):
        raise refuse("must be an error code or a non-empty array of them", value)
    return (error_code(value),)


def digit_code(*lengths: int) -> Callable[[object], str]:
    """A code of digits kept as written ("015"): an MCC, an MNC."""
    wanted = f"must be a string of {' or '.join(map(str, lengths))} digits"

    def parse(value: object) -> str:
        if not (isinstance(value, str) and value.isascii() and value.isdigit()) or (
            len(value) not in lengths
        ):
            raise refuse(wanted, value)
        return value

    return parse


def regex(value: object) -> re.Pattern[str]:
    pattern = free_text(value)
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise refuse(f"must be a valid regular expression ({exc})", value) from None


# -- latency ------------------------------------------------------------------------------------


def _fixed(t: Table) -> Latency:
    return FixedLatency(t.require("seconds", seconds, 0.0))


def _uniform(t: Table) -> Latency:
    low = t.require("min", seconds, 0.0)
    high = t.require("max", seconds, 0.0)
    if t.valid("min", "max") and high < low:
        t.problem("max", f"must not be below {t.key('min')} ({low:g}), got {high:g}")
    return UniformLatency(low, high)


def _lognormal(t: Table) -> Latency:
    median = t.require("median", positive, 1.0)
    sigma = t.require("sigma", positive, 1.0)
    cap = t.get("max", positive, None)
    if t.valid("median", "max") and cap is not None and cap < median:
        t.problem("max", f"must not be below {t.key('median')} ({median:g}), got {cap:g}")
    return LognormalLatency(median, sigma, cap)


LatencyReader = Callable[[Table], Latency]
LATENCIES: dict[str, LatencyReader] = {
    "fixed": _fixed,
    "uniform": _uniform,
    "lognormal": _lognormal,
}


latency_kind = choice(LATENCIES)
NO_LATENCY: LatencyReader = _fixed  # stands in for a bad kind
REPLY_DELAY: Latency = FixedLatency(5.0)  # a handset rule's default


def read_latency(t: Table) -> Latency:
    kind = t.require("kind", latency_kind, NO_LATENCY)
    if not t.valid("kind"):
        t.give_up()  # the other keys depend on the kind
    return kind(t)


# -- carriers -----------------------------------------------------------------------------------


def read_outcome(t: Table) -> OutcomeWeight:
    state = t.require("state", stat, MessageState.DELIVERED)
    default_err = (0,) if state is MessageState.DELIVERED else (MAP_SYSTEM_FAILURE,)
    return OutcomeWeight(
        state=state,
        weight=t.require("weight", seconds, 0.0),
        error_codes=t.get("err", error_codes, default_err),
    )


def _outcomes(t: Table) -> tuple[OutcomeWeight, ...]:
    items = t.array("outcomes", read_outcome)
    t.unique("outcomes", items, "state", lambda o: STAT_NAMES[o.state])
    if not t.has("outcomes"):
        return DELIVER_ALL
    if t.valid("outcomes"):
        if not items:
            t.problem("outcomes", "must list at least one outcome")
        elif not any(o.weight > 0 for o in items.values()):
            t.problem("outcomes", "at least one weight must be above 0")
    return tuple(items.values())


def read_absent(t: Table) -> AbsentHandsets:
    d = AbsentHandsets()
    return AbsentHandsets(
        numbers=t.get("numbers", patterns, d.numbers),
        share=t.get("share", share, d.share),
        mode=t.get("mode", enum(AbsentMode), d.mode),
        retries=t.get("retries", retries, d.retries),
        retry_interval=t.get("retry_interval", positive, d.retry_interval),
        error_code=t.get("err", error_code, d.error_code),
    )


def read_unknown(t: Table) -> UnknownNumbers:
    d = UnknownNumbers()
    return UnknownNumbers(
        numbers=t.get("numbers", patterns, d.numbers),
        share=t.get("share", share, d.share),
        mode=t.get("mode", enum(UnknownMode), d.mode),
        reject_status=t.get("reject_status", error_status, d.reject_status),
        error_code=t.get("err", error_code, d.error_code),
    )


def read_outage(t: Table) -> OutageConfig:
    d = OutageConfig()
    return OutageConfig(
        down=t.get("down", boolean, d.down),
        mode=t.get("mode", enum(OutageMode), d.mode),
        reject_status=t.get("reject_status", error_status, d.reject_status),
        error_code=t.get("err", error_code, d.error_code),
    )


def read_carrier(t: Table) -> CarrierConfig:
    d = CarrierConfig(name="")
    return CarrierConfig(
        name=t.require("name", name, ""),
        prefixes=t.get("prefixes", prefixes, d.prefixes),
        country=t.get("country", text(2), d.country),
        mcc=t.get("mcc", digit_code(3), d.mcc),
        mnc=t.get("mnc", digit_code(2, 3), d.mnc),
        outcomes=_outcomes(t),
        latency=t.table("latency", read_latency, d.latency),
        throughput=t.get("throughput", positive, d.throughput),
        over_throughput=t.get("over_throughput", enum(OverThroughput), d.over_throughput),
        absent=t.table("absent", read_absent, d.absent),
        unknown=t.table("unknown", read_unknown, d.unknown),
        outage=t.table("outage", read_outage, d.outage),
        mo_segmentation=t.get("mo_segmentation", choice(SEGMENTATION), d.mo_segmentation),
    )


def _carriers(t: Table) -> tuple[CarrierConfig, ...]:
    carriers = t.array("carriers", read_carrier)
    t.unique("carriers", carriers, "name", lambda c: c.name)
    catch_all: int | None = None
    owner: dict[str, int] = {}
    for i, c in carriers.items():
        if not c.prefixes:
            if catch_all is not None:
                t.problem(
                    f"carriers[{i}].prefixes",
                    f"is required: carriers[{catch_all}] is already the catch-all (no prefixes)",
                )
            catch_all = i
        for j, p in enumerate(c.prefixes):
            if p in owner:
                where = f"carriers[{owner[p]}]"
                t.problem(f"carriers[{i}].prefixes[{j}]", f"{p} already belongs to {where}")
            else:
                owner[p] = i
    return tuple(carriers.values())


# -- numbers, keywords, compliance ------------------------------------------------------------

KEYWORD_GROUPS = ("stop", "start", "yes", "help", "join")


def compliance_reader(base: ComplianceConfig) -> Callable[[Table], ComplianceConfig]:
    """Reads a ``[compliance]`` table over ``base``: what it does not set stays as in base."""

    def read(t: Table) -> ComplianceConfig:
        b = base
        result = ComplianceConfig(
            stop_keywords=t.get("stop_keywords", keywords, b.stop_keywords),
            start_keywords=t.get("start_keywords", keywords, b.start_keywords),
            yes_keywords=t.get("yes_keywords", keywords, b.yes_keywords),
            help_keywords=t.get("help_keywords", keywords, b.help_keywords),
            join_keywords=t.get("join_keywords", keywords, b.join_keywords),
            stop_reply=t.get("stop_reply", free_text, b.stop_reply),
            start_reply=t.get("start_reply", free_text, b.start_reply),
            help_reply=t.get("help_reply", free_text, b.help_reply),
            opt_in=t.get("opt_in", enum(OptInMode), b.opt_in),
            require_opt_in=t.get("require_opt_in", boolean, b.require_opt_in),
            join_reply=t.get("join_reply", free_text, b.join_reply),
            confirm_prompt=t.get("confirm_prompt", free_text, b.confirm_prompt),
            confirm_window=t.get("confirm_window", positive, b.confirm_window),
            forward=t.get("forward", boolean, b.forward),
            opted_out=t.get("opted_out", enum(OptedOutMode), b.opted_out),
            opted_out_status=t.get("opted_out_status", error_status, b.opted_out_status),
            opted_out_error=t.get("opted_out_error", error_code, b.opted_out_error),
        )
        owner: dict[str, str] = {}
        for group in KEYWORD_GROUPS:
            key = f"{group}_keywords"
            for w in getattr(result, key):
                if w in owner and owner[w] != key and t.valid(key, owner[w]):
                    t.problem(key, f"{w} is also in {t.key(owner[w])}")
                owner.setdefault(w, key)
        if (
            t.valid("require_opt_in", "opt_in")
            and result.require_opt_in
            and result.opt_in is OptInMode.NONE
        ):
            t.problem("require_opt_in", 'needs opt_in = "single" or "double"')
        return result

    return read


def read_keyword_route(t: Table) -> KeywordRoute:
    return KeywordRoute(
        keyword=t.require("keyword", keyword, ""),
        account=t.require("account", system_id, ""),
        reply=t.get("reply", free_text, None),
    )


def number_reader(base: ComplianceConfig) -> Callable[[Table], NumberConfig]:
    """Reads a ``[[numbers]]`` entry; its ``[numbers.compliance]`` is read over ``base``."""

    def read(t: Table) -> NumberConfig:
        routes = t.array("keywords", read_keyword_route)
        t.unique("keywords", routes, "keyword", lambda r: r.keyword)
        number = NumberConfig(
            number=t.require("number", e164, ""),
            account=t.get("account", system_id, None),
            keywords=tuple(routes.values()),
            unknown_reply=t.get("unknown_reply", free_text, None),
            compliance=t.table("compliance", compliance_reader(base), base),
            type=t.get("type", enum(NumberType), None),
            throughput=t.get("throughput", rate, None),
            over_throughput=t.get("over_throughput", enum(OverThroughput), None),
        )
        if not routes and t.valid("keywords"):
            if not t.has("account"):
                t.problem("account", "is required for a number without [[numbers.keywords]]")
            if t.has("unknown_reply"):
                t.problem("unknown_reply", "only applies to a number with [[numbers.keywords]]")
        return number

    return read


# -- handsets -------------------------------------------------------------------------------------


def read_weighted_reply(t: Table) -> WeightedReply:
    return WeightedReply(
        text=t.require("text", free_text, ""), weight=t.require("weight", seconds, 0.0)
    )


def _replies(t: Table) -> tuple[WeightedReply, ...]:
    """``reply`` (one answer) or ``[[...replies]]`` (answers drawn by weight): one of them."""
    if t.has("reply") == t.has("replies"):
        t.problem(
            "reply",
            'exactly one of "reply" (one answer) or "replies" (drawn by weight) is required',
        )
    reply = t.get("reply", free_text, None)
    items = t.array("replies", read_weighted_reply)
    if t.has("replies") and t.valid("replies"):
        if not items:
            t.problem("replies", "must list at least one reply")
        elif not any(r.weight > 0 for r in items.values()):
            t.problem("replies", "at least one weight must be above 0")
    if reply is not None:
        return (WeightedReply(reply),)
    return tuple(items.values())


def _text_match(t: Table) -> tuple[str | None, re.Pattern[str] | None]:
    if t.has("match") == t.has("regex"):
        t.problem("match", 'exactly one of "match" (a substring) or "regex" is required')
    return t.get("match", free_text, None), t.get("regex", regex, None)


def read_handset_rule(t: Table) -> HandsetRule:
    substring, pattern = _text_match(t)
    return HandsetRule(
        name=t.require("name", name, ""),
        replies=_replies(t),
        substring=substring,
        regex=pattern,
        probability=t.get("probability", share, 1.0),
        delay=t.table("delay", read_latency, REPLY_DELAY),
        handsets=t.get("handsets", patterns, None),
        fallthrough=t.get("fallthrough", boolean, False),
    )


def read_script_rule(t: Table) -> ScriptRule:
    substring, pattern = _text_match(t)
    return ScriptRule(
        replies=_replies(t),
        substring=substring,
        regex=pattern,
        next=t.get("next", name, None),
        probability=t.get("probability", share, 1.0),
        delay=t.table("delay", read_latency, None),
    )


def read_script_state(t: Table) -> ScriptState:
    return ScriptState(
        name=t.require("name", name, ""),
        rules=tuple(t.array("rules", read_script_rule).values()),
        quiet=t.get("quiet", share, 0.0),
        stop=t.get("stop", share, 0.0),
    )


def read_handset_script(t: Table) -> HandsetScript:
    states = t.array("states", read_script_state)
    t.unique("states", states, "name", lambda s: s.name)
    if t.valid("states"):
        if not states:
            t.problem(
                "states",
                "must list at least one state ([[handset_scripts.states]]; the first is where "
                "a conversation starts)",
            )
        known = list(dict.fromkeys(s.name for s in states.values()))
        for i, state in states.items():
            for j, rule in enumerate(state.rules):
                if rule.next is not None and rule.next not in known:
                    t.problem(
                        f"states[{i}].rules[{j}].next",
                        f"must name a state of this script ({', '.join(known)}), got {rule.next!r}",
                    )
    return HandsetScript(
        name=t.require("name", name, ""),
        states=tuple(states.values()),
        handsets=t.get("handsets", patterns, None),
        numbers=t.get("numbers", patterns, None),
        delay=t.table("delay", read_latency, REPLY_DELAY),
        stop_text=t.get("stop_text", free_text, "STOP"),
    )


def read_handsets(t: Table) -> HandsetSettings:
    d = HandsetSettings()
    return HandsetSettings(
        missing_part=t.get("missing_part", share, d.missing_part),
        duplicate_part=t.get("duplicate_part", share, d.duplicate_part),
        out_of_order=t.get("out_of_order", share, d.out_of_order),
        part_gap=t.get("part_gap", seconds, d.part_gap),
    )


def read_carriers(t: Table) -> CarriersConfig:
    """The carriers' keys of the document's top-level table ``t``."""
    carriers = _carriers(t)
    compliance = t.table("compliance", compliance_reader(ComplianceConfig()), ComplianceConfig())
    numbers = t.array("numbers", number_reader(compliance))
    t.unique("numbers", numbers, "number", lambda n: n.number, show=str)
    rules = t.array("handset_rules", read_handset_rule)
    t.unique("handset_rules", rules, "name", lambda r: r.name)
    scripts = t.array("handset_scripts", read_handset_script)
    t.unique("handset_scripts", scripts, "name", lambda s: s.name)
    return CarriersConfig(
        carriers=carriers,
        numbers=tuple(numbers.values()),
        compliance=compliance,
        handset_rules=tuple(rules.values()),
        handset_scripts=tuple(scripts.values()),
        handsets=t.table("handsets", read_handsets, HandsetSettings()),
    )
