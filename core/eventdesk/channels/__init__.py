"""Channels: how messages reach the desk and how its replies go out (see ``base``)."""

from eventdesk.channels.base import (
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
)

__all__ = [
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
]
