"""The WhatsApp channel on its own: what it reads from Meta's notifications, the
signature it checks, the set-up handshake it answers, the settings it takes and the
24-hour window it keeps. (Through the intake and a real server: test_intake.py,
test_served.py.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from eventdesk.channels import (
    AuthenticityError,
    Identity,
    Ignored,
    InboundMessage,
    OutboundMessage,
    Receipt,
)
from eventdesk.errors import InvalidValueError
from eventdesk.plugins import get_channels
from eventdesk_whatsapp import WINDOW, ServiceWindowClosedError, WhatsAppChannel, signature
from eventdesk_whatsapp.samples import (
    PHONE_NUMBER_ID,
    body,
    media_message,
    notification,
    status,
    text_message,
)

from .conftest import ANA, APP_SECRET, VERIFY_TOKEN

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def read(channel: WhatsAppChannel, data: dict) -> list:
    return list(channel.parse(body(data), {}))


def test_the_whatsapp_channel_is_registered_by_its_entry_point():
    assert get_channels()["whatsapp"] is WhatsAppChannel
    assert (WhatsAppChannel.name, WhatsAppChannel.identity_kind) == ("whatsapp", "whatsapp")


def test_a_text_message_is_from_the_whatsapp_id_and_the_phone_number_it_is(channel):
    [message] = read(
        channel, notification(text_message("wamid.A1", ANA, " The VPN drops "), name="Ana López")
    )
    assert isinstance(message, InboundMessage)
    assert message.sender == Identity("whatsapp", ANA)
    assert message.also_known_as == (Identity("phone", "+34600111222"),)
    assert (message.message_id, message.text, message.sender_name) == (
        "wamid.A1",
        "The VPN drops",
        "Ana López",
    )
    assert message.thread_key == ANA  # one conversation per customer number
    assert message.sent_at == datetime.fromtimestamp(1772442000, UTC)


@pytest.mark.parametrize(
    ("kind", "mime_type", "filename", "caption", "text", "name"),
    [
        ("image", "image/jpeg", None, "The error", "The error", "whatsapp-image-media-wamid.M"),
        ("document", "application/pdf", "log.pdf", None, "(document: log.pdf)", "log.pdf"),
        (
            "audio",
            "audio/ogg; codecs=opus",
            None,
            None,
            "(audio: whatsapp-audio-media-wamid.M)",
            "whatsapp-audio-media-wamid.M",
        ),
    ],
)
def test_media_arrive_as_attachment_metadata(
    channel, kind, mime_type, filename, caption, text, name
):
    message = media_message(
        "wamid.M", ANA, kind, mime_type=mime_type, caption=caption, filename=filename
    )
    [taken] = read(channel, notification(message))
    assert taken.text == text
    assert [(a.name, a.content_type, a.size) for a in taken.attachments] == [(name, mime_type, 0)]


def test_button_and_list_replies_are_read_as_the_text_the_customer_chose(channel):
    button = {
        **text_message("wamid.B", ANA, "x"),
        "type": "interactive",
        "interactive": {"type": "button_reply", "button_reply": {"id": "yes", "title": "Yes"}},
    }
    del button["text"]
    choice = {
        **button,
        "id": "wamid.L",
        "interactive": {
            "type": "list_reply",
            "list_reply": {"id": "p2", "title": "Printer", "description": "2nd floor"},
        },
    }
    quick = {**button, "id": "wamid.Q", "type": "button", "button": {"text": "Call me"}}
    del quick["interactive"]
    taken = read(channel, notification(button, choice, quick))
    assert [m.text for m in taken] == ["Yes", "Printer", "Call me"]


def test_a_location_is_read_as_text(channel):
    message = {
        **text_message("wamid.P", ANA, "x"),
        "type": "location",
        "location": {"latitude": 40.4, "longitude": -3.7, "name": "Office"},
    }
    [taken] = read(channel, notification(message))
    assert taken.text == "Location: Office (40.4, -3.7)"


def test_an_answer_to_one_of_our_messages_references_it(channel):
    message = {**text_message("wamid.R", ANA, "Still down"), "context": {"id": "wamid.sent-1"}}
    [taken] = read(channel, notification(message))
    assert taken.references == ("wamid.sent-1",)


def test_statuses_are_receipts_with_what_went_wrong(channel):
    failed = status(
        "wamid.sent-2",
        "failed",
        ANA,
        errors=[{"code": 131047, "title": "Re-engagement message"}],
    )
    taken = read(channel, notification(statuses=[status("wamid.sent-1", "read", ANA), failed]))
    assert taken == [
        Receipt("wamid.sent-1", "read"),
        Receipt("wamid.sent-2", "failed", "131047 Re-engagement message"),
    ]


def test_what_is_not_a_customer_message_is_left_alone_with_the_reason(channel):
    reaction = {
        **text_message("wamid.X", ANA, "x"),
        "type": "reaction",
        "reaction": {"message_id": "wamid.sent-1", "emoji": "👍"},
    }
    template_update = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "1",
                "changes": [
                    {"field": "message_template_status_update", "value": {"event": "APPROVED"}}
                ],
            }
        ],
    }
    [liked] = read(channel, notification(reaction))
    [update] = read(channel, template_update)
    assert isinstance(liked, Ignored) and liked.message_id == "wamid.X"
    assert liked.reason == "a reaction to a message, not a message"
    assert update == Ignored("a message_template_status_update notification, not about messages")


def test_a_notification_for_another_business_number_is_left_alone():
    channel = WhatsAppChannel({"phone_number_id": PHONE_NUMBER_ID})
    [other] = read(channel, notification(text_message("wamid.O", ANA, "hi"), phone_number_id="9"))
    assert other == Ignored(
        f"a notification for the business number 9, not this channel's {PHONE_NUMBER_ID}"
    )


# --- the signature -----------------------------------------------------------------------


def test_a_payload_is_authentic_only_with_the_app_secrets_signature(channel):
    raw = body(notification(text_message("wamid.S", ANA, "hi")))
    channel.verify(raw, {"x-hub-signature-256": signature(APP_SECRET, raw)})
    # Fail to take it without a signature, with another secret's, or for other bytes.
    for headers, reason in [
        ({}, "the x-hub-signature-256 header is missing"),
        (
            {"x-hub-signature-256": signature("another-secret-entirely", raw)},
            "the x-hub-signature-256 header does not match the payload",
        ),
        (
            {"x-hub-signature-256": signature(APP_SECRET, raw + b" ")},
            "the x-hub-signature-256 header does not match the payload",
        ),
        ({"x-hub-signature-256": "sha1=abc"}, "does not match the payload"),
    ]:
        with pytest.raises(AuthenticityError) as refused:
            channel.verify(raw, headers)
        assert reason in refused.value.reason
    # Fail to take anything on a channel with no app secret.
    with pytest.raises(AuthenticityError, match="has no app_secret"):
        WhatsAppChannel().verify(raw, {"x-hub-signature-256": signature(APP_SECRET, raw)})


# --- the set-up handshake ------------------------------------------------------------------


def handshake(channel, **query):
    return channel.http_get({f"hub.{k}": v for k, v in query.items()}, {})


def test_the_handshake_answers_the_challenge_to_our_verify_token(channel):
    answer = handshake(channel, mode="subscribe", verify_token=VERIFY_TOKEN, challenge="1158201444")
    assert (answer.status, answer.body) == (200, "1158201444")
    assert answer.content_type.startswith("text/plain")


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ({"mode": "subscribe", "verify_token": "guess", "challenge": "1"}, 403, "does not match"),
        ({"mode": "subscribe", "challenge": "1"}, 403, "does not match"),
        ({"mode": "unsubscribe", "verify_token": VERIFY_TOKEN, "challenge": "1"}, 400, "Meta"),
        ({}, 400, "This is the WhatsApp webhook"),
        ({"mode": "subscribe", "verify_token": VERIFY_TOKEN}, 400, "hub.challenge is missing"),
        (
            {"mode": "subscribe", "verify_token": VERIFY_TOKEN, "challenge": "x" * 201},
            400,
            "hub.challenge",
        ),
    ],
)
def test_a_handshake_that_is_not_ours_is_refused(channel, query, status, says):
    answer = handshake(channel, **query)
    assert answer.status == status and says in answer.body


def test_no_handshake_without_a_verify_token():
    answer = handshake(WhatsAppChannel(), mode="subscribe", verify_token="", challenge="1")
    assert answer.status == 403 and "no verify_token" in answer.body


# --- settings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        {"colour": "green"},
        {"app_secret": "short"},
        {"access_token": ""},
        {"base_url": "graph.facebook.com"},
        {"template": "Hello World"},
        {"template_parameters": ["incident", "weather"]},
        {"template_parameters": "incident"},
        {"timeout": 0},
        {"timeout": True},
        {"impact": 4},
        {"phone_number_id": 1.5},
    ],
)
def test_settings_the_channel_cannot_use_are_refused(settings):
    with pytest.raises(InvalidValueError):
        WhatsAppChannel(settings)


def test_an_id_given_as_a_number_is_its_digits():
    channel = WhatsAppChannel({"phone_number_id": 106540352242922})
    assert channel.settings["phone_number_id"] == "106540352242922"


# --- the 24-hour customer-service window ---------------------------------------------------


def reply(template: str | None = None) -> OutboundMessage:
    return OutboundMessage(
        channel="whatsapp",
        incident="INC0000001",
        to=Identity("whatsapp", ANA),
        text="We are on it",
        message_id="whatsapp-1",
        template=template,
    )


def test_inside_the_window_a_reply_goes_as_written(channel):
    last = NOON - WINDOW + timedelta(seconds=1)
    assert channel.prepare_reply(reply(), last_inbound_at=last, now=NOON) == reply()


def test_outside_the_window_a_reply_is_refused_unless_it_is_a_template(channel):
    # Fail to reply free-form 24 hours after the customer last wrote, or if they never did.
    for last in (NOON - WINDOW, NOON - timedelta(days=3), None):
        with pytest.raises(ServiceWindowClosedError) as refused:
            channel.prepare_reply(reply(), last_inbound_at=last, now=NOON)
        assert "only a template message can be sent" in refused.value.message
    with pytest.raises(ServiceWindowClosedError, match="2026-03-01 12:00 UTC, 24 hours ago"):
        channel.prepare_reply(reply(), last_inbound_at=NOON - WINDOW, now=NOON)
    # The agent names a template: it goes, in or out of the window.
    asked = reply(template="case_update")
    assert channel.prepare_reply(asked, last_inbound_at=None, now=NOON) == asked
    # Fail to name a template Meta could not have approved.
    with pytest.raises(InvalidValueError):
        channel.prepare_reply(reply(template="Case Update"), last_inbound_at=None, now=NOON)


def test_a_channel_with_a_default_template_sends_it_outside_the_window():
    channel = WhatsAppChannel({"template": "case_update"})
    sent = channel.prepare_reply(reply(), last_inbound_at=None, now=NOON)
    assert sent.template == "case_update" and sent.text == "We are on it"


@pytest.mark.parametrize("module", ["webhook", "samples", "graph", "channel"])
def test_the_plugins_docstring_examples_run(module):
    import doctest
    import importlib

    found = importlib.import_module(f"eventdesk_whatsapp.{module}")
    failed, _ = doctest.testmod(found, optionflags=doctest.ELLIPSIS)
    assert failed == 0
