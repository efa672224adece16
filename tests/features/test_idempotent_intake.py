"""Scenarios of features/idempotent_intake.feature: each message taken exactly once.

Payloads go through ``desk.intake.receive`` as the HTTP server, the SMTP listener and
``eventdesk email fetch`` hand them over; the mailbox is a real mbox file read by the email
channel's reader; the second server is a second ServiceDesk on the same database (SQLite
and PostgreSQL), receiving on its own thread at the same time as the first.
"""

from __future__ import annotations

import json
import mailbox
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pytest
from eventdesk import ServiceDesk
from eventdesk.intake.service import IntakeResult
from eventdesk_email.mailboxes import fetch_mbox
from eventdesk_sms import signature
from pytest_bdd import given, parsers, scenarios, then, when

scenarios("idempotent_intake.feature")

DESK = "support@desk.example"
SMS_SECRET = "the-gateway-and-the-desk-share-this"


def email(sender: str, subject: str, text: str, **headers: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = DESK
    mail["Subject"] = subject
    mail["Message-ID"] = f"<{uuid.uuid4().hex}@{sender.partition('@')[2]}>"
    for name, value in headers.items():
        mail[name] = value
    mail.set_content(text)
    return mail.as_bytes()


@pytest.fixture
def deliveries() -> list[list[IntakeResult]]:
    """What each delivery (or fetch) came to, in order."""
    return []


@given(parsers.parse('the desk takes email at "{address}"'))
def desk_email(desk: ServiceDesk, address: str) -> None:
    desk.channels.configure("email", {"address": address})


@given("the SMS gateway signs what it posts with the desk's secret")
def sms_secret(desk: ServiceDesk) -> None:
    desk.channels.configure("sms", {"secret": SMS_SECRET})


@when(parsers.parse('the same web form message from "{sender}" is delivered {times:d} times'))
def web_repeated(desk: ServiceDesk, deliveries: list, sender: str, times: int) -> None:
    body = json.dumps(
        {"email": sender, "text": "The printer jams", "message_id": "form-7f3a"}
    ).encode()
    for _ in range(times):
        deliveries.append(desk.intake.receive("web", body, {"Content-Type": "application/json"}))


@then("the first delivery opened an incident and the other 99 were duplicates of it")
def first_opened_rest_duplicates(deliveries: list) -> None:
    statuses = [result.status for [result] in deliveries]
    assert statuses == ["opened"] + ["duplicate"] * 99
    assert len({result.incident for [result] in deliveries}) == 1


@given(parsers.parse("the mailbox holds {count:d} emails from customers"), target_fixture="mbox")
def mailbox_with(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "inbox.mbox"
    box = mailbox.mbox(path)
    for number in range(count):
        box.add(email(f"customer{number}@acme.example", f"Problem {number}", "Help"))
    box.flush()
    box.close()
    return path


@when("the desk fetches the mailbox")
@when("the desk fetches the mailbox again")
def fetch(desk: ServiceDesk, deliveries: list, mbox: Path) -> None:
    fetched: list[IntakeResult] = []
    for _position, raw in fetch_mbox(mbox):
        fetched.extend(desk.intake.receive("email", raw))
    deliveries.append(fetched)


@then(
    parsers.parse(
        "the first fetch opened {opened:d} incidents and the second found {found:d} duplicates"
    )
)
def fetches(deliveries: list, opened: int, found: int) -> None:
    first, second = deliveries
    assert Counter(r.status for r in first) == {"opened": opened}
    assert Counter(r.status for r in second) == {"duplicate": found}
    assert [r.incident for r in second] == [r.incident for r in first]


def _text(phone: str, text: str, message_id: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"id": message_id, "from": phone, "text": text}).encode()
    return body, {"X-Sms-Signature": signature(SMS_SECRET, body)}


@when(parsers.parse('the gateway posts the text "{text}" from "{phone}" twice'))
def text_twice(desk: ServiceDesk, deliveries: list, text: str, phone: str) -> None:
    payload, headers = _text(phone, text, f"gw-{uuid.uuid4().hex}")
    deliveries.append(desk.intake.receive("sms", payload, headers))
    deliveries.append(desk.intake.receive("sms", payload, headers))


@when(parsers.parse('the gateway posts the text "{text}" from "{phone}"'))
def text_once(desk: ServiceDesk, deliveries: list, text: str, phone: str) -> None:
    deliveries.append(desk.intake.receive("sms", *_text(phone, text, f"gw-{uuid.uuid4().hex}")))


@given("a second server on the same database", target_fixture="second")
def second_server(another_desk: Callable[[], ServiceDesk]) -> ServiceDesk:
    return another_desk()


@when(parsers.parse("both servers receive the same {count:d} emails at the same moment"))
def both_receive(desk: ServiceDesk, second: ServiceDesk, deliveries: list, count: int) -> None:
    second.channels.get("email")  # the settings the first desk stored
    mails = [email(f"user{n}@acme.example", f"Issue {n}", "Broken") for n in range(count)]
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    def receive(server: ServiceDesk) -> None:
        taken: list[IntakeResult] = []
        start.wait()
        try:
            for raw in mails:
                taken.extend(server.intake.receive("email", raw))
        except BaseException as error:  # reported below
            failures.append(error)
        deliveries.append(taken)

    threads = [threading.Thread(target=receive, args=(s,)) for s in (desk, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


@then("each email was taken once and found as a duplicate once")
def taken_once_each(deliveries: list) -> None:
    by_message: dict[str, list[str]] = {}
    for taken in deliveries:
        for result in taken:
            by_message.setdefault(result.message_id, []).append(result.status)
    assert len(by_message) == 10
    for statuses in by_message.values():
        assert sorted(statuses) == ["duplicate", "opened"]


@when(parsers.parse('an out-of-office reply from "{sender}" is delivered twice'))
def out_of_office_twice(desk: ServiceDesk, deliveries: list, sender: str) -> None:
    raw = email(
        sender, "Out of office", "I am away until Monday.", **{"Auto-Submitted": "auto-replied"}
    )
    deliveries.append(desk.intake.receive("email", raw))
    deliveries.append(desk.intake.receive("email", raw))


@then(parsers.parse('it was left alone because "{reason}", then found as a duplicate'))
def left_alone(deliveries: list, reason: str) -> None:
    [[first], [second]] = deliveries
    assert (first.status, first.reason) == ("ignored", reason)
    assert (second.status, second.reason) == ("duplicate", reason)


@when("the gateway posts a text the desk cannot read", target_fixture="garbled")
def garbled_text(desk: ServiceDesk, deliveries: list) -> tuple[bytes, dict[str, str]]:
    body = b"this is not a text message"
    headers = {"X-Sms-Signature": signature(SMS_SECRET, body)}
    deliveries.append(desk.intake.receive("sms", body, headers))
    return body, headers


@when("the same payload is delivered again")
def garbled_again(desk: ServiceDesk, deliveries: list, garbled: tuple[bytes, dict]) -> None:
    deliveries.append(desk.intake.receive("sms", *garbled))


@then(parsers.parse('the payload is kept as a dead letter because "{reason}"'))
def kept(desk: ServiceDesk, deliveries: list, reason: str) -> None:
    [[result]] = deliveries
    assert (result.status, result.reason) == ("dead_letter", reason)
    [letter] = desk.dead_letters.list()
    assert (letter.id, letter.reason) == (result.dead_letter, reason)


@then("it is kept as a second dead letter, since nothing in it says it is the same message")
def kept_twice(desk: ServiceDesk, deliveries: list) -> None:
    assert [d[0].status for d in deliveries] == ["dead_letter", "dead_letter"]
    assert len(desk.dead_letters.list()) == 2


@then("each dead letter holds the payload byte for byte")
def byte_for_byte(desk: ServiceDesk, garbled: tuple[bytes, dict]) -> None:
    for letter in desk.dead_letters.list():
        assert desk.dead_letters.show(letter.id).payload == garbled[0]


@then(
    parsers.parse(
        "the desk holds {incidents:d} incident with {messages:d} message, and {contacts:d} contact"
    )
)
@then(
    parsers.parse(
        "the desk holds {incidents:d} incident with {messages:d} messages, and {contacts:d} contact"
    )
)
def holds_with_contacts(desk: ServiceDesk, incidents: int, messages: int, contacts: int) -> None:
    holds(desk, incidents, messages)
    assert len(desk.contacts.list()) == contacts


@then(parsers.parse("the desk holds {incidents:d} incidents with {messages:d} messages"))
def holds(desk: ServiceDesk, incidents: int, messages: int) -> None:
    items = desk.list_incidents(limit=1000).items
    assert len(items) == incidents
    assert sum(len(desk.conversation(i.number)) for i in items) == messages


@then(parsers.parse("the desk holds {messages:d} messages"))
def holds_messages(desk: ServiceDesk, messages: int) -> None:
    items = desk.list_incidents(limit=1000).items
    assert sum(len(desk.conversation(i.number)) for i in items) == messages


@then(parsers.parse("the desk holds {incidents:d} incidents"))
def holds_incidents(desk: ServiceDesk, incidents: int) -> None:
    assert desk.list_incidents().total == incidents
    assert desk.contacts.list() == []
