"""Config: zero-config defaults, the example file, and errors that name the file and key."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from pdu.enums import CommandStatus
from smsc.config import (
    AccountConfig,
    BindType,
    ConfigError,
    MessageIdFormat,
    ReceiptPdu,
    ReceiptPer,
    ServerConfig,
    StoreKind,
    Timers,
    apply_overrides,
    load_document,
)
from smsc.retention import Retention

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "example-config.toml"

ACCOUNT = '[[accounts]]\nsystem_id = "a"\npassword = "p"\n'


def load_config(path: Path) -> ServerConfig:
    return load_document(path).server


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "smsc.toml"
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str) -> ConfigError:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    return info.value


# -- defaults --------------------------------------------------------------------------------


def test_defaults_are_development_mode_on_loopback() -> None:
    c = ServerConfig()
    assert (c.smpp_host, c.smpp_port) == ("127.0.0.1", 2775)
    assert (c.http_host, c.http_port) == ("127.0.0.1", 8025)
    assert c.store is StoreKind.SQLITE
    assert c.data_dir == Path("smsc-data")
    assert c.system_id == "smsc"
    assert c.max_command_length == 70_000
    assert c.accounts == ()
    assert c.development_mode
    assert c.seed is None


def test_account_defaults() -> None:
    a = AccountConfig(system_id="x", password="y")
    assert a.allowed_bind_types == frozenset(BindType)
    assert a.max_binds is None
    assert a.allowed_source_addresses is None
    assert a.allowed_ips is None
    assert a.throughput is None
    assert a.outstanding_status is CommandStatus.ESME_RMSGQFUL
    assert a.message_id_format is MessageIdFormat.DECIMAL
    assert a.receipt_pdu is ReceiptPdu.DELIVER_SM
    assert a.receipt_per is ReceiptPer.PART
    assert a.receipt_date_digits == 10


def test_empty_file_gives_defaults_with_data_dir_beside_the_file(tmp_path: Path) -> None:
    c = load_config(write(tmp_path, ""))
    assert c == ServerConfig(data_dir=tmp_path / "smsc-data")


def test_receipt_delay_may_be_zero(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "[timers]\nreceipt_delay = 0")).timers.receipt_delay == 0.0


def test_relative_data_dir_is_relative_to_the_file_absolute_is_kept(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, 'data_dir = "d"')).data_dir == tmp_path / "d"
    absolute = tmp_path / "elsewhere"
    text = f"data_dir = {str(absolute)!r}"
    assert load_config(write(tmp_path, text)).data_dir == absolute


def test_tls_paths_are_relative_to_the_file_and_off_by_default(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "")).tls_port is None
    c = load_config(
        write(tmp_path, f'tls_port = 2776\ntls_cert = "pki/a.crt"\ntls_key = "{tmp_path}/k"')
    )
    assert (c.tls_port, c.tls_cert, c.tls_key, c.tls_self_signed) == (
        2776,
        tmp_path / "pki" / "a.crt",
        tmp_path / "k",
        False,
    )
    c = load_config(write(tmp_path, "tls_port = 0\ntls_self_signed = true"))
    assert (c.tls_port, c.tls_cert, c.tls_key, c.tls_self_signed) == (0, None, None, True)


def test_example_config_loads_with_the_values_it_shows() -> None:
    c = load_config(EXAMPLE)
    assert not c.development_mode
    assert c.seed == 1
    assert c.timers == Timers()  # the example documents the default timers
    assert c.retention == Retention()  # and the default retention
    acme, loadtest, legacy = c.accounts
    assert acme.system_id == "acme"
    assert acme.password == "s3cret"
    assert acme.max_binds == 4
    assert acme.throughput == 10.0
    assert acme.allowed_source_addresses == ("ACME", "4477009*")
    assert acme.allowed_ips == (
        ipaddress.ip_network("127.0.0.1"),
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("::1"),
    )
    assert acme.max_outstanding == 100
    assert loadtest == AccountConfig(system_id="loadtest", password="pw")
    assert (legacy.profile, legacy.window_size) == ("legacy-hex", 20)
    (mine,) = c.profiles
    assert (mine.name, mine.settings.throughput) == ("my-carrier", 5.0)


def test_retention_limits_are_read_and_false_switches_one_off(tmp_path: Path) -> None:
    both = load_config(write(tmp_path, "[retention]\nmax_messages = 1000\nmax_age = 3600"))
    assert both.retention == Retention(max_messages=1000, max_age=3600.0)
    count_only = load_config(write(tmp_path, "[retention]\nmax_age = false"))
    assert count_only.retention == Retention(max_age=None)  # max_messages keeps its default
    off = load_config(write(tmp_path, "[retention]\nmax_messages = false\nmax_age = false"))
    assert not off.retention.enabled
    assert load_config(write(tmp_path, "")).retention == Retention()


def test_every_key_can_be_set(tmp_path: Path) -> None:
    text = """
smpp_host = "0.0.0.0"
smpp_port = 0
http_host = "::1"
http_port = 9000
store = "memory"
system_id = "SIM"
max_command_length = 4096
seed = -3
[timers]
session_init_timeout = 1.5
enquire_link_interval = 2
inactivity_timeout = 3
response_timeout = 4
unbind_timeout = 5
retry_base = 6
retry_max = 7
receipt_delay = 0.25
default_validity = 60
[[accounts]]
system_id = "a"
password = ""
allowed_bind_types = ["receiver"]
max_binds = 1
allowed_source_addresses = ["1*"]
allowed_ips = ["192.168.0.0/16"]
throughput = 2.5
max_outstanding = 3
outstanding_status = "ESME_RTHROTTLED"
window_size = 1
message_id_format = "hex"
receipt_pdu = "data_sm"
receipt_per = "message"
receipt_date_digits = 12
"""
    c = load_config(write(tmp_path, text))
    assert (c.smpp_host, c.smpp_port, c.http_host, c.http_port) == ("0.0.0.0", 0, "::1", 9000)
    assert c.store is StoreKind.MEMORY
    assert (c.system_id, c.max_command_length, c.seed) == ("SIM", 4096, -3)
    assert c.timers == Timers(1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 0.25, 60.0)
    assert c.accounts == (
        AccountConfig(
            system_id="a",
            password="",
            allowed_bind_types=frozenset({BindType.RECEIVER}),
            max_binds=1,
            allowed_source_addresses=("1*",),
            allowed_ips=(ipaddress.ip_network("192.168.0.0/16"),),
            throughput=2.5,
            max_outstanding=3,
            outstanding_status=CommandStatus.ESME_RTHROTTLED,
            window_size=1,
            message_id_format=MessageIdFormat.HEX,
            receipt_pdu=ReceiptPdu.DATA_SM,
            receipt_per=ReceiptPer.MESSAGE,
            receipt_date_digits=12,
        ),
    )


# -- errors name their key ---------------------------------------------------------------------

ERRORS = [
    # (TOML text, key path, words the message must contain)
    ("smpp_port = 70000", "smpp_port", "0-65535, got 70000"),
    ('smpp_port = "2775"', "smpp_port", 'got "2775"'),
    ("http_port = -1", "http_port", "0-65535"),
    ("http_port = true", "http_port", "got true"),
    ('smpp_host = ""', "smpp_host", "host name or IP address"),
    ('http_host = "a b"', "http_host", "host name or IP address"),
    ("data_dir = 5", "data_dir", "path, got 5"),
    ('store = "postgres"', "store", '"sqlite", "memory"'),
    ('system_id = "sixteen_chars_xx"', "system_id", "at most 15"),
    ('system_id = ""', "system_id", "non-empty"),
    ("max_command_length = 100", "max_command_length", "got 100"),
    ("max_command_length = 70000.0", "max_command_length", "got 70000.0"),
    ("seed = 1.5", "seed", "integer, got 1.5"),
    ("smpp_prot = 1", "smpp_prot", "unknown key"),
    ("timers = 5", "timers", "must be a table"),
    ("[timers]\nresponse_timeout = 0", "timers.response_timeout", "positive number, got 0"),
    ('[timers]\nreceipt_delay = "1s"', "timers.receipt_delay", 'got "1s"'),
    ("[timers]\nreceipt_delay = -0.5", "timers.receipt_delay", "0 or more, got -0.5"),
    ("[timers]\nretry_base = nan", "timers.retry_base", "positive number, got nan"),
    ("[timers]\nresponse_timout = 1", "timers.response_timout", "unknown key"),
    ("[retention]\nmax_messages = 0", "retention.max_messages", "or false for no limit, got 0"),
    ("[retention]\nmax_messages = 1.5", "retention.max_messages", "positive integer"),
    ("[retention]\nmax_age = true", "retention.max_age", "seconds, or false for no limit"),
    ("[retention]\nmax_age = -60", "retention.max_age", "got -60"),
    ("[retention]\nmax_mesages = 10", "retention.max_mesages", "unknown key"),
    ("retention = 5", "retention", "must be a table"),
    (
        "[timers]\nenquire_link_interval = 300",
        "timers.enquire_link_interval",
        "less than timers.inactivity_timeout",
    ),
    ("[timers]\nretry_base = 400", "timers.retry_base", "timers.retry_max"),
    ("accounts = 1", "accounts", "array of tables"),
    ("accounts = [1]", "accounts[0]", "must be a table"),
    ('[[accounts]]\npassword = "p"', "accounts[0].system_id", "is required"),
    ('[[accounts]]\nsystem_id = "a"', "accounts[0].password", "is required"),
    (ACCOUNT + "colour = 1", "accounts[0].colour", "unknown key"),
    (ACCOUNT + ACCOUNT, "accounts[1].system_id", 'duplicate of accounts[0].system_id "a"'),
    (ACCOUNT.replace('"a"', '"has space"'), "accounts[0].system_id", "without spaces"),
    (ACCOUNT + 'throughput = "fast"', "accounts[0].throughput", 'positive number, got "fast"'),
    (ACCOUNT + "throughput = -1", "accounts[0].throughput", "positive number"),
    (ACCOUNT + "throughput = 1e9", "accounts[0].throughput", "at most 100000"),
    (ACCOUNT + "max_binds = 0", "accounts[0].max_binds", "positive integer, got 0"),
    (ACCOUNT + "max_binds = 1.0", "accounts[0].max_binds", "positive integer"),
    (ACCOUNT + "max_outstanding = false", "accounts[0].max_outstanding", "got false"),
    (ACCOUNT + "window_size = 0", "accounts[0].window_size", "positive integer"),
    (
        ACCOUNT + 'allowed_bind_types = ["transmitter", "tx"]',
        "accounts[0].allowed_bind_types[1]",
        'got "tx"',
    ),
    (ACCOUNT + "allowed_bind_types = []", "accounts[0].allowed_bind_types", "at least one"),
    (ACCOUNT + 'allowed_bind_types = "receiver"', "accounts[0].allowed_bind_types", "array"),
    (
        ACCOUNT + 'allowed_source_addresses = ["44*7"]',
        "accounts[0].allowed_source_addresses[0]",
        "only allowed at the end",
    ),
    (
        ACCOUNT + 'allowed_source_addresses = ["1", 2]',
        "accounts[0].allowed_source_addresses[1]",
        "must be a string, got 2",
    ),
    (
        ACCOUNT + 'allowed_source_addresses = [""]',
        "accounts[0].allowed_source_addresses[0]",
        "non-empty",
    ),
    (ACCOUNT + 'allowed_ips = ["10.0.0.1/8"]', "accounts[0].allowed_ips[0]", "host bits"),
    (ACCOUNT + 'allowed_ips = ["localhost"]', "accounts[0].allowed_ips[0]", "IP address"),
    (
        ACCOUNT + 'outstanding_status = "ESME_RSYSERR"',
        "accounts[0].outstanding_status",
        '"ESME_RMSGQFUL", "ESME_RTHROTTLED"',
    ),
    (
        ACCOUNT + 'message_id_format = "hex:4"',
        "accounts[0].message_id_format",
        "hex width must be 8-64",
    ),
    (ACCOUNT + 'message_id_format = "octal"', "accounts[0].message_id_format", '"decimal:W"'),
    (ACCOUNT + 'receipt_pdu = "submit_sm"', "accounts[0].receipt_pdu", "deliver_sm"),
    (ACCOUNT + 'receipt_per = "segment"', "accounts[0].receipt_per", '"part", "message"'),
    (ACCOUNT + "receipt_date_digits = 11", "accounts[0].receipt_date_digits", "10, 12 or 14"),
    (ACCOUNT + "receipt_date_digits = true", "accounts[0].receipt_date_digits", "10, 12 or 14"),
    ("tls_port = 65536", "tls_port", "0-65535, got 65536"),
    ('tls_cert = ""', "tls_cert", "non-empty path"),
    ("tls_key = 1", "tls_key", "path, got 1"),
    ('tls_self_signed = "yes"', "tls_self_signed", 'true or false, got "yes"'),
    ("tls_port = 2776", "tls_cert", "tls_port needs tls_cert and tls_key, or tls_self_signed"),
    ('tls_port = 2776\ntls_cert = "c"', "tls_key", "tls_cert needs tls_key"),
    ('tls_port = 2776\ntls_key = "k"', "tls_cert", "tls_key needs tls_cert"),
    ('tls_cert = "c"\ntls_key = "k"', "tls_port", "need tls_port"),
    ("tls_self_signed = true", "tls_port", "need tls_port"),
    (
        'tls_port = 2776\ntls_self_signed = true\ntls_cert = "c"',
        "tls_cert",
        "either tls_self_signed or tls_cert/tls_key",
    ),
]


@pytest.mark.parametrize(("text", "key", "words"), ERRORS, ids=[e[1] for e in ERRORS])
def test_error_names_file_and_key(tmp_path: Path, text: str, key: str, words: str) -> None:
    err = load_error(tmp_path, text)
    assert err.key == key
    assert err.source == str(tmp_path / "smsc.toml")
    assert str(err).startswith(f"{tmp_path / 'smsc.toml'}: {key}: ")
    assert words in str(err)


def test_error_in_third_account_is_indexed_from_zero(tmp_path: Path) -> None:
    text = (
        ACCOUNT
        + ACCOUNT.replace('"a"', '"b"')
        + ACCOUNT.replace('"a"', '"c"')
        + 'throughput = "fast"\n'
    )
    err = load_error(tmp_path, text)
    assert str(err) == (
        f'{tmp_path / "smsc.toml"}: accounts[2].throughput: must be a positive number, got "fast"'
    )


def test_system_ids_differing_in_case_are_distinct_accounts(tmp_path: Path) -> None:
    c = load_config(write(tmp_path, ACCOUNT + ACCOUNT.replace('"a"', '"A"')))
    assert [a.system_id for a in c.accounts] == ["a", "A"]


@pytest.mark.parametrize(
    "password_line",
    ['password = "toolongpassword"', "password = 12345678", 'password = "pässwörd"'],
)
def test_password_errors_never_show_the_password(tmp_path: Path, password_line: str) -> None:
    err = load_error(tmp_path, f'[[accounts]]\nsystem_id = "a"\n{password_line}\n')
    assert err.key == "accounts[0].password"
    secret = password_line.split("=", 1)[1].strip().strip('"')
    assert secret not in str(err)


def test_too_long_password_says_the_limit(tmp_path: Path) -> None:
    err = load_error(tmp_path, '[[accounts]]\nsystem_id = "a"\npassword = "123456789"\n')
    assert "at most 8 characters" in str(err)
    assert "got 9 characters" in str(err)


def test_invalid_toml_names_the_file_and_line(tmp_path: Path) -> None:
    err = load_error(tmp_path, "smpp_port = \n")
    assert str(err).startswith(f"{tmp_path / 'smsc.toml'}: not valid TOML")
    assert "line 1" in str(err)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.toml")
    assert str(info.value).startswith(f"{tmp_path / 'nope.toml'}: cannot read")


# -- command-line overrides --------------------------------------------------------------------


def test_overrides_replace_only_what_is_given(tmp_path: Path) -> None:
    base = load_config(EXAMPLE)
    c = apply_overrides(base, smpp_port=0, http_host="0.0.0.0", store="memory", data_dir="x")
    assert (c.smpp_port, c.http_host, c.store, c.data_dir) == (
        0,
        "0.0.0.0",
        StoreKind.MEMORY,
        Path("x"),
    )
    assert (c.smpp_host, c.http_port, c.accounts, c.timers) == (
        base.smpp_host,
        base.http_port,
        base.accounts,
        base.timers,
    )
    assert apply_overrides(base) == base


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"smpp_port": 65536}, "smpp_port"),
        ({"http_port": -1}, "http_port"),
        ({"smpp_host": ""}, "smpp_host"),
        ({"store": "redis"}, "store"),
        ({"data_dir": ""}, "data_dir"),
    ],
)
def test_bad_override_names_the_option(kwargs: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError) as info:
        apply_overrides(ServerConfig(), **kwargs)  # type: ignore[arg-type]
    assert info.value.source == "command line"
    assert info.value.key == key


# -- behaviour of the records ------------------------------------------------------------------


def test_repr_and_str_hide_passwords() -> None:
    account = AccountConfig(system_id="acme", password="hunter2")
    config = ServerConfig(accounts=(account,))
    for text in (repr(account), str(account), repr(config), str(config)):
        assert "hunter2" not in text
        assert "acme" in text
    assert "password=<hidden>" in repr(account)
    assert "throughput=None" in repr(account)


def test_source_address_patterns() -> None:
    a = AccountConfig(system_id="a", password="", allowed_source_addresses=("ACME", "4477*"))
    assert a.source_addr_allowed("ACME")
    assert a.source_addr_allowed("447700900123")
    assert a.source_addr_allowed("4477")
    assert not a.source_addr_allowed("ACME2")
    assert not a.source_addr_allowed("acme")
    assert not a.source_addr_allowed("4478")
    assert AccountConfig(system_id="a", password="").source_addr_allowed("anything")
    everything = AccountConfig(system_id="a", password="", allowed_source_addresses=("*",))
    assert everything.source_addr_allowed("")


def test_ip_allow_list_matches_networks_and_ipv4_mapped_peers() -> None:
    nets = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("::1"))
    a = AccountConfig(system_id="a", password="", allowed_ips=nets)
    assert a.ip_allowed("10.1.2.3")
    assert a.ip_allowed("::ffff:10.1.2.3")
    assert a.ip_allowed("::1")
    assert not a.ip_allowed("11.0.0.1")
    assert not a.ip_allowed("127.0.0.1")
    assert not a.ip_allowed("not an address")


def test_retry_delay_doubles_up_to_the_cap() -> None:
    t = Timers(retry_base=5.0, retry_max=60.0)
    assert [t.retry_delay(n) for n in range(1, 7)] == [5.0, 10.0, 20.0, 40.0, 60.0, 60.0]
    assert t.retry_delay(10_000) == 60.0
    with pytest.raises(ValueError, match="from 1"):
        t.retry_delay(0)
