"""eventdesk-sms: an example EventDesk plugin, a channel for a generic SMS gateway.

The gateway posts each text message it receives as JSON, signed with an
HMAC-SHA256 of the body; the desk's replies are posted back to the gateway.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from eventdesk.channels import (
    Channel,
    DeliveryError,
    Identity,
    InboundMessage,
    OutboundMessage,
    PayloadError,
)
from eventdesk.channels.json_body import loads
from eventdesk.channels.signing import (
    body_signature,
    signing_settings,
    timestamped_signature,
    verify_signed,
)
from eventdesk.errors import InvalidValueError
from eventdesk.hookspecs import hookimpl

SIGNATURE_HEADER = "x-sms-signature"
MAX_TEXT = 1600  # ten concatenated SMS

taken: Counter[str] = Counter()
"""Events about SMS messages the desks of this process have saved, by event type."""


def signature(secret: str, payload: bytes, timestamp: int | None = None) -> str:
    """The value of the ``X-Sms-Signature`` header for a payload (with ``timestamp``,
    Unix seconds, the replay-proof form ``t=…,sha256=…``)."""
    if timestamp is not None:
        return timestamped_signature(secret, payload, timestamp)
    return body_signature(secret, payload)


class SmsChannel(Channel):
    """Text messages through an SMS gateway: senders are E.164 phone numbers."""

    name = "sms"
    identity_kind = "phone"

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        secret = self.settings.get("secret")
        if secret is not None and (not isinstance(secret, str) or len(secret) < 16):
            raise InvalidValueError("sms secret", "…", "at least 16 characters")
        signing_settings(self.settings, "sms channel")

    def verify(self, payload: bytes, headers: Mapping[str, str]) -> None:
        # sha256=<hex>, or t=<unix seconds>,sha256=<hex> refused outside the replay window
        verify_signed(self, self.settings.get("secret"), payload, headers, SIGNATURE_HEADER)

    def parse(self, payload: bytes, headers: Mapping[str, str]) -> list[InboundMessage]:
        try:
            data = loads(payload)
        except (ValueError, UnicodeDecodeError) as error:
            raise PayloadError(f"not JSON: {error}") from None
        if not isinstance(data, dict):
            raise PayloadError("not a JSON object")
        for field in ("id", "from", "text"):
            if not isinstance(data.get(field), str) or not data[field].strip():
                raise PayloadError(f"no {field!r}: a text is expected")
        if len(data["text"]) > MAX_TEXT:
            raise PayloadError(f"a text of {len(data['text'])} characters (at most {MAX_TEXT})")
        try:
            sender = Identity("phone", data["from"])
        except InvalidValueError as error:
            raise PayloadError(f"'from' is not a phone number: {error}") from None
        return [
            InboundMessage(
                channel=self.name,
                message_id=data["id"],
                sender=sender,
                text=data["text"],
                tenant=self.settings.get("tenant"),
            )
        ]

    def send(self, message: OutboundMessage) -> str | None:
        url = self.settings.get("gateway_url")
        if not url:
            raise DeliveryError("the sms channel has no gateway_url", retryable=False)
        body = json.dumps(
            {"to": message.to.value, "text": message.text, "reference": message.message_id}
        ).encode()
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.settings.get('api_key', '')}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            # The gateway refused it (4xx: it will refuse it again) or failed (5xx: try later).
            raise DeliveryError(
                f"the gateway answered {error.code}", retryable=error.code >= 500
            ) from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise DeliveryError(f"the gateway could not be reached: {error}") from None
        return answer.get("id") if isinstance(answer, dict) else None


@hookimpl
def register_channels(register: Any) -> None:
    register("sms", SmsChannel)


@hookimpl
def register_commands(cli: click.Group) -> None:
    @cli.group()
    def sms() -> None:
        """The SMS gateway channel (the eventdesk-sms plugin)."""

    @sms.command()
    @click.argument("payload", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--secret", envvar="EVENTDESK_SMS_SECRET", required=True, help="The secret.")
    @click.option(
        "--timestamp",
        type=click.IntRange(min=0),
        help="Sign this Unix time too (t=...,sha256=...), refused outside the replay window.",
    )
    def sign(payload: Path, secret: str, timestamp: int | None) -> None:
        """Print the X-Sms-Signature header of a payload, to post it by hand."""
        click.echo(f"X-Sms-Signature: {signature(secret, payload.read_bytes(), timestamp)}")


@hookimpl
def track_event(desk: Any, event: Any) -> None:
    if getattr(event, "channel", None) == "sms":
        taken[type(event).__qualname__] += 1
