"""What Meta posts to the webhook: the signature over it, and the notifications in it.

A notification (WhatsApp Business Cloud API) is JSON::

    {"object": "whatsapp_business_account",
     "entry": [{"id": "<WABA id>", "changes": [{"field": "messages", "value": {
         "messaging_product": "whatsapp",
         "metadata": {"display_phone_number": "...", "phone_number_id": "..."},
         "contacts": [{"profile": {"name": "Ana"}, "wa_id": "34600111222"}],
         "messages": [{"from": "34600111222", "id": "wamid....", "timestamp": "1772442000",
                       "type": "text", "text": {"body": "..."}}],
         "statuses": [{"id": "wamid....", "status": "read", "timestamp": "...",
                       "recipient_id": "34600111222"}]}}]}]}

Each message becomes an :class:`InboundMessage` from the sender's WhatsApp id (and
their phone number, the same digits), each status a :class:`Receipt`. Anything
that is not this shape is a PayloadError naming the path of what is wrong
(``entry[0].changes[0].value.messages[0].text.body``), so the whole payload goes to
the dead letters: a notification is taken whole or not at all.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from eventdesk.channels import (
    TEXT_MAX,
    Attachment,
    AuthenticityError,
    Identity,
    Ignored,
    InboundMessage,
    PayloadError,
    Receipt,
)
from eventdesk.channels.json_body import json_kind, read_json_object
from eventdesk.errors import InvalidValueError

SIGNATURE_HEADER = "x-hub-signature-256"
MEDIA = ("image", "document", "audio", "video", "sticker")
LEFT_ALONE = {
    "reaction": "a reaction to a message, not a message",
    "system": "a notice from WhatsApp (the customer changed number), not a message",
    "unsupported": "a message of a type WhatsApp does not pass on",
}
TAKEN = ("text", *MEDIA, "interactive", "button", "location", *LEFT_ALONE)
STATUSES = ("sent", "delivered", "read", "failed")
ID_MAX = 500
NAME_MAX = 200


def signature(app_secret: str, payload: bytes) -> str:
    """The ``X-Hub-Signature-256`` header Meta sends with ``payload``.

    >>> signature("app-secret", b"{}")
    'sha256=bd9549eb87a414d3df28b5a60ea86d4a11e2f1c6258edbd18f56d3c23c0f908d'
    """
    digest = hmac.new(app_secret.encode("utf-8"), payload, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def check_signature(app_secret: str | None, payload: bytes, headers: Mapping[str, str]) -> None:
    """AuthenticityError unless the payload carries the app secret's signature."""
    if not app_secret:
        raise AuthenticityError(
            "the whatsapp channel has no app_secret, so no payload can be authenticated"
        )
    given = headers.get(SIGNATURE_HEADER)
    if not given:
        raise AuthenticityError(f"the {SIGNATURE_HEADER} header is missing")
    if not hmac.compare_digest(given.strip().encode(), signature(app_secret, payload).encode()):
        raise AuthenticityError(f"the {SIGNATURE_HEADER} header does not match the payload")


class Reader:
    """Reads one notification, saying where whatever is wrong with it is."""

    def __init__(self, phone_number_id: str | None = None) -> None:
        self.phone_number_id = phone_number_id

    # --- typed fields, each with the path it was read from --------------------------------

    @staticmethod
    def field(data: Mapping[str, Any], key: str, path: str, kind: type, required: bool) -> Any:
        value = data.get(key)
        where = f"{path}.{key}" if path else key
        if value is None:
            if required:
                raise PayloadError(f"{where} is missing", field=where)
            return None
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            expected = {str: "text", list: "a list", dict: "an object"}[kind]
            raise PayloadError(f"{where}: expected {expected}, got {json_kind(value)}", field=where)
        return value

    def text(
        self, data: Mapping[str, Any], key: str, path: str, *, limit: int, required: bool = True
    ) -> str | None:
        value = self.field(data, key, path, str, required)
        if value is None:
            return None
        value = value.strip()
        where = f"{path}.{key}"
        if required and not value:
            raise PayloadError(f"{where} is empty", field=where)
        if len(value) > limit:
            raise PayloadError(
                f"{where}: {len(value)} characters, at most {limit} are taken", field=where
            )
        return value or None

    def objects(self, data: Mapping[str, Any], key: str, path: str) -> list[tuple[str, dict]]:
        items = self.field(data, key, path, list, False) or []
        found = []
        for index, item in enumerate(items):
            where = f"{path}.{key}[{index}]" if path else f"{key}[{index}]"
            if not isinstance(item, dict):
                raise PayloadError(
                    f"{where}: expected an object, got {json_kind(item)}", field=where
                )
            found.append((where, item))
        return found

    def moment(self, data: Mapping[str, Any], path: str) -> datetime:
        value = self.text(data, "timestamp", path, limit=10)  # seconds: until the year 2286
        if not value.isdigit():
            raise PayloadError(
                f"{path}.timestamp: {value!r} is not a Unix time in seconds",
                field=f"{path}.timestamp",
            )
        return datetime.fromtimestamp(int(value), UTC)

    # --- the notification -----------------------------------------------------------------

    def read(self, payload: bytes) -> list[InboundMessage | Ignored | Receipt]:
        data = read_json_object(payload)
        kind = data.get("object")
        if kind != "whatsapp_business_account":
            raise PayloadError(
                f"object is {kind!r}: a WhatsApp notification is for 'whatsapp_business_account'",
                field="object",
            )
        entries = self.objects(data, "entry", "")
        if not entries:
            raise PayloadError("entry is missing or empty: the notification has nothing in it")
        items: list[InboundMessage | Ignored | Receipt] = []
        for path, entry in entries:
            changes = self.objects(entry, "changes", path)
            if not changes:
                raise PayloadError(f"{path}.changes is missing or empty", field=f"{path}.changes")
            for where, change in changes:
                items.extend(self.change(change, where))
        return items

    def change(self, change: Mapping[str, Any], path: str) -> list[Any]:
        field = self.text(change, "field", path, limit=100)
        value = self.field(change, "value", path, dict, True)
        if field != "messages":
            return [Ignored(f"a {field} notification, not about messages")]
        path = f"{path}.value"
        product = value.get("messaging_product")
        if product != "whatsapp":
            raise PayloadError(
                f"{path}.messaging_product is {product!r}, not 'whatsapp'",
                field=f"{path}.messaging_product",
            )
        metadata = self.field(value, "metadata", path, dict, True)
        number = self.text(metadata, "phone_number_id", f"{path}.metadata", limit=100)
        messages = self.objects(value, "messages", path)
        statuses = self.objects(value, "statuses", path)
        errors = self.objects(value, "errors", path)
        if not (messages or statuses or errors):
            raise PayloadError(
                f"{path} has no messages, statuses or errors: there is nothing to take",
                field=path,
            )
        if self.phone_number_id and number != self.phone_number_id:
            return [
                Ignored(
                    f"a notification for the business number {number}, "
                    f"not this channel's {self.phone_number_id}"
                )
            ]
        names = self.contact_names(value, path)
        items: list[Any] = [self.message(m, where, names) for where, m in messages]
        items.extend(self.receipt(s, where) for where, s in statuses)
        items.extend(Ignored(f"WhatsApp reports an error: {self.error(e)}") for _, e in errors)
        return items

    def contact_names(self, value: Mapping[str, Any], path: str) -> dict[str, str]:
        names: dict[str, str] = {}
        for where, contact in self.objects(value, "contacts", path):
            wa_id = self.text(contact, "wa_id", where, limit=20)
            profile = self.field(contact, "profile", where, dict, False) or {}
            name = self.text(profile, "name", f"{where}.profile", limit=NAME_MAX, required=False)
            if name:
                names[wa_id] = name
        return names

    @staticmethod
    def error(error: Mapping[str, Any]) -> str:
        words = [str(error[k]) for k in ("code", "title", "message") if error.get(k)]
        details = error.get("error_data")
        if isinstance(details, dict) and details.get("details"):
            words.append(str(details["details"]))
        return " ".join(dict.fromkeys(words))[:500] or "no detail given"

    # --- one message ----------------------------------------------------------------------

    def message(
        self, message: Mapping[str, Any], path: str, names: Mapping[str, str]
    ) -> InboundMessage | Ignored:
        message_id = self.text(message, "id", path, limit=ID_MAX)
        wa_id = self.text(message, "from", path, limit=20)
        try:
            sender = Identity("whatsapp", wa_id)
            phone = Identity("phone", "+" + sender.value)
        except InvalidValueError as error:
            raise PayloadError(f"{path}.from: {error}", field=f"{path}.from") from None
        sent_at = self.moment(message, path)
        kind = self.text(message, "type", path, limit=50)
        if kind not in TAKEN:
            raise PayloadError(
                f"{path}.type: {kind!r} is not a message type this channel reads "
                f"({', '.join(TAKEN)})",
                field=f"{path}.type",
            )
        if kind in LEFT_ALONE:
            return Ignored(LEFT_ALONE[kind], message_id=message_id, sender=str(sender))
        text, attachments = self.content(message, kind, path)
        context = self.field(message, "context", path, dict, False) or {}
        answered = self.text(context, "id", f"{path}.context", limit=ID_MAX, required=False)
        return InboundMessage(
            channel="whatsapp",
            message_id=message_id,
            sender=sender,
            text=text,
            sender_name=names.get(sender.value),
            attachments=attachments,
            thread_key=sender.value,
            references=(answered,) if answered else (),
            sent_at=sent_at,
            also_known_as=(phone,),
        )

    def content(
        self, message: Mapping[str, Any], kind: str, path: str
    ) -> tuple[str, tuple[Attachment, ...]]:
        """The text a message says and the files it carries (their metadata)."""
        body = self.field(message, kind, path, dict, True)
        where = f"{path}.{kind}"
        if kind == "text":
            return self.text(body, "body", where, limit=TEXT_MAX), ()
        if kind in MEDIA:
            media_id = self.text(body, "id", where, limit=ID_MAX)
            mime_type = self.text(body, "mime_type", where, limit=255)
            filename = self.text(body, "filename", where, limit=255, required=False)
            caption = self.text(body, "caption", where, limit=TEXT_MAX, required=False)
            attachment = Attachment(
                name=filename or f"whatsapp-{kind}-{media_id}"[:255],
                content_type=mime_type,
                size=0,  # the webhook does not say; the bytes stay with Meta, by the media id
            )
            return caption or f"({kind}: {attachment.name})", (attachment,)
        if kind == "interactive":
            reply_kind = self.text(body, "type", where, limit=50)
            if reply_kind not in ("button_reply", "list_reply"):
                raise PayloadError(
                    f"{where}.type: {reply_kind!r} is not button_reply or list_reply",
                    field=f"{where}.type",
                )
            reply = self.field(body, reply_kind, where, dict, True)
            return self.text(reply, "title", f"{where}.{reply_kind}", limit=TEXT_MAX), ()
        if kind == "button":
            return self.text(body, "text", where, limit=TEXT_MAX), ()
        return self.location(body, where), ()

    def location(self, body: Mapping[str, Any], where: str) -> str:
        place = []
        for key in ("latitude", "longitude"):
            value = body.get(key)
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise PayloadError(
                    f"{where}.{key}: expected a number, got {json_kind(value)}",
                    field=f"{where}.{key}",
                )
            place.append(str(value))
        named = [
            self.text(body, key, where, limit=500, required=False) for key in ("name", "address")
        ]
        label = ", ".join(n for n in named if n)
        return f"Location: {label + ' ' if label else ''}({', '.join(place)})"

    # --- one status -----------------------------------------------------------------------

    def receipt(self, status: Mapping[str, Any], path: str) -> Receipt:
        provider_id = self.text(status, "id", path, limit=ID_MAX)
        said = self.text(status, "status", path, limit=50)
        if said not in STATUSES:
            raise PayloadError(
                f"{path}.status: {said!r} is not one of {', '.join(STATUSES)}",
                field=f"{path}.status",
            )
        self.moment(status, path)
        errors = self.objects(status, "errors", path)
        detail = "; ".join(self.error(e) for _, e in errors) or None
        return Receipt(provider_id=provider_id, status=said, detail=detail)
