"""The webhook plugin on its own: what it registers, the callback channel's signature check,
and what it refuses in a callback and why. (Through a desk, a real receiver and the HTTP
server: tests/escalation/test_webhook_target.py.)"""

from __future__ import annotations

import json

import pytest
from eventdesk.channels import AuthenticityError, DeliveryError, Identity, PayloadError
from eventdesk.plugins import get_channels, get_escalation_targets
from eventdesk_webhook import WebhookCallbackChannel, WebhookTarget, signature

SECRET = "the-partner-signs-its-answers-with-this"
ANSWER = {"id": "V-7", "in_reply_to": "esc-1", "from": "NOC@Vendor.example", "text": "Fixed."}


def signed(data: object, secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(data).encode()
    return body, {"x-eventdesk-signature": signature(secret, body)}


def test_the_plugin_registers_a_target_and_a_channel() -> None:
    assert get_escalation_targets()["webhook"] is WebhookTarget
    assert get_channels()["webhook"] is WebhookCallbackChannel


def test_a_signed_callback_is_read_as_an_answer_to_the_escalation() -> None:
    channel = WebhookCallbackChannel({"secret": SECRET})
    body, headers = signed(ANSWER)
    channel.verify(body, headers)
    [message] = channel.parse(body, headers)
    assert (message.message_id, message.references, message.text) == ("V-7", ("esc-1",), "Fixed.")
    assert message.sender == Identity("email", "noc@vendor.example")
    assert message.metadata["answers_escalation"] is True


def test_a_callback_with_a_wrong_or_missing_signature_is_refused() -> None:
    channel = WebhookCallbackChannel({"secret": SECRET})
    body, _ = signed(ANSWER)
    _, forged = signed(ANSWER, secret="another-secret-of-16-chars")
    # Fail to take a payload signed with another secret, unsigned, or with no secret set.
    with pytest.raises(AuthenticityError, match="does not match"):
        channel.verify(body, forged)
    with pytest.raises(AuthenticityError, match="does not match"):
        channel.verify(body, {})
    with pytest.raises(AuthenticityError, match="no secret"):
        WebhookCallbackChannel().verify(body, forged)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"not json", "not JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (json.dumps({**ANSWER, "in_reply_to": ""}).encode(), "field 'in_reply_to'"),
        (json.dumps({**ANSWER, "text": 7}).encode(), "field 'text'"),
        (json.dumps({**ANSWER, "from": "the vendor"}).encode(), "field 'from'"),
        (json.dumps({**ANSWER, "text": "x" * 5000}).encode(), "at most"),
    ],
)
def test_a_callback_that_cannot_be_read_says_why(payload: bytes, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason):
        WebhookCallbackChannel({"secret": SECRET}).parse(payload, {})


def test_the_callback_channel_sends_nothing() -> None:
    with pytest.raises(DeliveryError) as raised:
        WebhookCallbackChannel({"secret": SECRET}).send(None)  # type: ignore[arg-type]
    assert raised.value.retryable is False
