"""The channel interface: what a channel plugin gives the desk.

A channel turns a raw inbound payload (the bytes of an email, the body of a
webhook) into :class:`InboundMessage` values, checks the payload's
authenticity where the channel has a signature, and sends the desk's replies.
Everything else — who the sender is, which incident a message joins, what is
a duplicate, where a bad payload goes — is the intake pipeline's, the same for
every channel (``eventdesk.intake``).

A channel plugin registers a *factory* under the channel's name::

    @hookimpl
    def register_channels(register):
        register("email", EmailChannel)

and the desk calls ``EmailChannel(settings)`` with the channel's settings
(``desk.channels.configure("email", {...})``; see docs/plugins.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

import attrs

from eventdesk.domain.incident import NOTES_MAX, SUMMARY_MAX, Attachment
from eventdesk.domain.numbering import format_number, parse_number
from eventdesk.errors import EventDeskError, InvalidValueError

__all__ = [
    "SUBJECT_MAX",
    "TEXT_MAX",
    "Attachment",
    "AuthenticityError",
    "Channel",
    "ChannelError",
    "DeliveryError",
    "HttpAnswer",
    "Identity",
    "Ignored",
    "InboundMessage",
    "OutboundMessage",
    "PayloadError",
    "Receipt",
    "check_settings",
    "incident_number",
]

IDENTITY_KINDS = ("email", "phone", "whatsapp", "chat")
TEXT_MAX = NOTES_MAX  # characters of a message's text the desk keeps in a conversation
SUBJECT_MAX = SUMMARY_MAX  # characters of a subject (the summary of an incident it opens)
_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_TOKEN = re.compile(r"^[\w.@:+\-/=]{1,200}$")


class ChannelError(EventDeskError):
    """Something went wrong between the desk and a channel."""


class PayloadError(ChannelError):
    """An inbound payload cannot be understood; ``reason`` says why (it goes to dead letters)."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason, **details)
        self.reason = reason


class AuthenticityError(PayloadError):
    """An inbound payload's signature is missing or wrong (it goes to dead letters)."""


class DeliveryError(ChannelError):
    """A reply could not be sent; ``retryable`` says whether trying again may help."""

    def __init__(self, reason: str, *, retryable: bool = True, **details: Any) -> None:
        super().__init__(reason, retryable=retryable, **details)
        self.reason = reason
        self.retryable = retryable


def normalise_identity(kind: str, value: str) -> str:
    """An identity value in its one canonical form, or InvalidValueError.

    >>> normalise_identity("email", " Ana.Lopez@Example.COM ")
    'ana.lopez@example.com'
    >>> normalise_identity("phone", "+34 600 123-456")
    '+34600123456'
    """
    if kind not in IDENTITY_KINDS:
        raise InvalidValueError("identity kind", kind, "one of " + ", ".join(IDENTITY_KINDS))
    if not isinstance(value, str):
        raise InvalidValueError(f"{kind} identity", value, "text")
    text = value.strip()
    if kind == "email":
        text = text.lower()
        if len(text) > 254 or not _EMAIL.match(text):
            raise InvalidValueError("email address", value, "an address such as ana@example.com")
        return text
    if kind == "phone":
        text = re.sub(r"[\s().\-]", "", text)
        if text.startswith("00"):
            text = "+" + text[2:]
        if not _E164.match(text):
            raise InvalidValueError("phone number", value, "an E.164 number such as +34600123456")
        return text
    if kind == "whatsapp":
        text = re.sub(r"[\s+]", "", text)
        if not text.isdigit() or not 7 <= len(text) <= 15:
            raise InvalidValueError("WhatsApp id", value, "the digits of a WhatsApp number")
        return text
    if not _TOKEN.match(text):
        raise InvalidValueError(f"{kind} identity", value, "1 to 200 letters, digits or .@:+-/=_")
    return text


def check_settings(
    channel: str,
    settings: Mapping[str, Any],
    known: Iterable[str],
    *,
    texts: Iterable[str] = (),
    levels: Iterable[str] = (),
) -> None:
    """The checks every channel makes of its settings (see ``Channel.check_settings``).

    >>> check_settings("web", {"impact": 4}, ["impact"], levels=["impact"])
    Traceback (most recent call last):
    ...
    eventdesk.errors.InvalidValueError: invalid web channel impact 4: expected 1, 2 or 3
    """
    known = list(known)
    unknown = sorted(set(settings) - set(known))
    if unknown:
        raise InvalidValueError(
            f"{channel} channel setting", unknown[0], "one of " + ", ".join(known)
        )
    for key in texts:
        value = settings.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise InvalidValueError(f"{channel} channel {key}", value, "a non-empty text")
    for key in levels:
        value = settings.get(key)
        if value is not None and (isinstance(value, bool) or value not in (1, 2, 3)):
            raise InvalidValueError(f"{channel} channel {key}", value, "1, 2 or 3")


def incident_number(text: str) -> str | None:
    """The incident number a reference names (``INC0000042``, ``inc42``, ``42``), in its
    one written form, or None if it names no incident.

    >>> incident_number(" inc42 "), incident_number("42"), incident_number("the last one")
    ('INC0000042', 'INC0000042', None)
    """
    if not isinstance(text, str):
        return None
    reference = text.strip()
    sequence = int(reference) if reference.isdigit() else parse_number(reference)
    return format_number(sequence) if sequence else None


@attrs.frozen
class Identity:
    """One way to reach a person: an email address, an E.164 phone number, a WhatsApp
    id, a chat user. Normalised on creation, so equal identities compare equal.

    >>> Identity("email", "Ana@Example.com") == Identity.parse("email:ana@example.com")
    True
    """

    kind: str
    value: str

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "value", normalise_identity(self.kind, self.value))

    @classmethod
    def parse(cls, text: str) -> Identity:
        """``kind:value``, as the command line and the events write it."""
        kind, separator, value = str(text).partition(":")
        if not separator:
            raise InvalidValueError("identity", text, "kind:value, such as email:ana@example.com")
        return cls(kind.strip().lower(), value)

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


@attrs.frozen
class InboundMessage:
    """A message a channel understood, ready for the intake pipeline.

    ``message_id`` is the channel's own id for it (an email's Message-ID, a
    webhook's message id): the pipeline takes each (channel, message id) once.
    ``references`` are the channel ids of earlier messages this one answers
    (an email's In-Reply-To and References); ``thread_key`` is the channel's
    own conversation key (a chat session); ``incident`` an incident number the
    message names (``[INC0000042]`` in a subject, a form's hidden field);
    ``tenant`` a tenant the channel names (the address or form it came to).
    ``also_known_as`` are further identities of the sender that the payload
    proves (a web form's phone number beside its email address).
    """

    channel: str
    message_id: str
    sender: Identity
    text: str
    sender_name: str | None = None
    subject: str | None = None
    attachments: tuple[Attachment, ...] = ()
    thread_key: str | None = None
    references: tuple[str, ...] = ()
    incident: str | None = None
    tenant: str | None = None
    sent_at: datetime | None = None
    also_known_as: tuple[Identity, ...] = ()
    metadata: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class Ignored:
    """A payload the channel understood and deliberately leaves alone (an auto-reply, a
    bounce, a delivery receipt), with the reason; kept in the intake log, never answered."""

    reason: str
    message_id: str | None = None
    sender: str | None = None


@attrs.frozen
class Receipt:
    """A provider's word on a message the desk sent (``sent``, ``delivered``, ``read`` or
    ``failed``), by the id the provider gave it when it was sent; recorded on the
    delivery (``desk.intake``), never answered."""

    provider_id: str
    status: str
    detail: str | None = None  # why it failed, as the provider says


@attrs.frozen
class OutboundMessage:
    """A reply the desk sends to a contact on a channel.

    ``message_id`` is the desk's own id for it, from ``Channel.new_message_id``;
    ``in_reply_to`` and ``references`` are the channel ids of the conversation's
    earlier messages on this channel, newest last, so that the customer's
    client threads the reply.
    """

    channel: str
    incident: str
    to: Identity
    text: str
    message_id: str
    subject: str | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    author: str | None = None
    to_name: str | None = None
    template: str | None = None  # a channel's pre-approved template, where it needs one


@attrs.frozen
class HttpAnswer:
    """What the HTTP server answers to a channel's ``GET`` (a verification handshake, a form)."""

    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


class Channel:
    """Base class of channels. Subclasses set ``name`` and ``identity_kind`` and implement
    ``parse`` and ``send``; ``verify`` and ``http_get`` are for channels that need them.

    ``settings`` are the channel's settings as configured on the desk; a value
    written ``env:NAME`` is read from the environment variable ``NAME`` (so
    secrets stay out of the event store).
    """

    name: ClassVar[str]
    identity_kind: ClassVar[str]  # the kind of identity its senders have (IDENTITY_KINDS)
    # A channel that cannot push a reply (a web form) names the channel its replies go out
    # on instead (the sender's email address, say).
    replies_via: ClassVar[str | None] = None
    # The desk that built it (set by ``desk.channels``), for a channel that reads it back
    # (a chat's transcript for its widget, the voice channel's IVR answering a GET); None
    # for a channel built by hand.
    desk: Any = None

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        self.settings: dict[str, Any] = dict(settings or {})

    def check_settings(
        self, known: Iterable[str], *, texts: Iterable[str] = (), levels: Iterable[str] = ()
    ) -> None:
        """Refuse settings not in ``known``, ``texts`` that are not non-empty text and
        ``levels`` (impact, urgency) that are not 1, 2 or 3, naming the setting."""
        check_settings(self.name, self.settings, known, texts=texts, levels=levels)

    def verify(self, payload: bytes, headers: Mapping[str, str]) -> None:
        """Raise AuthenticityError unless the payload is authentic (default: no signature)."""

    def parse(
        self, payload: bytes, headers: Mapping[str, str]
    ) -> Sequence[InboundMessage | Ignored | Receipt]:
        """The messages in a raw payload, or PayloadError saying why it cannot be read."""
        raise NotImplementedError

    def send(self, message: OutboundMessage) -> str | None:
        """Send a reply; return the channel's id for it if it gives one, or raise
        DeliveryError."""
        raise NotImplementedError

    def prepare_reply(
        self, message: OutboundMessage, *, last_inbound_at: datetime | None, now: datetime
    ) -> OutboundMessage:
        """The reply as this channel will send it, or a DomainError refusing it, before
        anything is saved (a channel with a window for free-form replies checks it here).
        ``last_inbound_at`` is when the customer last wrote on this channel about the
        incident (None: never); ``now`` is the desk's clock. Default: the reply as is,
        unless it asks for a template, which only a channel with templates sends."""
        if message.template is not None:
            raise InvalidValueError(
                "reply template",
                message.template,
                f"none: the {self.name} channel has no templates",
            )
        return message

    def new_message_id(self, incident: str) -> str:
        """A fresh id for a reply the desk is about to send on this channel."""
        import uuid

        return f"{self.name}-{incident}-{uuid.uuid4().hex}"

    def http_get(self, query: Mapping[str, str], headers: Mapping[str, str]) -> HttpAnswer | None:
        """Answer ``GET /channels/<name>/inbound`` (None: the channel has no GET)."""
        return None
