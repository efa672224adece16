"""eventdesk-whatsapp: the WhatsApp channel, through the WhatsApp Business Cloud API.

Meta posts the WhatsApp Business Account's notifications to
``/channels/whatsapp/inbound`` (``eventdesk serve``), signed with the app secret
(``X-Hub-Signature-256``); the ``GET`` of the same route answers the webhook's
set-up handshake. Customers' messages open and join incidents (the sender is a
WhatsApp id and the phone number it is, so a customer who also phones in is one
contact); status notifications (sent, delivered, read, failed) are recorded on
the desk's replies. Replies go out through the Graph API, free-form within 24
hours of the customer's last message, as a template after. See docs/whatsapp.md.
"""

from __future__ import annotations

from typing import Any

from eventdesk.hookspecs import hookimpl

from eventdesk_whatsapp.channel import WINDOW, ServiceWindowClosedError, WhatsAppChannel
from eventdesk_whatsapp.webhook import signature

__all__ = ["WINDOW", "ServiceWindowClosedError", "WhatsAppChannel", "signature"]


@hookimpl
def register_channels(register: Any) -> None:
    register("whatsapp", WhatsAppChannel)
