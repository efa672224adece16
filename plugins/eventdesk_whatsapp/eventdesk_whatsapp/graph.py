"""Sending through the Graph API: ``POST {base_url}/{version}/{phone_number_id}/messages``
with the access token as a bearer token; the answer's ``messages[0].id`` (a ``wamid``)
is the id later status notifications name the message by."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

from eventdesk.channels import DeliveryError

RETRYABLE = frozenset({408, 429})  # and every 5xx: the message may go through later
PARAMETER_MAX = 1024  # characters of a template parameter
ANSWER_MAX = 64 * 1024  # bytes of an answer read


def text_body(to: str, text: str) -> dict[str, Any]:
    """A free-form text message (only inside the customer-service window)."""
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": {"preview_url": False, "body": text},
    }


def template_parameter(text: str) -> dict[str, str]:
    """A template's body parameter: one line (WhatsApp refuses new lines and tabs in them)."""
    flat = " ".join(text.split())
    if len(flat) > PARAMETER_MAX:
        flat = flat[: PARAMETER_MAX - 1] + "…"
    return {"type": "text", "text": flat}


def template_body(to: str, name: str, language: str, parameters: Sequence[str]) -> dict[str, Any]:
    """A pre-approved template message (the only kind allowed outside the window)."""
    template: dict[str, Any] = {"name": name, "language": {"code": language}}
    if parameters:
        template["components"] = [
            {"type": "body", "parameters": [template_parameter(p) for p in parameters]}
        ]
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "template",
        "template": template,
    }


def _refusal(status: int, answer: bytes) -> str:
    """What the Graph API says went wrong (``{"error": {"message", "code", ...}}``)."""
    try:
        error = json.loads(answer.decode("utf-8"))["error"]
        code = f", code {error['code']}" if error.get("code") is not None else ""
        words = [str(error.get("message") or "")]
        details = (error.get("error_data") or {}).get("details")
        if details:
            words.append(str(details))
        said = ": " + " ".join(w for w in words if w) if any(words) else ""
    except (ValueError, KeyError, TypeError, AttributeError):
        code, said = "", ""
    return f"the Graph API refused the message (HTTP {status}{code}){said}"[:2000]


def post_message(url: str, token: str, body: dict[str, Any], *, timeout: float) -> str:
    """Post one message; its WhatsApp message id, or DeliveryError saying why not."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = response.read(ANSWER_MAX)
    except urllib.error.HTTPError as error:
        status = error.code
        retryable = status in RETRYABLE or status >= 500
        raise DeliveryError(
            _refusal(status, error.read(ANSWER_MAX)), retryable=retryable, status=status
        ) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryError(f"the Graph API at {url} cannot be reached: {reason}") from None
    try:
        return str(json.loads(answer.decode("utf-8"))["messages"][0]["id"])
    except (ValueError, KeyError, IndexError, TypeError):
        # It was accepted: sending it again could send it twice.
        raise DeliveryError(
            "the Graph API accepted the message but gave no message id", retryable=False
        ) from None
