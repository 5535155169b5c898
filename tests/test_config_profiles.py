"""Config for carrier behaviour: the account keys for ids and receipts, ``[[profiles]]`` (the
shipped ones and a user's own) and ``[[outbinds]]``; every problem named by its key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from pdu.enums import CommandStatus
from smsc.cli import main
from smsc.config import (
    AccountConfig,
    BindType,
    ConfigError,
    MessageIdFormat,
    OutbindConfig,
    ReceiptCounts,
    ReceiptLabels,
    ReceiptPer,
    ServerConfig,
    read_document,
    shipped_profiles,
)


def server(text: str) -> ServerConfig:
    return read_document(tomllib.loads(text), "smsc.toml").server


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        server(text)
    return str(info.value).splitlines()


def test_account_keys_for_ids_and_receipts() -> None:
    (a,) = server(
        """
        [[accounts]]
        system_id = "acme"
        password = "pw"
        message_id_format = "hex:10"
        receipt_id_format = "decimal"
        receipt_counts = "plain"
        receipt_labels = "upper"
        receipt_text_field = false
        receipt_date_digits = 14
        receipt_before_response = 0.1
        receipt_twice = 0.02
        status_map = { ESME_RTHROTTLED = "ESME_RMSGQFUL", ESME_RINVDSTADR = 0x400 }
        """
    ).accounts
    assert a.message_id_format == MessageIdFormat.parse("hex:10")
    assert a.receipt_id_format == MessageIdFormat.DECIMAL
    assert (a.receipt_counts, a.receipt_labels) == (ReceiptCounts.PLAIN, ReceiptLabels.UPPER)
    assert not a.receipt_text_field and a.receipt_date_digits == 14
    assert (a.receipt_before_response, a.receipt_twice) == (0.1, 0.02)
    assert dict(a.status_map) == {
        CommandStatus.ESME_RTHROTTLED: CommandStatus.ESME_RMSGQFUL,
        CommandStatus.ESME_RINVDSTADR: 0x400,  # a vendor status, kept as a number
    }
    assert a.profile is None


def test_bad_account_keys_are_each_named() -> None:
    assert problems(
        """
        [[accounts]]
        system_id = "acme"
        password = "pw"
        receipt_id_format = "uuid:4"
        receipt_before_response = 1.5
        status_map = { ESME_RTHROTTLED = "ESME_ROK", NOT_A_STATUS = "ESME_RMSGQFUL" }
        """
    ) == [
        'smsc.toml: accounts[0].receipt_id_format: a uuid has no width: write "uuid", got "uuid:4"',
        "smsc.toml: accounts[0].receipt_before_response: must be a number from 0 to 1, got 1.5",
        "smsc.toml: accounts[0].status_map.ESME_RTHROTTLED: must be the name of an error status"
        " (a command_status name like ESME_RSUBMITFAIL) or its number, not ESME_ROK",
        "smsc.toml: accounts[0].status_map.NOT_A_STATUS: must be the name of an error status"
        ' (a command_status name like ESME_RSUBMITFAIL) or its number, got "NOT_A_STATUS"',
    ]


# -- profiles ---------------------------------------------------------------------------------


def test_the_shipped_profiles_read_cleanly_and_each_changes_something() -> None:
    shipped = shipped_profiles()
    assert set(shipped) == {"legacy-hex", "uuid-gateway", "racy-receipts", "strict-contract"}
    plain = AccountConfig(system_id="", password="")
    for profile in shipped.values():
        assert profile.description
        assert profile.keys
        for key in profile.keys:
            assert getattr(profile.settings, key) != getattr(plain, key), (profile.name, key)


def test_an_account_takes_its_profiles_settings_and_its_own_keys_win() -> None:
    (a,) = server(
        """
        [[accounts]]
        system_id = "acme"
        password = "pw"
        profile = "legacy-hex"
        window_size = 25
        """
    ).accounts
    assert a.profile == "legacy-hex"
    assert a.message_id_format == MessageIdFormat.parse("hex:8")
    assert a.receipt_id_format == MessageIdFormat.DECIMAL
    assert not a.receipt_text_field
    assert a.max_binds == 2
    assert a.window_size == 25  # the account's own
    assert (a.system_id, a.password) == ("acme", "pw")


def test_a_users_profile_may_start_from_another_and_accounts_use_it() -> None:
    config = server(
        """
        [[profiles]]
        name = "my-carrier"
        description = "like the gateway, but slower"
        profile = "uuid-gateway"
        throughput = 5
        allowed_bind_types = ["transmitter", "receiver"]

        [[accounts]]
        system_id = "acme"
        password = "pw"
        profile = "my-carrier"
        """
    )
    (mine,) = config.profiles
    assert mine.name == "my-carrier" and not mine.shipped
    assert "throughput" in mine.keys and "message_id_format" in mine.keys
    (a,) = config.accounts
    assert a.profile == "my-carrier"
    assert a.message_id_format == MessageIdFormat.UUID  # from uuid-gateway
    assert a.receipt_per is ReceiptPer.MESSAGE
    assert a.throughput == 5.0
    assert a.allowed_bind_types == {BindType.TRANSMITTER, BindType.RECEIVER}


def test_profile_problems() -> None:
    assert problems(
        """
        [[profiles]]
        name = "legacy-hex"

        [[profiles]]
        name = "mine"
        password = "x"
        window = 3

        [[profiles]]
        name = "mine"

        [[accounts]]
        system_id = "acme"
        password = "pw"
        profile = "legacy_hex"
        """
    ) == [
        'smsc.toml: profiles[0].name: "legacy-hex" is a shipped profile; choose another name',
        "smsc.toml: profiles[1].password: belongs to an account, not to a profile",
        "smsc.toml: profiles[1].window: unknown key; did you mean window_size?",
        'smsc.toml: profiles[2].name: duplicate of profiles[1].name "mine"',
        'smsc.toml: accounts[0].profile: must be the name of a profile: "legacy-hex",'
        ' "uuid-gateway", "racy-receipts", "strict-contract", "mine", got "legacy_hex"',
    ]


# -- outbinds ---------------------------------------------------------------------------------


def test_outbinds() -> None:
    config = server(
        """
        [[accounts]]
        system_id = "acme"
        password = "pw"

        [[outbinds]]
        account = "acme"
        host = "esme.example"
        port = 2776
        system_id = "smsc"
        password = "secret"
        retry_interval = 2.5
        """
    )
    assert config.outbinds == (OutbindConfig("acme", "esme.example", 2776, "smsc", "secret", 2.5),)
    assert "secret" not in repr(config.outbinds[0])


def test_outbind_problems() -> None:
    assert problems(
        """
        [[accounts]]
        system_id = "acme"
        password = "pw"

        [[outbinds]]
        account = "acme"
        host = "esme.example"
        port = 0
        retry_interval = 0

        [[outbinds]]
        account = "nobody"
        host = "esme.example"
        port = 2776
        system_id = "smsc"
        """
    ) == [
        "smsc.toml: outbinds[0].port: must be a port number 1-65535, got 0",
        "smsc.toml: outbinds[0].retry_interval: must be a positive number, got 0",
        "smsc.toml: outbinds[0].system_id: is required",
        'smsc.toml: outbinds[1].account: no [[accounts]] entry has system_id "nobody"',
    ]


def test_an_outbind_in_development_mode_names_any_account() -> None:
    (o,) = server('[[outbinds]]\naccount = "any"\nhost = "h"\nport = 1\nsystem_id = "s"').outbinds
    assert (o.account, o.password, o.retry_interval) == ("any", "", 5.0)


# -- smsc profiles -----------------------------------------------------------------------------


def test_smsc_profiles_lists_each_with_keys_that_read_back_as_the_same_profile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "smsc.toml"
    config.write_text('[[profiles]]\nname = "mine"\nprofile = "strict-contract"\nwindow_size = 3\n')
    assert main(["profiles", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    blocks: dict[str, list[str]] = {}
    name = ""
    for line in out.splitlines():
        if line.startswith("    "):
            blocks[name].append(line.strip())
        else:
            name = line.split(" ", 1)[0]
            blocks[name] = []
            assert line.startswith((f"{name} (shipped): ", f"{name} ({config}): "))
    assert list(blocks) == [*shipped_profiles(), "mine"]
    known = {**shipped_profiles(), **{p.name: p for p in server(config.read_text()).profiles}}
    for name, lines in blocks.items():
        # What is printed, written back as a profile, is the same profile.
        again = '[[profiles]]\nname = "copy"\n' + "\n".join(lines)
        (copy,) = server(again).profiles
        assert copy.settings == known[name].settings, name
    assert "    window_size = 3" in out.split("mine (")[1]


def test_smsc_profiles_reports_a_bad_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "smsc.toml"
    config.write_text('[[profiles]]\nname = "x"\nwindow_size = 0\n')
    assert main(["profiles", "--config", str(config)]) == 2
    assert "profiles[0].window_size: must be a positive integer" in capsys.readouterr().err


def test_a_33_carrier_needs_ids_of_at_most_8_characters() -> None:
    assert problems(
        """
        [[accounts]]
        system_id = "acme"
        password = "pw"
        interface_version = "3.3"

        [[accounts]]
        system_id = "old"
        password = "pw"
        profile = "legacy-hex"
        message_id_format = "uuid"
        """
    ) == [
        "smsc.toml: accounts[0].interface_version: an SMPP 3.3 carrier gives ids of at most 8 "
        'characters: message_id_format must be "hex:8" with interface_version "3.3", got '
        '"decimal"',
        "smsc.toml: accounts[1].message_id_format: an SMPP 3.3 carrier gives ids of at most 8 "
        'characters: message_id_format must be "hex:8" with interface_version "3.3", got "uuid"',
    ]
