"""Scenarios of features/omnichannel_continuity.feature: one person, every channel, one
conversation.

Email comes in through the email channel and the desk's replies go out through a real
SMTP server on loopback (``smtp_server``); the web form posts through the web channel; text
messages come through the SMS example plugin, whose gateway is a real HTTP server on
loopback (``http_sink``). Then-steps read the desk back: incidents, conversations, contacts
and SLA clocks, and what the servers received.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

import attrs
import pytest
from eventdesk import ManualClock, ServiceDesk
from eventdesk_email.threads import message_ids
from eventdesk_sms import signature
from pytest_bdd import given, parsers, scenarios, then, when

from .conftest import step, table

scenarios("omnichannel_continuity.feature")

DESK = "support@desk.example"
SMS_SECRET = "the-gateway-and-the-desk-share-this"


@attrs.define
class Journey:
    """What customers sent, in order, and what came of it."""

    emails: dict[str, EmailMessage] = attrs.field(factory=dict)  # the last email of each person
    results: list[Any] = attrs.field(factory=list)


@given(
    parsers.parse(
        'the desk takes email at "{address}" and sends its replies through the mail server'
    ),
    target_fixture="mail_server",
)
def mail_server(desk: ServiceDesk, smtp_server: Any, address: str) -> Any:
    desk.channels.configure("email", smtp_server.settings(address))
    return smtp_server


@given("the SMS gateway takes the desk's texts", target_fixture="gateway")
def sms_gateway(desk: ServiceDesk, http_sink: Any) -> Any:
    desk.channels.configure("sms", {"secret": SMS_SECRET, "gateway_url": f"{http_sink.url}/sms"})
    return http_sink


@given(parsers.parse('the tenant "{tenant}" whose people write from "{domain}"'))
def tenant_with_domain(desk: ServiceDesk, tenant: str, domain: str) -> None:
    desk.tenancy.register_tenant(tenant, model="shared", service_manager="sofia", domains=[domain])


@given(step("{duration:Duration} pass"))
def time_has_passed(clock: ManualClock, duration: timedelta) -> None:
    clock.advance(duration)


@pytest.fixture
def journey() -> Journey:
    return Journey()


def _taken(desk: ServiceDesk, journey: Journey, channel: str, payload: bytes, **headers: str):
    [result] = desk.intake.receive(channel, payload, headers)
    assert result.taken, result.reason
    journey.results.append(result)
    return result


def _email(
    desk: ServiceDesk,
    journey: Journey,
    sender: str,
    subject: str,
    text: str,
    *,
    answering: Any = None,
) -> Any:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = DESK
    mail["Subject"] = subject
    address = parseaddr(sender)[1]
    mail["Message-ID"] = f"<{uuid.uuid4().hex}@{address.partition('@')[2]}>"
    if answering is not None:
        mail["In-Reply-To"] = answering["Message-ID"]
        chain = message_ids(answering["References"]) + message_ids(answering["Message-ID"])
        mail["References"] = " ".join(f"<{i}>" for i in chain)
    mail.set_content(text)
    journey.emails[address] = mail
    return _taken(desk, journey, "email", mail.as_bytes())


@given(parsers.parse('"{sender}" emailed "{subject}" saying "{text}"'))
@when(parsers.parse('"{sender}" emails "{subject}" saying "{text}"'))
def emails(desk: ServiceDesk, journey: Journey, sender: str, subject: str, text: str) -> None:
    _email(desk, journey, sender, subject, text)


def _web(desk: ServiceDesk, journey: Journey, email: str, text: str, **more: str) -> Any:
    body = json.dumps({"email": email, "text": text, **more}).encode()
    return _taken(desk, journey, "web", body, **{"Content-Type": "application/json"})


@given(parsers.parse('"{email}" wrote on the web form "{text}"'))
@when(parsers.parse('"{email}" writes on the web form "{text}"'))
def web_form(desk: ServiceDesk, journey: Journey, email: str, text: str) -> None:
    _web(desk, journey, email, text)


@given(parsers.parse('"{email}" wrote on the web form "{text}" giving her mobile "{phone}"'))
def web_form_with_phone(desk: ServiceDesk, journey: Journey, email: str, text: str, phone: str):
    _web(desk, journey, email, text, phone=phone)


def _text(desk: ServiceDesk, journey: Journey, phone: str, text: str) -> Any:
    body = json.dumps({"id": f"sms-{uuid.uuid4().hex}", "from": phone, "text": text}).encode()
    return _taken(desk, journey, "sms", body, **{"X-Sms-Signature": signature(SMS_SECRET, body)})


@given(parsers.parse('"{phone}" texts the desk "{text}"'))
@given(parsers.parse('"{phone}" texted the desk "{text}"'))
@when(parsers.parse('"{phone}" texts the desk "{text}"'))
def texts(desk: ServiceDesk, journey: Journey, phone: str, text: str) -> None:
    _text(desk, journey, phone, text)


@when(parsers.parse('{agent} replies "{text}"'))
def agent_replies(desk: ServiceDesk, journey: Journey, agent: str, text: str) -> None:
    desk.reply(journey.results[0].incident, text, actor=agent.lower())


@when(parsers.parse('{agent} replies "{text}" by {channel}'))
def agent_replies_by(desk: ServiceDesk, journey: Journey, agent: str, text: str, channel: str):
    desk.reply(journey.results[0].incident, text, channel=channel, actor=agent.lower())


@when("the desk acknowledges it automatically")
def acknowledged(desk: ServiceDesk, journey: Journey) -> None:
    desk.comment(
        journey.results[0].incident,
        "We have your message and will answer soon.",
        author_kind="system",
        actor="auto-acknowledge",
    )


@when(parsers.parse('Ana answers that email saying "{text}"'), target_fixture="answer")
def ana_answers(desk: ServiceDesk, journey: Journey, mail_server: Any, text: str) -> Any:
    reply = mail_server.deliveries[-1].message
    return _email(
        desk,
        journey,
        "Ana López <ana@acme.example>",
        f"Re: {reply['Subject']}",
        text,
        answering=reply,
    )


@when(parsers.parse('the contact "{source}" is merged into "{target}"'))
def merged(desk: ServiceDesk, source: str, target: str) -> None:
    desk.contacts.merge(source, into=target)


# --- Then ----------------------------------------------------------------------------------


@then(
    parsers.parse(
        'there is one incident, for tenant "{tenant}", opened by {channel} for "{caller}"'
    )
)
def one_incident(desk: ServiceDesk, tenant: str, channel: str, caller: str) -> None:
    [only] = desk.list_incidents().items
    incident = desk.get_incident(only.number)
    assert (incident.tenant, incident.channel, incident.caller) == (tenant, channel, caller)


@then(parsers.parse("there are {count:d} incidents"))
def incidents_count(desk: ServiceDesk, count: int) -> None:
    assert desk.list_incidents().total == count


@then("its conversation is:")
def conversation_is(desk: ServiceDesk, journey: Journey, datatable: list[list[str]]) -> None:
    messages = desk.conversation(journey.results[0].incident)
    assert [
        {"from": m.actor, "channel": m.channel, "kind": m.author_kind, "message": m.text}
        for m in messages
    ] == table(datatable)


@then(parsers.parse('"{identity}" is one contact with that one incident'))
def one_contact(desk: ServiceDesk, journey: Journey, identity: str) -> None:
    contact = desk.contacts.get(identity)
    assert contact.incidents == (journey.results[0].incident,)
    assert {r.contact for r in journey.results} == {contact.id}
    assert len(desk.contacts.list()) == 1


@then(parsers.parse('the mail server is sent one email, from "{sender}" to "{recipient}"'))
def one_email(mail_server: Any, sender: str, recipient: str) -> None:
    [delivery] = mail_server.deliveries
    assert (delivery.mail_from, delivery.rcpt_tos) == (sender, (recipient,))
    message = delivery.message
    assert parseaddr(message["From"])[1] == sender
    assert parseaddr(message["To"])[1] == recipient


@then("the mail server is sent no email")
def no_email(mail_server: Any) -> None:
    assert mail_server.deliveries == []


@then(parsers.parse('its subject is "{subject}"'))
def subject_is(mail_server: Any, subject: str) -> None:
    assert mail_server.deliveries[-1].message["Subject"] == subject


@then("it answers her email in its In-Reply-To and References headers")
def threaded(mail_server: Any, journey: Journey) -> None:
    reply = mail_server.deliveries[-1].message
    hers = message_ids(journey.emails["ana@acme.example"]["Message-ID"])
    assert message_ids(reply["In-Reply-To"]) == hers
    assert message_ids(reply["References"])[-1:] == hers


@then("the reply is recorded in the conversation with the email's Message-ID")
def reply_recorded(desk: ServiceDesk, journey: Journey, mail_server: Any) -> None:
    last = desk.conversation(journey.results[0].incident)[-1]
    sent = message_ids(mail_server.deliveries[-1].message["Message-ID"])
    assert (last.author_kind, last.channel, last.public) == ("agent", "email", True)
    assert [last.message_id] == sent


@then(parsers.parse("her answer joins {number} by its headers"))
def answer_joins(answer: Any, number: str) -> None:
    assert (answer.status, answer.incident) == ("appended", number)


@then(parsers.parse('the SMS gateway is sent "{text}" for "{number}"'))
def gateway_sent(gateway: Any, text: str, number: str) -> None:
    [request] = gateway.accepted()
    body = json.loads(request["body"])
    assert (body["text"], body["to"]) == (text, number)


@then("the conversation shows the replies going out by sms and by email")
def replies_by_channel(desk: ServiceDesk, journey: Journey) -> None:
    messages = desk.conversation(journey.results[0].incident)
    replies = [(m.channel, m.text) for m in messages if m.author_kind == "agent"]
    assert replies == [("sms", "Try the other tray."), ("email", "Here is the manual.")]
    assert {r.incident for r in journey.results} == {journey.results[0].incident}


@then(parsers.parse('the text joins the incident "{summary}"'))
def text_joins(desk: ServiceDesk, journey: Journey, summary: str) -> None:
    last = journey.results[-1]
    assert last.status == "appended"
    assert desk.get_incident(last.incident).summary == summary


@then(parsers.parse('"{identity}" is one contact with the identities "{identities}"'))
def contact_identities(desk: ServiceDesk, identity: str, identities: str) -> None:
    contact = desk.contacts.get(identity)
    assert contact.identities == tuple(i.strip() for i in identities.split(","))
    assert desk.contacts.get("+34600222333").id == contact.id


@then("the response clock is still running")
def response_running(desk: ServiceDesk, journey: Journey) -> None:
    [response] = [c for c in desk.sla.status(journey.results[0].incident) if c.metric == "response"]
    assert response.state == "running"


@then(step("the response clock is met after {duration:Duration}"))
def response_met(desk: ServiceDesk, journey: Journey, duration: timedelta) -> None:
    [response] = [c for c in desk.sla.status(journey.results[0].incident) if c.metric == "response"]
    assert (response.state, response.elapsed_seconds) == ("met", duration.total_seconds())
