"""Notifications shaped as Meta sends them, to try a desk's WhatsApp channel without
Meta (the documentation's examples, the tests, a demo).

>>> body = notification(text_message("wamid.1", "34600111222", "Hello"), name="Ana")
>>> body["entry"][0]["changes"][0]["value"]["contacts"]
[{'profile': {'name': 'Ana'}, 'wa_id': '34600111222'}]
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

PHONE_NUMBER_ID = "106540352242922"
DISPLAY_NUMBER = "15550783881"


def _timestamp(at: datetime | None) -> str:
    return str(int(at.timestamp())) if at is not None else "1772442000"


def text_message(
    message_id: str, wa_id: str, text: str, *, at: datetime | None = None
) -> dict[str, Any]:
    """A customer's text message."""
    return {
        "from": wa_id,
        "id": message_id,
        "timestamp": _timestamp(at),
        "type": "text",
        "text": {"body": text},
    }


def media_message(
    message_id: str,
    wa_id: str,
    kind: str,
    *,
    mime_type: str,
    caption: str | None = None,
    filename: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """A customer's image, document, audio, video or sticker (metadata only, as Meta
    sends it: the bytes stay with Meta under the media id)."""
    media: dict[str, Any] = {"id": f"media-{message_id}", "mime_type": mime_type, "sha256": "00"}
    if caption is not None:
        media["caption"] = caption
    if filename is not None:
        media["filename"] = filename
    return {"from": wa_id, "id": message_id, "timestamp": _timestamp(at), "type": kind, kind: media}


def status(
    provider_id: str,
    state: str,
    wa_id: str,
    *,
    at: datetime | None = None,
    errors: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """A status notification (sent, delivered, read, failed) for a message the desk sent."""
    found: dict[str, Any] = {
        "id": provider_id,
        "status": state,
        "timestamp": _timestamp(at),
        "recipient_id": wa_id,
    }
    if errors:
        found["errors"] = list(errors)
    return found


def notification(
    *messages: dict[str, Any],
    statuses: Sequence[dict[str, Any]] = (),
    name: str | None = None,
    phone_number_id: str = PHONE_NUMBER_ID,
) -> dict[str, Any]:
    """The whole notification around some messages and statuses; ``name`` is the
    profile name of the messages' sender."""
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": DISPLAY_NUMBER, "phone_number_id": phone_number_id},
    }
    senders = list(dict.fromkeys(m["from"] for m in messages))
    if senders:
        value["contacts"] = [
            {"profile": {"name": name or wa_id}, "wa_id": wa_id} for wa_id in senders
        ]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}],
    }


def body(data: dict[str, Any]) -> bytes:
    """A notification as the bytes posted (and signed)."""
    return json.dumps(data, ensure_ascii=False).encode("utf-8")
