"""The webhook escalation target against a partner's real endpoint (uvicorn on loopback):
signed posts, retries with the outbox's backoff, every attempt and answer an event, and the
partner's signed answer back onto the incident through the webhook channel."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from eventdesk import ManualClock, ServiceDesk
from eventdesk.channels import Identity
from eventdesk.errors import InvalidValueError
from eventdesk.intake.model import RETRY_DELAYS, Delivery

from ..conftest import WEBHOOK_SECRET

CALLBACK_SECRET = "the-partner-signs-its-answers-with-this"


def configure(desk: ServiceDesk, url: str) -> None:
    desk.escalations.configure(
        "webhook", {"url": url, "secret": "env:PARTNER_WEBHOOK_SECRET", "timeout": 5}
    )


@pytest.fixture(autouse=True)
def secret_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNER_WEBHOOK_SECRET", WEBHOOK_SECRET)


def delivery_events(desk: ServiceDesk, delivery_id: str) -> list[Any]:
    from uuid import UUID

    return list(desk.repository.event_store.get(UUID(delivery_id)))


def test_a_webhook_that_fails_twice_then_succeeds_is_delivered_once_with_three_attempts(
    desk: ServiceDesk, clock: ManualClock, webhook_receiver: Any
) -> None:
    configure(desk, webhook_receiver.url)
    number = desk.open_incident("Core switch flapping", impact=1, urgency=2, actor="ana").number
    webhook_receiver.statuses = [500, 500, 200]

    # The first attempt is made at once: the partner answers 500.
    outcome = desk.escalations.escalate(
        number, "webhook", recipient="netops-vendor", reason="Firmware bug", actor="ana"
    )
    assert (outcome.state, outcome.recipient) == ("pending", "netops-vendor")
    # Not due yet: the outbox waits for the backoff.
    assert desk.intake.deliver_due() == {}
    clock.advance(RETRY_DELAYS[0])
    assert desk.intake.deliver_due() == {"pending": 1}  # 500 again
    clock.advance(RETRY_DELAYS[1])
    assert desk.intake.deliver_due() == {"delivered": 1}
    clock.advance(timedelta(hours=12))
    assert desk.intake.deliver_due() == {}  # delivered: never sent again

    # The receiver saw three posts, all correctly signed, and took exactly one.
    assert [post["status"] for post in webhook_receiver.posts] == [500, 500, 200]
    assert all(post["verified"] for post in webhook_receiver.posts)
    assert len({post["delivery"] for post in webhook_receiver.posts}) == 1
    [taken] = webhook_receiver.taken.values()
    assert (taken["incident"], taken["to"], taken["reason"]) == (
        number,
        "netops-vendor",
        "Firmware bug",
    )
    assert taken["summary"] == "Core switch flapping" and taken["priority"] == 2

    # The event history of the delivery: the request and its three attempts, with answers.
    events = delivery_events(desk, outcome.delivery)
    assert [type(e).__name__ for e in events] == [
        "Requested",
        "AttemptFailed",
        "AttemptFailed",
        "Delivered",
    ]
    assert (events[0].kind, events[0].target, events[0].channel) == (
        "escalation",
        "webhook",
        "webhook",
    )
    assert [e.attempt for e in events[1:]] == [1, 2, 3]
    assert [e.response for e in events[1:]] == [
        'HTTP 500: {"error":"try again later"}',
        'HTTP 500: {"error":"try again later"}',
        'HTTP 200: {"ticket":"V-1"}',
    ]
    assert events[-1].provider_id == "V-1"
    attempts = desk.escalations.attempts(outcome.delivery)
    assert [(a.attempt, a.outcome) for a in attempts] == [
        (1, "failed"),
        (2, "failed"),
        (3, "delivered"),
    ]
    assert attempts[0].error.endswith("answered HTTP 500")
    assert attempts[1].at - attempts[0].at == RETRY_DELAYS[0]
    [listed] = desk.intake.deliveries(incident=number)
    assert (listed.state, listed.attempts, listed.channel) == ("delivered", 3, "webhook")
    # The incident's own history says who it went to and why (a work note).
    note = desk.conversation(number)[-1]
    assert (note.public, note.text) == (
        False,
        "Escalated to netops-vendor through webhook: Firmware bug",
    )


def test_a_refusal_is_final_and_a_bad_signature_is_refused_by_the_receiver(
    clock: ManualClock, webhook_receiver: Any
) -> None:
    with ServiceDesk(db=":memory:", clock=clock) as desk:
        configure(desk, webhook_receiver.url)
        number = desk.open_incident("Printer", impact=3, urgency=3).number
        webhook_receiver.statuses = [422]
        outcome = desk.escalations.escalate(number, "webhook")
        assert outcome.state == "failed"  # a 4xx is not tried again
        [attempt] = desk.escalations.attempts(outcome.delivery)
        assert attempt.response == 'HTTP 422: {"error":"try again later"}'
        assert attempt.next_attempt_at is None

        # Signed with another secret: the receiver refuses it (401, final).
        desk.escalations.configure(
            "webhook", {"url": webhook_receiver.url, "secret": "not-the-secret-we-share"}
        )
        assert desk.escalations.escalate(number, "webhook").state == "failed"
        assert webhook_receiver.posts[-1] == {
            "status": 401,
            "verified": False,
            "delivery": webhook_receiver.posts[-1]["delivery"],
        }
        assert webhook_receiver.taken == {}


def test_a_partner_that_cannot_be_reached_is_tried_again(clock: ManualClock) -> None:
    from ..conftest import free_port

    with ServiceDesk(db=":memory:", clock=clock) as desk:
        configure(desk, f"http://127.0.0.1:{free_port()}/hooks")
        number = desk.open_incident("Printer", impact=3, urgency=3).number
        outcome = desk.escalations.escalate(number, "webhook")
        assert outcome.state == "pending"
        [attempt] = desk.escalations.attempts(outcome.delivery)
        assert attempt.error.startswith("cannot reach http://127.0.0.1:")
        assert attempt.response is None
        assert attempt.next_attempt_at == clock.now() + RETRY_DELAYS[0]


def test_the_webhook_target_refuses_settings_it_cannot_use(clock: ManualClock) -> None:
    with ServiceDesk(db=":memory:", clock=clock) as desk:
        # Fail to configure a webhook without a URL, with a short secret, a bad timeout.
        with pytest.raises(InvalidValueError, match="webhook url"):
            desk.escalations.configure("webhook", {"secret": WEBHOOK_SECRET})
        with pytest.raises(InvalidValueError, match="at least 16 characters"):
            desk.escalations.configure("webhook", {"url": "http://x.example", "secret": "s"})
        with pytest.raises(InvalidValueError, match="webhook timeout"):
            desk.escalations.configure(
                "webhook", {"url": "http://x.example", "secret": WEBHOOK_SECRET, "timeout": 0}
            )
        assert desk.escalations.settings("webhook") == {}


# --- the partner's answer ---------------------------------------------------------------------


def callback(payload: dict[str, Any], secret: str = CALLBACK_SECRET) -> tuple[bytes, dict]:
    body = json.dumps(payload).encode()
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return body, {"X-EventDesk-Signature": f"sha256={digest}", "Content-Type": "application/json"}


@pytest.fixture
def escalated(clock: ManualClock, webhook_receiver: Any) -> Iterator[tuple[ServiceDesk, str, str]]:
    """A desk whose INC0000001, on hold for the vendor, was escalated by webhook."""
    with ServiceDesk(db=":memory:", clock=clock) as desk:
        configure(desk, webhook_receiver.url)
        desk.channels.configure("webhook", {"secret": "env:PARTNER_CALLBACK_SECRET"})
        number = desk.open_incident("Core switch flapping", impact=2, urgency=2).number
        desk.start(number, actor="ana")
        desk.hold(number, "awaiting_vendor", actor="ana")
        desk.escalations.escalate(number, "webhook", actor="ana")
        [taken] = webhook_receiver.taken.values()
        yield desk, number, taken["message_id"]


@pytest.fixture(autouse=True)
def callback_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARTNER_CALLBACK_SECRET", CALLBACK_SECRET)


def test_the_partners_signed_answer_comes_back_onto_the_incident_over_http(
    escalated: tuple[ServiceDesk, str, str], live_server: Any
) -> None:
    from eventdesk.http import create_app

    desk, number, message_id = escalated
    server = live_server(create_app(desk))
    answer = {
        "id": "V-1-reply-1",
        "in_reply_to": message_id,
        "from": "noc@netvendor.example",
        "text": "Known firmware bug; patch 4.2.1 fixes it.",
    }
    body, headers = callback(answer)
    reply = server.request("POST", "/channels/webhook/inbound", body=body, headers=headers)
    assert reply.status == 200, reply.text
    [result] = reply.json()["results"]
    assert (result["status"], result["incident"]) == ("appended", number)

    view = desk.get_incident(number)
    assert view.state == "in_progress"  # it waited for the vendor: the vendor answered
    note = view.comments[-1]
    assert (note.actor, note.public, note.channel, note.text) == (
        "noc@netvendor.example",
        False,
        "webhook",
        "Known firmware bug; patch 4.2.1 fixes it.",
    )
    # A vendor is not a customer: it does not become a contact.
    assert desk.contacts.lookup(Identity("email", "noc@netvendor.example")) is None
    # The same answer posted again is a duplicate; a forged one is kept as a dead letter.
    again = server.request("POST", "/channels/webhook/inbound", body=body, headers=headers)
    assert again.status == 200 and len(desk.get_incident(number).comments) == len(view.comments)
    forged, forged_headers = callback(
        {**answer, "id": "V-1-reply-2"}, secret="a-secret-the-partner-does-not-have"
    )
    refused = server.request(
        "POST", "/channels/webhook/inbound", body=forged, headers=forged_headers
    )
    assert refused.status == 401
    assert desk.dead_letters.list()[0].kind == "unauthenticated"


def test_an_answer_to_no_escalation_is_kept_as_a_dead_letter(
    escalated: tuple[ServiceDesk, str, str],
) -> None:
    desk, _, _ = escalated
    body, headers = callback(
        {"id": "x-1", "in_reply_to": "esc-guessed", "from": "eve@else.example", "text": "Hi"}
    )
    [result] = desk.intake.receive("webhook", body, headers)
    assert result.status == "dead_letter"
    assert "escalation message the desk sent" in result.reason
    assert len(desk.list_incidents(limit=10).items) == 1


def test_old_deliveries_without_kind_target_or_response_still_load(tmp_path: Any) -> None:
    """Deliveries stored before escalation targets existed had no kind, target or response."""
    import sqlite3

    path = tmp_path / "old.db"
    with ServiceDesk(db=str(path)) as desk:
        delivery = Delivery(
            channel="email",
            incident="INC0000001",
            message={"text": "hello"},
            actor="ana",
            timestamp=desk.clock.now(),
        )
        delivery.record_attempt(ok=False, at=desk.clock.now(), error="busy", actor="outbox")
        delivery.record_attempt(ok=True, at=desk.clock.now(), actor="outbox")
        desk.save(delivery)
    with sqlite3.connect(path) as db:
        rewritten = 0
        for rowid, state in db.execute("SELECT rowid, state FROM stored_events").fetchall():
            data = json.loads(state)
            if data.pop("kind", None) or data.pop("response", "absent") is None:
                data.pop("target", None)
                rewritten += 1
                db.execute(
                    "UPDATE stored_events SET state = ? WHERE rowid = ?",
                    [json.dumps(data).encode(), rowid],
                )
        assert rewritten == 3  # the request and its two attempts, written as before
    with ServiceDesk(db=str(path)) as desk:
        loaded = desk.repository.get(delivery.id)
        assert (loaded.kind, loaded.target, loaded.state, loaded.attempts) == (
            "reply",
            None,
            "delivered",
            2,
        )
        assert [a.response for a in desk.escalations.attempts(delivery.id)] == [None, None]
