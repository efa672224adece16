"""Chat sessions through intake: starting, talking, ending, the capacity each live one
holds, the idle sweep, and what a bad widget post becomes."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from eventdesk.channels import Identity
from eventdesk.errors import EventDeskError, InvalidValueError
from eventdesk.plugins import get_channels
from eventdesk.tenancy.access import Actor
from eventdesk_chat import ChatChannel, ChatSessionError, ChatSessions, post


def start(desk, key, text="My VPN drops every hour", **fields):
    return post(desk, {"type": "start", "session": key, "text": text, **fields})


def say(desk, key, number, text):
    return post(desk, {"type": "message", "session": key, "id": str(number), "text": text})


def test_the_chat_channel_is_registered_by_its_entry_point():
    assert get_channels()["chat"] is ChatChannel
    assert (ChatChannel.name, ChatChannel.identity_kind) == ("chat", "chat")


def test_a_session_starts_talks_and_ends_on_one_incident(pool, clock):
    desk = pool
    opened = start(desk, "session-ana-0001", email="Carla@Acme.example", name="Carla")
    assert (opened.status, opened.incident) == ("opened", "INC0000001")
    clock.advance(timedelta(minutes=1))
    assert say(desk, "session-ana-0001", 2, "It started this morning").status == "appended"
    desk.tenancy.route()
    desk.reply("INC0000001", "Hello Carla, I am Ana", actor="ana")

    chats = ChatSessions(desk)
    session = chats.get("session-ana-0001")
    assert (session.state, session.incident, session.agent) == ("live", "INC0000001", "ana")
    assert [(line.author, line.text) for line in chats.transcript("session-ana-0001")] == [
        ("customer", "My VPN drops every hour"),
        ("customer", "It started this morning"),
        ("agent", "Hello Carla, I am Ana"),
    ]
    contact = desk.contacts.get("carla@acme.example")
    assert set(contact.identities) == {"email:carla@acme.example", "chat:session-ana-0001"}

    ended = post(desk, {"type": "end", "session": "session-ana-0001"})
    assert ended.status == "ignored"
    session = chats.get("session-ana-0001")
    assert (session.state, session.end_reason, session.agent) == (
        "ended",
        "the customer left the chat",
        "ana",
    )
    # The messages stay on the incident: its conversation.
    assert len(desk.conversation("INC0000001")) == 3


def test_each_live_session_holds_one_unit_of_chat_capacity(pool, clock):
    desk = pool
    for n in range(3):
        start(desk, f"session-cap-{n:04d}", email=f"c{n}@acme.example")
    decisions = desk.tenancy.route()
    assert [d.agent for d in decisions] == ["ana", "ana", None]
    assert decisions[2].reason == "no available agent with chat capacity in pool"
    assert desk.tenancy.agent("ana").load == {"chat": 2}
    assert ChatSessions(desk).get("session-cap-0002").waiting

    # Ending one frees its unit: the third chat goes to ana now.
    ChatSessions(desk).end("session-cap-0000", reason="solved", actor="ana")
    assert desk.tenancy.agent("ana").load == {"chat": 1}
    [decision] = desk.tenancy.route()
    assert (decision.incident, decision.agent) == ("INC0000003", "ana")
    assert desk.tenancy.agent("ana").load == {"chat": 2}


def test_a_chat_that_joins_an_email_incident_takes_a_chat_unit_of_its_own(pool, note_channel):
    desk = pool
    [taken] = desk.intake.receive(
        "note", note_channel.payload("n-1", "carla@acme.example", "Printer jam", tenant="acme")
    )
    assert taken.status == "opened"
    desk.tenancy.route()
    assert desk.tenancy.agent("ana").load == {"other": 1}
    joined = start(desk, "session-join-0001", text="About my printer", email="carla@acme.example")
    assert (joined.status, joined.incident) == ("appended", taken.incident)
    desk.tenancy.route()
    assert desk.tenancy.agent("ana").load == {"other": 1, "chat": 1}


def test_the_reference_of_a_pre_chat_form_joins_the_customers_incident(pool, note_channel):
    desk = pool
    desk.intake.receive(
        "note", note_channel.payload("n-1", "carla@acme.example", "First", tenant="acme")
    )
    desk.intake.receive(
        "note", note_channel.payload("n-2", "dan@acme.example", "Second", tenant="acme")
    )
    joined = start(desk, "session-ref-0001", email="carla@acme.example", incident="inc1")
    assert joined.incident == "INC0000001"
    # Naming someone else's incident joins nothing of theirs.
    stranger = start(desk, "session-ref-0002", email="eve@acme.example", incident="INC0000002")
    assert stranger.status == "opened" and stranger.incident == "INC0000003"


def test_a_phone_from_the_pre_chat_form_finds_the_contact_of_a_call(pool, note_channel):
    desk = pool
    desk.intake.receive(
        "note", note_channel.payload("n-1", "phone:+34600111222", "Call about VPN", tenant="acme")
    )
    joined = start(desk, "session-phone-01", phone="+34 600 111 222")
    assert (joined.status, joined.incident) == ("appended", "INC0000001")
    assert "chat:session-phone-01" in desk.contacts.get("+34600111222").identities


def test_the_phone_of_the_pre_chat_form_finds_who_wrote_from_it_on_whatsapp(pool, note_channel):
    desk = pool
    [taken] = desk.intake.receive(
        "note",
        note_channel.payload("wa-1", "whatsapp:34600111222", "Printer", tenant="acme"),
    )
    joined = start(desk, "session-wa-00001", phone="+34 600 111 222", incident=taken.incident)
    assert (joined.status, joined.incident, joined.contact) == (
        "appended",
        taken.incident,
        taken.contact,
    )
    # The number the customer gave is theirs now: a call from it finds them.
    assert desk.contacts.get("+34600111222").id == taken.contact


def test_a_second_window_on_the_same_incident_replaces_the_first(pool):
    desk = pool
    start(desk, "session-win-0001", email="carla@acme.example")
    desk.tenancy.route()
    start(desk, "session-win-0002", text="Hello again", email="carla@acme.example")
    chats = ChatSessions(desk)
    first, second = chats.get("session-win-0001"), chats.get("session-win-0002")
    assert (first.state, first.end_reason) == ("ended", "replaced by chat session session-win-0002")
    # The new window keeps the agent and the unit of capacity: nothing waits again.
    assert (second.state, second.agent, second.waiting) == ("live", "ana", False)
    assert desk.tenancy.agent("ana").load == {"chat": 1}
    chats.end("session-win-0002", reason="closed the tab")
    start(desk, "session-win-0003", text="Back", email="carla@acme.example")
    assert chats.get("session-win-0003").waiting  # queued again, for whoever is free
    assert [v.key for v in chats.list()] == ["session-win-0003"]
    assert [v.key for v in chats.list(state="ended")] == ["session-win-0001", "session-win-0002"]


def test_idle_sessions_expire_on_the_desks_clock(pool, clock):
    desk = pool
    start(desk, "session-idle-001")
    start(desk, "session-busy-001", email="b@acme.example")
    desk.tenancy.route()
    clock.advance(timedelta(minutes=8))
    say(desk, "session-busy-001", 2, "still here")
    clock.advance(timedelta(minutes=3))
    ended = ChatSessions(desk).expire()
    assert [(v.key, v.end_reason) for v in ended] == [
        ("session-idle-001", "idle for more than 10 minutes")
    ]
    assert desk.tenancy.agent("ana").load == {"chat": 1}
    assert [v.key for v in ChatSessions(desk).expire(idle_minutes=2)] == ["session-busy-001"]
    assert desk.tenancy.agent("ana").load == {}


def test_replies_reach_a_live_session_only(pool, clock):
    desk = pool
    start(desk, "session-out-0001", email="carla@acme.example")
    desk.reply("INC0000001", "Looking at it", actor="ana")
    clock.advance(timedelta(minutes=1))
    ChatSessions(desk).end("session-out-0001", reason="left")
    desk.reply("INC0000001", "Are you there?", actor="ana")
    states = [d.state for d in desk.intake.deliveries()]
    assert states == ["delivered", "failed"]
    assert desk.intake.deliveries()[1].last_error == (
        "the customer has left the chat: no live session on INC0000001"
    )


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ({"type": "start", "text": "hi"}, "field 'session' is required"),
        ({"type": "start", "session": "short", "text": "hi"}, "field 'session': 8 to 100"),
        ({"type": "wave", "session": "session-bad-0001"}, "field 'type': 'wave' is not"),
        ({"type": "start", "session": "session-bad-0001"}, "field 'text' is required"),
        (
            {"type": "message", "session": "session-bad-0001", "text": "hi", "id": "1"},
            "no chat session session-bad-0001: start it first",
        ),
        ({"type": "end", "session": "session-bad-0001"}, "no chat session session-bad-0001"),
        (
            {"type": "start", "session": "session-bad-0001", "text": "hi", "email": "nope"},
            "field 'email': invalid email address",
        ),
        (
            {"type": "start", "session": "session-bad-0001", "text": "hi", "incident": "last"},
            "field 'incident': 'last' is not an incident number",
        ),
        (
            {"type": "message", "session": "session-bad-0001", "text": "hi", "colour": "red"},
            "unknown field 'colour' for a message",
        ),
    ],
)
def test_a_bad_widget_post_is_a_dead_letter_naming_what_is_wrong(pool, event, reason):
    [result] = pool.intake.receive("chat", json.dumps(event).encode())
    assert result.status == "dead_letter"
    assert result.reason.startswith(reason), result.reason
    assert pool.dead_letters.list()[0].reason == result.reason


def test_not_json_and_a_message_on_an_ended_session_are_dead_letters(pool):
    [result] = pool.intake.receive("chat", b"<html>")
    assert result.reason.startswith("the body is not JSON")
    start(pool, "session-end-0001")
    ChatSessions(pool).end("session-end-0001", reason="done")
    late = say(pool, "session-end-0001", 2, "wait")
    assert late.reason == "chat session session-end-0001 has ended: start a new one"
    # Ending twice: the customer's end is left alone, an agent's is refused.
    assert post(pool, {"type": "end", "session": "session-end-0001"}).status == "ignored"
    with pytest.raises(ChatSessionError, match="has ended already"):
        ChatSessions(pool).end("session-end-0001", reason="again")


def test_the_same_message_twice_is_taken_once(pool):
    start(pool, "session-dup-0001")
    assert say(pool, "session-dup-0001", 2, "hello").status == "appended"
    assert say(pool, "session-dup-0001", 2, "hello").status == "duplicate"
    assert len(pool.conversation("INC0000001")) == 2


def test_the_channel_refuses_settings_it_cannot_use():
    with pytest.raises(InvalidValueError, match="idle_minutes"):
        ChatChannel({"idle_minutes": 0})
    with pytest.raises(InvalidValueError, match="one of tenant"):
        ChatChannel({"colour": "red"})
    message = ChatChannel().parse(
        json.dumps({"type": "start", "session": "session-x-0001", "text": "hi"}).encode(), {}
    )[0]
    assert message.sender == Identity("chat", "session-x-0001")  # no pre-chat form


def test_agents_read_and_end_the_chats_of_tenants_they_serve(pool):
    desk = pool
    desk.tenancy.register_tenant("globex", model="dedicated", service_manager="sofia")
    desk.tenancy.form_team("globex-team", kind="dedicated", tenant="globex")
    desk.tenancy.register_agent("gus", teams=["globex-team"])
    start(desk, "session-acl-0001", email="carla@acme.example")
    chats = ChatSessions(desk)
    ana, gus = Actor.parse("agent:ana"), Actor.parse("agent:gus")
    assert [v.key for v in chats.list(actor=ana)] == ["session-acl-0001"]
    assert chats.list(actor=gus) == []
    # Fail to read or end another tenant's chat: refused, and the refusal recorded.
    with pytest.raises(EventDeskError, match="do not serve tenant acme"):
        chats.transcript("session-acl-0001", actor=gus)
    with pytest.raises(EventDeskError, match="do not serve tenant acme"):
        chats.end("session-acl-0001", reason="mine", actor=gus)
    assert chats.end("session-acl-0001", reason="solved", actor=ana).state == "ended"
    assert desk.tenancy.refusals()[-1].action == "end a chat session"
    with pytest.raises(EventDeskError, match="only an administrator"):
        chats.expire(actor=ana)
