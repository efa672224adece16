"""The chat widget against a real server: it posts its events to the intake route and
polls the session's transcript with a GET of the same route."""

from __future__ import annotations

import json

import pytest
from eventdesk.http import create_app

JSON = {"Content-Type": "application/json"}
PATH = "/channels/chat/inbound"


@pytest.fixture(params=("sqlite",))
def store(request):
    return request.param


@pytest.fixture
def server(pool, live_server):
    return live_server(create_app(pool))


def send(server, event):
    return server.request("POST", PATH, body=json.dumps(event).encode(), headers=JSON)


def test_the_widget_chats_with_an_agent_through_the_server(pool, server):
    started = send(
        server,
        {"type": "start", "session": "session-web-0001", "text": "VPN", "email": "c@acme.example"},
    )
    assert started.status == 200
    assert started.json()["results"][0]["status"] == "opened"
    pool.tenancy.route()
    pool.reply("INC0000001", "Hi, Ana here", actor="ana")

    polled = server.request("GET", f"{PATH}?session=session-web-0001")
    assert polled.status == 200
    body = polled.json()
    assert (body["state"], body["incident"], body["agent"], body["count"]) == (
        "live",
        "INC0000001",
        "ana",
        2,
    )
    assert [m["author"] for m in body["messages"]] == ["customer", "agent"]
    newer = server.request("GET", f"{PATH}?session=session-web-0001&after=1").json()
    assert [m["text"] for m in newer["messages"]] == ["Hi, Ana here"]

    assert send(server, {"type": "end", "session": "session-web-0001"}).status == 200
    assert server.request("GET", f"{PATH}?session=session-web-0001").json()["state"] == "ended"


def test_the_transcript_answers_what_is_wrong_with_a_poll(pool, server):
    assert server.request("GET", PATH).status == 400
    assert server.request("GET", f"{PATH}?session=session-none-01").status == 404
    bad = send(server, {"type": "message", "session": "session-none-01", "text": "x", "id": "1"})
    assert bad.status == 400
    assert bad.json()["results"][0]["status"] == "dead_letter"
