"""The SMTP listener: mail sent to it by a real SMTP client is taken in by the desk, and
the client is answered as a mail server should be: 250 once the desk has stored the
message (whatever intake made of it), 451 if the store failed, 552 if it is too large."""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eventdesk import ServiceDesk
from eventdesk_email.listener import start_listener

from .conftest import DESK_ADDRESS, MALFORMED, corpus


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def listening(desk: ServiceDesk) -> Iterator[tuple[ServiceDesk, int]]:
    """The desk, with the email channel configured and an SMTP listener on a free port."""
    desk.channels.configure(
        "email", {"address": DESK_ADDRESS, "tenants": {"support+acme@desk.example": "acme"}}
    )
    desk.tenancy.register_tenant("acme", model="shared", service_manager="sofia")
    port = free_port()
    listener = start_listener(desk, "127.0.0.1", port)
    try:
        yield desk, port
    finally:
        listener.stop()


def send(port: int, raw: bytes, *, sender: str = "someone@acme.example", to: str = DESK_ADDRESS):
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        return client.sendmail(sender, [to], raw)


def test_mail_sent_by_smtp_opens_an_incident(listening: tuple[ServiceDesk, int]) -> None:
    desk, port = listening
    assert send(port, corpus("multipart_alternative.eml")) == {}  # every recipient accepted
    [incident] = desk.list_incidents().items
    assert incident.summary == "La impresora de la 3ª planta no imprime"
    [message] = desk.conversation(incident.number)
    assert message.message_id == "5b1e2c7a-9f3d-4a51-8c1e-3d2f1a0b9c88@acme.example"


def test_the_envelope_recipient_names_the_tenant_of_blind_copied_mail(
    listening: tuple[ServiceDesk, int],
) -> None:
    desk, port = listening
    send(port, corpus("iso_8859_1.eml"), to="support+acme@desk.example")  # To: says support@
    [incident] = desk.list_incidents().items
    assert desk.get_incident(incident.number).tenant == "acme"


def test_mail_the_desk_cannot_read_is_accepted_and_kept_as_a_dead_letter(
    listening: tuple[ServiceDesk, int],
) -> None:
    desk, port = listening
    raw = (MALFORMED / "truncated_multipart.eml").read_bytes()
    assert send(port, raw) == {}  # accepted: refusing it would only make the server retry
    [letter] = desk.dead_letters.list()
    assert letter.reason.startswith("damaged MIME structure: a multipart part ends without")
    shown = desk.dead_letters.show(letter.id)
    assert shown.headers == {
        "envelope-from": "someone@acme.example",
        "envelope-to": DESK_ADDRESS,
    }
    assert desk.list_incidents().total == 0


def test_a_bounce_with_an_empty_envelope_sender_is_ignored(
    listening: tuple[ServiceDesk, int],
) -> None:
    desk, port = listening
    send(port, corpus("base64_body.eml"), sender="")  # MAIL FROM:<>
    assert desk.list_incidents().total == 0
    assert desk.dead_letters.list() == []


def test_a_message_larger_than_intake_takes_is_refused_at_once(desk: ServiceDesk) -> None:
    desk.intake.max_payload = 2000
    port = free_port()
    listener = start_listener(desk, "127.0.0.1", port)
    try:
        # Fail to send a message the desk would not take: the sending server bounces it
        with pytest.raises(smtplib.SMTPException) as refused:
            send(port, corpus("attachments.eml"))
        assert getattr(refused.value, "smtp_code", None) == 552
    finally:
        listener.stop()
    assert desk.list_incidents().total == 0


def test_when_the_store_fails_the_sender_is_told_to_try_again(tmp_path: Path, clock: Any) -> None:
    desk = ServiceDesk(db=str(tmp_path / "eventdesk.db"), clock=clock)
    port = free_port()
    listener = start_listener(desk, "127.0.0.1", port)
    try:
        send(port, corpus("windows_1252.eml"))
        desk.close()  # the database goes away
        # Fail to store a message: 451, so the sending server keeps it and retries
        with pytest.raises(smtplib.SMTPDataError) as refused:
            send(port, corpus("iso_8859_1.eml"))
        assert refused.value.smtp_code == 451
    finally:
        listener.stop()
    with ServiceDesk(db=str(tmp_path / "eventdesk.db"), clock=clock) as reopened:
        assert reopened.list_incidents().total == 1


def test_a_port_already_taken_is_an_error_at_once() -> None:
    with socket.socket() as taken, ServiceDesk(db=":memory:") as desk:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        # Fail to listen on a port another server holds
        with pytest.raises(OSError, match="in use"):
            start_listener(desk, "127.0.0.1", taken.getsockname()[1])
