"""POST and GET /channels/{name}/inbound through a real server: the web channel's JSON and
form flows end to end, and what the server answers for a payload intake takes, keeps as a
dead letter, or refuses as unauthenticated."""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import urlencode

import pytest
from eventdesk.http import create_app

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}
ANA = {"email": "Ana.Lopez@Acme.example", "text": "The VPN drops every hour", "subject": "VPN"}


def post_json(server, data, path="/channels/web/inbound"):
    return server.request("POST", path, body=json.dumps(data).encode(), headers=JSON)


def post_form(server, fields):
    return server.request(
        "POST", "/channels/web/inbound", body=urlencode(fields).encode(), headers=FORM
    )


# --- the web channel, end to end ------------------------------------------------------------


def test_a_json_post_opens_an_incident_for_the_sender(desk, server):
    answer = post_json(server, {**ANA, "name": "Ana López", "phone": "+34 600 123 456"})

    assert answer.status == 200
    [result] = answer.json()["results"]
    assert (result["status"], result["channel"], result["incident"]) == (
        "opened",
        "web",
        "INC0000001",
    )
    assert result["message_id"].startswith("sha256:")
    incident = desk.get_incident("INC0000001")
    assert (incident.summary, incident.channel, incident.caller) == ("VPN", "web", "Ana López")
    contact = desk.contacts.get("ana.lopez@acme.example")
    assert result["contact"] == contact.id == incident.contact
    assert set(contact.identities) == {"email:ana.lopez@acme.example", "phone:+34600123456"}
    [message] = desk.conversation("INC0000001")
    assert (message.text, message.author_kind, message.channel) == (
        "The VPN drops every hour",
        "customer",
        "web",
    )


def test_the_same_post_twice_is_taken_once(desk, server):
    first = post_json(server, ANA).json()["results"][0]
    again = post_json(server, ANA).json()["results"][0]

    assert (first["status"], again["status"]) == ("opened", "duplicate")
    assert again["incident"] == first["incident"] == "INC0000001"
    assert desk.list_incidents().total == 1
    assert len(desk.conversation("INC0000001")) == 1


def test_a_form_post_is_answered_a_page_with_the_reference(desk, server):
    answer = post_form(server, {**ANA, "name": "Ana"})

    assert answer.status == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert "Thank you — your reference is <strong>INC0000001</strong>." in answer.text
    assert '<html lang="en">' in answer.text
    assert 'href="/channels/web/inbound?incident=INC0000001"' in answer.text
    assert desk.get_incident("INC0000001").channel == "web"


def test_writing_again_with_the_reference_joins_the_incident(desk, server):
    post_form(server, ANA)
    desk.resolve("INC0000001", "fixed")

    answer = post_form(
        server, {"email": "ana.lopez@acme.example", "text": "It drops again", "incident": "1"}
    )

    assert "your reference is <strong>INC0000001</strong>" in answer.text
    incident = desk.get_incident("INC0000001")
    assert (incident.state, incident.reopen_count) == ("in_progress", 1)
    assert [m.text for m in desk.conversation("INC0000001")] == [
        "The VPN drops every hour",
        "It drops again",
    ]


def test_a_stranger_naming_someone_elses_incident_opens_one_of_their_own(desk, server):
    post_json(server, ANA)
    answer = post_json(
        server, {"email": "eve@elsewhere.example", "text": "Let me in", "incident": "INC0000001"}
    )
    assert answer.json()["results"][0]["incident"] == "INC0000002"
    assert len(desk.conversation("INC0000001")) == 1


def test_no_token_is_needed_and_none_is_looked_at(server):
    answer = server.request(
        "POST",
        "/channels/web/inbound",
        body=json.dumps(ANA).encode(),
        headers={**JSON, "Authorization": "Bearer edk_not-a-token"},
    )
    assert answer.status == 200


# --- what cannot be taken -------------------------------------------------------------------


def test_a_json_post_the_channel_cannot_read_is_400_and_kept_as_a_dead_letter(desk, server):
    body = b'{"email": "ana@acme.example"}'
    answer = server.request("POST", "/channels/web/inbound", body=body, headers=JSON)

    assert answer.status == 400
    error = answer.json()
    reason = "field 'text' is required: what the message says"
    assert (error["error"], error["type"]) == (reason, "DeadLetter")
    letter_id = error["details"]["dead_letter"]
    assert error["details"]["channel"] == "web"
    assert error["results"] == [
        {
            "status": "dead_letter",
            "channel": "web",
            "message_id": None,
            "incident": None,
            "contact": None,
            "reason": reason,
            "dead_letter": letter_id,
        }
    ]
    letter = desk.dead_letters.show(letter_id)
    assert (letter.channel, letter.reason, letter.payload, letter.state) == (
        "web",
        reason,
        body,
        "open",
    )
    assert letter.headers["content-type"] == "application/json"
    assert desk.list_incidents().total == 0


def test_a_form_the_channel_cannot_read_is_answered_a_page_saying_why(desk, server):
    answer = post_form(server, {"email": "ana@acme.example", "text": "x", "colour": "red"})

    assert answer.status == 400
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>Your message could not be taken</h1>" in answer.text
    assert "unknown field &#x27;colour&#x27;" in answer.text
    assert '<a href="/channels/web/inbound">Back to the form</a>' in answer.text
    [letter] = desk.dead_letters.list()
    assert letter.reason.startswith("unknown field 'colour'")


def test_a_post_for_a_tenant_that_does_not_exist_is_kept_as_a_dead_letter(desk, server):
    answer = post_json(server, {**ANA, "tenant": "nobody"})
    assert answer.status == 400
    assert "tenant" in answer.json()["error"]
    assert desk.dead_letters.show(answer.json()["details"]["dead_letter"]).kind == "rejected"


def test_a_payload_with_a_wrong_signature_is_401_and_kept(desk, server, note_channel):
    desk.channels.configure("note", {"secret": "s3cret-s3cret-s3cret"})
    payload = note_channel.payload("m-1", "ana@acme.example", "Hello")

    wrong = server.request(
        "POST", "/channels/note/inbound", body=payload, headers={"X-Signature": "nope"}
    )

    assert wrong.status == 401
    error = wrong.json()
    assert (error["type"], error["error"]) == (
        "Unauthenticated",
        "the X-Signature header does not match the payload",
    )
    assert error["results"][0]["status"] == "unauthenticated"
    assert desk.dead_letters.show(error["details"]["dead_letter"]).kind == "unauthenticated"
    signature = hmac.new(b"s3cret-s3cret-s3cret", payload, hashlib.sha256).hexdigest()
    right = server.request(
        "POST", "/channels/note/inbound", body=payload, headers={"X-Signature": signature}
    )
    assert (right.status, right.json()["results"][0]["status"]) == (200, "opened")


def test_an_unknown_channel_is_404(server):
    for method in ("POST", "GET"):
        answer = server.request(method, "/channels/pigeon/inbound", body=b"coo")
        assert answer.status == 404
        error = answer.json()
        assert error["type"] == "UnknownChannelError"
        assert error["error"].startswith("no channel named 'pigeon' (known: ")
        assert "web" in error["details"]["known"]


# --- GET ------------------------------------------------------------------------------------


def test_get_answers_the_web_form(server):
    answer = server.request("GET", "/channels/web/inbound?incident=INC0000007")
    assert answer.status == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert '<form method="post" action="/channels/web/inbound"' in answer.text
    assert 'value="INC0000007"' in answer.text


def test_get_on_a_channel_without_one_is_405(server, note_channel):
    answer = server.request("GET", "/channels/note/inbound")
    assert answer.status == 405
    assert answer.headers["allow"] == "POST"
    assert answer.json()["error"] == "the note channel takes no GET: POST its payloads"


# --- size ---------------------------------------------------------------------------------------


def test_the_inbound_route_takes_what_intake_takes_not_the_apis_limit(desk, live_server):
    server = live_server(create_app(desk, max_body=1000))
    desk.intake.max_payload = 20_000
    long = {**ANA, "text": "x" * 3000}
    assert post_json(server, long).status == 200

    answer = post_json(server, {**ANA, "text": "x" * 30_000})
    assert answer.status == 413
    assert answer.json()["details"]["limit"] == 20_000


@pytest.mark.parametrize("content_type", ["application/json", FORM["Content-Type"]])
def test_nothing_posted_is_dropped(desk, server, content_type):
    answer = server.request(
        "POST", "/channels/web/inbound", body=b"", headers={"Content-Type": content_type}
    )
    assert answer.status == 400
    assert len(desk.dead_letters.list()) == 1
