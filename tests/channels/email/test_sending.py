"""Replies go out by SMTP to a real server on the loopback interface (aiosmtpd), with the
headers that thread them, and SMTP failures come back as DeliveryError saying whether a
retry can help."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from typing import Any

import pytest
from eventdesk import ManualClock
from eventdesk.channels.base import DeliveryError, Identity, OutboundMessage
from eventdesk_email import EmailChannel

from .conftest import DESK_ADDRESS

NOW = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)


def reply(channel: EmailChannel, **overrides: object) -> OutboundMessage:
    fields: dict[str, object] = {
        "channel": "email",
        "incident": "INC0000042",
        "to": Identity("email", "peter.oneill@acme.example"),
        "to_name": "Peter O'Neill",
        "text": "Hello Peter,\n\ncould you restart the VPN client and try again?\n\nAna",
        "subject": "VPN authentication failed since this morning",
        "message_id": channel.new_message_id("INC0000042"),
        "in_reply_to": "DB9PR03MB7865A1B2C3D4E5F6@DB9PR03MB7865.eurprd03.prod.outlook.com",
        "references": (),
        "author": "ana",
    }
    fields.update(overrides)
    return OutboundMessage(**fields)  # type: ignore[arg-type]


def test_a_reply_arrives_with_its_threading_headers(smtp_server: Any) -> None:
    channel = EmailChannel(smtp_server.settings(), clock=ManualClock(NOW))
    outbound = reply(
        channel,
        in_reply_to="m3@acme.example",
        references=("m1@acme.example", "r2.INC0000042@desk.example"),
    )
    assert channel.send(outbound) == outbound.message_id
    [delivery] = smtp_server.deliveries
    assert delivery.mail_from == DESK_ADDRESS
    assert delivery.rcpt_tos == ("peter.oneill@acme.example",)
    mail = delivery.message
    assert mail["From"] == DESK_ADDRESS
    assert mail["To"] == "Peter O'Neill <peter.oneill@acme.example>"
    assert mail["Subject"] == "Re: [INC0000042] VPN authentication failed since this morning"
    assert mail["Message-ID"] == f"<{outbound.message_id}>"
    assert mail["In-Reply-To"] == "<m3@acme.example>"
    assert mail["References"] == (
        "<m1@acme.example> <r2.INC0000042@desk.example> <m3@acme.example>"
    )
    assert mail["Date"].datetime == NOW
    assert mail["MIME-Version"] == "1.0"
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    assert mail.get_content().replace("\r\n", "\n") == outbound.text + "\n"
    assert "Auto-Submitted" not in mail  # a person wrote it: the customer's robots may answer


def test_the_desks_message_ids_carry_the_incident_and_the_domain() -> None:
    channel = EmailChannel({"address": DESK_ADDRESS, "domain": "mail.desk.example"})
    first, second = channel.new_message_id("INC0000042"), channel.new_message_id("INC0000042")
    assert first != second
    assert first.endswith(".INC0000042@mail.desk.example")
    assert "<" not in first  # the desk keeps ids bare, as it reads them from customers' replies
    assert (
        EmailChannel({"address": DESK_ADDRESS})
        .new_message_id("INC0000001")
        .endswith(".INC0000001@desk.example")
    )


def test_the_reply_reads_back_as_threaded_by_the_channel_itself(smtp_server: Any) -> None:
    channel = EmailChannel(smtp_server.settings())
    outbound = reply(channel, references=("m1@acme.example",), in_reply_to="m2@acme.example")
    channel.send(outbound)
    # The customer answers: their client quotes our Message-ID and keeps the subject.
    sent = smtp_server.deliveries[0].message
    answer = (
        f"From: Peter <peter.oneill@acme.example>\r\nTo: {DESK_ADDRESS}\r\n"
        f"Subject: Re: {sent['Subject']}\r\nIn-Reply-To: {sent['Message-ID']}\r\n"
        f"References: {sent['References']} {sent['Message-ID']}\r\n\r\nStill failing.\r\n"
    ).encode()
    [understood] = channel.parse(answer, {})
    assert understood.incident == "INC0000042"  # type: ignore[union-attr]
    assert understood.references == (  # type: ignore[union-attr]
        "m1@acme.example",
        "m2@acme.example",
        outbound.message_id,
    )


@pytest.mark.parametrize(
    ("author", "in_reply_to", "auto_submitted"),
    [(None, "m1@acme.example", "auto-replied"), ("system", None, "auto-generated")],
)
def test_a_message_the_desk_sends_on_its_own_is_marked_automatic(
    smtp_server: Any, author: str | None, in_reply_to: str | None, auto_submitted: str
) -> None:
    channel = EmailChannel(smtp_server.settings())
    channel.send(reply(channel, author=author, in_reply_to=in_reply_to, subject=None))
    mail = smtp_server.deliveries[0].message
    assert mail["Auto-Submitted"] == auto_submitted
    assert mail["X-Auto-Response-Suppress"] == "All"
    assert mail["Subject"] == "Re: [INC0000042]"


def test_non_ascii_names_subjects_and_text_travel_encoded(smtp_server: Any) -> None:
    channel = EmailChannel(smtp_server.settings())
    channel.send(
        reply(
            channel,
            to=Identity("email", "maria.garcia@acme.example"),
            to_name="María García",
            subject="La impresora de la 3ª planta no imprime",
            text="Hola María: ¿puede reiniciar la impresora? " + "€" * 200,
        )
    )
    delivery = smtp_server.deliveries[0]
    assert delivery.raw.isascii()  # encoded for any server, SMTPUTF8 or not
    mail = delivery.message
    assert mail["To"] == "María García <maria.garcia@acme.example>"
    assert mail["Subject"] == "Re: [INC0000042] La impresora de la 3ª planta no imprime"
    assert mail.get_content().startswith("Hola María: ¿puede reiniciar la impresora? €€€")


@pytest.mark.parametrize(
    ("answer", "retryable"),
    [("450 4.2.1 Mailbox busy, try later", True), ("550 5.1.1 No such user", False)],
)
def test_a_refused_recipient_says_whether_to_retry(
    smtp_server: Any, answer: str, retryable: bool
) -> None:
    smtp_server.refuse("gone@acme.example", answer)
    channel = EmailChannel(smtp_server.settings())
    # Fail to deliver to a recipient the server refuses
    with pytest.raises(DeliveryError) as failed:
        channel.send(reply(channel, to=Identity("email", "gone@acme.example")))
    assert failed.value.retryable is retryable
    assert failed.value.details["smtp_code"] == int(answer[:3])
    assert f"refused the recipient gone@acme.example: {answer}" in failed.value.reason
    assert smtp_server.deliveries == []


def test_an_unreachable_server_is_worth_retrying() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    channel = EmailChannel({"address": DESK_ADDRESS, "smtp_port": port, "timeout": 2})
    # Fail to reach a server that is not listening
    with pytest.raises(DeliveryError) as failed:
        channel.send(reply(channel))
    assert failed.value.retryable is True
    assert failed.value.reason.startswith("cannot reach the SMTP server localhost:")


def test_starttls_that_the_server_does_not_offer_is_not_worth_retrying(
    smtp_server: Any,
) -> None:
    channel = EmailChannel(smtp_server.settings(smtp_starttls=True))
    # Fail to start TLS on a server without STARTTLS
    with pytest.raises(DeliveryError) as failed:
        channel.send(reply(channel))
    assert failed.value.retryable is False
    assert "STARTTLS" in failed.value.reason
    assert smtp_server.deliveries == []


def test_login_that_the_server_does_not_offer_is_not_worth_retrying(
    smtp_server: Any,
) -> None:
    channel = EmailChannel(smtp_server.settings(smtp_user="desk", smtp_password="secret"))
    # Fail to log in to a server without AUTH
    with pytest.raises(DeliveryError) as failed:
        channel.send(reply(channel))
    assert failed.value.retryable is False
    assert smtp_server.deliveries == []


def test_a_channel_without_an_address_cannot_send() -> None:
    channel = EmailChannel({})
    # Fail to send without a From address
    with pytest.raises(DeliveryError, match="no address to send from") as failed:
        channel.send(reply(channel))
    assert failed.value.retryable is False


def test_only_email_addresses_can_be_emailed(smtp_server: Any) -> None:
    channel = EmailChannel(smtp_server.settings())
    # Fail to email a phone number
    with pytest.raises(DeliveryError, match=r"cannot email phone:\+34600123456"):
        channel.send(reply(channel, to=Identity("phone", "+34600123456")))
