"""WhatsApp through the desk: customers' messages open and join incidents, replies go out
through the Graph API on loopback (``graph_api``) inside the 24-hour window and as
templates after, and Meta's statuses are recorded on the replies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from eventdesk import ManualClock, ServiceDesk
from eventdesk.channels import Identity
from eventdesk.errors import InvalidValueError
from eventdesk.intake.receipts import find_delivery
from eventdesk_whatsapp import ServiceWindowClosedError
from eventdesk_whatsapp.samples import media_message, notification, status, text_message

from .conftest import ANA


def test_a_customer_writes_and_writes_again_one_contact_one_incident(desk, whatsapp, post):
    [first] = post(notification(text_message("wamid.1", ANA, "The VPN drops"), name="Ana López"))
    assert (first.status, first.incident) == ("opened", "INC0000001")
    [again] = post(notification(text_message("wamid.2", ANA, "Every hour")))
    [twice] = post(notification(text_message("wamid.2", ANA, "Every hour")))
    assert (again.status, again.incident) == ("appended", "INC0000001")
    assert (twice.status, twice.incident) == ("duplicate", "INC0000001")
    contact = desk.contacts.get(f"whatsapp:{ANA}")
    assert contact.name == "Ana López"
    assert contact.identities == (f"whatsapp:{ANA}", "phone:+34600111222")
    assert [(m.author_kind, m.channel, m.text) for m in desk.conversation("INC0000001")] == [
        ("customer", "whatsapp", "The VPN drops"),
        ("customer", "whatsapp", "Every hour"),
    ]


def test_the_same_person_phoning_in_later_is_the_same_contact(desk, whatsapp, post):
    [result] = post(notification(text_message("wamid.1", ANA, "Hello")))
    # A call from that number (a voice channel looks its caller up by phone) finds her.
    assert desk.contacts.find(Identity("phone", "+34 600 111 222")).id == result.contact


def test_a_phone_number_someone_else_has_is_not_taken_from_them(desk, whatsapp, post):
    known = desk.contacts.create([Identity("phone", "+34600111222")], name="Ana")
    [result] = post(notification(text_message("wamid.1", ANA, "Hello")))
    # The WhatsApp id is a new contact; the phone stays with its owner, until a person
    # who knows they are one merges them (``eventdesk contact merge``).
    assert result.contact != known.id
    assert desk.contacts.get(result.contact).identities == (f"whatsapp:{ANA}",)
    assert desk.contacts.get(known.id).identities == ("phone:+34600111222",)


def test_a_photo_and_a_document_are_kept_as_attachment_metadata(desk, whatsapp, post):
    photo = media_message("wamid.1", ANA, "image", mime_type="image/jpeg", caption="This error")
    log = media_message("wamid.2", ANA, "document", mime_type="application/pdf", filename="vpn.pdf")
    post(notification(photo, log))
    messages = desk.conversation("INC0000001")
    assert [m.text for m in messages] == ["This error", "(document: vpn.pdf)"]
    assert [a.content_type for m in messages for a in m.attachments] == [
        "image/jpeg",
        "application/pdf",
    ]


def test_a_reply_inside_the_window_goes_out_as_text_and_its_statuses_are_recorded(
    desk, whatsapp, post, clock: ManualClock
):
    post(notification(text_message("wamid.1", ANA, "The VPN drops")))
    clock.advance(timedelta(hours=23, minutes=59))
    desk.reply("INC0000001", "We are restarting the VPN gateway", actor="ana")
    [request] = whatsapp.requests
    assert request["path"] == f"/v21.0/{whatsapp.PHONE_NUMBER_ID}/messages"
    assert request["headers"]["authorization"] == f"Bearer {whatsapp.TOKEN}"
    assert request["json"] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": ANA,
        "type": "text",
        "text": {"preview_url": False, "body": "We are restarting the VPN gateway"},
    }
    [delivery] = desk.intake.deliveries()
    assert (delivery.state, delivery.receipt) == ("delivered", None)
    # Meta reports on the message by the id it gave it, out of order and more than once.
    results = post(
        notification(
            statuses=[
                status("wamid.sent-1", "delivered", ANA),
                status("wamid.sent-1", "sent", ANA),
                status("wamid.sent-1", "read", ANA),
            ]
        )
    )
    assert [(r.status, r.incident, r.reason) for r in results] == [
        ("receipt", "INC0000001", "delivered"),
        ("receipt", "INC0000001", "already delivered"),
        ("receipt", "INC0000001", "read"),
    ]
    [delivery] = desk.intake.deliveries()
    assert delivery.receipt == "read"
    stored = find_delivery(desk, "whatsapp", "wamid.sent-1")
    assert stored.receipt == "read" and stored.version == 4  # requested, delivered, 2 receipts


def test_a_failed_status_is_final_and_says_why(desk, whatsapp, post):
    post(notification(text_message("wamid.1", ANA, "Hello")))
    desk.reply("INC0000001", "Hello Ana")
    failure = {"code": 131026, "title": "Message undeliverable"}
    post(notification(statuses=[status("wamid.sent-1", "failed", ANA, errors=[failure])]))
    post(notification(statuses=[status("wamid.sent-1", "read", ANA)]))
    stored = find_delivery(desk, "whatsapp", "wamid.sent-1")
    assert (stored.receipt, stored.receipt_detail) == (
        "failed",
        "131026 Message undeliverable",
    )
    assert desk.intake.deliveries()[0].to_dict()["receipt"] == "failed"


def test_a_status_for_a_message_the_desk_never_sent_is_ignored_not_a_dead_letter(
    desk, whatsapp, post
):
    [result] = post(notification(statuses=[status("wamid.elsewhere", "read", ANA)]))
    assert result.status == "ignored" and result.taken
    assert result.reason == "a read receipt for wamid.elsewhere, which is no message this desk sent"
    assert desk.dead_letters.list() == []


def test_after_24_hours_only_a_template_goes_out(desk, whatsapp, post, clock: ManualClock):
    post(notification(text_message("wamid.1", ANA, "The VPN drops")))
    clock.advance(timedelta(hours=24))
    # Fail to reply free-form: nothing is added, nothing is sent.
    with pytest.raises(ServiceWindowClosedError, match="outside the 24-hour"):
        desk.reply("INC0000001", "Is it working now?")
    assert len(desk.conversation("INC0000001")) == 1 and whatsapp.requests == []
    # Ask for a template: it goes, with the incident as its parameter.
    desk.reply("INC0000001", "Is it working now?", template="case_update")
    [sent] = whatsapp.sent()
    assert sent["type"] == "template"
    assert sent["template"] == {
        "name": "case_update",
        "language": {"code": "en_US"},
        "components": [{"type": "body", "parameters": [{"type": "text", "text": "INC0000001"}]}],
    }
    # The customer answers: the window opens again, and a free-form reply goes as text.
    post(notification(text_message("wamid.2", ANA, "Yes, thanks")))
    desk.reply("INC0000001", "Great, closing it")
    assert whatsapp.sent()[-1]["text"]["body"] == "Great, closing it"


def test_a_desk_with_a_default_template_sends_it_after_24_hours(
    desk, whatsapp, post, clock: ManualClock
):
    settings = desk.channels.settings("whatsapp")
    desk.channels.configure(
        "whatsapp",
        {
            **settings,
            "template": "case_update",
            "template_language": "es",
            "template_parameters": ["name", "incident", "text"],
        },
    )
    post(notification(text_message("wamid.1", ANA, "Hola"), name="Ana"))
    clock.advance(timedelta(days=2))
    desk.reply("INC0000001", "¿Sigue\nfallando?")
    [sent] = whatsapp.sent()
    assert sent["template"]["language"] == {"code": "es"}
    assert [p["text"] for p in sent["template"]["components"][0]["parameters"]] == [
        "Ana",
        "INC0000001",
        "¿Sigue fallando?",  # a parameter is one line
    ]


def test_the_graph_api_refusing_a_message_fails_it_at_once_a_server_error_retries(
    desk, whatsapp, post, clock: ManualClock
):
    post(notification(text_message("wamid.1", ANA, "Hello")))
    whatsapp.errors.extend([(400, 131047, "Re-engagement message"), (503, 2, "Service down")])
    desk.reply("INC0000001", "First")
    desk.reply("INC0000001", "Second")
    # Both were asked for at the same moment: tell them apart by what became of them.
    states = {d.state: d for d in desk.intake.deliveries()}
    first, second = states["failed"], states["pending"]
    assert (first.state, first.last_error) == (
        "failed",
        "the Graph API refused the message (HTTP 400, code 131047): Re-engagement message",
    )
    assert (second.state, second.attempts) == ("pending", 1)
    clock.advance(timedelta(minutes=1))
    assert desk.intake.deliver_due() == {"delivered": 1}
    assert find_delivery(desk, "whatsapp", "wamid.sent-1").incident == "INC0000001"


def test_a_wrong_access_token_or_no_server_fails_the_delivery_with_the_reason(
    desk: ServiceDesk, whatsapp, post
):
    post(notification(text_message("wamid.1", ANA, "Hello")))
    settings = desk.channels.settings("whatsapp")
    desk.channels.configure("whatsapp", {**settings, "access_token": "expired"})
    desk.reply("INC0000001", "Hello")
    desk.channels.configure("whatsapp", {**settings, "base_url": "http://127.0.0.1:9"})
    desk.reply("INC0000001", "Hello again")
    states = {d.state: d for d in desk.intake.deliveries()}
    refused, unreachable = states["failed"], states["pending"]
    assert refused.state == "failed"
    assert refused.last_error == (
        "the Graph API refused the message (HTTP 401, code 190): Invalid OAuth access token."
    )
    assert unreachable.state == "pending"
    assert unreachable.last_error.startswith("the Graph API at http://127.0.0.1:9/v21.0/")


def test_only_a_channel_with_templates_takes_a_template(desk, whatsapp, post, note_channel):
    post(notification(text_message("wamid.1", ANA, "Hello")))
    desk.intake.receive("note", note_channel.payload("n-1", "ana@acme.example", "Hi"))
    # Fail to send a template on a channel that has none: nothing is added.
    with pytest.raises(InvalidValueError, match="the note channel has no templates"):
        desk.reply("INC0000002", "Hello", template="case_update")
    assert len(desk.conversation("INC0000002")) == 1
