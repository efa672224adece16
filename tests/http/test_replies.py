"""Replies and the conversation over the API: an agent answers the contact on the channel
they wrote on, and the delivery worker of the server retries what could not go at once."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from eventdesk.channels import DeliveryError, Identity
from eventdesk.http import create_app

pytestmark = pytest.mark.usefixtures("note_channel")


def message_in(server, kit, message_id="m-1", sender="carla@acme.example", text="VPN down", **more):
    answer = server.request(
        "POST", "/channels/note/inbound", body=kit.payload(message_id, sender, text, **more)
    )
    assert answer.status == 200, answer
    return answer.json()["results"][0]["incident"]


def test_a_reply_goes_to_the_contact_on_their_channel(desk, server, tokens, note_channel):
    number = message_in(server, note_channel)

    answer = server.request(
        "POST",
        f"/api/incidents/{number}/replies",
        json_body={"text": "We are restarting the VPN gateway"},
        token=tokens.admin,
    )

    assert answer.status == 200
    last = answer.json()["comments"][-1]
    assert (last["text"], last["author_kind"], last["channel"], last["actor"]) == (
        "We are restarting the VPN gateway",
        "agent",
        "note",
        "root",
    )
    [sent] = note_channel.sent
    assert (sent.to, sent.text, sent.in_reply_to) == (
        Identity("email", "carla@acme.example"),
        "We are restarting the VPN gateway",
        "m-1",
    )
    conversation = server.request(
        "GET", f"/api/incidents/{number}/conversation", token=tokens.admin
    ).json()
    assert [(m["author_kind"], m["channel"], m["text"]) for m in conversation] == [
        ("customer", "note", "VPN down"),
        ("agent", "note", "We are restarting the VPN gateway"),
    ]


def test_a_tenant_user_reads_the_conversation_without_internal_notes(
    desk, server, tokens, note_channel
):
    number = message_in(server, note_channel, tenant="acme")
    desk.comment(number, "Caller sounds angry", internal=True, actor="root")

    as_admin = server.request("GET", f"/api/incidents/{number}/conversation", token=tokens.admin)
    as_carla = server.request("GET", f"/api/incidents/{number}/conversation", token=tokens.carla)
    as_gina = server.request("GET", f"/api/incidents/{number}/conversation", token=tokens.gina)
    assert [m["text"] for m in as_admin.json()] == ["VPN down", "Caller sounds angry"]
    assert [m["text"] for m in as_carla.json()] == ["VPN down"]
    assert as_gina.status == 403


def test_a_reply_to_an_incident_nobody_wrote_in_is_refused_422(server, tokens):
    opened = server.request(
        "POST",
        "/api/incidents",
        json_body={"summary": "Printer jam", "impact": 3, "urgency": 3},
        token=tokens.admin,
    ).json()
    answer = server.request(
        "POST",
        f"/api/incidents/{opened['number']}/replies",
        json_body={"text": "Hello?"},
        token=tokens.admin,
    )
    assert answer.status == 422
    assert answer.json()["details"]["field"] == "reply"


def test_the_servers_delivery_worker_retries_a_reply_that_could_not_go(
    desk, clock, tokens, note_channel, live_server
):
    server = live_server(create_app(desk, workers=True, worker_interval=0.05))
    number = message_in(server, note_channel)
    note_channel.failures = [DeliveryError("mail server busy")]

    answer = server.request(
        "POST", f"/api/incidents/{number}/replies", json_body={"text": "On it"}, token=tokens.admin
    )
    assert answer.status == 200
    assert note_channel.sent == []
    [pending] = desk.intake.deliveries()
    assert (pending.state, pending.last_error) == ("pending", "mail server busy")

    clock.advance(timedelta(minutes=2))  # the retry is due after a minute
    deadline = time.monotonic() + 20
    while not note_channel.sent and time.monotonic() < deadline:
        time.sleep(0.05)

    assert [m.text for m in note_channel.sent] == ["On it"]
    [delivered] = desk.intake.deliveries()
    assert (delivered.state, delivered.attempts) == ("delivered", 2)
