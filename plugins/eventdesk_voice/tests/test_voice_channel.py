"""The voice channel and its voice desk, through a real desk in memory.

Call events are signed JSON as a telephony system posts them; what the desk did is
read back from the desk: the call, the incident's conversation, dead letters, the
agents' load.
"""

from __future__ import annotations

import doctest
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from eventdesk import ManualClock, ServiceDesk
from eventdesk.errors import InvalidValueError
from eventdesk_voice import (
    CallNotFoundError,
    CallStateError,
    Ivr,
    IvrError,
    VoiceChannel,
    diversion,
    signature,
    voice,
)

SECRET = "the-line-and-the-desk-share-this"
IVR = """
[menus.main]
prompt = "Press 1 for the desk, 3 for more."
[menus.main.choices]
"1" = { queue = "desk" }
"3" = { menu = "more" }
"4" = { article = "KB0000009" }

[menus.more]
prompt = "Press 9 to be called back."
[menus.more.choices]
"9" = { callback = true }

[queues.desk]
team = "acme-desk"
"""


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def desk(clock: ManualClock, tmp_path: Path):
    (tmp_path / "ivr.toml").write_text(IVR, encoding="utf-8")
    with ServiceDesk(":memory:", clock=clock) as desk:
        t = desk.tenancy
        t.register_tenant("acme", model="dedicated", service_manager="sofia")
        t.form_team("acme-desk", kind="dedicated", tenant="acme")
        t.register_agent("lea", teams=["acme-desk"])
        t.set_presence("lea", "available")
        desk.channels.configure(
            "voice", {"secret": SECRET, "tenant": "acme", "ivr": str(tmp_path / "ivr.toml")}
        )
        yield desk


def post(desk: ServiceDesk, clock: ManualClock, **event: str):
    clock.advance(timedelta(seconds=10))
    body = json.dumps(event).encode()
    return voice(desk).receive(body, {"X-Voice-Signature": signature(SECRET, body)})


def offered(desk: ServiceDesk, clock: ManualClock, call: str = "c1", caller: str = "+34600111222"):
    return post(desk, clock, call=call, event="offered", **{"from": caller})


def test_a_call_from_offer_to_end(desk: ServiceDesk, clock: ManualClock) -> None:
    result = offered(desk, clock)
    assert (result.status, result.incident) == ("taken", "INC0000001")
    line = voice(desk)
    assert line.next_step("c1").text == "Press 1 for the desk, 3 for more."
    assert line.next_step("c1", "1").action == "queue"
    [decision] = desk.tenancy.route()
    assert (decision.incident, decision.agent) == ("c1", "lea")
    pop = post(desk, clock, call="c1", event="answered").screen_pop
    assert pop is not None and pop.call.agent == "lea"  # the agent routed to
    assert desk.tenancy.agent("lea").load == {"voice": 1}
    assert desk.get_incident("INC0000001").assignee == "lea"
    post(desk, clock, call="c1", event="transferred", to="+34910000001")
    assert desk.tenancy.agent("lea").load == {}
    post(desk, clock, call="c1", event="transferred", to="lea")  # and back again
    assert desk.tenancy.agent("lea").load == {"voice": 1}
    post(desk, clock, call="c1", event="ended")
    view = line.call("c1")
    assert (view.state, view.waited_seconds, view.talk_seconds) == ("ended", 10, 30)
    assert [m.text for m in desk.conversation("INC0000001")][-4:] == [
        "Call answered by lea after 10 s",
        "Call transferred to +34910000001",
        "Call transferred to lea",
        "Call ended: talked 30 s, 40 s in all",
    ]
    assert desk.tenancy.agent("lea").load == {}
    # Fail to end it twice: a repeat is a duplicate, and changes nothing.
    assert post(desk, clock, call="c1", event="ended").status == "duplicate"


def test_an_abandoned_call_gives_the_place_back(desk: ServiceDesk, clock: ManualClock) -> None:
    offered(desk, clock)
    voice(desk).next_step("c1", "1")
    desk.tenancy.route()
    post(desk, clock, call="c1", event="abandoned")
    assert voice(desk).call("c1").state == "abandoned"
    assert desk.tenancy.agent("lea").load == {}
    assert desk.conversation("INC0000001")[-1].text == "Call abandoned after 10 s"


def test_the_ivr_menus_and_the_callback(desk: ServiceDesk, clock: ManualClock) -> None:
    offered(desk, clock)
    line = voice(desk)
    assert line.next_step("c1", "7").text.startswith("Sorry, 7 is not an option.")
    assert line.next_step("c1", "4").text.startswith("Sorry, we have no answer for that yet.")
    assert line.next_step("c1", "3").menu == "more"
    assert line.next_step("c1", "9").action == "callback"
    [callback] = line.callbacks()
    assert (callback.call, callback.state) == ("c1", "waiting")
    desk.tenancy.route()
    assert line.callbacks()[0].state == "assigned"
    assert desk.tenancy.agent("lea").load == {"voice": 1}  # calling back is a call too
    line.callback_done("c1", agent="lea", note="password reset")
    assert line.callbacks()[0].state == "done"
    assert desk.tenancy.agent("lea").load == {}
    # Fail to go on with a call that is over, or to call back twice.
    with pytest.raises(CallStateError):
        line.next_step("c1", "1")
    with pytest.raises(CallStateError):
        line.callback_done("c1", agent="lea")
    with pytest.raises(CallNotFoundError):
        line.call("nope")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "the body is not JSON: Expecting value: line 1 column 1 (char 0)"),
        (b"[]", "the body must be a JSON object"),
        (b'{"event": "offered"}', "field 'call' is required: the telephony system's call id"),
        (
            b'{"call": "c1", "event": "rang"}',
            "field 'event': 'rang' is not one of offered, answered, transferred, ended, abandoned",
        ),
        (
            b'{"call": "c1", "event": "offered"}',
            "field 'from' is required when a call is offered: who calls",
        ),
        (
            b'{"call": "c1", "event": "offered", "from": "12"}',
            "field 'from': '12' is not an E.164 number such as +34600111222",
        ),
        (
            b'{"call": "c1", "event": "offered", "from": "+34600111222", "x": 1}',
            "unknown field 'x': the fields are call, event, from, to, agent, tenant, name",
        ),
        (b'{"call": "c1", "event": "ended"}', "no call 'c1'"),
    ],
)
def test_unreadable_events_are_dead_letters(desk: ServiceDesk, body: bytes, reason: str) -> None:
    result = voice(desk).receive(body, {"X-Voice-Signature": signature(SECRET, body)})
    assert (result.status, result.reason) == ("dead_letter", reason)
    [letter] = desk.dead_letters.list()
    assert (letter.channel, letter.reason) == ("voice", reason)


def test_the_channel_refuses_bad_settings(tmp_path: Path) -> None:
    # Fail to configure a short secret, an unknown setting, an IVR that does not load.
    with pytest.raises(InvalidValueError, match="at least 16 characters"):
        VoiceChannel({"secret": "short"})
    with pytest.raises(InvalidValueError, match="voice channel setting 'colour'"):
        VoiceChannel({"colour": "red"})
    (tmp_path / "bad.toml").write_text("[menus.main]\n", encoding="utf-8")
    with pytest.raises(IvrError, match=r"menus\.main\.prompt: missing"):
        VoiceChannel({"ivr": str(tmp_path / "bad.toml")})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour = 1\n[menus.main]\nprompt = 'x'", "colour: unknown key"),
        (
            "[menus.main]\nprompt = 'x'\nchoices = { 'a' = { callback = true } }",
            "menus.main.choices.a: a choice is 1 to 4 keys",
        ),
        (
            "[menus.main]\nprompt = 'x'\nchoices = { '1' = { callback = 1 } }",
            "menus.main.choices.1.callback: expected true",
        ),
        (
            "[menus.main]\nprompt = 'x'\nchoices = { '1' = { menu = 'main', queue = 'q' } }",
            "menus.main.choices.1: expected exactly one of",
        ),
        ("start = 'other'\n[menus.main]\nprompt = 'x'", "start: no menu named 'other'"),
        (
            "[menus.main]\nprompt = 'x'\n[diversion]\nto = 'pool'",
            "diversion.wait_threshold_minutes: missing",
        ),
        (
            "[menus.main]\nprompt = 'x'\n[diversion]\nto = '+1'\nwait_threshold_minutes = 5",
            "diversion.to: '+1' is not an E.164 number",
        ),
        (
            "[menus.main]\nprompt = 'x'\n[queues.q]\nteam = 'a'\nsize = 3",
            "queues.q.size: unknown key",
        ),
        ("[menus.main\nprompt = 'x'", "(file): is not TOML"),
    ],
)
def test_an_ivr_names_the_key_that_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "ivr.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IvrError) as refused:
        Ivr.load(path)
    assert refused.value.message.startswith(f"{path}: {message}")


def test_the_command_line(desk: ServiceDesk, clock: ManualClock, tmp_path: Path) -> None:
    from eventdesk.cli import cli

    (tmp_path / "ivr.toml").write_text(IVR, encoding="utf-8")
    runner = CliRunner()
    checked = runner.invoke(cli, ["voice", "ivr", "check", str(tmp_path / "ivr.toml")])
    assert checked.exit_code == 0
    assert checked.output == f"{tmp_path / 'ivr.toml'}: 2 menus (start main), queues desk\n"
    (tmp_path / "bad.toml").write_text("[menus.main]\nprompt = 1\n", encoding="utf-8")
    refused = runner.invoke(cli, ["voice", "ivr", "check", str(tmp_path / "bad.toml")])
    assert refused.exit_code == 1
    assert (
        refused.output
        == f"Error: {tmp_path / 'bad.toml'}: menus.main.prompt: expected a non-empty text\n"
    )


def test_the_rule_examples() -> None:
    failures, _ = doctest.testmod(diversion, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert failures == 0
