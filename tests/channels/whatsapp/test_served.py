"""The WhatsApp webhook as Meta reaches it: ``GET`` and ``POST /channels/whatsapp/inbound``
of the app ``eventdesk serve`` serves, on loopback, and the replies it sends through the
Graph API on loopback."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from eventdesk.http import create_app
from eventdesk_whatsapp import signature
from eventdesk_whatsapp.samples import body, notification, status, text_message

from .conftest import ANA, APP_SECRET, VERIFY_TOKEN

INBOUND = "/channels/whatsapp/inbound"


@pytest.fixture(params=("sqlite",))
def store(request: pytest.FixtureRequest) -> str:
    """A served desk is on a file (and PostgreSQL: test_intake.py runs there)."""
    return request.param


@pytest.fixture
def server(desk, whatsapp, live_server):
    return live_server(create_app(desk))


def deliver(server, data, *, secret=APP_SECRET):
    raw = body(data)
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature(secret, raw)}
    return server.request("POST", INBOUND, body=raw, headers=headers)


def test_meta_verifies_the_webhook_with_the_handshake(server):
    query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "8412"}
    answer = server.request("GET", f"{INBOUND}?{urlencode(query)}")
    assert (answer.status, answer.text) == (200, "8412")
    assert answer.headers["content-type"].startswith("text/plain")
    forged = server.request("GET", f"{INBOUND}?{urlencode({**query, 'hub.verify_token': 'x'})}")
    assert (forged.status, forged.text) == (403, "The verify token does not match.")


def test_a_signed_notification_opens_an_incident_and_a_reply_goes_back(desk, server, whatsapp):
    answer = deliver(server, notification(text_message("wamid.1", ANA, "No VPN"), name="Ana"))
    assert answer.status == 200
    [result] = answer.json()["results"]
    assert (result["status"], result["incident"]) == ("opened", "INC0000001")
    desk.reply("INC0000001", "Looking into it")
    assert whatsapp.sent()[0]["to"] == ANA
    read = deliver(server, notification(statuses=[status("wamid.sent-1", "read", ANA)]))
    assert read.status == 200
    assert read.json()["results"][0] | {"contact": None} == {
        "status": "receipt",
        "channel": "whatsapp",
        "message_id": "wamid.sent-1",
        "incident": "INC0000001",
        "contact": None,
        "reason": "read",
        "dead_letter": None,
    }
    assert desk.intake.deliveries()[0].receipt == "read"


def test_a_forged_notification_is_refused_and_kept_as_a_dead_letter(desk, server):
    answer = deliver(server, notification(text_message("wamid.1", ANA, "hi")), secret="x" * 16)
    assert answer.status == 401
    refusal = answer.json()
    assert (refusal["type"], refusal["error"]) == (
        "Unauthenticated",
        "the x-hub-signature-256 header does not match the payload",
    )
    [letter] = desk.dead_letters.list()
    assert (letter.kind, letter.id) == ("unauthenticated", refusal["details"]["dead_letter"])
    assert desk.list_incidents().total == 0


def test_a_malformed_notification_is_answered_400_with_the_reason(desk, server):
    answer = deliver(server, {"object": "whatsapp_business_account", "entry": []})
    assert answer.status == 400
    assert answer.json()["error"] == (
        "entry is missing or empty: the notification has nothing in it"
    )
    assert [letter.kind for letter in desk.dead_letters.list()] == ["unparseable"]


def test_an_agent_replies_through_the_api_with_a_template_after_the_window(
    desk, server, whatsapp, clock
):
    from datetime import timedelta

    token = desk.tokens.create("bob", "admin:bob")[0]
    deliver(server, notification(text_message("wamid.1", ANA, "No VPN")))
    clock.advance(timedelta(hours=30))
    path = "/api/incidents/INC0000001/replies"
    refused = server.request("POST", path, json_body={"text": "Fixed?"}, token=token)
    assert refused.status == 422, refused.text
    assert refused.json()["type"] == "ServiceWindowClosedError"
    sent = server.request(
        "POST", path, json_body={"text": "Fixed?", "template": "case_update"}, token=token
    )
    assert sent.status == 200, sent.text
    assert whatsapp.sent()[0]["template"]["name"] == "case_update"
