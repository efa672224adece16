"""The intake pipeline, through the ``note`` channel (tests/conftest.py), on every store.

Each test reads as a story: messages come in, and what the desk did is read back
from the desk (incidents, contacts, conversation, dead letters), not from what
intake answered alone.
"""

from __future__ import annotations

import base64
import json
import threading
from datetime import timedelta

import pytest
from eventdesk import InvalidValueError, ServiceDesk
from eventdesk.channels import DeliveryError, Identity
from eventdesk.channels.registry import UnknownChannelError
from eventdesk.contacts.model import ContactMergeError
from eventdesk.contacts.service import IdentityTakenError
from eventdesk.intake.model import DeadLetterStateError
from eventdesk.intake.service import IntakeService

pytestmark = pytest.mark.usefixtures("note_channel")


def receive(desk: ServiceDesk, kit, message_id: str, sender: str, text: str, **fields):
    [result] = desk.intake.receive("note", kit.payload(message_id, sender, text, **fields))
    return result


# --- taking messages in ------------------------------------------------------------------


def test_a_first_message_opens_an_incident_for_a_new_contact(desk, note_channel):
    result = receive(
        desk,
        note_channel,
        "m-1",
        "Ana.Lopez@Acme.example",
        "The VPN drops every hour",
        subject="Re: VPN drops",
        name="Ana López",
        attachments=[{"name": "log.txt", "content_type": "text/plain", "size": 512}],
    )

    assert result.status == "opened"
    incident = desk.get_incident(result.incident)
    contact = desk.contacts.get("ana.lopez@acme.example")
    assert (incident.summary, incident.caller, incident.channel) == (
        "VPN drops",
        "Ana López",
        "note",
    )
    assert (incident.contact, result.contact) == (contact.id, contact.id)
    assert incident.description == "The VPN drops every hour"
    assert contact.identities == ("email:ana.lopez@acme.example",)
    assert contact.incidents == (incident.number,)
    [message] = desk.conversation(incident.number)
    assert (message.author_kind, message.channel, message.message_id, message.actor) == (
        "customer",
        "note",
        "m-1",
        "ana.lopez@acme.example",
    )
    assert [(a.name, a.size) for a in message.attachments] == [("log.txt", 512)]


def test_the_same_message_delivered_a_hundred_times_is_taken_once(desk, note_channel):
    payload = note_channel.payload("m-1", "ana@acme.example", "Printer jams")
    results = [desk.intake.receive("note", payload)[0] for _ in range(100)]

    assert results[0].status == "opened"
    assert {r.status for r in results[1:]} == {"duplicate"}
    assert {r.incident for r in results} == {"INC0000001"}
    assert desk.list_incidents().total == 1
    assert len(desk.conversation("INC0000001")) == 1
    assert len(desk.contacts.list()) == 1


def test_the_contacts_next_message_joins_its_open_incident(desk, note_channel):
    first = receive(desk, note_channel, "m-1", "ana@acme.example", "Printer jams")
    second = receive(desk, note_channel, "m-2", "ana@acme.example", "Now it smokes")

    assert (second.status, second.incident) == ("appended", first.incident)
    assert [m.text for m in desk.conversation(first.incident)] == ["Printer jams", "Now it smokes"]


def test_a_message_to_a_resolved_incident_reopens_it_and_one_on_hold_for_the_customer_resumes_it(
    desk, note_channel
):
    number = receive(desk, note_channel, "m-1", "ana@acme.example", "Printer jams").incident
    desk.start(number, actor="bob")
    desk.hold(number, "awaiting_caller", actor="bob")
    assert receive(desk, note_channel, "m-2", "ana@acme.example", "Model X200").status == (
        "appended"
    )
    assert desk.get_incident(number).state == "in_progress"

    desk.resolve(number, "fixed", actor="bob")
    answer = receive(
        desk, note_channel, "m-3", "ana@acme.example", "Still jams", references=["m-2"]
    )
    assert (answer.status, answer.incident) == ("reopened", number)
    incident = desk.get_incident(number)
    assert (incident.state, incident.reopen_count) == ("in_progress", 1)
    assert desk.history(number)[-2].type == "Reopened"
    assert desk.history(number)[-2].actor == "ana@acme.example"


def test_an_answer_to_a_closed_incident_opens_a_follow_up(desk, note_channel):
    number = receive(desk, note_channel, "m-1", "ana@acme.example", "Printer jams").incident
    desk.resolve(number, "fixed", actor="bob")
    desk.close_incident(number, actor="bob")

    follow_up = receive(
        desk, note_channel, "m-2", "ana@acme.example", "It is back", references=["m-1"]
    )

    assert follow_up.status == "opened" and follow_up.incident != number
    assert desk.get_incident(follow_up.incident).description.startswith(f"Follow-up to {number}.")


def test_an_answer_finds_the_incident_of_the_message_it_answers_even_with_another_open(
    desk, note_channel
):
    printer = receive(desk, note_channel, "m-1", "ana@acme.example", "Printer jams").incident
    desk.resolve(printer, "fixed", actor="bob")
    vpn = receive(desk, note_channel, "m-2", "ana@acme.example", "VPN down").incident
    assert vpn != printer

    answer = receive(
        desk, note_channel, "m-3", "ana@acme.example", "Jams again", references=["m-0", "m-1"]
    )
    assert (answer.status, answer.incident) == ("reopened", printer)


def test_a_colleague_on_copy_joins_the_thread_but_a_stranger_does_not(desk, note_channel):
    desk.tenancy.register_tenant(
        "acme", model="shared", service_manager="sofia", domains=["acme.example"]
    )
    number = receive(desk, note_channel, "m-1", "ana@acme.example", "Printer jams").incident

    colleague = receive(
        desk, note_channel, "m-2", "luis@acme.example", "Me too", references=["m-1"]
    )
    stranger = receive(desk, note_channel, "m-3", "eve@evil.example", "Me too", references=["m-1"])

    assert (colleague.status, colleague.incident) == ("appended", number)
    assert stranger.status == "opened" and stranger.incident != number
    assert desk.get_incident(stranger.incident).tenant is None


def test_an_incident_number_is_taken_only_from_its_own_contact(desk, note_channel):
    number = receive(desk, note_channel, "m-1", "ana@acme.example", "Printer jams").incident
    own = receive(desk, note_channel, "m-2", "ana@acme.example", "More", incident=number)
    other = receive(desk, note_channel, "m-3", "eve@evil.example", "Me", incident=number)

    assert (own.status, own.incident) == ("appended", number)
    assert other.status == "opened" and other.incident != number


def test_a_channel_thread_keeps_its_messages_together(desk, note_channel):
    chat = receive(desk, note_channel, "m-1", "chat:u-7", "Hello?", thread="session-1")
    answer = receive(desk, note_channel, "m-2", "chat:u-7", "Anyone?", thread="session-1")
    assert (answer.status, answer.incident) == ("appended", chat.incident)


def test_the_tenant_comes_from_the_channel_then_the_contact_then_the_domain_then_the_default(
    desk, note_channel
):
    for name in ("acme", "globex", "initech"):
        desk.tenancy.register_tenant(name, model="shared", service_manager="sofia")
    desk.tenancy.update_tenant("globex", domains=["globex.example"])
    desk.channels.configure("note", {"tenant": "initech"})

    named = receive(desk, note_channel, "m-1", "x@globex.example", "A", tenant="acme")
    by_domain = receive(desk, note_channel, "m-2", "y@mail.globex.example", "B")
    by_default = receive(desk, note_channel, "m-3", "z@elsewhere.example", "C")
    # The contact of "named" belongs to acme from now on, whatever it writes next.
    again = receive(desk, note_channel, "m-4", "x@globex.example", "D", subject="New")

    tenants = [desk.get_incident(r.incident).tenant for r in (named, by_domain, by_default, again)]
    assert tenants == ["acme", "globex", "initech", "acme"]
    assert again.incident == named.incident  # its open incident for acme


def test_an_unknown_tenant_named_by_the_channel_keeps_the_payload_as_a_dead_letter(
    desk, note_channel
):
    payload = note_channel.payload("m-1", "ana@acme.example", "Printer", tenant="nobody")
    [result] = desk.intake.receive("note", payload)

    assert result.status == "dead_letter"
    [letter] = desk.dead_letters.list()
    assert letter.kind == "rejected"
    assert letter.reason == (
        "invalid tenant 'nobody': expected a tenant of this desk (the channel names it)"
    )
    assert desk.dead_letters.show(letter.id).payload == payload
    assert desk.list_incidents().total == 0


def test_a_message_left_alone_is_recorded_once_and_never_opens_anything(desk, note_channel):
    payload = json.dumps({"id": "ooo-1", "ignore": "an out-of-office reply"}).encode()
    first = desk.intake.receive("note", payload)[0]
    second = desk.intake.receive("note", payload)[0]

    assert (first.status, first.reason) == ("ignored", "an out-of-office reply")
    assert second.status == "duplicate"
    assert desk.list_incidents().total == 0
    assert desk.contacts.list() == []


def test_further_identities_of_the_sender_join_the_contact_unless_someone_has_them(
    desk, note_channel
):
    desk.contacts.create(["+34600999999"], name="Eve")
    receive(
        desk,
        note_channel,
        "m-1",
        "ana@acme.example",
        "Printer",
        also=["phone:+34 600 111 222", "phone:+34600999999"],
    )
    assert desk.contacts.get("+34600111222").identities == (
        "email:ana@acme.example",
        "phone:+34600111222",
    )
    assert desk.contacts.get("+34600999999").name == "Eve"


# --- what cannot be taken ---------------------------------------------------------------


def test_a_payload_that_fails_its_signature_is_kept_without_its_credentials(desk, note_channel):
    desk.channels.configure("note", {"secret": "s3cret"})
    payload = note_channel.payload("m-1", "ana@acme.example", "Printer")
    [result] = desk.intake.receive(
        "note", payload, {"X-Signature": "forged", "Authorization": "Bearer t0ken"}
    )

    assert result.status == "unauthenticated"
    letter = desk.dead_letters.show(result.dead_letter)
    assert (letter.kind, letter.reason) == (
        "unauthenticated",
        "the X-Signature header does not match the payload",
    )
    assert letter.headers == {"x-signature": "forged"}
    assert letter.payload == payload
    assert desk.list_incidents().total == 0


def test_a_channel_that_breaks_on_a_payload_loses_nothing(desk, note_channel):
    note_channel.channel_class.parse = lambda self, payload, headers: 1 / 0
    [result] = desk.intake.receive("note", b'{"id": "m-1"}')

    assert result.status == "dead_letter"
    assert (
        result.reason == "the note channel failed to read it: ZeroDivisionError: division by zero"
    )
    assert desk.dead_letters.show(result.dead_letter).payload == b'{"id": "m-1"}'


def test_an_oversized_payload_is_refused_and_only_its_head_kept(desk, note_channel):
    desk.intake.max_payload = 100_000
    payload = b"x" * 100_001
    [result] = desk.intake.receive("note", payload)

    letter = desk.dead_letters.show(result.dead_letter)
    assert letter.reason == "payload of 100001 bytes is over the limit of 100000 bytes"
    assert (len(letter.payload), letter.size, letter.truncated) == (64 * 1024, 100_001, True)
    # Fail to retry what was not kept whole.
    with pytest.raises(InvalidValueError):
        desk.dead_letters.retry(letter.id)


def test_a_dead_letter_is_retried_once_the_cause_is_fixed_then_it_is_settled(desk, note_channel):
    payload = note_channel.payload("m-1", "ana@acme.example", "Printer", tenant="acme")
    [result] = desk.intake.receive("note", payload)
    letter = result.dead_letter

    [again] = desk.dead_letters.retry(letter)  # acme still does not exist
    assert again.status == "dead_letter" and again.dead_letter is None  # not kept twice
    assert [d.state for d in desk.dead_letters.list(state=None)] == ["open"]
    assert desk.dead_letters.list()[0].attempts == 1

    desk.tenancy.register_tenant("acme", model="shared", service_manager="sofia")
    [taken] = desk.dead_letters.retry(letter)
    assert taken.status == "opened"
    assert desk.get_incident(taken.incident).tenant == "acme"
    shown = desk.dead_letters.show(letter)
    assert shown.state == "resolved"
    assert [outcome for _, outcome, _ in shown.history] == ["failed", "taken"]
    # Fail to retry or discard it again: it is settled.
    with pytest.raises(DeadLetterStateError):
        desk.dead_letters.retry(letter)
    with pytest.raises(DeadLetterStateError):
        desk.dead_letters.discard(letter)


def test_a_dead_letter_nobody_needs_is_discarded_and_stays_in_the_history(desk, note_channel):
    [result] = desk.intake.receive("note", b"not a note")
    desk.dead_letters.discard(result.dead_letter, reason="test traffic")

    assert desk.dead_letters.list() == []
    [letter] = desk.dead_letters.list(state="discarded")
    assert letter.id == result.dead_letter
    assert desk.dead_letters.show(letter.id).history[-1][1:] == ("discarded", "test traffic")


def test_an_unknown_channel_is_an_error_not_a_dead_letter(desk):
    # Fail to receive on a channel no plugin registers.
    with pytest.raises(UnknownChannelError) as refused:
        desk.intake.receive("pigeon", b"coo")
    assert "no channel named 'pigeon'" in str(refused.value)
    assert desk.dead_letters.list() == []


# --- replies ------------------------------------------------------------------------------


def test_a_reply_goes_out_on_the_channel_the_contact_last_wrote_on_threaded(desk, note_channel):
    number = receive(desk, note_channel, "m-1", "ana@acme.example", "Printer jams").incident
    receive(desk, note_channel, "m-2", "ana@acme.example", "Model X200")

    desk.reply(number, "Try the other tray", actor="bob")

    [sent] = note_channel.sent
    assert (str(sent.to), sent.text, sent.subject, sent.incident) == (
        "email:ana@acme.example",
        "Try the other tray",
        "Printer jams",
        number,
    )
    assert (sent.in_reply_to, sent.references) == ("m-2", ("m-1", "m-2"))
    reply = desk.conversation(number)[-1]
    assert (reply.author_kind, reply.channel, reply.message_id, reply.public) == (
        "agent",
        "note",
        sent.message_id,
        True,
    )
    assert [d.state for d in desk.intake.deliveries()] == ["delivered"]
    # The customer's answer to the reply finds the incident by the reply's id.
    desk.resolve(number, "fixed", actor="bob")
    answer = receive(
        desk, note_channel, "m-3", "ana@acme.example", "Works", references=[sent.message_id]
    )
    assert (answer.status, answer.incident) == ("reopened", number)


def test_a_reply_meets_the_response_target(desk, note_channel, clock):
    number = receive(desk, note_channel, "m-1", "ana@acme.example", "Printer jams").incident
    clock.advance(minutes=10)
    desk.reply(number, "Looking at it", actor="bob")
    [response] = [s for s in desk.sla.status(number) if s.metric == "response"]
    assert (response.state, response.elapsed_seconds) == ("met", 600.0)


def test_a_reply_is_refused_on_a_channel_the_contact_is_not_on_or_without_a_contact(
    desk, note_channel
):
    number = receive(desk, note_channel, "m-1", "chat:u-7", "Hello?").incident
    version = desk.get_incident(number).version
    # Fail to reply by note (email) to someone known only by a chat id.
    with pytest.raises(InvalidValueError) as refused:
        desk.reply(number, "Hi", actor="bob")
    assert "a channel u-7 can be reached on (chat:u-7)" in str(refused.value)
    # Fail to reply to an incident nobody wrote in about.
    typed = desk.open_incident("Typed at the desk", impact=3, urgency=3).number
    with pytest.raises(InvalidValueError):
        desk.reply(typed, "Hi", actor="bob")
    assert desk.get_incident(number).version == version
    assert note_channel.sent == []


def test_a_failed_delivery_is_retried_on_its_schedule_and_a_refusal_is_final(
    desk, note_channel, clock
):
    number = receive(desk, note_channel, "m-1", "ana@acme.example", "Printer").incident
    note_channel.failures = [DeliveryError("mail server busy"), DeliveryError("busy again")]
    desk.reply(number, "On it", actor="bob")
    [delivery] = desk.intake.deliveries()
    assert (delivery.state, delivery.attempts, delivery.last_error) == (
        "pending",
        1,
        "mail server busy",
    )
    assert delivery.next_attempt_at == clock.now() + timedelta(minutes=1)

    assert desk.intake.deliver_due() == {}  # not due yet
    clock.advance(minutes=1)
    assert desk.intake.deliver_due() == {"pending": 1}  # failed again: next in 5 minutes
    clock.advance(minutes=5)
    assert desk.intake.deliver_due() == {"delivered": 1}
    assert [d.attempts for d in desk.intake.deliveries()] == [3]
    assert len(note_channel.sent) == 1

    note_channel.failures = [DeliveryError("no such mailbox", retryable=False)]
    desk.reply(number, "Done", actor="bob")
    assert [d.state for d in desk.intake.deliveries()] == ["delivered", "failed"]


# --- contacts -----------------------------------------------------------------------------


def test_contacts_are_created_found_and_merged_with_their_incidents(desk, note_channel):
    receive(desk, note_channel, "m-1", "phone:+34600111222", "Printer (by text)")
    ana = desk.contacts.create(["ana@acme.example"], name="Ana")
    # Fail to give an identity to two people.
    with pytest.raises(IdentityTakenError):
        desk.contacts.create(["+34600111222"])
    with pytest.raises(IdentityTakenError):
        desk.contacts.add_identity(ana.id, "phone:+34600111222")

    merged = desk.contacts.merge("+34600111222", into="ana@acme.example")

    assert merged.identities == ("email:ana@acme.example", "phone:+34600111222")
    assert merged.incidents == ("INC0000001",)
    assert desk.contacts.get("+34600111222").id == ana.id
    assert [c.name for c in desk.contacts.list()] == ["Ana"]
    # Her next email joins the incident she opened by text.
    assert receive(desk, note_channel, "m-2", "ana@acme.example", "Any news?").incident == (
        "INC0000001"
    )
    # Fail to merge her into herself.
    with pytest.raises(ContactMergeError):
        desk.contacts.merge("ana@acme.example", into="+34600111222")


def test_contacts_of_two_tenants_are_never_merged(desk):
    for name in ("acme", "globex"):
        desk.tenancy.register_tenant(name, model="shared", service_manager="sofia")
    desk.contacts.create(["ana@acme.example"], tenant="acme")
    desk.contacts.create(["ana@globex.example"], tenant="globex")
    with pytest.raises(ContactMergeError) as refused:
        desk.contacts.merge("ana@globex.example", into="ana@acme.example")
    assert "contacts of two tenants (globex, acme) are never merged" in str(refused.value)


def test_an_incident_opened_at_the_desk_for_a_contact_is_theirs(desk, note_channel):
    ana = desk.contacts.create(["ana@acme.example"], name="Ana López")
    number = desk.open_incident(
        "Phoned in: laptop broken", impact=3, urgency=3, contact="ana@acme.example"
    ).number
    assert desk.get_incident(number).caller == "Ana López"
    assert desk.contacts.get(ana.id).incidents == (number,)
    answer = receive(desk, note_channel, "m-1", "ana@acme.example", "Here is the serial")
    assert answer.incident == number


def test_identities_are_normalised_and_checked():
    assert str(Identity("phone", "0034 600-111 222")) == "phone:+34600111222"
    assert Identity.parse("whatsapp:+34 600 111 222").value == "34600111222"
    for kind, value in [("email", "not an address"), ("phone", "600"), ("fax", "1")]:
        # Fail to make an identity of a malformed value.
        with pytest.raises(InvalidValueError):
            Identity(kind, value)


# --- several processes ----------------------------------------------------------------


def test_two_desks_receiving_the_same_messages_at_once_take_each_once(
    desk, another_desk, note_channel
):
    desks = [desk, another_desk(), another_desk()]
    payloads = [
        note_channel.payload(f"m-{n}", f"user{n % 3}@acme.example", f"Message {n}")
        for n in range(12)
    ]
    results: list = []
    errors: list = []

    def deliver(service: ServiceDesk) -> None:
        try:
            for payload in payloads:
                results.extend(service.intake.receive("note", payload))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=deliver, args=(d,)) for d in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    taken = [r for r in results if r.status != "duplicate"]
    assert sorted(r.message_id for r in taken) == sorted(f"m-{n}" for n in range(12))
    assert {r.status for r in taken} <= {"opened", "appended"}
    incidents = desk.list_incidents(limit=100).items
    assert len(incidents) == 3  # one per person: their later messages joined it
    messages = [m.message_id for i in incidents for m in desk.conversation(i.number)]
    assert sorted(messages) == sorted(f"m-{n}" for n in range(12))


def test_the_intake_service_is_the_desks():
    assert isinstance(ServiceDesk(db=":memory:").intake, IntakeService)


def test_dead_letters_keep_binary_payloads_exactly(desk, note_channel):
    payload = bytes(range(256))
    [result] = desk.intake.receive("note", payload)
    shown = desk.dead_letters.show(result.dead_letter)
    assert shown.payload == payload
    assert base64.b64decode(shown.to_dict()["payload_base64"]) == payload
