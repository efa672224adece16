"""Scenarios of features/cross_channel_journey.feature (issue 6's journey), on the real
channels: WhatsApp notifications signed as Meta signs them, the bot's replies sent to a
Graph-API-shaped server on loopback, the chat widget's posts, the telephony system's
signed call events and its IVR."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from eventdesk import ManualClock, ServiceDesk
from eventdesk.channels import Identity
from eventdesk_chat import post as chat_post
from eventdesk_selfservice import bot_stats, configure
from eventdesk_voice import signature as voice_signature
from eventdesk_voice import voice
from eventdesk_whatsapp import signature as meta_signature
from eventdesk_whatsapp.samples import body, notification, text_message
from pytest_bdd import given, parsers, scenarios, then, when

from .conftest import table

scenarios("cross_channel_journey.feature")

APP_SECRET = "the-meta-app-secret-1234"
LINE_SECRET = "the-line-and-the-desk-share-this"
CARLA_WA = "34600111222"
CHAT_SESSION = "s-carla-7f3a9c"
IVR = """
[menus.main]
prompt = "Press 1 for the service desk."
[menus.main.choices]
"1" = { queue = "desk" }

[queues.desk]
team = "pool"
"""


@pytest.fixture
def journey() -> dict[str, Any]:
    """What the scenario has seen so far: Carla's incident and contact, the chat link."""
    return {}


def whatsapp_text(graph_api: Any) -> str:
    return graph_api.sent()[-1]["text"]["body"]


def answered_call(desk: ServiceDesk, clock: ManualClock, **event: str) -> Any:
    clock.advance(timedelta(seconds=20))
    raw = json.dumps(event).encode()
    return voice(desk).receive(raw, {"X-Voice-Signature": voice_signature(LINE_SECRET, raw)})


@given("Acme is served by the shared pool, where Ana takes chats and Leo takes calls")
def acme_and_the_pool(desk: ServiceDesk, graph_api: Any, tmp_path: Path) -> None:
    t = desk.tenancy
    t.register_tenant("acme", model="shared", service_manager="sofia")
    t.form_team("pool", kind="shared")
    t.register_agent("ana", teams=["pool"], capacity={"chat": 3, "voice": 0})
    t.register_agent("leo", teams=["pool"], capacity={"voice": 1, "chat": 0})
    for agent in ("ana", "leo"):
        t.set_presence(agent, "available")
    desk.channels.configure(
        "whatsapp", graph_api.settings(app_secret=APP_SECRET, verify_token="v", tenant="acme")
    )
    desk.channels.configure("chat", {"tenant": "acme"})
    (tmp_path / "ivr.toml").write_text(IVR, encoding="utf-8")
    desk.channels.configure(
        "voice", {"secret": LINE_SECRET, "tenant": "acme", "ivr": str(tmp_path / "ivr.toml")}
    )


@given(parsers.parse('the knowledge base has the article "{title}"'))
def an_article(desk: ServiceDesk, title: str) -> None:
    body_text = (
        "If you forgot your password, open the self-service portal and choose Forgot password."
    )
    desk.knowledge.publish(desk.knowledge.add(title, body_text).number)


@given(parsers.parse('the bot answers on WhatsApp and chat, and offers the chat at "{url}"'))
def the_bot(desk: ServiceDesk, journey: dict[str, Any], url: str) -> None:
    configure(desk, channels=["whatsapp", "chat"], chat_url=url)
    journey["chat_url"] = url


@when(parsers.parse('Carla writes on WhatsApp "{text}"'))
def carla_on_whatsapp(
    desk: ServiceDesk, clock: ManualClock, journey: dict[str, Any], text: str
) -> None:
    clock.advance(timedelta(minutes=1))
    count = journey.setdefault("whatsapp", 0) + 1
    journey["whatsapp"] = count
    message = text_message(f"wamid.carla-{count}", CARLA_WA, text, at=clock.now())
    raw = body(notification(message, name="Carla"))
    [taken] = desk.intake.receive(
        "whatsapp", raw, {"X-Hub-Signature-256": meta_signature(APP_SECRET, raw)}
    )
    assert taken.incident == journey.setdefault("incident", taken.incident)
    journey.setdefault("contact", taken.contact)


@then(parsers.parse('the bot answers her on WhatsApp with the article "{title}"'))
def the_bot_answers(desk: ServiceDesk, graph_api: Any, title: str) -> None:
    [article] = [a for a in desk.knowledge.list() if a.title == title]
    sent = whatsapp_text(graph_api)
    assert f"({article.number} {title})" in sent and "self-service portal" in sent, sent
    assert graph_api.sent()[-1]["to"] == CARLA_WA


@then("no agent is given her incident while the bot has it")
def nobody_routed(desk: ServiceDesk) -> None:
    assert desk.tenancy.route() == []


@then(parsers.parse('the bot hands her over because "{reason}"'))
def handed_over(desk: ServiceDesk, reason: str) -> None:
    assert bot_stats(desk).handover_reasons == {reason: 1}


@then("its last WhatsApp message offers the live chat on her incident")
def chat_offered(graph_api: Any, journey: dict[str, Any]) -> None:
    link = f"{journey['chat_url']}?incident={journey['incident']}"
    assert whatsapp_text(graph_api).endswith(f"continue on live chat: {link}")


@when(
    parsers.parse(
        'Carla opens the chat from that link with her phone number "{phone}" and writes "{text}"'
    )
)
def carla_on_chat(
    desk: ServiceDesk, clock: ManualClock, journey: dict[str, Any], phone: str, text: str
) -> None:
    clock.advance(timedelta(minutes=2))
    start = {"type": "start", "session": CHAT_SESSION, "text": text, "phone": phone}
    journey["chat"] = chat_post(desk, {**start, "incident": journey["incident"]})


@then("the chat joins her contact and her incident")
def chat_joined(journey: dict[str, Any]) -> None:
    joined = journey["chat"]
    assert (joined.status, joined.incident, joined.contact) == (
        "appended",
        journey["incident"],
        journey["contact"],
    )


@then("Ana is given her incident")
def ana_given(desk: ServiceDesk, journey: dict[str, Any]) -> None:
    routed = [d for d in desk.tenancy.route() if d.agent is not None]
    # Her incident's own place in the queue and the chat's both go to Ana.
    assert {(d.incident, d.agent) for d in routed} == {(journey["incident"], "ana")}
    assert desk.get_incident(journey["incident"]).assignee == "ana"


@when(parsers.parse('Ana replies "{text}"'))
def ana_replies(desk: ServiceDesk, journey: dict[str, Any], text: str) -> None:
    desk.reply(journey["incident"], text, actor="ana")


@when("Carla ends the chat")
def chat_ends(desk: ServiceDesk, clock: ManualClock) -> None:
    clock.advance(timedelta(minutes=3))
    assert chat_post(desk, {"type": "end", "session": CHAT_SESSION}).status != "dead_letter"


@when(parsers.parse('an hour later Carla phones in from "{number}" and presses 1'))
def carla_phones(
    desk: ServiceDesk, clock: ManualClock, journey: dict[str, Any], number: str
) -> None:
    clock.advance(timedelta(hours=1))
    journey["call"] = answered_call(desk, clock, call="call-1", event="offered", **{"from": number})
    assert voice(desk).next_step("call-1", "1").action == "queue"


@then("the call joins her incident and Leo is given the call")
def call_joined(desk: ServiceDesk, journey: dict[str, Any]) -> None:
    assert journey["call"].incident == journey["incident"]
    routed = [(d.incident, d.agent) for d in desk.tenancy.route() if d.agent is not None]
    assert routed == [("call-1", "leo")]


@when("Leo answers the call")
def leo_answers(desk: ServiceDesk, clock: ManualClock, journey: dict[str, Any]) -> None:
    journey["pop"] = answered_call(desk, clock, call="call-1", event="answered").screen_pop


@then("Leo sees her incident and this conversation:")
def leo_sees(journey: dict[str, Any], datatable: list[list[str]]) -> None:
    pop = journey["pop"]
    assert pop is not None and pop.call.agent == "leo"
    assert pop.incident is not None and pop.incident.number == journey["incident"]
    said = [
        (m.author_kind, m.channel, m.text)
        for m in pop.conversation
        if m.public and m.channel in ("whatsapp", "chat")
    ]
    expected = table(datatable)
    assert len(said) == len(expected), said
    for (who, channel, text), row in zip(said, expected, strict=True):
        assert (who, channel) == (row["who"], row["channel"]), (who, channel, text)
        says = row["says"]
        assert text.startswith(says[:-1]) if says.endswith("…") else text == says, text
    # The call comes after all of it, in the same conversation.
    assert pop.conversation[-1].text.startswith("Call answered by leo")


@then("Carla is one contact on WhatsApp and on the phone, with one incident in the desk")
def one_contact(desk: ServiceDesk, journey: dict[str, Any]) -> None:
    for identity in (f"whatsapp:{CARLA_WA}", "phone:+34600111222"):
        found = desk.contacts.find(Identity.parse(identity))
        assert found is not None and found.id == journey["contact"], identity
    assert set(journey["pop"].identities) >= {f"whatsapp:{CARLA_WA}", "phone:+34600111222"}
    assert desk.list_incidents().total == 1
