"""``EmailChannel``: the email channel as the desk sees it (see eventdesk.channels.base)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from eventdesk.channels.base import Channel, Ignored, InboundMessage, OutboundMessage
from eventdesk.clock import Clock, SystemClock

from eventdesk_email.parsing import parse_email
from eventdesk_email.sending import build_reply, deliver
from eventdesk_email.settings import EmailSettings
from eventdesk_email.threads import new_message_id

__all__ = ["ENVELOPE_FROM", "ENVELOPE_TO", "EmailChannel"]

# The "headers" an SMTP listener passes with a message: its envelope.
ENVELOPE_FROM = "envelope-from"
ENVELOPE_TO = "envelope-to"


class EmailChannel(Channel):
    """Email in (RFC 5322 / MIME bytes) and out (SMTP).

    ``parse`` takes the bytes of one message; the ``headers`` it is given are
    the SMTP envelope when the message came through the listener
    (``envelope-from``, and ``envelope-to`` as a comma-separated list). The
    settings are checked when the channel is built (:class:`EmailSettings`).
    ``clock`` gives the Date of the replies (the system clock unless told).
    """

    name: ClassVar[str] = "email"
    identity_kind: ClassVar[str] = "email"

    def __init__(self, settings: Mapping[str, Any] | None = None, *, clock: Clock | None = None):
        super().__init__(settings)
        self.config = EmailSettings.from_mapping(self.settings)
        self.clock: Clock = clock or SystemClock()

    def parse(
        self, payload: bytes, headers: Mapping[str, str] | None = None
    ) -> Sequence[InboundMessage | Ignored]:
        envelope = {str(key).lower(): value for key, value in (headers or {}).items()}
        recipients = [r for r in str(envelope.get(ENVELOPE_TO) or "").split(",") if r.strip()]
        return [
            parse_email(
                payload,
                self.config,
                envelope_sender=envelope.get(ENVELOPE_FROM),
                envelope_recipients=recipients,
            )
        ]

    def send(self, message: OutboundMessage) -> str | None:
        deliver(build_reply(message, self.config, now=self.clock.now()), self.config)
        return message.message_id

    def new_message_id(self, incident: str) -> str:
        return new_message_id(incident, self.config.domain)
