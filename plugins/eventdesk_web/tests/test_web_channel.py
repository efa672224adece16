"""The web channel on its own: what it reads from a post, what it refuses and why, and
the form it serves. (Through a real server and the intake: tests/http/test_inbound.py.)"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from eventdesk.channels import DeliveryError, Identity, OutboundMessage, PayloadError
from eventdesk.errors import InvalidValueError
from eventdesk.plugins import get_channels
from eventdesk_web import FORM, JSON, WebChannel

ANA = {"email": "Ana.Lopez@Acme.example", "text": "The VPN drops every hour"}


def parse_json(data, channel: WebChannel | None = None):
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    [message] = (channel or WebChannel()).parse(body, {"content-type": JSON})
    return message


def parse_form(fields) -> object:
    [message] = WebChannel().parse(urlencode(fields).encode(), {"content-type": FORM})
    return message


def test_the_web_channel_is_registered_by_its_entry_point():
    assert get_channels()["web"] is WebChannel
    assert (WebChannel.name, WebChannel.identity_kind, WebChannel.replies_via) == (
        "web",
        "email",
        "email",
    )


def test_a_json_post_with_every_field():
    message = parse_json(
        {
            **ANA,
            "name": " Ana López ",
            "subject": "VPN drops",
            "incident": "inc42",
            "phone": "+34 600 123-456",
            "tenant": "acme",
            "message_id": "portal-7f3a",
            "attachments": [{"name": "vpn.log", "content_type": "text/plain", "size": 2048}],
        }
    )
    assert message.channel == "web"
    assert message.sender == Identity("email", "ana.lopez@acme.example")
    assert (message.sender_name, message.subject, message.text) == (
        "Ana López",
        "VPN drops",
        "The VPN drops every hour",
    )
    assert (message.incident, message.tenant, message.message_id) == (
        "INC0000042",
        "acme",
        "portal-7f3a",
    )
    assert message.also_known_as == (Identity("phone", "+34600123456"),)
    assert [(a.name, a.content_type, a.size) for a in message.attachments] == [
        ("vpn.log", "text/plain", 2048)
    ]


def test_only_email_and_text_are_required():
    message = parse_json(ANA)
    assert (message.sender_name, message.subject, message.incident, message.tenant) == (
        None,
        None,
        None,
        None,
    )
    assert message.also_known_as == () and message.attachments == ()


def test_a_form_post_reads_the_same_fields():
    fields = {**ANA, "name": "Ana", "incident": "42", "phone": "0034600123456", "subject": ""}
    message = parse_form(fields)
    assert (message.sender.value, message.sender_name, message.incident) == (
        "ana.lopez@acme.example",
        "Ana",
        "INC0000042",
    )
    assert message.subject is None  # a field left empty in the form is not given
    assert message.also_known_as == (Identity("phone", "+34600123456"),)
    # The same post as JSON is the same message, with the same id.
    assert message == parse_json(fields)


def test_a_post_without_a_content_type_is_json():
    [message] = WebChannel().parse(json.dumps(ANA).encode(), {})
    assert message.text == ANA["text"]
    [charset] = WebChannel().parse(
        json.dumps(ANA).encode(), {"content-type": "application/json; charset=utf-8"}
    )
    assert charset == message


def test_the_same_content_posted_twice_has_the_same_message_id():
    first = parse_json(ANA)
    again = parse_json({"text": ANA["text"], "email": "ana.lopez@acme.example "})
    other = parse_json({**ANA, "text": "The VPN drops every two hours"})
    with_file = parse_json(
        {**ANA, "attachments": [{"name": "a.png", "content_type": "image/png", "size": 1}]}
    )
    assert first.message_id.startswith("sha256:") and len(first.message_id) == 7 + 64
    assert again.message_id == first.message_id
    assert len({first.message_id, other.message_id, with_file.message_id}) == 3


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"text": "x"}, "field 'email' is required: the address we answer"),
        ({"email": "  ", "text": "x"}, "field 'email' is required: the address we answer"),
        ({"email": "ana@acme.example"}, "field 'text' is required: what the message says"),
        ({"email": "ana@acme.example", "text": " \n "}, "field 'text' is required"),
        ({"email": 42, "text": "x"}, "field 'email': expected text, got a number"),
        ({"email": "ana", "text": "x"}, "field 'email': invalid email address 'ana'"),
        ({**ANA, "text": ["x"]}, "field 'text': expected text, got a list"),
        ({**ANA, "name": True}, "field 'name': expected text, got true or false"),
        ({**ANA, "subject": {"a": 1}}, "field 'subject': expected text, got an object"),
        ({**ANA, "text": "x" * 4001}, "field 'text': 4001 characters, at most 4000 are taken"),
        ({**ANA, "subject": "x" * 201}, "field 'subject': 201 characters, at most 200"),
        ({**ANA, "phone": "call me"}, "field 'phone': invalid phone number 'call me'"),
        ({**ANA, "phone": 34600123456}, "field 'phone': expected text, got a number"),
        ({**ANA, "incident": "the last one"}, "field 'incident': 'the last one' is not an"),
        ({**ANA, "incident": "INC0000000"}, "field 'incident': 'INC0000000' is not an"),
        ({**ANA, "colour": "red"}, "unknown field 'colour': the fields are email, name,"),
        ({**ANA, "attachments": "a.png"}, "field 'attachments': expected a list, got text"),
        ({**ANA, "attachments": [{"name": "a"}]}, "field 'attachments[0]': invalid attachment"),
        (
            {**ANA, "attachments": [{"name": "a", "content_type": "x", "size": -1}]},
            "field 'attachments[0]': invalid attachment size -1",
        ),
        (
            {**ANA, "attachments": [{"name": "a", "content_type": "x", "size": 1, "data": "…"}]},
            "field 'attachments[0]': unknown key 'data'",
        ),
        (
            {**ANA, "attachments": [{"name": "a", "content_type": "x", "size": 1}] * 21},
            "field 'attachments': 21 attachments, at most 20",
        ),
        ({**ANA, "message_id": "m" * 201}, "field 'message_id': 201 characters, at most 200"),
    ],
)
def test_a_post_the_channel_cannot_take_is_refused_with_the_reason(data, reason):
    with pytest.raises(PayloadError) as refused:
        parse_json(data)
    assert refused.value.reason.startswith(reason), refused.value.reason


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b'{"email": "ana@acme.example", "text": "x"', JSON, "the body is not JSON: Expecting"),
        (b"", JSON, "the body is not JSON: Expecting value"),
        (b"[]", JSON, "the body must be a JSON object, not a list"),
        (b'"hello"', JSON, "the body must be a JSON object, not text"),
        (b'{"email": NaN}', JSON, "the body is not JSON: NaN is not a JSON number"),
        (
            b'{"text": "a", "text": "b"}',
            JSON,
            "the body is not JSON: the key 'text' is given twice",
        ),
        (b"[" * 100_000, JSON, "the body is not JSON"),
        (b"\xff\xfe{}", JSON, "the body is not UTF-8 text"),
        (b"email=ana%40acme.example&text", FORM, "the form cannot be read: bad query field"),
        (b"email=%ff&text=x", FORM, "the form is not UTF-8 text"),
        (b"email=a%40b.example&email=c%40d.example&text=x", FORM, "field 'email' is given 2"),
        (b"email=a%40b.example&text=x&attachments=a.png", FORM, "field 'attachments': a form"),
        (b"<xml/>", "text/xml", "content type 'text/xml' is not taken: post application/json"),
        (b"--x\r\n", "multipart/form-data; boundary=x", "content type 'multipart/form-data'"),
    ],
)
def test_a_body_the_channel_cannot_read_is_refused_with_the_reason(body, content_type, reason):
    with pytest.raises(PayloadError) as refused:
        WebChannel().parse(body, {"content-type": content_type})
    assert refused.value.reason.startswith(reason), refused.value.reason


def test_an_empty_form_lacks_the_email():
    with pytest.raises(PayloadError, match="field 'email' is required"):
        WebChannel().parse(b"", {"content-type": FORM})


def test_the_web_cannot_send_replies_go_by_email():
    message = OutboundMessage(
        channel="web",
        incident="INC0000001",
        to=Identity("email", "ana@acme.example"),
        text="Hello",
        message_id="web-1",
    )
    with pytest.raises(DeliveryError) as refused:
        WebChannel().send(message)
    assert refused.value.retryable is False
    assert "replies to web messages go out by email" in refused.value.reason


@pytest.mark.parametrize(
    "settings",
    [{"colour": "red"}, {"impact": 4}, {"urgency": "high"}, {"impact": True}, {"tenant": ""}],
)
def test_settings_the_channel_cannot_use_are_refused(settings):
    with pytest.raises(InvalidValueError):
        WebChannel(settings)


# --- the form --------------------------------------------------------------------------------


class FormReader(HTMLParser):
    """The form's fields and labels, as a browser (and a screen reader) finds them."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: dict[str, dict[str, str | None]] = {}
        self.labels: dict[str, str] = {}
        self.forms: list[dict[str, str | None]] = []
        self.scripts = 0
        self.html_lang: str | None = None
        self._label: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.html_lang = attributes.get("lang")
        if tag == "form":
            self.forms.append(attributes)
        if tag in ("input", "textarea"):
            self.inputs[attributes["name"]] = attributes
        if tag == "label":
            self._label = attributes["for"]
            self.labels[self._label] = ""
        if tag == "script":
            self.scripts += 1

    def handle_endtag(self, tag):
        if tag == "label":
            self._label = None

    def handle_data(self, data):
        if self._label:
            self.labels[self._label] += data


def read_form_page(channel: WebChannel, query=None) -> FormReader:
    answer = channel.http_get(query or {}, {})
    assert (answer.status, answer.content_type) == (200, "text/html; charset=utf-8")
    reader = FormReader()
    reader.feed(answer.body)
    return reader


def test_the_form_is_plain_accessible_html_posting_to_the_inbound_route():
    page = read_form_page(WebChannel())
    assert page.html_lang == "en"
    assert page.scripts == 0
    assert page.forms == [
        {"method": "post", "action": "/channels/web/inbound", "accept-charset": "UTF-8"}
    ]
    visible = {name: field for name, field in page.inputs.items() if field.get("type") != "hidden"}
    assert set(visible) == {"email", "name", "phone", "incident", "subject", "text"}
    for name, field in visible.items():
        # Every field has a label that names it, tied to it by id.
        assert page.labels[field["id"]].strip(), name
    assert "required" in page.inputs["email"] and "required" in page.inputs["text"]
    assert page.inputs["email"]["type"] == "email"
    assert page.inputs["text"]["maxlength"] == "4000"


def test_the_form_fills_in_a_reference_an_address_and_a_tenant_from_the_query():
    page = read_form_page(
        WebChannel({"title": "Acme support", "form_action": "/support/inbound"}),
        {"incident": "42", "email": "Ana@Acme.example", "tenant": "acme"},
    )
    assert page.inputs["incident"]["value"] == "INC0000042"
    assert page.inputs["email"]["value"] == "ana@acme.example"
    assert page.inputs["tenant"] == {"type": "hidden", "name": "tenant", "value": "acme"}
    assert page.forms[0]["action"] == "/support/inbound"


def test_the_form_escapes_what_the_query_says_and_ignores_what_is_not_a_reference():
    answer = WebChannel().http_get(
        {"incident": '"><script>alert(1)</script>', "tenant": '"><script>x</script>'}, {}
    )
    assert "<script>" not in answer.body
    page = read_form_page(WebChannel(), {"incident": "<b>", "email": "not an address"})
    assert page.inputs["incident"]["value"] == ""
    assert page.inputs["email"]["value"] == ""
