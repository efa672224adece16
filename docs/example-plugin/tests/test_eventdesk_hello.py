"""The example plugin's own tests: its command, and the events it counts."""

from __future__ import annotations

import eventdesk_hello
from click.testing import CliRunner
from eventdesk import ServiceDesk
from eventdesk.cli import cli
from eventdesk.plugins import get_plugin_manager


def test_the_plugin_is_loaded_from_its_entry_point() -> None:
    assert get_plugin_manager().get_plugin("hello") is eventdesk_hello


def test_hello_greets() -> None:
    result = CliRunner().invoke(cli, ["hello", "--name", "Ana"])
    assert result.exit_code == 0, result.output
    assert result.output == "Hello, Ana, from the eventdesk-hello plugin!\n"


def test_every_saved_event_is_counted() -> None:
    before = eventdesk_hello.counted.copy()
    with ServiceDesk(db=":memory:") as desk:
        incident = desk.open_incident("Printer jam", impact=3, urgency=3, actor="ana")
        desk.start(incident.number, actor="ana")
    assert eventdesk_hello.counted["Incident.Opened"] == before["Incident.Opened"] + 1
    assert eventdesk_hello.counted.total() > before.total() + 1
