"""Scenarios of features/live_chat.feature: chat sessions through intake, as the chat
window posts them, routed by the real engine; the email is the test ``note`` channel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from eventdesk import ServiceDesk
from eventdesk_chat import ChatSessions, post
from pytest_bdd import given, parsers, scenarios, then, when

scenarios("live_chat.feature")


class Chats:
    """The chat windows of the scenario, by order of starting; one message a minute."""

    def __init__(self, desk: ServiceDesk, clock) -> None:
        self.desk, self.clock, self.keys, self.sent = desk, clock, [], 0

    def start(self, text: str, **form: str):
        key = f"session-feature-{len(self.keys) + 1:03d}"
        self.keys.append(key)
        return post(self.desk, {"type": "start", "session": key, "text": text, **form})

    def write(self, text: str, key: str | None = None) -> None:
        self.sent += 1
        self.clock.advance(timedelta(minutes=1))
        event = {"type": "message", "session": key or self.keys[-1], "id": str(self.sent)}
        post(self.desk, {**event, "text": text})

    def session(self, index: int = -1):
        return ChatSessions(self.desk).get(self.keys[index])


@pytest.fixture
def chats(desk: ServiceDesk, clock, note_channel) -> Chats:
    return Chats(desk, clock)


@given(
    parsers.parse(
        "tenant {tenant} is served by the shared pool, where {agent} can hold {n:d} chats at once"
    )
)
def pool_with_agent(desk: ServiceDesk, tenant: str, agent: str, n: int) -> None:
    desk.tenancy.register_tenant(tenant.lower(), model="shared", service_manager="sofia")
    desk.tenancy.form_team("pool", kind="shared")
    desk.tenancy.register_agent(agent.lower(), teams=["pool"], capacity={"chat": n, "other": 5})
    desk.tenancy.set_presence(agent.lower(), "available")
    desk.channels.configure("chat", {"tenant": tenant.lower()})


@given(parsers.parse("a chat left quiet for {minutes:d} minutes is ended"))
def idle_setting(desk: ServiceDesk, minutes: int) -> None:
    settings = desk.channels.settings("chat")
    desk.channels.configure("chat", {**settings, "idle_minutes": minutes})


@given(parsers.parse('"{email}" is chatting with {agent}'))
def chatting(desk: ServiceDesk, chats: Chats, email: str, agent: str) -> None:
    chats.start("Hello", email=email)
    desk.tenancy.route()
    assert chats.session().agent == agent.lower()


@given(parsers.parse('"{email}" wrote by email about "{text}"'))
def wrote_by_email(desk: ServiceDesk, note_channel, email: str, text: str) -> None:
    desk.intake.receive("note", note_channel.payload("mail-1", email, text, tenant="acme"))


@when(parsers.parse('"{email}" starts a chat saying "{text}"'))
def starts_chat(chats: Chats, email: str, text: str) -> None:
    chats.start(text, email=email)


@when(parsers.parse('"{email}" starts a chat about {number} saying "{text}"'))
def starts_chat_about(chats: Chats, email: str, number: str, text: str) -> None:
    chats.start(text, email=email, incident=number)


@when(parsers.parse("{n:d} customers start a chat"))
def customers_start(chats: Chats, n: int) -> None:
    for i in range(1, n + 1):
        chats.start(f"Question {i}", email=f"customer{i}@acme.example")


@when("the chats are given to agents")
def route(desk: ServiceDesk) -> None:
    desk.tenancy.route()


@when(parsers.parse('{agent} answers "{text}"'))
def agent_answers(desk: ServiceDesk, chats: Chats, agent: str, text: str) -> None:
    desk.reply(chats.session().incident, text, actor=agent.lower())


@when(parsers.parse('the customer writes "{text}"'))
def customer_writes(chats: Chats, text: str) -> None:
    chats.write(text)


@when("the first customer leaves the chat")
def first_leaves(chats: Chats) -> None:
    post(chats.desk, {"type": "end", "session": chats.keys[0]})


@when(parsers.parse("{minutes:d} minutes pass without a message"))
def quiet(clock, minutes: int) -> None:
    clock.advance(timedelta(minutes=minutes))


@when("the desk ends the quiet chats")
def expire(desk: ServiceDesk) -> None:
    ChatSessions(desk).expire()


@then(parsers.parse("the chat is with {agent}"))
def chat_is_with(chats: Chats, agent: str) -> None:
    assert chats.session().agent == agent.lower()


@then("the chat window shows:")
def window_shows(chats: Chats, datatable) -> None:
    lines = ChatSessions(chats.desk).transcript(chats.keys[-1])
    assert [[x.author, x.text] for x in lines] == datatable[1:]


@then(parsers.parse("incident {number} keeps the {n:d} messages of the chat"))
def incident_keeps(desk: ServiceDesk, number: str, n: int) -> None:
    assert [m.channel for m in desk.conversation(number)] == ["chat"] * n


@then(parsers.parse("{agent} holds {n:d} chats"))
def holds(desk: ServiceDesk, agent: str, n: int) -> None:
    assert desk.tenancy.agent(agent.lower()).load.get("chat", 0) == n


@then(parsers.parse('the third chat waits: "{reason}"'))
def third_waits(desk: ServiceDesk, chats: Chats, reason: str) -> None:
    assert chats.session(2).waiting
    [entry] = desk.tenancy.queue()
    assert entry.incident == chats.session(2).incident
    item = desk.tenancy.work_item(entry.incident)
    assert item.waiting_reason == reason


@then("every chat that is still open is with Ana")
def open_chats_with_ana(chats: Chats) -> None:
    live = ChatSessions(chats.desk).list()
    assert len(live) == 2 and {v.agent for v in live} == {"ana"}


@then(parsers.parse('the chat has ended because it was "{reason}"'))
def ended_because(chats: Chats, reason: str) -> None:
    assert (chats.session().state, chats.session().end_reason) == ("ended", reason)


@then(parsers.parse("there is {n:d} incident"))
def incident_count(desk: ServiceDesk, n: int) -> None:
    assert desk.list_incidents().total == n


@then(parsers.parse("the chat is part of {number}"))
def chat_part_of(desk: ServiceDesk, chats: Chats, number: str) -> None:
    assert chats.session().incident == number
    assert [m.channel for m in desk.conversation(number)] == ["note", "chat"]
