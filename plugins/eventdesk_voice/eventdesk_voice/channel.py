"""The voice channel: call events a telephony system posts, signed with a shared secret.

Each event is a JSON object::

    {"call": "c-1001", "event": "offered", "from": "+34600111222", "to": "+34910000000",
     "tenant": "acme"}
    {"call": "c-1001", "event": "answered", "agent": "lea"}
    {"call": "c-1001", "event": "transferred", "to": "marc"}      # an agent or a number
    {"call": "c-1001", "event": "ended"}
    {"call": "c-1001", "event": "abandoned"}

with an ``X-Voice-Signature: sha256=<hex HMAC-SHA256 of the body>`` header.
Intake takes the ``offered`` event as the caller's message (the caller is the
contact who owns the phone number: the call joins their open incident); the
others it records once each and leaves to the voice desk
(:mod:`eventdesk_voice.calls`), which keeps the call's state.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from typing import Any

import attrs
from eventdesk.channels import (
    AuthenticityError,
    Channel,
    DeliveryError,
    HttpAnswer,
    Identity,
    Ignored,
    InboundMessage,
    OutboundMessage,
    PayloadError,
)
from eventdesk.channels.json_body import loads
from eventdesk.channels.signing import SETTINGS as SIGNING_SETTINGS
from eventdesk.channels.signing import (
    body_signature,
    signing_settings,
    timestamped_signature,
    verify_signed,
)
from eventdesk.errors import EventDeskError, InvalidValueError, NotFoundError

from eventdesk_voice.ivr import Ivr

EVENTS = ("offered", "answered", "transferred", "ended", "abandoned")
FIELDS = ("call", "event", "from", "to", "agent", "tenant", "name")
SETTINGS = ("secret", "tenant", "ivr", "impact", "urgency", *SIGNING_SETTINGS)
SIGNATURE_HEADER = "x-voice-signature"
SECRET_MIN = 16
_CALL = re.compile(r"^[\w.:\-]{1,100}$")
_AGENT = re.compile(r"^[A-Za-z0-9][\w.@\-]{0,63}$")


# The call events the channel has read and intake has not yet recorded, by message id, per
# thread: intake records only that a message was taken (and, for an offered call, the
# caller's incident); the voice desk takes the call event itself from here when that
# record is saved, in the same thread (see eventdesk_voice.track_event).
_read = threading.local()


def take_read_event(message_id: str) -> CallEvent | None:
    """The call event this thread's channel read for a message id, once."""
    pending: dict[str, CallEvent] = getattr(_read, "events", {})
    return pending.pop(message_id, None)


def signature(secret: str, payload: bytes, timestamp: int | None = None) -> str:
    """The value of the ``X-Voice-Signature`` header for a payload (with ``timestamp``,
    Unix seconds, the replay-proof form ``t=…,sha256=…``)."""
    if timestamp is not None:
        return timestamped_signature(secret, payload, timestamp)
    return body_signature(secret, payload)


@attrs.frozen
class CallEvent:
    """One call event, read and checked."""

    call: str
    event: str
    caller: str | None = None  # the E.164 number that called
    to: str | None = None  # the number called (offered) or where it went (transferred)
    agent: str | None = None
    tenant: str | None = None
    name: str | None = None

    @property
    def message_id(self) -> str:
        suffix = f":{self.to}" if self.event == "transferred" else ""
        return f"{self.call}:{self.event}{suffix}"

    @property
    def transfer_to_number(self) -> bool:
        return self.event == "transferred" and bool(self.to) and self.to.startswith("+")


def _field(data: Mapping[str, Any], name: str, pattern: re.Pattern[str] | None = None) -> Any:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(f"field {name!r}: expected a non-empty text", field=name)
    value = value.strip()
    if pattern is not None and not pattern.match(value):
        raise PayloadError(f"field {name!r}: {value!r} is not a valid {name}", field=name)
    return value


def _phone(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        return Identity("phone", value).value
    except InvalidValueError:
        raise PayloadError(
            f"field {name!r}: {value!r} is not an E.164 number such as +34600111222", field=name
        ) from None


def read_event(payload: bytes) -> CallEvent:
    """The call event in a payload, or PayloadError naming what is wrong."""
    try:
        data = loads(payload)
    except (UnicodeDecodeError, ValueError) as error:
        raise PayloadError(f"the body is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise PayloadError("the body must be a JSON object")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise PayloadError(
            f"unknown field {unknown[0]!r}: the fields are " + ", ".join(FIELDS), field=unknown[0]
        )
    call = _field(data, "call", _CALL)
    if call is None:
        raise PayloadError("field 'call' is required: the telephony system's call id")
    event = _field(data, "event")
    if event not in EVENTS:
        raise PayloadError(
            f"field 'event': {event!r} is not one of " + ", ".join(EVENTS), field="event"
        )
    caller = _phone(_field(data, "from"), "from")
    to = _field(data, "to")
    if event == "offered" and caller is None:
        raise PayloadError("field 'from' is required when a call is offered: who calls")
    if event == "transferred":
        if to is None:
            raise PayloadError("field 'to' is required for a transfer: an agent or a number")
        to = _phone(to, "to") if to.startswith("+") else _field(data, "to", _AGENT)
    elif to is not None:
        to = _phone(to, "to")
    return CallEvent(
        call=call,
        event=event,
        caller=caller,
        to=to,
        agent=_field(data, "agent", _AGENT),
        tenant=_field(data, "tenant", _AGENT),
        name=_field(data, "name"),
    )


class VoiceChannel(Channel):
    """Calls from a telephony system. Settings: ``secret`` (required, at least 16
    characters; ``env:NAME`` keeps it in the environment), ``tenant`` (whose calls
    these are, when the event does not say), ``ivr`` (the path of the IVR's TOML
    file), ``impact`` and ``urgency`` (of the incidents calls open)."""

    name = "voice"
    identity_kind = "phone"

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        self.check_settings(SETTINGS)
        secret = self.settings.get("secret")
        if secret is not None and (not isinstance(secret, str) or len(secret) < SECRET_MIN):
            raise InvalidValueError("voice secret", "…", f"at least {SECRET_MIN} characters")
        signing_settings(self.settings, "voice channel")
        if self.settings.get("ivr") is not None:
            self.ivr()  # an IVR that does not load is refused with the channel's settings

    def ivr(self) -> Ivr | None:
        """The IVR the ``ivr`` setting names, loaded and checked (None: no IVR)."""
        path = self.settings.get("ivr")
        return Ivr.load(path) if path else None

    def verify(self, payload: bytes, headers: Mapping[str, str]) -> None:
        # sha256=<hex>, or t=<unix seconds>,sha256=<hex> refused outside the replay window
        verify_signed(self, self.settings.get("secret"), payload, headers, SIGNATURE_HEADER)

    def parse(self, payload: bytes, headers: Mapping[str, str]) -> list[InboundMessage | Ignored]:
        event = read_event(payload)
        _read.events = {event.message_id: event}
        if event.event != "offered":
            return [
                Ignored(
                    f"call {event.event}: kept by the voice desk",
                    message_id=event.message_id,
                    sender=event.caller,
                )
            ]
        assert event.caller is not None
        text = f"Phone call from {event.caller}" + (f" to {event.to}" if event.to else "")
        return [
            InboundMessage(
                channel=self.name,
                message_id=event.message_id,
                sender=Identity("phone", event.caller),
                sender_name=event.name,
                text=text,
                subject=text,
                thread_key=f"call:{event.call}",
                tenant=event.tenant or self.settings.get("tenant"),
                metadata={"call": event.call},
            )
        ]

    def http_get(self, query: Mapping[str, str], headers: Mapping[str, str]) -> HttpAnswer:
        """The IVR's answer to "what next" (``GET /channels/voice/inbound?call=C&digits=D``),
        as JSON; the ``X-Voice-Signature`` header signs ``call=C&digits=D`` (without
        ``&digits=`` when no keys were pressed)."""
        from eventdesk_voice.calls import voice  # the voice desk reads this module

        call, digits = query.get("call"), query.get("digits") or None
        if not call:
            return _json_answer(400, {"error": "give the call: ?call=ID[&digits=KEYS]"})
        signed = f"call={call}" + (f"&digits={digits}" if digits else "")
        try:
            self.verify(signed.encode(), headers)
        except AuthenticityError as error:
            return _json_answer(401, {"error": error.reason})
        if self.desk is None:
            return _json_answer(503, {"error": "the voice channel is not on a desk"})
        try:
            answer = voice(self.desk).next_step(call, digits)
        except NotFoundError as error:
            return _json_answer(404, {"error": error.message})
        except EventDeskError as error:
            return _json_answer(409, {"error": error.message})
        return _json_answer(200, answer.to_dict())

    def send(self, message: OutboundMessage) -> str | None:
        raise DeliveryError(
            "the voice channel cannot send a written reply: call the customer back",
            retryable=False,
        )


def _json_answer(status: int, body: Mapping[str, Any]) -> HttpAnswer:
    return HttpAnswer(status, json.dumps(body, ensure_ascii=False), "application/json")
