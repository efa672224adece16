"""The chat channel: what a chat widget posts, and the transcript it polls.

A widget posts JSON events to ``/channels/chat/inbound``::

    {"type": "start", "session": "s-7f3a9c2e41d84b6a", "text": "My VPN drops",
     "name": "Ana", "email": "ana@acme.example", "phone": "+34600111222",
     "incident": "INC0000042", "tenant": "acme", "language": "es"}
    {"type": "message", "session": "s-7f3a9c2e41d84b6a", "id": "2", "text": "Still there?"}
    {"type": "end", "session": "s-7f3a9c2e41d84b6a"}

and polls ``GET /channels/chat/inbound?session=...&after=N`` for the session's
transcript from its Nth message on (the agent's and the bot's answers
included). The session key is the widget's secret: make it random.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from eventdesk.channels import (
    SUBJECT_MAX,
    TEXT_MAX,
    Channel,
    DeliveryError,
    HttpAnswer,
    Identity,
    Ignored,
    InboundMessage,
    OutboundMessage,
    PayloadError,
    incident_number,
)
from eventdesk.channels.json_body import loads
from eventdesk.errors import InvalidValueError

SESSION_PATTERN = re.compile(r"^[A-Za-z0-9_\-]{8,100}$")
MESSAGE_ID_MAX = 100
NAME_MAX = 200
DEFAULT_IDLE_MINUTES = 15
SETTINGS = ("tenant", "impact", "urgency", "idle_minutes")
FIELDS = {
    "start": (
        *("type", "session", "id", "text", "name", "email", "phone"),
        *("incident", "tenant", "language"),
    ),
    "message": ("type", "session", "id", "text"),
    "end": ("type", "session", "reason"),
}


@attrs.frozen
class SessionEnded(Ignored):
    """The customer closed the chat: intake records it once; the session ends."""

    session: str = ""


def _field(data: Mapping[str, Any], name: str, limit: int, *, required: bool = False) -> Any:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise PayloadError(f"field {name!r} is required", field=name)
        return None
    if not isinstance(value, str):
        raise PayloadError(f"field {name!r}: expected text", field=name)
    value = value.strip()
    if len(value) > limit:
        raise PayloadError(f"field {name!r}: more than {limit} characters", field=name)
    return value


def _identity(kind: str, value: str, name: str) -> Identity:
    try:
        return Identity(kind, value)
    except InvalidValueError as error:
        raise PayloadError(f"field {name!r}: {error}", field=name) from None


def read_event(payload: bytes) -> dict[str, Any]:
    """The JSON object a widget posted, with its type and session checked."""
    try:
        data = loads(payload)
    except (UnicodeDecodeError, ValueError) as error:
        raise PayloadError(f"the body is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise PayloadError("the body must be a JSON object")
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in FIELDS:
        raise PayloadError(f"field 'type': {kind!r} is not start, message or end", field="type")
    unknown = sorted(set(data) - set(FIELDS[kind]))
    if unknown:
        raise PayloadError(
            f"unknown field {unknown[0]!r} for a {kind}: the fields are " + ", ".join(FIELDS[kind]),
            field=unknown[0],
        )
    session = _field(data, "session", 100, required=True)
    if not SESSION_PATTERN.match(session):
        raise PayloadError(
            "field 'session': 8 to 100 letters, digits, '-' or '_' (make it random)",
            field="session",
        )
    return data


class ChatChannel(Channel):
    """Live chat. Senders are chat sessions (``chat:<session>``), joined by the email
    or phone of the pre-chat form to the contact who owns them.

    Settings (all optional): ``tenant`` (whose incidents chats open, when the start
    does not say), ``impact`` and ``urgency`` (1 to 3, of the incidents they open)
    and ``idle_minutes`` (a session quiet for longer ends on ``chat expire``; 15).
    """

    name = "chat"
    identity_kind = "chat"

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        self.check_settings(SETTINGS, levels=("impact", "urgency"))
        idle = self.settings.get("idle_minutes", DEFAULT_IDLE_MINUTES)
        if isinstance(idle, bool) or not isinstance(idle, int) or not 1 <= idle <= 1440:
            raise InvalidValueError("chat channel idle_minutes", idle, "1 to 1440 minutes")
        self.idle_minutes: int = idle

    # --- inbound -----------------------------------------------------------------

    def _session_state(self, key: str) -> str | None:
        """``live``, ``ended``, or None for a session never started (needs the desk)."""
        if self.desk is None:
            return None
        from eventdesk_chat.sessions import ChatSessions

        found = ChatSessions(self.desk).find(key)
        return found.state if found is not None else None

    def _known_sender(self, identities: list[Identity]) -> Identity | None:
        """Of the pre-chat form's identities, the first a contact of the desk has; a phone
        number also finds the contact who wrote from it on WhatsApp."""
        if self.desk is None:
            return None
        candidates = list(identities)
        for identity in identities:
            if identity.kind == "phone":
                candidates.append(Identity("whatsapp", identity.value))
        return next((i for i in candidates if self.desk.contacts.lookup(i) is not None), None)

    def parse(
        self, payload: bytes, headers: Mapping[str, str]
    ) -> Sequence[InboundMessage | Ignored]:
        data = read_event(payload)
        kind, key = data["type"], data["session"].strip()
        state = self._session_state(key)
        if kind == "end":
            if state is None and self.desk is not None:
                raise PayloadError(f"no chat session {key}: it was never started")
            if state == "ended":
                return [Ignored(f"chat session {key} has ended already")]
            reason = _field(data, "reason", 200) or "the customer left the chat"
            return [SessionEnded(reason=reason, message_id=f"{key}/end", session=key)]
        if state == "ended":
            raise PayloadError(f"chat session {key} has ended: start a new one")
        if kind == "message" and state is None and self.desk is not None:
            raise PayloadError(f"no chat session {key}: start it first")
        text = _field(data, "text", TEXT_MAX, required=True)
        message_id = _field(data, "id", MESSAGE_ID_MAX, required=kind == "message") or "start"
        session = Identity("chat", key)
        if kind == "message" or state == "live":
            return [
                InboundMessage(
                    channel=self.name,
                    message_id=f"{key}/{message_id}",
                    sender=session,
                    text=text,
                    thread_key=key,
                )
            ]
        # A start: the pre-chat form's email or phone says who it is, so the chat joins
        # the contact (and, with its reference, the incident) of their other channels.
        email = _field(data, "email", 254)
        phone = _field(data, "phone", 40)
        known = [
            *([_identity("email", email, "email")] if email else []),
            *([_identity("phone", phone, "phone")] if phone else []),
        ]
        sender = self._known_sender(known)
        if sender is not None and sender not in known:  # their WhatsApp number
            known = [sender, *known]
        elif sender is not None:
            known = [sender, *(i for i in known if i != sender)]
        reference = _field(data, "incident", 20)
        number = incident_number(reference) if reference else None
        if reference and number is None:
            raise PayloadError(
                f"field 'incident': {reference!r} is not an incident number such as INC0000042",
                field="incident",
            )
        language = _field(data, "language", 10)
        return [
            InboundMessage(
                channel=self.name,
                message_id=f"{key}/{message_id}",
                sender=known[0] if known else session,
                text=text,
                sender_name=_field(data, "name", NAME_MAX),
                subject=text.splitlines()[0][:SUBJECT_MAX],
                thread_key=key,
                incident=number,
                tenant=_field(data, "tenant", 100),
                also_known_as=tuple([*known[1:], session] if known else []),
                metadata={"chat": "start", **({"language": language} if language else {})},
            )
        ]

    # --- outbound ------------------------------------------------------------------

    def send(self, message: OutboundMessage) -> str | None:
        """A reply is in the incident's conversation already: the widget polls it. It
        reaches the customer only while a session of theirs on that incident is live."""
        if self.desk is None:
            raise DeliveryError("the chat channel is not attached to a desk", retryable=False)
        from eventdesk_chat.sessions import ChatSessions

        if ChatSessions(self.desk).live_for(message.incident) is None:
            raise DeliveryError(
                f"the customer has left the chat: no live session on {message.incident}",
                retryable=False,
            )
        return message.message_id

    # --- the transcript the widget polls ---------------------------------------------

    def http_get(self, query: Mapping[str, str], headers: Mapping[str, str]) -> HttpAnswer:
        """``?session=KEY[&after=N]``: the session's state, agent and messages (JSON)."""
        from eventdesk_chat.sessions import ChatSessions

        key = (query.get("session") or "").strip()
        if not SESSION_PATTERN.match(key):
            return _json(400, {"error": "add ?session= with the chat session's key"})
        after = query.get("after", "0")
        if not after.isdigit():
            return _json(400, {"error": f"after={after!r}: a count of messages already read"})
        if self.desk is None:
            return _json(503, {"error": "the chat channel is not attached to a desk"})
        found = ChatSessions(self.desk).find(key)
        if found is None:
            return _json(404, {"error": f"no chat session {key}"})
        transcript = ChatSessions(self.desk).transcript(key)
        return _json(
            200,
            {
                "session": key,
                "state": found.state,
                "incident": found.incident,
                "agent": found.agent,
                "messages": [line.to_dict() for line in transcript[int(after) :]],
                "count": len(transcript),
            },
        )


def _json(status: int, body: dict[str, Any]) -> HttpAnswer:
    return HttpAnswer(status, json.dumps(body, ensure_ascii=False), "application/json")
