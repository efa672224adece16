"""The WhatsApp channel: the Cloud API webhook in, the Graph API out, and the 24-hour
customer-service window between them."""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs
from eventdesk.channels import (
    Channel,
    DeliveryError,
    HttpAnswer,
    Ignored,
    InboundMessage,
    OutboundMessage,
    Receipt,
    check_settings,
)
from eventdesk.errors import DomainError, InvalidValueError

from eventdesk_whatsapp.graph import post_message, template_body, text_body
from eventdesk_whatsapp.webhook import Reader, check_signature

WINDOW = timedelta(hours=24)
DEFAULTS: dict[str, Any] = {
    "base_url": "https://graph.facebook.com",
    "api_version": "v21.0",
    "template_language": "en_US",
    "template_parameters": ["incident"],
    "timeout": 10,
}
TEXT_SETTINGS = (
    "app_secret",
    "verify_token",
    "access_token",
    "phone_number_id",
    "base_url",
    "api_version",
    "template",
    "template_language",
    "tenant",
)
PARAMETERS = ("incident", "text", "name")  # what a template's body parameters can be
SETTINGS = (*TEXT_SETTINGS, "template_parameters", "timeout", "impact", "urgency")
_TEMPLATE_NAME = re.compile(r"^[a-z0-9_]{1,512}$")
CHALLENGE_MAX = 200


class ServiceWindowClosedError(DomainError):
    """A free-form WhatsApp reply more than 24 hours after the customer last wrote."""

    def __init__(self, incident: str, last_inbound_at: datetime | None, now: datetime) -> None:
        if last_inbound_at is None:
            when = f"{incident}: the customer has not written on WhatsApp about it"
        else:
            hours = int((now - last_inbound_at).total_seconds() // 3600)
            when = (
                f"{incident}: the customer last wrote on WhatsApp at "
                f"{last_inbound_at:%Y-%m-%d %H:%M} UTC, {hours} hours ago"
            )
        super().__init__(
            f"{when}; outside the 24-hour customer-service window only a template message "
            "can be sent (reply with a template, or set the channel's template setting)",
            incident=incident,
            last_inbound_at=last_inbound_at.isoformat() if last_inbound_at else None,
        )


def check_template_name(name: Any, what: str = "WhatsApp template name") -> str:
    if not isinstance(name, str) or not _TEMPLATE_NAME.match(name):
        raise InvalidValueError(what, name, "lower-case letters, digits and _ (as in Meta)")
    return name


def _check_settings(settings: Mapping[str, Any]) -> None:
    check_settings(
        "whatsapp", settings, SETTINGS, texts=TEXT_SETTINGS, levels=("impact", "urgency")
    )
    if settings.get("template") is not None:
        check_template_name(settings["template"], "whatsapp channel template")
    secret = settings.get("app_secret")
    if secret is not None and len(secret) < 16:
        raise InvalidValueError("whatsapp channel app_secret", "…", "at least 16 characters")
    base_url = settings.get("base_url")
    if base_url is not None and not re.match(r"^https?://[^\s/]+", base_url):
        raise InvalidValueError("whatsapp channel base_url", base_url, "an http(s) URL")
    parameters = settings.get("template_parameters")
    if parameters is not None and (
        not isinstance(parameters, list) or any(p not in PARAMETERS for p in parameters)
    ):
        raise InvalidValueError(
            "whatsapp channel template_parameters", parameters, "a list of " + ", ".join(PARAMETERS)
        )
    timeout = settings.get("timeout")
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 120
    ):
        raise InvalidValueError("whatsapp channel timeout", timeout, "seconds, over 0, at most 120")


class WhatsAppChannel(Channel):
    """WhatsApp, through the WhatsApp Business Cloud API.

    Settings (all optional until used): ``app_secret`` (the Meta app's secret, which
    signs every notification; ``env:NAME`` reads it from the environment),
    ``verify_token`` (the token the webhook's set-up handshake must present),
    ``access_token`` and ``phone_number_id`` (who sends, and from which business
    number), ``base_url`` and ``api_version`` (where the Graph API is), ``template``
    (the template a reply outside the 24-hour window is sent as, if any),
    ``template_language``, ``template_parameters`` (what fills the template's body
    parameters, in order: ``incident``, ``text``, ``name``), ``timeout`` (seconds),
    and ``tenant``, ``impact``, ``urgency`` for the incidents its messages open.
    """

    name = "whatsapp"
    identity_kind = "whatsapp"

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        for key in TEXT_SETTINGS:
            value = self.settings.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                # ``--set phone_number_id=1065...`` reads digits as a number: they are an id.
                self.settings[key] = str(value)
        _check_settings(self.settings)
        self.settings = {**DEFAULTS, **self.settings}

    # --- inbound -----------------------------------------------------------------------

    def verify(self, payload: bytes, headers: Mapping[str, str]) -> None:
        check_signature(self.settings.get("app_secret"), payload, headers)

    def parse(
        self, payload: bytes, headers: Mapping[str, str]
    ) -> Sequence[InboundMessage | Ignored | Receipt]:
        return Reader(self.settings.get("phone_number_id")).read(payload)

    def http_get(self, query: Mapping[str, str], headers: Mapping[str, str]) -> HttpAnswer:
        """The webhook's set-up handshake: Meta sends ``hub.mode=subscribe``, the verify
        token and a challenge, and is answered the challenge if the token is ours."""
        expected = self.settings.get("verify_token")
        if query.get("hub.mode") != "subscribe":
            return HttpAnswer(
                400,
                "This is the WhatsApp webhook: Meta verifies it with hub.mode=subscribe, "
                "hub.verify_token and hub.challenge.",
            )
        if not expected:
            return HttpAnswer(403, "The whatsapp channel has no verify_token set.")
        token = query.get("hub.verify_token") or ""
        if not hmac.compare_digest(token.encode(), str(expected).encode()):
            return HttpAnswer(403, "The verify token does not match.")
        challenge = query.get("hub.challenge") or ""
        if not challenge or len(challenge) > CHALLENGE_MAX or not challenge.isprintable():
            return HttpAnswer(400, "hub.challenge is missing or not a short line of text.")
        return HttpAnswer(200, challenge)

    # --- outbound ----------------------------------------------------------------------

    def prepare_reply(
        self, message: OutboundMessage, *, last_inbound_at: datetime | None, now: datetime
    ) -> OutboundMessage:
        """Inside the 24-hour customer-service window a reply goes as it is written (or as
        the template the agent names); outside it, only as a template: the one the agent
        names, else the channel's ``template``, else it is refused."""
        if message.template is not None:
            check_template_name(message.template)
            return message
        if last_inbound_at is not None and now - last_inbound_at < WINDOW:
            return message
        if self.settings.get("template"):
            return attrs.evolve(message, template=self.settings["template"])
        raise ServiceWindowClosedError(message.incident, last_inbound_at, now)

    def send(self, message: OutboundMessage) -> str | None:
        for key in ("access_token", "phone_number_id"):
            if not self.settings.get(key):
                raise DeliveryError(f"the whatsapp channel has no {key}", retryable=False)
        settings = self.settings
        url = (
            f"{settings['base_url'].rstrip('/')}/{settings['api_version']}"
            f"/{settings['phone_number_id']}/messages"
        )
        if message.template:
            values = {
                "incident": message.incident,
                "text": message.text,
                "name": message.to_name or message.to.value,
            }
            body = template_body(
                message.to.value,
                message.template,
                settings["template_language"],
                [values[p] for p in settings["template_parameters"]],
            )
        else:
            body = text_body(message.to.value, message.text)
        return post_message(url, settings["access_token"], body, timeout=settings["timeout"])
