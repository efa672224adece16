"""Scenarios of features/self_service.feature: the bot on chat, and on the test ``note``
channel standing in for a messaging channel (WhatsApp), through intake as customers write."""

from __future__ import annotations

import doctest
from datetime import timedelta

import pytest
from eventdesk import ServiceDesk
from eventdesk_chat import ChatSessions, post
from eventdesk_selfservice import bot_stats, configure
from pytest_bdd import given, parsers, scenarios, then, when

scenarios("self_service.feature")

CHAT_URL = "https://desk.example/chat"


class Customer:
    """One customer: a chat session (or a messaging-channel number); a message a minute."""

    def __init__(self, desk: ServiceDesk, clock, note_channel) -> None:
        self.desk, self.clock, self.note = desk, clock, note_channel
        self.key, self.incident, self.sent = "session-feature-bot-1", None, 1

    def start(self, text: str, **form: str) -> None:
        event = {"type": "start", "session": self.key, "text": text, **form}
        self.incident = post(self.desk, event).incident

    def write(self, text: str) -> None:
        self.sent += 1
        self.clock.advance(timedelta(minutes=1))
        event = {"type": "message", "session": self.key, "id": str(self.sent), "text": text}
        post(self.desk, event)

    def bot_said(self) -> list[str]:
        return [
            m.text
            for m in self.desk.conversation(self.incident)
            if m.author_kind == "bot" and m.public
        ]


@pytest.fixture
def customer(desk: ServiceDesk, clock, note_channel) -> Customer:
    return Customer(desk, clock, note_channel)


@given(parsers.parse("tenant {tenant} is served by the shared pool, where {agent} works"))
def pool(desk: ServiceDesk, tenant: str, agent: str) -> None:
    desk.tenancy.register_tenant(tenant.lower(), model="shared", service_manager="sofia")
    desk.tenancy.form_team("pool", kind="shared")
    desk.tenancy.register_agent(agent.lower(), teams=["pool"], capacity={"chat": 3, "other": 5})
    desk.tenancy.set_presence(agent.lower(), "available")
    desk.channels.configure("chat", {"tenant": tenant.lower()})


@given("the knowledge base has these published articles:")
def articles(desk: ServiceDesk, datatable) -> None:
    for title, text in datatable[1:]:
        desk.knowledge.publish(desk.knowledge.add(title, text).number)


@given("the bot answers on chat and on the messaging channel")
def bot_on(desk: ServiceDesk, note_channel) -> None:
    configure(desk, channels=["chat", "note"], chat_url=CHAT_URL)


@when(parsers.parse('a customer starts a chat saying "{text}"'))
def starts(customer: Customer, text: str) -> None:
    customer.start(text, email="carla@acme.example")


@when(parsers.parse('the customer writes "{text}"'))
def writes(customer: Customer, text: str) -> None:
    customer.write(text)


@when(parsers.parse('a customer writes "{text}" on the messaging channel from {phone}'))
def writes_on_messaging(desk: ServiceDesk, customer: Customer, text: str, phone: str) -> None:
    payload = customer.note.payload(
        "wa-1", "carla@acme.example", text, tenant="acme", also=[f"phone:{phone}"]
    )
    [taken] = desk.intake.receive("note", payload)
    customer.incident = taken.incident


@when(
    parsers.parse("the customer follows the link and starts a chat with the phone number {phone}")
)
def follows_link(customer: Customer, phone: str) -> None:
    link = customer.note.sent[-1].text.rsplit(" ", 1)[-1]
    reference = link.partition("?incident=")[2]
    before = customer.incident
    customer.start("Hello, the bot sent me here", phone=phone, incident=reference)
    assert customer.incident == before


@then(parsers.parse('the bot answers with "{title}"'))
def answers_with(customer: Customer, title: str) -> None:
    assert f" {title}) Did this solve it?" in customer.bot_said()[-1]


@then("nobody at the desk is given the request")
def nobody_given(desk: ServiceDesk) -> None:
    assert desk.tenancy.route() == []


@then(parsers.parse('the request is resolved as "{code}"'))
def resolved_as(desk: ServiceDesk, customer: Customer, code: str) -> None:
    incident = desk.get_incident(customer.incident)
    assert (incident.state, incident.resolution_code) == ("resolved", code)


@then(parsers.parse("the bot has deflected {deflected:d} request of {total:d}"))
def deflected(desk: ServiceDesk, deflected: int, total: int) -> None:
    figures = bot_stats(desk)
    assert (figures.deflected, figures.conversations) == (deflected, total)


@then(parsers.parse('the bot hands over because "{reason}"'))
def hands_over(desk: ServiceDesk, customer: Customer, reason: str) -> None:
    assert customer.bot_said()[-1].startswith("I am passing you to a person")
    assert bot_stats(desk).handover_reasons == {reason: 1}


@then(parsers.re(r"(?P<agent>[A-Z][a-z]+) is given the request"))
def given_the_request(desk: ServiceDesk, customer: Customer, agent: str) -> None:
    decisions = desk.tenancy.route()
    assert {(d.incident, d.agent) for d in decisions} == {(customer.incident, agent.lower())}
    assert desk.get_incident(customer.incident).assignee == agent.lower()


@then(parsers.parse("{agent} sees the whole conversation:"))
def sees_conversation(desk: ServiceDesk, customer: Customer, agent: str, datatable) -> None:
    said = [m for m in desk.conversation(customer.incident, actor=f"agent:{agent.lower()}")]
    public = [f"{m.author_kind} | {m.text}" for m in said if m.public]
    expected = [f"{who} | {text}" for who, text in datatable[1:]]
    checker = doctest.OutputChecker()
    assert checker.check_output(
        "\n".join(expected) + "\n", "\n".join(public) + "\n", doctest.ELLIPSIS
    ), public


@then("the bot hands over with a link to the live chat about the request")
def link_to_chat(customer: Customer) -> None:
    assert customer.note.sent[-1].text.endswith(
        f"continue on live chat: {CHAT_URL}?incident={customer.incident}"
    )


@then("the chat is part of the same request")
def same_request(desk: ServiceDesk, customer: Customer) -> None:
    assert ChatSessions(desk).get(customer.key).incident == customer.incident
    assert desk.list_incidents().total == 1


@then(parsers.parse("{agent}, on the chat, sees what the customer said to the bot"))
def agent_sees_bot(desk: ServiceDesk, customer: Customer, agent: str) -> None:
    # The request (handed over) and the chat (one of Ana's chats) both go to her.
    assert {(d.incident, d.agent) for d in desk.tenancy.route()} == {
        (customer.incident, agent.lower())
    }
    assert desk.tenancy.agent(agent.lower()).load["chat"] == 1
    said = [(m.author_kind, m.channel) for m in desk.conversation(customer.incident) if m.public]
    assert said == [("customer", "note"), ("bot", "note"), ("customer", "chat")]
