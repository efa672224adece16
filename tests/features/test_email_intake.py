"""Scenarios of features/email_intake.feature: email through the email channel plugin.

Mail is composed as a customer's client would write it and taken in through
``desk.intake.receive("email", ...)``; the desk's replies go out by SMTP to a
real server on loopback (``smtp_server`` in tests/conftest.py), and the
customer's answers quote what that server received. Then-steps read the desk
back (incidents, conversations, dead letters), not only what intake answered.
"""

from __future__ import annotations

import uuid
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import attrs
from eventdesk import ServiceDesk
from eventdesk.intake.service import IntakeResult
from eventdesk_email.threads import message_ids
from pytest_bdd import given, parsers, scenarios, then, when

from .conftest import step, table

scenarios("email_intake.feature")

MALFORMED = Path(__file__).resolve().parents[1] / "channels" / "email" / "malformed"
BROKEN = {
    "is cut short in the middle of its attachments": "truncated_multipart.eml",
    "declares a boundary its parts never use": "wrong_boundary.eml",
    "carries an attachment in broken base64": "bad_base64_attachment.eml",
    "has a stray line in its headers": "stray_line_in_headers.eml",
    "has no sender": "no_from.eml",
}
CUSTOMER = "María García <maria@acme.example>"


@attrs.frozen
class Arrival:
    """An email that reached the desk, and what intake made of it."""

    raw: bytes
    result: IntakeResult
    message_id: str | None


@attrs.define
class Mailbox:
    """The desk's address, and the ids of the emails customers sent it, in order."""

    address: str
    sent: list[str] = attrs.field(factory=list)


def compose(
    mailbox: Mailbox,
    sender: str,
    subject: str,
    text: str,
    *,
    answering: Any = None,
    headers: dict[str, str] | None = None,
) -> tuple[bytes, str]:
    """An email as a customer's client writes it; ``answering`` the desk's email it answers."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = mailbox.address
    mail["Subject"] = subject
    mail["Date"] = "Mon, 02 Mar 2026 09:00:00 +0100"
    message_id = f"{uuid.uuid4().hex}@{parseaddr(sender)[1].partition('@')[2]}"
    mail["Message-ID"] = f"<{message_id}>"
    if answering is not None:
        mail["In-Reply-To"] = answering["Message-ID"]
        chain = message_ids(answering["References"]) + message_ids(answering["Message-ID"])
        mail["References"] = " ".join(f"<{i}>" for i in chain)
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(text)
    return mail.as_bytes(), message_id


def take(desk: ServiceDesk, mailbox: Mailbox, raw: bytes, message_id: str | None) -> Arrival:
    [result] = desk.intake.receive("email", raw)
    if message_id:
        mailbox.sent.append(message_id)
    return Arrival(raw, result, message_id)


def last_email_from_the_desk(smtp_server: Any) -> Any:
    assert smtp_server.deliveries, "the desk has sent no email"
    return smtp_server.deliveries[-1].message


# --- Given ---------------------------------------------------------------------------------


@given(
    parsers.parse('the desk takes email at "{address}" and replies through the mail server'),
    target_fixture="mailbox",
)
def desk_takes_email(desk: ServiceDesk, smtp_server: Any, address: str) -> Mailbox:
    desk.channels.configure("email", smtp_server.settings(address=address))
    return Mailbox(address)


@given(parsers.parse('"{sender}" emailed "{subject}" saying "{text}"'), target_fixture="arrival")
@when(parsers.parse('"{sender}" emails "{subject}" saying "{text}"'), target_fixture="arrival")
def customer_emails(
    desk: ServiceDesk, mailbox: Mailbox, sender: str, subject: str, text: str
) -> Arrival:
    raw, message_id = compose(mailbox, sender, subject, text)
    return take(desk, mailbox, raw, message_id)


@given(step('{actor:Actor} replied "{text}" to {number}'))
@when(step('{actor:Actor} replies "{text}" to {number}'))
def agent_replies(desk: ServiceDesk, actor: str, text: str, number: str) -> None:
    desk.reply(number, text, actor=actor)
    [delivery] = desk.intake.deliveries(incident=number, limit=1000)[-1:]
    assert delivery.state == "delivered", delivery


@given(step("{actor:Actor} resolved {number}"))
@when(step("{actor:Actor} resolves {number}"))
def agent_resolves(desk: ServiceDesk, actor: str, number: str) -> None:
    desk.start(number, actor=actor)
    desk.resolve(number, "fixed", "Replaced the fuser", actor=actor)


@when(
    parsers.parse(
        'María answers the desk\'s email, under the subject "{subject}", saying "{text}"'
    ),
    target_fixture="arrival",
)
def customer_answers(
    desk: ServiceDesk, mailbox: Mailbox, smtp_server: Any, subject: str, text: str
) -> Arrival:
    answering = last_email_from_the_desk(smtp_server)
    raw, message_id = compose(mailbox, CUSTOMER, subject, text, answering=answering)
    return take(desk, mailbox, raw, message_id)


@when(
    parsers.parse("María's out-of-office answers the desk's email saying \"{text}\""),
    target_fixture="arrival",
)
def out_of_office(desk: ServiceDesk, mailbox: Mailbox, smtp_server: Any, text: str) -> Arrival:
    answering = last_email_from_the_desk(smtp_server)
    raw, message_id = compose(
        mailbox,
        CUSTOMER,
        f"Automatic reply: {answering['Subject']}",
        text,
        answering=answering,
        headers={"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"},
    )
    return take(desk, mailbox, raw, message_id)


@when("the mail system bounces the desk's email", target_fixture="arrival")
def bounce(desk: ServiceDesk, mailbox: Mailbox, smtp_server: Any) -> Arrival:
    original = last_email_from_the_desk(smtp_server)
    raw = (
        "Return-Path: <>\r\n"
        "From: MAILER-DAEMON@mx.acme.example (Mail Delivery System)\r\n"
        f"To: {mailbox.address}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "Message-ID: <bounce-1@mx.acme.example>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"\r\n\r\n'
        "--dsn\r\nContent-Type: text/plain\r\n\r\n"
        f"Your message to {original['To']} could not be delivered: mailbox full.\r\n"
        "--dsn\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.acme.example\r\n\r\n"
        "Final-Recipient: rfc822; maria@acme.example\r\nAction: failed\r\nStatus: 5.2.2\r\n"
        "--dsn\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {original['Message-ID']}\r\nSubject: {original['Subject']}\r\n"
        "--dsn--\r\n"
    ).encode()
    return take(desk, mailbox, raw, None)


@when(parsers.parse("an email arrives that {broken}"), target_fixture="arrival")
def broken_email(desk: ServiceDesk, mailbox: Mailbox, broken: str) -> Arrival:
    return take(desk, mailbox, (MALFORMED / BROKEN[broken]).read_bytes(), None)


# --- Then ----------------------------------------------------------------------------------


@then(step('{number} is open with the summary "{summary}" for the caller "{caller}"'))
def open_with_summary(desk: ServiceDesk, number: str, summary: str, caller: str) -> None:
    incident = desk.get_incident(number)
    assert (incident.state, incident.summary, incident.caller, incident.channel) == (
        "new",
        summary,
        caller,
        "email",
    )


@then(parsers.parse("the conversation of {number} is:"))
def conversation_is(desk: ServiceDesk, number: str, datatable: list[list[str]]) -> None:
    shown = [
        {"from": m.actor, "kind": m.author_kind, "message": m.text}
        for m in desk.conversation(number)
    ]
    assert shown == table(datatable)
    assert {m.channel for m in desk.conversation(number)} == {"email"}


@then(parsers.re(r"the conversation of (?P<number>INC\d+) has (?P<count>\d+) messages?"))
def conversation_has(desk: ServiceDesk, number: str, count: str) -> None:
    assert len(desk.conversation(number)) == int(count)


@then(parsers.parse('the mail server is sent an email to "{to}" with the subject "{subject}"'))
def mail_server_sent(smtp_server: Any, mailbox: Mailbox, to: str, subject: str) -> None:
    [delivery] = smtp_server.deliveries
    assert delivery.rcpt_tos == (to,)
    assert delivery.mail_from == mailbox.address
    assert delivery.message["Subject"] == subject
    assert delivery.message["From"] == mailbox.address
    assert "Auto-Submitted" not in delivery.message  # a person's reply, not a robot's


@then("that email answers María's email in its In-Reply-To and References headers")
def answers_in_headers(smtp_server: Any, mailbox: Mailbox) -> None:
    sent = last_email_from_the_desk(smtp_server)
    first = mailbox.sent[0]
    assert message_ids(sent["In-Reply-To"]) == [first]
    assert message_ids(sent["References"]) == [first]
    assert message_ids(sent["Message-ID"])[0].endswith(".INC0000001@desk.example")


@then(parsers.re(r"that email (?P<status>opened|reopened|joined) (?P<number>INC\d+)"))
def that_email(arrival: Arrival, status: str, number: str) -> None:
    expected = {"joined": "appended"}.get(status, status)
    assert (arrival.result.status, arrival.result.incident) == (expected, number), arrival.result


@then(parsers.parse('that email is ignored because "{reason}"'))
def ignored_because(desk: ServiceDesk, arrival: Arrival, reason: str) -> None:
    assert (arrival.result.status, arrival.result.reason) == ("ignored", reason)
    assert desk.dead_letters.list() == []


@then(parsers.re(r"the mail server was sent (?P<count>\d+) emails?"))
def mail_server_was_sent(smtp_server: Any, count: str) -> None:
    assert len(smtp_server.deliveries) == int(count)


@then(parsers.re(r"there (?:is|are) (?P<count>\d+) incidents?"))
def incidents_counted(desk: ServiceDesk, count: str) -> None:
    assert desk.list_incidents().total == int(count)


@then(parsers.parse('it is kept as a dead letter because "{reason}"'))
def kept_as_dead_letter(desk: ServiceDesk, arrival: Arrival, reason: str) -> None:
    assert (arrival.result.status, arrival.result.reason) == ("dead_letter", reason)
    [letter] = desk.dead_letters.list()
    assert (letter.id, letter.channel, letter.reason) == (
        arrival.result.dead_letter,
        "email",
        reason,
    )


@then("it can be read back from the dead letter exactly as it arrived")
def read_back(desk: ServiceDesk, arrival: Arrival) -> None:
    assert arrival.result.dead_letter is not None
    assert desk.dead_letters.show(arrival.result.dead_letter).payload == arrival.raw
