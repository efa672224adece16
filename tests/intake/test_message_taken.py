"""The ``message_taken`` hook: told of every message intake takes, after it is stored;
never of a duplicate or a dead letter; and a hook that fails never undoes the message."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from eventdesk import ServiceDesk
from eventdesk.channels import Ignored, InboundMessage
from eventdesk.hookspecs import hookimpl
from eventdesk.plugins import get_plugin_manager


class Listener:
    def __init__(self) -> None:
        self.heard: list[tuple[str, str | None, str | None]] = []
        self.fail = False

    @hookimpl
    def message_taken(self, desk: ServiceDesk, message, result) -> None:
        # Stored already: the desk reads the message back.
        if result.incident:
            assert desk.conversation(result.incident)[-1].message_id == message.message_id
        kind = "message" if isinstance(message, InboundMessage) else "ignored"
        assert isinstance(message, InboundMessage | Ignored)
        self.heard.append((result.status, kind, message.message_id))
        if self.fail:
            raise RuntimeError("the listener broke")


@pytest.fixture
def listener(note_channel) -> Iterator[Listener]:
    plugin = Listener()
    get_plugin_manager().register(plugin, name="test-message-taken")
    try:
        yield plugin
    finally:
        get_plugin_manager().unregister(name="test-message-taken")


def test_the_hook_hears_each_message_taken_once(desk, note_channel, listener):
    first = note_channel.payload("m-1", "ana@acme.example", "VPN down")
    desk.intake.receive("note", first)
    desk.intake.receive("note", note_channel.payload("m-2", "ana@acme.example", "Still down"))
    desk.intake.receive("note", first)  # a duplicate
    desk.intake.receive("note", b"not json")  # a dead letter
    desk.intake.receive("note", b'{"ignore": "out of office", "id": "m-3"}')
    assert listener.heard == [
        ("opened", "message", "m-1"),
        ("appended", "message", "m-2"),
        ("ignored", "ignored", "m-3"),
    ]


def test_a_failing_hook_never_undoes_the_message(desk, note_channel, listener, caplog):
    listener.fail = True
    [result] = desk.intake.receive(
        "note", note_channel.payload("m-1", "ana@acme.example", "VPN down")
    )
    assert result.status == "opened"
    assert [m.text for m in desk.conversation(result.incident)] == ["VPN down"]
    assert "a message_taken hook failed on a note message" in caplog.text


def test_a_reply_by_a_bot_is_the_bots_not_an_agents(desk, note_channel):
    [result] = desk.intake.receive(
        "note", note_channel.payload("m-1", "ana@acme.example", "VPN down")
    )
    desk.reply(result.incident, "Try restarting the client", actor="helper", author_kind="bot")
    said = [(m.author_kind, m.channel) for m in desk.conversation(result.incident)]
    assert said == [("customer", "note"), ("bot", "note")]
    assert [m.text for m in note_channel.sent] == ["Try restarting the client"]
