"""eventdesk-webhook: the ``webhook`` escalation target and its callback channel.

**The target** posts each escalation as JSON to its ``url`` setting::

    POST <url>
    Content-Type: application/json
    X-EventDesk-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>
    X-EventDesk-Delivery: <message_id>   (the same on every retry: deduplicate on it)

    {"event": "escalation", "message_id": ..., "incident": "INC0000042", "summary": ...,
     "priority": 2, "state": "in_progress", "tenant": ..., "category": ..., "level": ...,
     "to": <recipient>, "reason": ..., "text": <a briefing>, "actor": ...}

A 2xx answer delivers it; a 5xx, 408, 429 or no answer is tried again with the
outbox's backoff; any other 4xx is final. Each attempt is an event with the
HTTP status and the start of the answer.

**The channel** ``webhook`` takes the partner's answers at
``POST /channels/webhook/inbound``, signed the same way with its own ``secret``
setting: ``{"id", "in_reply_to": <the message_id answered>, "from": <an email
address>, "text"}``; the answer joins the incident it answers.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from eventdesk.channels import (
    TEXT_MAX,
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
from eventdesk.escalation import (
    Escalation,
    EscalationRequest,
    EscalationTarget,
    Sent,
    briefing,
)
from eventdesk.hookspecs import hookimpl
from eventdesk.views import IncidentView

__all__ = ["SIGNATURE_HEADER", "WebhookCallbackChannel", "WebhookTarget", "signature"]

SIGNATURE_HEADER = "X-EventDesk-Signature"
DELIVERY_HEADER = "X-EventDesk-Delivery"
SECRET_MIN = 16
RESPONSE_KEPT = 200  # characters of an answer's body recorded with its attempt
RETRYABLE_STATUSES = frozenset({408, 425, 429})


def signature(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The signature header's value for a body: ``sha256=`` and the hex HMAC-SHA256.

    >>> signature("a-shared-secret-of-16+", b'{"incident": "INC0000042"}')
    'sha256=...'
    """
    if timestamp is not None:  # the replay-proof form: t=<unix seconds>,sha256=<hex>
        return timestamped_signature(secret, body, timestamp)
    return body_signature(secret, body)


def _secret(settings: Mapping[str, Any], what: str) -> str:
    secret = settings.get("secret")
    if not isinstance(secret, str) or len(secret) < SECRET_MIN:
        raise InvalidValueError(f"{what} secret", "…", f"at least {SECRET_MIN} characters")
    return secret


class WebhookTarget(EscalationTarget):
    """POST a signed JSON escalation to a partner's URL."""

    name: ClassVar[str] = "webhook"
    description: ClassVar[str] = "a signed JSON POST to a partner's URL, retried with backoff"

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        url = self.settings.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise InvalidValueError("webhook url", url, "an http:// or https:// URL")
        self.url = url
        self.secret = _secret(self.settings, "webhook")
        timeout = self.settings.get("timeout", 10)
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise InvalidValueError("webhook timeout", timeout, "a number of seconds above 0")
        self.timeout = float(timeout)

    def escalate(self, desk: Any, incident: IncidentView, request: EscalationRequest) -> Escalation:
        import uuid

        message_id = f"esc-{uuid.uuid4().hex}"
        recipient = request.recipient or str(self.settings.get("to") or self.url)
        message = {
            "event": "escalation",
            "message_id": message_id,
            "incident": incident.number,
            "summary": incident.summary,
            "priority": incident.priority,
            "state": incident.state,
            "tenant": incident.tenant,
            "category": incident.category,
            "level": request.level,
            "to": recipient,
            "reason": request.reason,
            "text": briefing(incident, request),
            "actor": request.actor,
        }
        return desk.escalations.deliver(
            incident, request, channel=self.name, recipient=recipient, message=message
        )

    def send(self, desk: Any, message: Mapping[str, Any]) -> Sent:
        body = json.dumps(dict(message), sort_keys=True).encode("utf-8")
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                SIGNATURE_HEADER: signature(self.secret, body),
                DELIVERY_HEADER: str(message["message_id"]),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                status, text = answer.status, answer.read(RESPONSE_KEPT * 4)
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read(RESPONSE_KEPT * 4)
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", None) or error
            raise DeliveryError(f"cannot reach {self.url}: {reason}", retryable=True) from None
        response = _summary(status, text)
        if 200 <= status < 300:
            return Sent(provider_id=_their_id(text), response=response)
        raise DeliveryError(
            f"{self.url} answered HTTP {status}",
            retryable=status >= 500 or status in RETRYABLE_STATUSES,
            response=response,
        )


def _summary(status: int, body: bytes) -> str:
    text = " ".join(body.decode("utf-8", "replace").split())
    if len(text) > RESPONSE_KEPT:
        text = text[: RESPONSE_KEPT - 1] + "…"
    return f"HTTP {status}: {text}" if text else f"HTTP {status}"


def _their_id(body: bytes) -> str | None:
    """The id the partner gives the escalation in its JSON answer (``id`` or ``ticket``)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(data, dict):
        for field in ("id", "ticket"):
            if isinstance(data.get(field), str | int) and not isinstance(data.get(field), bool):
                return str(data[field])
    return None


class WebhookCallbackChannel(Channel):
    """The partner's answers to webhook escalations, signed with the channel's secret."""

    name: ClassVar[str] = "webhook"
    identity_kind: ClassVar[str] = "email"

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        if "secret" in self.settings:
            _secret(self.settings, "webhook channel")
        signing_settings(self.settings, "webhook channel")

    def verify(self, payload: bytes, headers: Mapping[str, str]) -> None:
        # sha256=<hex>, or t=<unix seconds>,sha256=<hex> refused outside the replay window
        verify_signed(self, self.settings.get("secret"), payload, headers, SIGNATURE_HEADER)

    def parse(self, payload: bytes, headers: Mapping[str, str]) -> Sequence[InboundMessage]:
        try:
            data = loads(payload)
        except (ValueError, UnicodeDecodeError) as error:
            raise PayloadError(f"not JSON: {error}") from None
        if not isinstance(data, dict):
            raise PayloadError("expected a JSON object")
        fields = {}
        for field in ("id", "in_reply_to", "from", "text"):
            value = data.get(field)
            if not isinstance(value, str) or not value.strip():
                raise PayloadError(f"field {field!r}: required text", field=field)
            fields[field] = value.strip()
        if len(fields["text"]) > TEXT_MAX:
            raise PayloadError(f"field 'text': at most {TEXT_MAX} characters", field="text")
        try:
            sender = Identity("email", fields["from"])
        except InvalidValueError as error:
            raise PayloadError(f"field 'from': {error}", field="from") from None
        return [
            InboundMessage(
                channel=self.name,
                message_id=fields["id"],
                sender=sender,
                text=fields["text"],
                references=(fields["in_reply_to"],),
                metadata={"answers_escalation": True},
            )
        ]

    def send(self, message: OutboundMessage) -> str | None:
        raise DeliveryError(
            "the webhook channel takes a partner's answers; it sends nothing", retryable=False
        )


@hookimpl
def register_escalation_targets(register: Any) -> None:
    register("webhook", WebhookTarget)


@hookimpl
def register_channels(register: Any) -> None:
    register("webhook", WebhookCallbackChannel)
