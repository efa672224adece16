"""Every channel boundary of the desk, described once, for the fuzz and limit tests.

A :class:`Boundary` names a channel, how to configure it on a desk, a good
payload of it (the seed every mutation starts from) and how to sign a payload
when the channel checks signatures. ``test_fuzz_channels`` runs every boundary
of ``CHANNELS`` through the same harness, so a channel added here is fuzzed
like the others, and a test fails when a channel is registered that this
table does not name.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import eventdesk_sms
from eventdesk import ServiceDesk
from eventdesk_voice.channel import signature as voice_signature
from eventdesk_webhook import signature as webhook_signature
from eventdesk_whatsapp import signature as whatsapp_signature
from eventdesk_whatsapp.samples import notification, text_message

SECRET = "a-shared-secret-for-fuzzing"
EMAIL_CORPUS = Path(__file__).parents[1] / "channels" / "email" / "corpus"

Signer = Callable[[bytes, int], dict[str, str]]


@dataclass(frozen=True)
class Boundary:
    channel: str
    settings: dict[str, Any]
    seed: bytes
    sign: Signer | None = None  # (payload, desk time in Unix seconds) -> signature headers
    headers: dict[str, str] = field(default_factory=dict)
    json: bool = True  # the payload is a JSON object (mutated as one)
    # The seed is taken on a fresh desk; the webhook's answers an escalation the desk never
    # sent, so it is refused by the business rule (a dead letter of kind "rejected").
    seed_taken: bool = True

    def configure(self, desk: ServiceDesk) -> None:
        desk.channels.configure(self.channel, self.settings)


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data).encode()


def _timestamped(header: str, signer: Callable[..., str]) -> Signer:
    return lambda payload, now: {header: signer(SECRET, payload, now)}


CHANNELS: dict[str, Boundary] = {
    boundary.channel: boundary
    for boundary in (
        Boundary(
            "email",
            {"address": "support@desk.example"},
            (EMAIL_CORPUS / "attachments.eml").read_bytes(),
            json=False,
        ),
        Boundary(
            "web",
            {},
            _json(
                {
                    "email": "ana.lopez@acme.example",
                    "name": "Ana",
                    "subject": "VPN",
                    "text": "The VPN drops every hour",
                    "attachments": [{"name": "a.png", "content_type": "image/png", "size": 10}],
                }
            ),
            headers={"content-type": "application/json"},
        ),
        Boundary(
            "whatsapp",
            {"app_secret": SECRET},
            _json(notification(text_message("wamid.1", "34600111222", "The VPN drops"))),
            sign=lambda payload, now: {"x-hub-signature-256": whatsapp_signature(SECRET, payload)},
        ),
        Boundary(
            "chat",
            {"tenant": "acme"},
            _json(
                {
                    "type": "start",
                    "session": "session-0001",
                    "text": "Hello, my VPN drops",
                    "email": "ana.lopez@acme.example",
                }
            ),
        ),
        Boundary(
            "voice",
            {"secret": SECRET, "tenant": "acme"},
            _json({"call": "c1", "event": "offered", "from": "+34600111222", "to": "+34910000000"}),
            sign=_timestamped("x-voice-signature", voice_signature),
        ),
        Boundary(
            "webhook",
            {"secret": SECRET},
            _json(
                {
                    "id": "V-7",
                    "in_reply_to": "esc-1",
                    "from": "noc@vendor.example",
                    "text": "Fixed.",
                }
            ),
            sign=_timestamped("x-eventdesk-signature", webhook_signature),
            seed_taken=False,
        ),
        Boundary(
            "sms",
            {"secret": SECRET, "tenant": "acme"},
            _json({"id": "sms-1", "from": "+34600111222", "text": "Wifi down at desk 4"}),
            sign=_timestamped("x-sms-signature", eventdesk_sms.signature),
        ),
    )
}


def directory(desk: ServiceDesk) -> None:
    """A tenant and a team for the payloads to land in, and every channel configured."""
    desk.tenancy.register_tenant("acme", model="shared", service_manager="sofia")
    desk.tenancy.form_team("pool", kind="shared")
    desk.tenancy.register_agent("ana", teams=["pool"])
    for boundary in CHANNELS.values():
        boundary.configure(desk)
