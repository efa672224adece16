"""The chat widget against a real server: it posts its events to the intake route and
polls the session's transcript with a GET of the same route."""

from __future__ import annotations

import json

import pytest
from eventdesk.http import create_app
from eventdesk_selfservice import configure

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


def test_the_widget_sees_the_bots_answer_and_its_handover(pool, server):
    article = pool.knowledge.add(
        "Reset your email password",
        "If you forgot your password, open the self-service portal and choose Forgot password.",
    )
    pool.knowledge.publish(article.number)
    configure(pool, channels=["chat"])
    send(
        server,
        {"type": "start", "session": "session-bot-web1", "text": "I forgot my password"},
    )
    answer = server.request("GET", f"{PATH}?session=session-bot-web1").json()
    assert [m["author"] for m in answer["messages"]] == ["customer", "bot"]
    assert answer["agent"] is None and pool.tenancy.route() == []

    send(server, {"type": "message", "session": "session-bot-web1", "id": "2", "text": "agent"})
    pool.tenancy.route()
    handed = server.request("GET", f"{PATH}?session=session-bot-web1&after=2").json()
    assert [m["author"] for m in handed["messages"]] == ["customer", "bot"]
    assert handed["messages"][1]["text"].startswith("I am passing you to a person")
    assert handed["agent"] == "ana"
