"""The plugin system: what loads, what ``eventdesk plugins list`` shows, and each hook.

The example plugin (docs/example-plugin, entry point ``sms``) is installed by
``make test``. Inline plugins are registered under a name and always unregistered.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from eventdesk import ServiceDesk
from eventdesk.cli import cli
from eventdesk.hookspecs import hookimpl
from eventdesk.plugins import (
    get_channels,
    get_escalation_targets,
    get_plugin_manager,
    list_plugins,
)

EVENTDESK = Path(sys.executable).with_name("eventdesk")


class EventTracker:
    def __init__(self) -> None:
        self.seen: list[tuple[ServiceDesk, str]] = []

    @hookimpl
    def track_event(self, desk: ServiceDesk, event: Any) -> None:
        self.seen.append((desk, type(event).__qualname__))


@pytest.fixture
def tracker() -> Iterator[EventTracker]:
    plugin = EventTracker()
    manager = get_plugin_manager()
    manager.register(plugin, name="test-tracker")
    try:
        yield plugin
    finally:
        manager.unregister(name="test-tracker")


class Registrar:
    @hookimpl
    def register_channels(self, register: Any) -> None:
        register("pigeon", dict)

    @hookimpl
    def register_escalation_targets(self, register: Any) -> None:
        register("pager", list)


@pytest.fixture
def registrar() -> Iterator[Registrar]:
    plugin = Registrar()
    manager = get_plugin_manager()
    manager.register(plugin, name="test-registrar")
    try:
        yield plugin
    finally:
        manager.unregister(name="test-registrar")


@pytest.fixture
def only_plugins(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Reload plugins with ``EVENTDESK_LOAD_PLUGINS`` set to none; the next test reloads them."""
    monkeypatch.setenv("EVENTDESK_LOAD_PLUGINS", "")
    get_plugin_manager.cache_clear()
    try:
        yield
    finally:
        get_plugin_manager.cache_clear()


def test_plugins_list_shows_the_example_plugin_from_its_entry_point() -> None:
    result = CliRunner().invoke(cli, ["plugins", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert {
        "name": "sms",
        "hooks": ["register_channels", "register_commands", "track_event"],
        "distribution": "eventdesk-sms",
        "version": "0.1.0",
    } in json.loads(result.output)


def test_plugins_list_prints_one_line_per_plugin() -> None:
    result = CliRunner().invoke(cli, ["plugins", "list"])
    assert result.exit_code == 0, result.output
    assert (
        "sms 0.1.0 (eventdesk-sms): register_channels, register_commands, track_event\n"
        in result.output
    )


def test_a_plugin_adds_a_command() -> None:
    result = CliRunner().invoke(cli, ["sms", "--help"])
    assert result.exit_code == 0, result.output
    assert "The SMS gateway channel (the eventdesk-sms plugin)." in result.output


def test_a_plugin_adds_a_channel() -> None:
    from eventdesk_sms import SmsChannel

    assert get_channels()["sms"] is SmsChannel


def test_track_event_sees_every_saved_event(desk: ServiceDesk, tracker: EventTracker) -> None:
    incident = desk.open_incident("VPN down", impact=2, urgency=2, actor="ana")
    desk.start(incident.number, actor="ana")
    assert tracker.seen[0] == (desk, "Incident.Opened")
    assert all(seen_by is desk for seen_by, _ in tracker.seen)
    assert len(tracker.seen) == len(desk.history(incident.number))


def test_an_inline_plugin_lists_its_hooks(tracker: EventTracker) -> None:
    assert {"name": "test-tracker", "hooks": ["track_event"]} in list_plugins()


def test_register_hooks_collect_by_name(registrar: Registrar) -> None:
    assert get_channels()["pigeon"] is dict
    assert get_escalation_targets()["pager"] is list


def test_a_name_is_registered_once(registrar: Registrar) -> None:
    manager = get_plugin_manager()
    manager.register(Registrar(), name="test-registrar-again")
    try:
        # Fail to register a second channel called pigeon
        with pytest.raises(ValueError, match="'pigeon' is registered twice"):
            get_channels()
    finally:
        manager.unregister(name="test-registrar-again")


def test_load_plugins_variable_limits_the_entry_points(only_plugins: None) -> None:
    assert get_plugin_manager().get_plugin("sms") is None
    assert [plugin["name"] for plugin in list_plugins()] == []


def test_load_plugins_variable_names_the_entry_points_to_load(
    monkeypatch: pytest.MonkeyPatch, only_plugins: None
) -> None:
    monkeypatch.setenv("EVENTDESK_LOAD_PLUGINS", "elsewhere, sms")
    get_plugin_manager.cache_clear()
    assert [plugin["name"] for plugin in list_plugins()] == ["sms"]


def test_the_command_line_without_the_example_plugin() -> None:
    # The CLI is built once per process, so this runs the installed script afresh.
    env = {**os.environ, "EVENTDESK_LOAD_PLUGINS": ""}
    listed = subprocess.run(
        [EVENTDESK, "plugins", "list", "--json"], env=env, capture_output=True, text=True
    )
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == []
    # Fail to run the command the plugin would have added
    sms = subprocess.run([EVENTDESK, "sms"], env=env, capture_output=True, text=True)
    assert sms.returncode == 2
    assert "No such command 'sms'" in sms.stderr
