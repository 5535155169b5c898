"""Numbers, keyword routing on shared short codes, and the STOP/START/HELP/JOIN flows."""

from __future__ import annotations

import tomllib

import pytest

from carriers.config import CarriersConfig, OptedOutMode
from carriers.keywords import Action, Compliance, MemoryOptOuts, OptOuts, Reply, plan_mo
from carriers.numbers import Numbers, Route
from pdu.enums import CommandStatus
from smsc.config import carriers_from_dict

NOW = 1_700_000_000.0
HANDSET = "447700900123"

PLAN = """
[compliance]
help_reply = "Global help"

[[numbers]]
number = "12345"
account = "acme"
[numbers.compliance]
stop_reply = "Acme: unsubscribed"
start_reply = "Acme: welcome back"
help_reply = "Acme help: call 0800"

[[numbers]]
number = "+447700100200"
account = "acme"

[[numbers]]
number = "55555"
account = "shared-default"
unknown_reply = "Sorry, unknown keyword. Text HELP for help."
[[numbers.keywords]]
keyword = "REPAIR"
account = "repairco"
[[numbers.keywords]]
keyword = "repair bath"
account = "plumbco"
reply = "A plumber will call you"
[[numbers.keywords]]
keyword = "PIZZA"
account = "pizzaco"

[[numbers]]
number = "66666"
[[numbers.keywords]]
keyword = "VOTE"
account = "tv"

[[numbers]]
number = "77777"
account = "club"
[numbers.compliance]
opt_in = "double"
require_opt_in = true
confirm_prompt = "Reply YES to join the club"
join_reply = "Welcome to the club"
confirm_window = 600
opted_out = "reject"
opted_out_status = "ESME_RINVDSTADR"

[[numbers]]
number = "88888"
account = "news"
[numbers.compliance]
opt_in = "single"
forward = false
"""


def numbers() -> Numbers:
    return Numbers(carriers_from_dict(tomllib.loads(PLAN)))


@pytest.mark.parametrize(
    ("text", "account", "keyword", "reply"),
    [
        ("REPAIR", "repairco", "REPAIR", None),
        ("repair my sink please", "repairco", "REPAIR", None),
        ("Repair  Bath leaking", "plumbco", "REPAIR BATH", "A plumber will call you"),
        ("repair bath", "plumbco", "REPAIR BATH", "A plumber will call you"),
        ("pizza! large pepperoni", "pizzaco", "PIZZA", None),
        ("  Pizza", "pizzaco", "PIZZA", None),
        ("bath repair", "shared-default", None, "Sorry, unknown keyword. Text HELP for help."),
        ("PIZZAS", "shared-default", None, "Sorry, unknown keyword. Text HELP for help."),
        ("", "shared-default", None, "Sorry, unknown keyword. Text HELP for help."),
    ],
)
def test_shared_short_code_routes_by_longest_keyword(
    text: str, account: str, keyword: str | None, reply: str | None
) -> None:
    route = numbers().route_mo("55555", text)
    assert route.account == account
    assert route.keyword == keyword
    assert route.auto_reply == reply
    assert route.delivered


def test_shared_code_without_default_route_drops_unknown_keywords() -> None:
    n = numbers()
    assert n.route_mo("66666", "vote 3").account == "tv"
    route = n.route_mo("66666", "hello")
    assert route.account is None
    assert not route.delivered


def test_dedicated_numbers_and_development_routing() -> None:
    n = numbers()
    assert n.route_mo("12345", "anything at all") == Route("acme", number=n.get("12345"))
    assert n.route_mo("+447700100200", "hi").account == "acme"
    assert n.owner_of("447700100200") == "acme"
    assert n.owner_of("55555") == "shared-default"
    assert n.owner_of("99999") is None
    dev = n.route_mo("99999", "hi")
    assert dev == Route(None)
    assert dev.delivered  # any receiver bind
    assert Numbers().route_mo("12345", "hi") == Route(None)


def compliance() -> Compliance:
    return Compliance(numbers())


@pytest.mark.parametrize(
    "word", ["STOP", "stop", "Stop.", " STOPALL ", "unsubscribe", "Cancel", "END", "quit!"]
)
def test_stop_words_opt_out_and_confirm(word: str) -> None:
    c = compliance()
    result = c.handle_mo(HANDSET, "12345", word, NOW)
    assert result.action is Action.STOP
    assert result.replies == (Reply("12345", HANDSET, "Acme: unsubscribed"),)
    assert result.forward  # the owner still sees the STOP
    assert result.opted_out
    assert not c.mt_allowed("12345", HANDSET)
    assert c.mt_allowed("12345", "447700900999")  # other handsets unaffected
    assert c.mt_allowed("447700100200", HANDSET)  # other senders unaffected
    assert c.opt_outs.list() == [(HANDSET, "12345")]


def test_stop_inside_a_sentence_is_an_ordinary_message() -> None:
    c = compliance()
    result = c.handle_mo(HANDSET, "12345", "please stop calling me", NOW)
    assert result.action is None
    assert result.replies == ()
    assert c.mt_allowed("12345", HANDSET)


@pytest.mark.parametrize("word", ["START", "unstop", "Yes"])
def test_start_opts_back_in(word: str) -> None:
    c = compliance()
    c.handle_mo(HANDSET, "12345", "STOP", NOW)
    result = c.handle_mo(HANDSET, "12345", word, NOW + 1)
    assert result.action is Action.START
    assert result.replies == (Reply("12345", HANDSET, "Acme: welcome back"),)
    assert result.opted_in
    assert c.mt_allowed("12345", HANDSET)


def test_yes_without_anything_to_confirm_is_for_the_owner() -> None:
    result = compliance().handle_mo(HANDSET, "12345", "YES", NOW)
    assert result.action is None
    assert result.forward
    assert result.replies == ()


def test_help_texts_per_number_and_global() -> None:
    c = compliance()
    assert c.handle_mo(HANDSET, "12345", "help", NOW).replies == (
        Reply("12345", HANDSET, "Acme help: call 0800"),
    )
    info = c.handle_mo(HANDSET, "447700100200", "INFO", NOW)
    assert info.action is Action.HELP
    assert info.replies == (Reply("447700100200", HANDSET, "Global help"),)
    # an unconfigured number (development routing) gets the global texts too
    assert c.handle_mo(HANDSET, "99999", "HELP", NOW).replies[0].text == "Global help"


def test_double_opt_in() -> None:
    c = compliance()
    assert not c.mt_allowed("77777", HANDSET)  # require_opt_in: nobody joined yet
    assert c.mt_refusal("77777", HANDSET) == (
        OptedOutMode.REJECT,
        CommandStatus.ESME_RINVDSTADR,
        13,
    )
    asked = c.handle_mo(HANDSET, "77777", "JOIN", NOW)
    assert asked.action is Action.CONFIRM_REQUESTED
    assert asked.replies == (Reply("77777", HANDSET, "Reply YES to join the club"),)
    assert not c.mt_allowed("77777", HANDSET)  # not before the YES
    confirmed = c.handle_mo(HANDSET, "77777", "yes", NOW + 60)
    assert confirmed.action is Action.CONFIRMED
    assert confirmed.subscribed
    assert confirmed.replies == (Reply("77777", HANDSET, "Welcome to the club"),)
    assert c.mt_allowed("77777", HANDSET)
    assert c.mt_refusal("77777", HANDSET) is None
    # STOP ends the subscription as well
    c.handle_mo(HANDSET, "77777", "STOP", NOW + 120)
    assert not c.mt_allowed("77777", HANDSET)
    assert c.subscriptions.list() == []


def test_double_opt_in_yes_too_late() -> None:
    c = compliance()
    c.handle_mo(HANDSET, "77777", "JOIN", NOW)
    late = c.handle_mo(HANDSET, "77777", "YES", NOW + 601)
    assert late.action is None
    assert not c.mt_allowed("77777", HANDSET)


def test_expire_pending_forgets_old_confirmations() -> None:
    c = compliance()
    c.handle_mo(HANDSET, "77777", "JOIN", NOW)
    c.expire_pending(NOW + 601)
    assert c.handle_mo(HANDSET, "77777", "YES", NOW + 300).action is None


def test_single_opt_in_and_not_forwarded() -> None:
    c = compliance()
    joined = c.handle_mo(HANDSET, "88888", "join", NOW)
    assert joined.action is Action.JOIN
    assert joined.subscribed
    assert not joined.forward  # this number's network answers compliance words itself
    assert c.subscriptions.contains(HANDSET, "88888")
    # JOIN means nothing to a number without opt-in
    assert c.handle_mo(HANDSET, "12345", "JOIN", NOW).action is None


def test_opt_outs_are_pluggable() -> None:
    store: OptOuts = MemoryOptOuts([(HANDSET, "12345")])
    c = Compliance(numbers(), opt_outs=store)
    assert not c.mt_allowed("12345", HANDSET)
    c.handle_mo(HANDSET, "12345", "START", NOW)
    assert store.list() == []


def test_plan_mo_combines_compliance_and_routing() -> None:
    c = compliance()
    stop = plan_mo(c, HANDSET, "55555", "STOP", NOW)
    assert stop.forward
    assert stop.account == "shared-default"
    assert [r.text for r in stop.replies] == [CarriersConfig().compliance.stop_reply]
    bath = plan_mo(c, HANDSET, "55555", "repair bath now", NOW)
    assert (bath.forward, bath.account) == (True, "plumbco")
    assert bath.replies == (Reply("55555", HANDSET, "A plumber will call you"),)
    dropped = plan_mo(c, HANDSET, "66666", "hello", NOW)
    assert not dropped.forward
    dev = plan_mo(c, HANDSET, "99999", "hello", NOW)
    assert (dev.forward, dev.account, dev.replies) == (True, None, ())
    quiet = plan_mo(c, HANDSET, "88888", "HELP", NOW)
    assert not quiet.forward
    assert quiet.replies[0].text == "Global help"


def test_network_refuses_mt_after_stop() -> None:
    import random

    from carriers.network import Network
    from pdu.enums import MessageState
    from smsc.model import Direction, Message

    c = compliance()
    net = Network(compliance=c, default_delay=1.0)

    def mt(source: str) -> Message:
        return Message("1", Direction.MT, "acme", 0, 0, source, 1, 1, HANDSET, 0, 0, 1, b"x", NOW)

    rng = random.Random(1)
    assert net.outcome(mt("12345"), NOW, rng).state is MessageState.DELIVERED
    c.handle_mo(HANDSET, "12345", "STOP", NOW)
    refused = net.outcome(mt("12345"), NOW, rng)
    assert (refused.state, refused.error_code, refused.reject_status) == (
        MessageState.REJECTED,
        13,  # MAP call barred: the default opted_out_error
        0,
    )
    # a require_opt_in number with opted_out = "reject": refused at submit
    assert net.outcome(mt("77777"), NOW, rng).reject_status == CommandStatus.ESME_RINVDSTADR
