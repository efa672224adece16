"""Scenarios of features/hostile_input.feature: replays, bombs and read-only portals.

Payloads go through ``desk.intake.receive`` as the HTTP server hands them over; the
portal talks to a real server on loopback with a read-only token.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from eventdesk import ServiceDesk
from eventdesk.clock import ManualClock
from eventdesk.http import create_app
from eventdesk.intake.service import IntakeResult
from eventdesk_sms import signature
from pytest_bdd import given, parsers, scenarios, then, when

scenarios("hostile_input.feature")

SMS_SECRET = "the-gateway-and-the-desk-share-this"


@pytest.fixture
def posted() -> list[IntakeResult]:
    return []


@pytest.fixture
def requests() -> list[tuple[bytes, dict[str, str]]]:
    """The signed requests the gateway posted, to replay."""
    return []


@pytest.fixture
def portal() -> dict[str, Any]:
    return {}


def _sms(clock: ManualClock, text: str, sender: str, ahead: timedelta = timedelta()):
    body = json.dumps({"id": "sms-1", "from": sender, "text": text}).encode()
    at = int((clock.now() + ahead).timestamp())
    return body, {"X-Sms-Signature": signature(SMS_SECRET, body, at)}


@given("the SMS gateway signs each message with the time it sends it")
def sms_signs(desk: ServiceDesk) -> None:
    desk.channels.configure("sms", {"secret": SMS_SECRET, "require_timestamp": True})


@when(parsers.parse('the gateway posts the text "{text}" from "{sender}"'))
def gateway_posts(desk, clock, posted, requests, text, sender) -> None:
    requests.append(_sms(clock, text, sender))
    posted.extend(desk.intake.receive("sms", *requests[-1]))


@when(parsers.parse("someone posts the same signed request again {minutes:d} minutes later"))
def replay(desk, clock, posted, requests, minutes) -> None:
    clock.advance(timedelta(minutes=minutes))
    posted.extend(desk.intake.receive("sms", *requests[-1]))


@when(
    parsers.parse(
        'the gateway posts the text "{text}" from "{sender}" signed {minutes:d} minutes ahead'
    )
)
def gateway_posts_ahead(desk, clock, posted, text, sender, minutes) -> None:
    request = _sms(clock, text, sender, timedelta(minutes=minutes))
    posted.extend(desk.intake.receive("sms", *request))


@when(parsers.parse("someone posts a web form nested {levels:d} levels deep"))
def nested_form(desk, posted, levels) -> None:
    desk.channels.configure("web", {})
    body = b'{"email": "ana@acme.example", "text": ' + b"[" * levels + b"]" * levels + b"}"
    posted.extend(desk.intake.receive("web", body, {"content-type": "application/json"}))


@then("the first was taken and opened an incident")
def first_taken(posted) -> None:
    assert posted[0].status == "opened", posted[0]


@then(parsers.parse('the replay was kept as a dead letter because it is "{words}"'))
@then(parsers.parse('it was kept as a dead letter because it is "{words}"'))
def kept(desk, posted, words) -> None:
    refused = posted[-1]
    assert not refused.taken and words in refused.reason, refused
    assert desk.dead_letters.show(refused.dead_letter).reason == refused.reason


@then(parsers.parse("the desk holds {count:d} incident"))
@then(parsers.parse("the desk holds {count:d} incidents"))
def holds(desk, count) -> None:
    assert desk.list_incidents().total == count


@given(parsers.parse('the tenant "{tenant}" has an incident "{summary}"'))
def tenant_incident(desk, portal, tenant, summary) -> None:
    desk.tenancy.register_tenant(tenant, model="shared", service_manager="sofia")
    portal["incident"] = desk.open_incident(summary, impact=3, urgency=3, tenant=tenant).number


@given("acme's portal has a read-only API token")
def read_only_token(desk, portal, live_server) -> None:
    portal["token"] = desk.tokens.create("portal", "user:portal@acme/acme", scope="read")[0]
    portal["server"] = live_server(create_app(desk))


@when("the portal reads the incident over the API")
def portal_reads(portal) -> None:
    path = f"/api/incidents/{portal['incident']}"
    portal["read"] = portal["server"].request("GET", path, token=portal["token"])


@when("the portal tries to comment on it over the API")
def portal_comments(portal) -> None:
    path = f"/api/incidents/{portal['incident']}/comments"
    portal["comment"] = portal["server"].request(
        "POST", path, json_body={"text": "Any news?"}, token=portal["token"]
    )


@then("the portal saw the incident")
def portal_saw(portal) -> None:
    assert portal["read"].status == 200
    assert portal["read"].json()["number"] == portal["incident"]


@then(parsers.parse('the comment was refused because "{words}"'))
def comment_refused(portal, words) -> None:
    assert portal["comment"].status == 403
    assert words in portal["comment"].json()["error"]


@then("the incident has no comment")
def no_comment(desk, portal) -> None:
    assert desk.get_incident(portal["incident"]).comments == ()
