"""The email channel through the whole intake pipeline, on every store: the corpus, the
malformed corpus (every one a dead letter with its reason, intake never raising), tenants
by recipient address, and replies that the mail server refuses."""

from __future__ import annotations

import re
from typing import Any

import pytest
from eventdesk import ServiceDesk
from eventdesk_email import EmailChannel
from hypothesis import HealthCheck, given, settings

from .conftest import CORPUS, DESK_ADDRESS, MALFORMED, corpus
from .malformed import Malformed, malformed_emails
from .test_malformed import GENERATED, HAND_MADE

PERSON_MAIL = {
    "attachments.eml": "lena.fischer@acme.example",
    "base64_body.eml": "joerg.mueller@acme.example",
    "encoded_words.eml": "jose.nunez@acme.example",
    "forwarded_message.eml": "lena.fischer@acme.example",
    "html_only.eml": "peter.oneill@acme.example",
    "iso_2022_jp.eml": "taro.yamada@acme.example",
    "iso_8859_1.eml": "rene.dupre@acme.example",
    "multipart_alternative.eml": "maria.garcia@acme.example",
    "outlook_reply.eml": "sam.taylor@acme.example",
    "pasted_screenshot.eml": "kim.lee@globex.example",
    "reply_with_references.eml": "peter.oneill@acme.example",
    "windows_1252.eml": "sam.taylor@acme.example",
}
AUTOMATIC_MAIL = ["dsn_bounce.eml", "newsletter_bulk.eml", "out_of_office.eml", "read_receipt.eml"]


@pytest.fixture
def email_desk(desk: ServiceDesk) -> ServiceDesk:
    desk.channels.configure("email", {"address": DESK_ADDRESS})
    return desk


def test_the_corpus_opens_incidents_joins_them_and_ignores_what_no_person_wrote(
    email_desk: ServiceDesk,
) -> None:
    assert sorted([*PERSON_MAIL, *AUTOMATIC_MAIL]) == sorted(p.name for p in CORPUS.glob("*.eml"))
    results = {
        name: email_desk.intake.receive("email", corpus(name)) for name in sorted(PERSON_MAIL)
    }
    statuses = {name: result.status for name, [result] in results.items()}
    # One incident per person (a second message from the same person joins their open one).
    assert sorted(s for s in statuses.values()) == ["appended"] * 3 + ["opened"] * 9
    for name, [result] in results.items():
        contact = email_desk.contacts.get(PERSON_MAIL[name])
        assert result.contact == contact.id
        assert result.incident in contact.incidents
    ignored = {name: email_desk.intake.receive("email", corpus(name)) for name in AUTOMATIC_MAIL}
    assert {name: result.status for name, [result] in ignored.items()} == dict.fromkeys(
        AUTOMATIC_MAIL, "ignored"
    )
    assert email_desk.list_incidents().total == 9
    assert email_desk.dead_letters.list() == []
    # Fetched again (a mailbox read twice): nothing changes.
    again = [email_desk.intake.receive("email", corpus(name))[0] for name in sorted(PERSON_MAIL)]
    assert {result.status for result in again} == {"duplicate"}
    assert email_desk.list_incidents().total == 9


def test_attachments_and_the_html_text_reach_the_conversation(email_desk: ServiceDesk) -> None:
    [result] = email_desk.intake.receive("email", corpus("attachments.eml"))
    [message] = email_desk.conversation(result.incident)
    assert message.text.startswith("Hi, the nightly backup failed again.")
    assert [(a.name, a.content_type) for a in message.attachments] == [
        ("backup-report.pdf", "application/pdf"),
        ("Bildschirmfoto Übersicht.png", "image/png"),
        ("sync.log", "text/plain"),
    ]
    incident = email_desk.get_incident(result.incident)
    assert incident.summary == "Backup job failed again - logs attached"
    assert incident.caller == "Lena Fischer"


def test_mail_to_a_tenants_address_opens_the_incident_for_that_tenant(desk: ServiceDesk) -> None:
    desk.tenancy.register_tenant("globex", model="shared", service_manager="sofia")
    desk.channels.configure(
        "email", {"address": DESK_ADDRESS, "tenants": {"support+globex@desk.example": "globex"}}
    )
    [result] = desk.intake.receive("email", corpus("pasted_screenshot.eml"))
    assert result.status == "opened"
    assert desk.get_incident(result.incident).tenant == "globex"
    assert desk.contacts.get("kim.lee@globex.example").tenant == "globex"


# --- Malformed mail: never a crash, always a dead letter with its reason --------------------


def test_every_hand_made_malformed_email_is_a_dead_letter_with_its_reason(
    email_desk: ServiceDesk,
) -> None:
    for name, reason in sorted(HAND_MADE.items()):
        raw = (MALFORMED / name).read_bytes()
        [result] = email_desk.intake.receive("email", raw)
        assert result.status == "dead_letter", (name, result)
        assert (
            result.reason.startswith(reason) if reason.endswith(": ") else result.reason == reason
        )
        letter = email_desk.dead_letters.show(result.dead_letter)
        assert (letter.channel, letter.kind, letter.reason) == (
            "email",
            "unparseable",
            result.reason,
        )
        assert letter.payload == raw
    assert len(email_desk.dead_letters.list(limit=1000)) == len(HAND_MADE)
    assert email_desk.list_incidents().total == 0


def test_generated_malformed_email_never_crashes_intake_and_each_is_a_dead_letter(
    email_desk: ServiceDesk,
) -> None:
    received: list[tuple[Malformed, str]] = []

    @settings(
        max_examples=GENERATED + 50,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(malformed_emails())
    def dead_lettered(example: Malformed) -> None:
        [result] = email_desk.intake.receive("email", example.raw)  # never raises
        assert result.status == "dead_letter", (example, result)
        assert re.match(example.reason_pattern, result.reason or ""), (example.kind, result)
        received.append((example, result.dead_letter or ""))

    dead_lettered()
    assert len({example.raw for example, _ in received}) >= GENERATED
    letters = {letter.id: letter for letter in email_desk.dead_letters.list(limit=10_000)}
    assert len(letters) == len(received)  # each one kept, none lost, none merged
    for example, letter_id in received:
        assert letters[letter_id].channel == "email"
        assert re.match(example.reason_pattern, letters[letter_id].reason), example
    assert email_desk.list_incidents().total == 0


def test_a_dead_letter_taken_after_the_cause_is_fixed(email_desk: ServiceDesk) -> None:
    raw = corpus("multipart_alternative.eml").replace(
        b"From: =?UTF-8?Q?Mar=C3=ADa_Garc=C3=ADa?= <maria.garcia@acme.example>\r\n", b""
    )
    [refused] = email_desk.intake.receive("email", raw)
    assert refused.reason == "no sender address: the message has no From header"
    # Someone finds out who sent it; the corrected message is taken, the letter discarded.
    fixed = b"From: maria.garcia@acme.example\r\n" + raw
    assert email_desk.intake.receive("email", fixed)[0].status == "opened"
    email_desk.dead_letters.discard(refused.dead_letter, reason="re-sent with its sender")
    assert email_desk.dead_letters.list() == []


# --- Replies the mail server refuses ---------------------------------------------------------


def test_a_reply_refused_for_now_is_tried_again_and_one_refused_for_good_is_failed(
    desk: ServiceDesk, smtp_server: Any
) -> None:
    desk.channels.configure("email", smtp_server.settings(address=DESK_ADDRESS))
    busy = corpus("html_only.eml")
    gone = corpus("iso_8859_1.eml")
    smtp_server.refuse("peter.oneill@acme.example", "451 4.3.2 Try again later")
    smtp_server.refuse("rene.dupre@acme.example", "550 5.1.1 No such user")
    first = desk.intake.receive("email", busy)[0].incident
    second = desk.intake.receive("email", gone)[0].incident
    desk.reply(first, "We are on it.", actor="ana")
    desk.reply(second, "We are on it.", actor="ana")
    [later] = desk.intake.deliveries(incident=first)
    [failed] = desk.intake.deliveries(incident=second)
    assert (later.state, later.attempts, later.next_attempt_at is not None) == ("pending", 1, True)
    assert "451 4.3.2 Try again later" in (later.last_error or "")
    assert (failed.state, failed.next_attempt_at) == ("failed", None)
    assert "550 5.1.1 No such user" in (failed.last_error or "")
    assert smtp_server.deliveries == []
    # The server takes Peter's mail again: the next run delivers the reply.
    smtp_server.handler.refusals.clear()
    assert later.next_attempt_at is not None
    assert desk.intake.deliver_due(now=later.next_attempt_at) == {"delivered": 1}
    [delivery] = smtp_server.deliveries
    assert delivery.rcpt_tos == ("peter.oneill@acme.example",)


def test_a_channel_configured_with_a_wrong_setting_is_refused_before_it_is_stored(
    desk: ServiceDesk,
) -> None:
    from eventdesk.errors import InvalidValueError

    # Fail to configure the email channel with a port that is not a number
    with pytest.raises(InvalidValueError, match="email setting smtp_port"):
        desk.channels.configure("email", {"address": DESK_ADDRESS, "smtp_port": "smtp"})
    assert desk.channels.settings("email") == {}
    assert isinstance(desk.channels.get("email"), EmailChannel)
