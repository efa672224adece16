"""Call events posted by a telephony system to ``POST /channels/voice/inbound``, on a real
server on loopback: the call changes just as through the voice desk's own ``receive``."""

from __future__ import annotations

import json
from typing import Any

from eventdesk import ServiceDesk
from eventdesk_voice import signature, voice

SECRET = "the-line-and-the-desk-share-this"


def post(server: Any, secret: str = SECRET, **event: str) -> Any:
    body = json.dumps(event).encode()
    return server.request(
        "POST",
        "/channels/voice/inbound",
        body=body,
        headers={"Content-Type": "application/json", "X-Voice-Signature": signature(secret, body)},
    )


def what_next(server: Any, call: str, digits: str = "", secret: str = SECRET) -> Any:
    signed = f"call={call}" + (f"&digits={digits}" if digits else "")
    return server.request(
        "GET",
        f"/channels/voice/inbound?{signed}",
        headers={"X-Voice-Signature": signature(secret, signed.encode())},
    )


def test_a_call_through_the_http_server(desk: ServiceDesk, server: Any) -> None:
    t = desk.tenancy
    t.register_tenant("acme", model="dedicated", service_manager="sofia")
    t.form_team("acme-desk", kind="dedicated", tenant="acme")
    t.register_agent("lea", teams=["acme-desk"])
    t.set_presence("lea", "available")
    desk.channels.configure("voice", {"secret": SECRET, "tenant": "acme"})

    offered = post(server, call="c-1", event="offered", **{"from": "+34600111222"})
    assert offered.status == 200
    [result] = offered.json()["results"]
    assert (result["status"], result["incident"]) == ("opened", "INC0000001")
    line = voice(desk)
    assert line.call("c-1").incident == "INC0000001"
    # What next, asked over HTTP: no IVR here, so straight to the tenant's team.
    answer = what_next(server, "c-1")
    assert (answer.status, answer.json()["action"]) == (200, "queue")
    forged = what_next(server, "c-1", secret="not-the-secret-at-all")
    assert (forged.status, forged.json()) == (
        401,
        {"error": "the x-voice-signature header does not match the payload"},
    )
    assert what_next(server, "c-9").status == 404
    assert [(d.incident, d.agent) for d in t.route()] == [("c-1", "lea")]

    answered = post(server, call="c-1", event="answered")
    assert answered.json()["results"][0]["status"] == "ignored"  # intake leaves it to the call
    assert line.call("c-1").agent == "lea"
    assert t.agent("lea").load == {"voice": 1}
    assert line.screen_pop("c-1").incident.assignee == "lea"

    # A repeat is a duplicate; a forged event is refused and kept; an unknown call kept.
    assert post(server, call="c-1", event="answered").json()["results"][0]["status"] == "duplicate"
    forged = post(server, secret="not-the-secret-at-all", call="c-1", event="ended")
    assert forged.status == 401
    unknown = post(server, call="c-2", event="ended")
    assert (unknown.status, unknown.json()["results"][0]["reason"]) == (400, "no call 'c-2'")
    assert post(server, call="c-1", event="ended").status == 200
    assert (line.call("c-1").state, t.agent("lea").load) == ("ended", {})
    assert what_next(server, "c-1").status == 409  # nothing comes next for a call that ended
