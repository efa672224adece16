"""The email channel is a plugin like any other: found by its entry point, registered as
the ``email`` channel, configured with settings that are checked, and its docstring
examples run."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import eventdesk_email
import pytest
from eventdesk.errors import InvalidValueError
from eventdesk.plugins import get_channels, get_plugin_manager
from eventdesk_email import EmailChannel, EmailSettings


def test_the_plugin_is_loaded_from_its_entry_point() -> None:
    assert get_plugin_manager().get_plugin("email") is eventdesk_email


def test_it_registers_the_email_channel() -> None:
    assert get_channels()["email"] is EmailChannel
    assert EmailChannel.name == "email"
    assert EmailChannel.identity_kind == "email"


def test_settings_are_read_with_their_defaults() -> None:
    settings = EmailSettings.from_mapping(
        {
            "address": "Support@Desk.Example",
            "smtp_host": "smtp.desk.example",
            "smtp_port": "587",
            "smtp_user": "desk",
            "smtp_password": "secret",
            "smtp_starttls": "yes",
            "timeout": 10,
            "tenants": {"Support+Acme@desk.example": "acme"},
            "tenant": "main",
            "impact": 1,
            "urgency": "3",
        }
    )
    assert settings.address == "support@desk.example"
    assert settings.domain == "desk.example"
    assert (settings.smtp_port, settings.smtp_starttls, settings.timeout) == (587, True, 10.0)
    assert settings.tenants == {"support+acme@desk.example": "acme"}
    assert (settings.tenant, settings.impact, settings.urgency) == ("main", 1, 3)
    assert "secret" not in repr(settings)
    defaults = EmailSettings.from_mapping({})
    assert (defaults.address, defaults.domain, defaults.smtp_host, defaults.smtp_port) == (
        None,
        "localhost",
        "localhost",
        25,
    )
    assert (defaults.smtp_starttls, defaults.timeout, defaults.tenants) == (False, 30.0, {})


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"adress": "a@b.example"}, "invalid email setting 'adress': expected one of address, "),
        ({"address": "not an address"}, "invalid email setting address 'not an address'"),
        ({"smtp_port": 0}, "invalid email setting smtp_port 0: expected a port number"),
        ({"smtp_port": "smtp"}, "invalid email setting smtp_port 'smtp'"),
        ({"smtp_port": True}, "invalid email setting smtp_port True"),
        ({"smtp_starttls": "maybe"}, "invalid email setting smtp_starttls 'maybe': expected true"),
        ({"timeout": -1}, "invalid email setting timeout -1"),
        ({"domain": "not a domain"}, "invalid email setting domain 'not a domain'"),
        ({"tenants": ["acme"]}, "invalid email setting tenants ['acme']: expected a map"),
        ({"tenants": {"acme": "acme"}}, "invalid email setting tenants 'acme'"),
        ({"tenants": {"a@b.example": ""}}, "invalid email setting tenants['a@b.example'] ''"),
        ({"smtp_host": 25}, "invalid email setting smtp_host 25: expected text"),
        ({"impact": 4}, "invalid email setting impact 4: expected 1, 2 or 3"),
    ],
)
def test_a_wrong_setting_is_refused_naming_it(settings: dict[str, object], message: str) -> None:
    # Fail to configure the channel with a wrong setting
    with pytest.raises(InvalidValueError) as refused:
        EmailChannel(settings)
    assert str(refused.value).startswith(message)


def _modules() -> list[str]:
    return sorted(
        [eventdesk_email.__name__]
        + [
            info.name
            for info in pkgutil.walk_packages(eventdesk_email.__path__, prefix="eventdesk_email.")
        ]
    )


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    failed, attempted = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    report = capsys.readouterr().out
    assert failed == 0, f"{failed} of {attempted} examples in {name} failed:\n{report}"
