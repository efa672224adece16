"""Channels: how messages reach the desk and how its replies go out (see ``base``)."""

from eventdesk.channels.base import (
    SUBJECT_MAX,
    TEXT_MAX,
    Attachment,
    AuthenticityError,
    Channel,
    ChannelError,
    DeliveryError,
    HttpAnswer,
    Identity,
    Ignored,
    InboundMessage,
    OutboundMessage,
    PayloadError,
    Receipt,
    incident_number,
)

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
    "incident_number",
]
