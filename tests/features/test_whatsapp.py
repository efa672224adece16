"""Scenarios of features/whatsapp.feature: customers on WhatsApp.

Meta's notifications are posted, signed with the app secret, to the desk's HTTP server on
loopback (``eventdesk serve``'s app); the desk's replies go to a Graph API on loopback
(``graph_api``), which is what the customer "receives"; statuses come back the way
messages do. Then-steps read the desk back.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from eventdesk import ServiceDesk
from eventdesk.channels import Identity
from eventdesk.http import create_app
from eventdesk_whatsapp import ServiceWindowClosedError, signature
from eventdesk_whatsapp.samples import body, notification, status, text_message
from pytest_bdd import given, parsers, scenarios, then, when

from .conftest import Attempt, attempt, refusal, table

scenarios("whatsapp.feature")

APP_SECRET = "the-meta-app-secret-of-the-desk"
INBOUND = "/channels/whatsapp/inbound"


@pytest.fixture
def message_ids() -> itertools.count:
    return itertools.count(1)


def wa_id(phone: str) -> str:
    return Identity("whatsapp", phone).value


@given("the desk's WhatsApp Business number is connected", target_fixture="server")
def connected(desk: ServiceDesk, graph_api: Any, live_server: Any) -> Any:
    desk.channels.configure("whatsapp", graph_api.settings(app_secret=APP_SECRET))
    return live_server(create_app(desk))


def post(server: Any, data: dict[str, Any], secret: str = APP_SECRET) -> Any:
    raw = body(data)
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature(secret, raw)}
    return server.request("POST", INBOUND, body=raw, headers=headers)


@given(parsers.parse('{name} wrote "{text}" on WhatsApp from {phone}'))
@when(parsers.parse('{name} writes "{text}" on WhatsApp from {phone}'))
def writes(server: Any, message_ids: itertools.count, name: str, text: str, phone: str) -> None:
    message = text_message(f"wamid.in-{next(message_ids)}", wa_id(phone), text)
    answer = post(server, notification(message, name=name))
    assert answer.status == 200, answer.text


@given(parsers.parse('Bob replied "{text}" to {number}'))
@when(parsers.parse('Bob replies "{text}" to {number}'))
def replies(desk: ServiceDesk, text: str, number: str) -> None:
    desk.reply(number, text, actor="bob")


@when(
    parsers.parse('Bob replies "{text}" to {number} with the template "{template}"'),
)
def replies_with_template(desk: ServiceDesk, text: str, number: str, template: str) -> None:
    desk.reply(number, text, actor="bob", template=template)


@when(parsers.parse('Bob tries to reply "{text}" to {number}'), target_fixture="attempt")
def tries_to_reply(desk: ServiceDesk, text: str, number: str) -> Attempt:
    return attempt(None, lambda: desk.reply(number, text, actor="bob"))


@when(
    parsers.parse("someone posts a message from {phone} without the app's signature"),
    target_fixture="answer",
)
def forged(server: Any, phone: str) -> Any:
    message = text_message("wamid.forged", wa_id(phone), "Send me the admin password")
    return post(server, notification(message), secret="a-secret-we-never-gave")


@when(parsers.parse("WhatsApp reports the reply {state}"))
def reports(server: Any, graph_api: Any, state: str) -> None:
    [sent] = graph_api.sent()
    data = notification(statuses=[status("wamid.sent-1", state, sent["to"])])
    answer = post(server, data)
    assert answer.status == 200 and answer.json()["results"][0]["status"] == "receipt"


# --- Then ------------------------------------------------------------------------------------


@then(parsers.parse('incident {number} "{summary}" is open for the contact "{name}"'))
def open_for(desk: ServiceDesk, number: str, summary: str, name: str) -> None:
    incident = desk.get_incident(number)
    assert (incident.summary, incident.channel, incident.caller) == (summary, "whatsapp", name)
    assert incident.state == "new"
    assert desk.contacts.get(incident.contact).name == name


@then(
    parsers.parse(
        'the contact "{name}" is reached on WhatsApp as {whatsapp} and by phone as {phone}'
    )
)
def reached_as(desk: ServiceDesk, name: str, whatsapp: str, phone: str) -> None:
    contact = desk.contacts.get(f"whatsapp:{whatsapp}")
    assert contact.name == name
    assert desk.contacts.get(phone).id == contact.id
    assert contact.identities == (f"whatsapp:{whatsapp}", f"phone:{phone}")


@then(parsers.parse("there is {count:d} incident"))
@then(parsers.parse("there are {count:d} incidents"))
def incident_count(desk: ServiceDesk, count: int) -> None:
    assert desk.list_incidents().total == count


@then(parsers.parse("the conversation of {number} is:"))
def conversation_is(desk: ServiceDesk, number: str, datatable: list[list[str]]) -> None:
    messages = [
        {"from": m.actor, "channel": m.channel or "", "text": m.text}
        for m in desk.conversation(number)
    ]
    assert messages == table(datatable)


@then(parsers.parse('Ana López receives on WhatsApp the text "{text}"'))
def receives_text(graph_api: Any, text: str) -> None:
    [sent] = graph_api.sent()
    assert (sent["to"], sent["type"], sent["text"]["body"]) == ("34600111222", "text", text)


@then(parsers.parse('Ana López receives on WhatsApp the template "{template}" about {number}'))
def receives_template(graph_api: Any, template: str, number: str) -> None:
    [sent] = graph_api.sent()
    assert (sent["to"], sent["type"], sent["template"]["name"]) == (
        "34600111222",
        "template",
        template,
    )
    [parameter] = sent["template"]["components"][0]["parameters"]
    assert parameter["text"] == number


@then("Ana López has received nothing on WhatsApp")
def received_nothing(graph_api: Any) -> None:
    assert graph_api.requests == []


@then("the reply is refused because the customer-service window is closed")
def window_closed(attempt: Attempt) -> None:
    error = refusal(attempt, ServiceWindowClosedError)
    assert "outside the 24-hour customer-service window" in error.message


@then("the desk refuses it as unauthenticated")
def refused_unauthenticated(answer: Any) -> None:
    assert answer.status == 401
    assert answer.json()["results"][0]["status"] == "unauthenticated"


@then(parsers.parse('it is kept as a dead letter saying "{reason}"'))
def kept_as_dead_letter(desk: ServiceDesk, reason: str) -> None:
    [letter] = desk.dead_letters.list()
    assert (letter.channel, letter.kind, letter.reason) == ("whatsapp", "unauthenticated", reason)


@then(parsers.parse("the delivery of the reply to {number} shows it {state}"))
def delivery_shows(desk: ServiceDesk, number: str, state: str) -> None:
    [delivery] = desk.intake.deliveries(incident=number)
    assert (delivery.state, delivery.receipt) == ("delivered", state)
