"""Replies by SMTP: :func:`build_reply` writes the message, :func:`deliver` hands it over.

A reply is plain text in UTF-8 (agents write text; the customer's client shows
it as it is) with the headers that thread it in the customer's mailbox and back
into the incident when they answer: a ``Message-ID`` of the desk's own, the
``In-Reply-To`` and ``References`` of the conversation, and the incident number
in the subject. A message the desk sends on its own (an acknowledgement, not an
agent's reply) is marked ``Auto-Submitted`` (RFC 3834), so that the customer's
out-of-office does not answer it, and a loop cannot start from our side.

SMTP failures become :class:`~eventdesk.channels.base.DeliveryError`:
retryable for a temporary refusal (4xx) or a connection that failed, not
retryable for a permanent refusal (5xx) or a setting that cannot work.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from eventdesk.application import SYSTEM_ACTOR
from eventdesk.channels.base import DeliveryError, OutboundMessage

from eventdesk_email.settings import EmailSettings
from eventdesk_email.threads import bracketed, references_header, reply_subject

__all__ = ["build_reply", "deliver", "is_automatic"]


def is_automatic(message: OutboundMessage) -> bool:
    """A message the desk sends on its own: no author, or the system's."""
    return message.author in (None, "", SYSTEM_ACTOR)


def build_reply(
    message: OutboundMessage, settings: EmailSettings, *, now: datetime
) -> EmailMessage:
    """The email for a reply, ready to send (``now`` is its Date).

    >>> from datetime import UTC, datetime
    >>> from eventdesk.channels.base import Identity
    >>> settings = EmailSettings.from_mapping({"address": "support@example.com"})
    >>> mail = build_reply(
    ...     OutboundMessage(channel="email", incident="INC0000042", author="ana",
    ...                     to=Identity("email", "bob@example.com"), to_name="Bob Ruiz",
    ...                     text="Please restart the VPN client.", subject="VPN down",
    ...                     message_id="r1.INC0000042@example.com", in_reply_to="m1@example.com"),
    ...     settings, now=datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    >>> for name in ("From", "To", "Subject", "Message-ID", "In-Reply-To", "References", "Date"):
    ...     print(f"{name}: {mail[name]}")
    From: support@example.com
    To: Bob Ruiz <bob@example.com>
    Subject: Re: [INC0000042] VPN down
    Message-ID: <r1.INC0000042@example.com>
    In-Reply-To: <m1@example.com>
    References: <m1@example.com>
    Date: Mon, 02 Mar 2026 09:30:00 +0000
    """
    if settings.address is None:
        raise DeliveryError(
            "the email channel has no address to send from: set its 'address' setting",
            retryable=False,
        )
    if message.to.kind != "email":
        raise DeliveryError(
            f"cannot email {message.to}: not an email address", retryable=False, to=str(message.to)
        )
    references = [*message.references]
    if message.in_reply_to and message.in_reply_to not in references:
        references.append(message.in_reply_to)
    mail = EmailMessage()
    try:
        mail["From"] = Address(addr_spec=settings.address)
        mail["To"] = Address(display_name=message.to_name or "", addr_spec=message.to.value)
        mail["Subject"] = reply_subject(message.subject, message.incident)
        mail["Date"] = format_datetime(now)
        mail["Message-ID"] = bracketed(message.message_id)
        if message.in_reply_to:
            mail["In-Reply-To"] = bracketed(message.in_reply_to)
        if references:
            mail["References"] = references_header(references)
        if is_automatic(message):
            mail["Auto-Submitted"] = "auto-replied" if message.in_reply_to else "auto-generated"
            mail["X-Auto-Response-Suppress"] = "All"
        mail.set_content(message.text, charset="utf-8")
    except (ValueError, TypeError) as error:
        raise DeliveryError(
            f"the reply cannot be written as an email: {error}", retryable=False
        ) from None
    return mail


def deliver(mail: EmailMessage, settings: EmailSettings) -> None:
    """Hand a message to the SMTP server of the settings, or raise DeliveryError."""
    recipient = mail["To"].addresses[0].addr_spec
    server = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(mail, from_addr=settings.address, to_addrs=[recipient])
    except smtplib.SMTPRecipientsRefused as error:
        code, answer = next(iter(error.recipients.values()))
        raise _refused(f"{server} refused the recipient {recipient}", code, answer) from None
    except smtplib.SMTPResponseException as error:
        raise _refused(f"{server} refused the message", error.smtp_code, error.smtp_error) from None
    except smtplib.SMTPNotSupportedError as error:
        raise DeliveryError(f"{server}: {error}", retryable=False, server=server) from None
    except smtplib.SMTPServerDisconnected as error:
        raise DeliveryError(
            f"{server} closed the connection: {error}", retryable=True, server=server
        ) from None
    except smtplib.SMTPException as error:
        raise DeliveryError(f"{server}: {error}", retryable=False, server=server) from None
    except ssl.SSLCertVerificationError as error:
        raise DeliveryError(
            f"{server}: its TLS certificate cannot be trusted: {error.verify_message}",
            retryable=False,
            server=server,
        ) from None
    except OSError as error:  # refused, unreachable, timed out, TLS handshake failed
        reason = error.strerror or str(error) or type(error).__name__
        raise DeliveryError(
            f"cannot reach the SMTP server {server}: {reason}", retryable=True, server=server
        ) from None


def _refused(what: str, code: int, answer: bytes | str) -> DeliveryError:
    text = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)
    return DeliveryError(
        f"{what}: {code} {text}".strip(), retryable=not 500 <= code < 600, smtp_code=code
    )
