"""eventdesk-web: the web channel, a JSON endpoint and an HTML form.

A customer posts to ``/channels/web/inbound`` either JSON::

    {"email": "ana@acme.example", "name": "Ana", "subject": "VPN drops",
     "text": "Every hour or so", "incident": "INC0000042", "phone": "+34 600 123 456",
     "tenant": "acme", "message_id": "...", "attachments": [{"name": ..., "content_type":
     ..., "size": ...}]}

or the same fields as an HTML form (``application/x-www-form-urlencoded``,
without attachments): only ``email`` and ``text`` are required. ``GET
/channels/web/inbound`` answers the form itself. The web cannot push a reply
to anybody, so replies to web messages go out by email (``replies_via``).
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qs

from eventdesk.channels import (
    SUBJECT_MAX,
    TEXT_MAX,
    Attachment,
    Channel,
    DeliveryError,
    HttpAnswer,
    Identity,
    InboundMessage,
    OutboundMessage,
    PayloadError,
    incident_number,
)
from eventdesk.channels.json_body import json_kind, read_json_object
from eventdesk.errors import InvalidValueError
from eventdesk.hookspecs import hookimpl

INBOUND_PATH = "/channels/web/inbound"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
NAME_MAX = 200
TENANT_MAX = 100
MESSAGE_ID_MAX = 200
ATTACHMENTS_MAX = 20
# The size an attachment may declare: no more than the desk takes in one payload.
ATTACHMENT_SIZE_MAX = 25 * 1024 * 1024
FIELDS = (
    "email",
    "name",
    "subject",
    "text",
    "incident",
    "message_id",
    "phone",
    "tenant",
    "attachments",
)
SETTINGS = ("tenant", "impact", "urgency", "title", "form_action")
DEFAULT_TITLE = "Contact the service desk"


def _text(value: Any, name: str, limit: int) -> str | None:
    """An optional text field, stripped (empty is absent), or PayloadError."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise PayloadError(f"field {name!r}: expected text, got {json_kind(value)}", field=name)
    value = value.strip()
    if len(value) > limit:
        raise PayloadError(
            f"field {name!r}: {len(value)} characters, at most {limit} are taken", field=name
        )
    return value or None


def _identity(kind: str, value: str, name: str) -> Identity:
    try:
        return Identity(kind, value)
    except InvalidValueError as error:
        raise PayloadError(f"field {name!r}: {error}", field=name) from None


def _incident(value: str | None) -> str | None:
    if value is None:
        return None
    number = incident_number(value)
    if number is None:
        raise PayloadError(
            f"field 'incident': {value!r} is not an incident number such as INC0000042",
            field="incident",
        )
    return number


def _attachments(value: Any) -> tuple[Attachment, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise PayloadError(
            f"field 'attachments': expected a list, got {json_kind(value)}", field="attachments"
        )
    if len(value) > ATTACHMENTS_MAX:
        raise PayloadError(
            f"field 'attachments': {len(value)} attachments, at most {ATTACHMENTS_MAX}",
            field="attachments",
        )
    files = []
    for index, item in enumerate(value):
        if isinstance(item, dict) and set(item) - {"name", "content_type", "size"}:
            extra = sorted(set(item) - {"name", "content_type", "size"})[0]
            raise PayloadError(
                f"field 'attachments[{index}]': unknown key {extra!r} "
                "(an attachment has name, content_type and size)",
                field="attachments",
            )
        try:
            files.append(Attachment.from_mapping(item))
        except InvalidValueError as error:
            raise PayloadError(
                f"field 'attachments[{index}]': {error}", field="attachments"
            ) from None
        if files[-1].size > ATTACHMENT_SIZE_MAX:
            raise PayloadError(
                f"field 'attachments[{index}]': a size of {files[-1].size} bytes, "
                f"at most {ATTACHMENT_SIZE_MAX}",
                field="attachments",
            )
    return tuple(files)


def read_json(text: str) -> dict[str, Any]:
    """The fields of a JSON body, or PayloadError saying what is wrong with it."""
    return read_json_object(text)


def read_form(text: str) -> dict[str, Any]:
    """The fields of a form body, or PayloadError saying what is wrong with it."""
    try:
        fields = parse_qs(
            text,
            keep_blank_values=True,
            strict_parsing=bool(text),
            errors="strict",
        )
    except UnicodeDecodeError:
        raise PayloadError("the form is not UTF-8 text") from None
    except ValueError as error:
        raise PayloadError(f"the form cannot be read: {error}") from None
    for name, values in fields.items():
        if len(values) > 1:
            raise PayloadError(f"field {name!r} is given {len(values)} times", field=name)
    if "attachments" in fields:
        raise PayloadError(
            "field 'attachments': a form cannot carry attachments (post JSON)",
            field="attachments",
        )
    return {name: values[0] for name, values in fields.items()}


def _media_type(headers: Mapping[str, str]) -> str:
    return headers.get("content-type", "").split(";")[0].strip().lower()


class WebChannel(Channel):
    """The web: a JSON endpoint and an HTML form. Senders are email addresses; replies
    go out by email, since the web cannot reach anybody by itself.

    Settings (all optional): ``tenant`` (whose incidents web messages open, when
    the message does not say), ``impact`` and ``urgency`` (of the incidents they
    open, 1 to 3), ``title`` (the form's heading) and ``form_action`` (where the
    form posts, if the server is behind a proxy that moves it).
    """

    name = "web"
    identity_kind = "email"
    replies_via = "email"

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        self.check_settings(
            SETTINGS, texts=("tenant", "title", "form_action"), levels=("impact", "urgency")
        )

    # --- inbound -----------------------------------------------------------------

    def parse(self, payload: bytes, headers: Mapping[str, str]) -> list[InboundMessage]:
        media_type = _media_type(headers)
        readers: dict[str, Callable[[str], dict[str, Any]]] = {
            "": read_json,
            JSON: read_json,
            FORM: read_form,
        }
        reader = readers.get(media_type)
        if reader is None:
            raise PayloadError(
                f"content type {media_type!r} is not taken: post {JSON} or a form ({FORM})"
            )
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError:
            raise PayloadError("the body is not UTF-8 text") from None
        return [self.message(reader(text))]

    def message(self, data: Mapping[str, Any]) -> InboundMessage:
        """The message the fields of a post make, or PayloadError naming the field."""
        unknown = sorted(set(data) - set(FIELDS))
        if unknown:
            raise PayloadError(
                f"unknown field {unknown[0]!r}: the fields are " + ", ".join(FIELDS),
                field=unknown[0],
            )
        email = _text(data.get("email"), "email", 254)
        if email is None:
            raise PayloadError("field 'email' is required: the address we answer", field="email")
        text = _text(data.get("text"), "text", TEXT_MAX)
        if text is None:
            raise PayloadError("field 'text' is required: what the message says", field="text")
        sender = _identity("email", email, "email")
        phone = _text(data.get("phone"), "phone", 40)
        also = (_identity("phone", phone, "phone"),) if phone else ()
        fields = {
            "email": sender.value,
            "name": _text(data.get("name"), "name", NAME_MAX),
            "subject": _text(data.get("subject"), "subject", SUBJECT_MAX),
            "text": text,
            "incident": _incident(_text(data.get("incident"), "incident", 20)),
            "phone": also[0].value if also else None,
            "tenant": _text(data.get("tenant"), "tenant", TENANT_MAX),
        }
        attachments = _attachments(data.get("attachments"))
        message_id = _text(data.get("message_id"), "message_id", MESSAGE_ID_MAX)
        if message_id is None:
            # The same post sent twice (a double click, a retry) is the same message.
            canonical = {**fields, "attachments": [a.to_mapping() for a in attachments]}
            digest = hashlib.sha256(
                json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode("utf-8")
            ).hexdigest()
            message_id = f"sha256:{digest}"
        return InboundMessage(
            channel=self.name,
            message_id=message_id,
            sender=sender,
            text=text,
            sender_name=fields["name"],
            subject=fields["subject"],
            attachments=attachments,
            incident=fields["incident"],
            tenant=fields["tenant"],
            also_known_as=also,
        )

    # --- outbound ----------------------------------------------------------------

    def send(self, message: OutboundMessage) -> str | None:
        raise DeliveryError(
            "the web channel cannot reach anybody: replies to web messages go out by email",
            retryable=False,
        )

    # --- the form ------------------------------------------------------------------

    def http_get(self, query: Mapping[str, str], headers: Mapping[str, str]) -> HttpAnswer:
        """The form, in plain accessible HTML: labelled fields, no script needed.

        ``?incident=INC0000042`` fills in the reference (a link in an email that asks
        the customer to write again); ``?email=`` the address; ``?tenant=`` posts
        for that tenant.
        """
        try:
            incident = _incident(_text(query.get("incident"), "incident", 20))
        except PayloadError:
            incident = None
        try:
            email = _identity("email", query["email"], "email").value if "email" in query else ""
        except PayloadError:
            email = ""
        tenant = (query.get("tenant") or "").strip()[:TENANT_MAX]
        return HttpAnswer(
            200,
            render_form(
                title=self.settings.get("title") or DEFAULT_TITLE,
                action=self.settings.get("form_action") or INBOUND_PATH,
                email=email,
                incident=incident or "",
                tenant=tenant,
            ),
            "text/html; charset=utf-8",
        )


def render_form(*, title: str, action: str, email: str, incident: str, tenant: str) -> str:
    e = html.escape
    hidden = f'<input type="hidden" name="tenant" value="{e(tenant)}">' if tenant else ""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.5; }}
label {{ display: block; font-weight: 600; margin-top: 1rem; }}
input, textarea, button {{ font: inherit; width: 100%; box-sizing: border-box;
                           padding: .4rem; }}
button {{ width: auto; margin-top: 1.5rem; padding: .5rem 1.5rem; }}
.hint {{ display: block; color: #444; font-size: .9rem; }}
</style>
</head>
<body>
<main>
<h1>{e(title)}</h1>
<p>Tell us what is wrong and we will answer you by email.
Fields marked * are required.</p>
<form method="post" action="{e(action)}" accept-charset="UTF-8">
<label for="email">Your email address <span aria-hidden="true">*</span></label>
<input id="email" name="email" type="email" required autocomplete="email"
 maxlength="254" value="{e(email)}">
<label for="name">Your name</label>
<input id="name" name="name" type="text" autocomplete="name" maxlength="{NAME_MAX}">
<label for="phone">Your phone number</label>
<input id="phone" name="phone" type="tel" autocomplete="tel" maxlength="40"
 aria-describedby="phone-hint">
<span id="phone-hint" class="hint">With the country code, such as +34 600 123 456.</span>
<label for="incident">Your reference, if you are writing about an earlier request</label>
<input id="incident" name="incident" type="text" maxlength="20" value="{e(incident)}"
 aria-describedby="incident-hint">
<span id="incident-hint" class="hint">Such as INC0000042: it is in our answers.</span>
<label for="subject">Subject</label>
<input id="subject" name="subject" type="text" maxlength="{SUBJECT_MAX}">
<label for="text">What is wrong? <span aria-hidden="true">*</span></label>
<textarea id="text" name="text" rows="8" required maxlength="{TEXT_MAX}"></textarea>
{hidden}
<button type="submit">Send</button>
</form>
</main>
</body>
</html>
"""


@hookimpl
def register_channels(register: Any) -> None:
    register("web", WebChannel)
