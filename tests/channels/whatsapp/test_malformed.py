"""Malformed WhatsApp notifications: every one goes to the dead letters with a reason
that says what is wrong (and where), and nothing else changes — no contact, no
incident, no message key: one event, the dead letter's.

The corpus is the hand-made notifications below and those hypothesis makes by
breaking a good one: a required field of the wrong kind or missing, a cut body,
JSON that is not a notification, bytes that are not JSON.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from eventdesk import ServiceDesk
from eventdesk_whatsapp import signature
from eventdesk_whatsapp.samples import body, notification, status, text_message
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import ANA, APP_SECRET


@pytest.fixture(params=("memory",))
def store(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def configured(desk: ServiceDesk) -> ServiceDesk:
    desk.channels.configure("whatsapp", {"app_secret": APP_SECRET})
    return desk


def good() -> dict[str, Any]:
    return notification(text_message("wamid.1", ANA, "The VPN drops"), name="Ana")


def changed(path: str, new: Any) -> dict[str, Any]:
    """The good notification with the value at ``path`` (dots; ``-`` deletes) replaced."""
    data = good()
    *parents, last = path.split(".")
    node: Any = data
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    if new == "-":
        del node[int(last) if last.isdigit() else last]
    else:
        node[int(last) if last.isdigit() else last] = new
    return data


VALUE = "entry.0.changes.0.value"
MESSAGE = f"{VALUE}.messages.0"
HAND_MADE: list[tuple[str, Any, str]] = [
    ("empty body", b"", "the body is not JSON: Expecting value"),
    ("not JSON", b"hub.mode=subscribe", "the body is not JSON"),
    ("cut short", body(good())[:-3], "the body is not JSON"),
    ("latin-1 bytes", b'{"object": "caf\xe9"}', "the body is not UTF-8 text"),
    ("NaN", b'{"object": NaN}', "the body is not JSON: NaN is not a JSON number"),
    ("deeply nested", b"[" * 100_000, "the body is not JSON"),
    ("a list", b"[]", "the body must be a JSON object, not a list"),
    ("a string", b'"hello"', "the body must be a JSON object, not text"),
    ("no object", changed("object", "-"), "object is None: a WhatsApp notification is for"),
    ("a page", changed("object", "page"), "object is 'page'"),
    ("no entry", changed("entry", "-"), "entry is missing or empty"),
    ("empty entry", changed("entry", []), "entry is missing or empty"),
    ("entry an object", changed("entry", {}), "entry: expected a list, got an object"),
    ("entry of text", changed("entry", ["x"]), "entry[0]: expected an object, got text"),
    ("no changes", changed("entry.0.changes", "-"), "entry[0].changes is missing or empty"),
    ("changes of null", changed("entry.0.changes", [None]), "entry[0].changes[0]: expected an"),
    ("no field", changed("entry.0.changes.0.field", "-"), "entry[0].changes[0].field is missing"),
    ("no value", changed("entry.0.changes.0.value", "-"), "entry[0].changes[0].value is missing"),
    ("value a list", changed("entry.0.changes.0.value", []), "entry[0].changes[0].value: expected"),
    ("product", changed(f"{VALUE}.messaging_product", "sms"), "messaging_product is 'sms'"),
    ("no metadata", changed(f"{VALUE}.metadata", "-"), "value.metadata is missing"),
    ("no number id", changed(f"{VALUE}.metadata.phone_number_id", "-"), "phone_number_id is"),
    ("nothing in it", changed(f"{VALUE}.messages", []), "has no messages, statuses or errors"),
    ("messages object", changed(f"{VALUE}.messages", {}), "messages: expected a list"),
    ("contacts text", changed(f"{VALUE}.contacts", "Ana"), "contacts: expected a list, got text"),
    ("contact no wa_id", changed(f"{VALUE}.contacts.0.wa_id", "-"), "contacts[0].wa_id is"),
    ("name a number", changed(f"{VALUE}.contacts.0.profile.name", 7), "profile.name: expected"),
    ("no id", changed(f"{MESSAGE}.id", "-"), "messages[0].id is missing"),
    ("empty id", changed(f"{MESSAGE}.id", "  "), "messages[0].id is empty"),
    ("huge id", changed(f"{MESSAGE}.id", "w" * 501), "messages[0].id: 501 characters, at most"),
    ("no from", changed(f"{MESSAGE}.from", "-"), "messages[0].from is missing"),
    ("from letters", changed(f"{MESSAGE}.from", "ana"), "messages[0].from: invalid WhatsApp id"),
    ("from a number", changed(f"{MESSAGE}.from", 34600111222), "from: expected text, got a"),
    ("from too short", changed(f"{MESSAGE}.from", "123"), "messages[0].from: invalid WhatsApp"),
    ("from leading 0", changed(f"{MESSAGE}.from", "0034600"), "from: invalid phone number"),
    ("no timestamp", changed(f"{MESSAGE}.timestamp", "-"), "messages[0].timestamp is missing"),
    ("iso timestamp", changed(f"{MESSAGE}.timestamp", "2026-03-02"), "is not a Unix time"),
    ("far future", changed(f"{MESSAGE}.timestamp", "9" * 11), "timestamp: 11 characters, at"),
    ("no type", changed(f"{MESSAGE}.type", "-"), "messages[0].type is missing"),
    ("odd type", changed(f"{MESSAGE}.type", "hologram"), "'hologram' is not a message type"),
    ("no text", changed(f"{MESSAGE}.text", "-"), "messages[0].text is missing"),
    ("text string", changed(f"{MESSAGE}.text", "hi"), "messages[0].text: expected an object"),
    ("no body", changed(f"{MESSAGE}.text.body", "-"), "messages[0].text.body is missing"),
    ("blank body", changed(f"{MESSAGE}.text.body", " \n"), "messages[0].text.body is empty"),
    ("body too long", changed(f"{MESSAGE}.text.body", "x" * 4001), "at most 4000 are taken"),
    (
        "image without type",
        changed(
            MESSAGE, {**text_message("wamid.1", ANA, ""), "type": "image", "image": {"id": "m"}}
        ),
        "messages[0].image.mime_type is missing",
    ),
    (
        "interactive unknown",
        changed(
            MESSAGE,
            {
                **text_message("wamid.1", ANA, ""),
                "type": "interactive",
                "interactive": {"type": "nfm_reply"},
            },
        ),
        "messages[0].interactive.type: 'nfm_reply' is not button_reply or list_reply",
    ),
    (
        "location without latitude",
        changed(MESSAGE, {**text_message("wamid.1", ANA, ""), "type": "location", "location": {}}),
        "messages[0].location.latitude: expected a number, got null",
    ),
    (
        "context of text",
        changed(f"{MESSAGE}.context", "wamid.0"),
        "messages[0].context: expected an object, got text",
    ),
    (
        "status unknown",
        notification(statuses=[status("wamid.sent-1", "seen", ANA)]),
        "statuses[0].status: 'seen' is not one of sent, delivered, read, failed",
    ),
    (
        "status without id",
        notification(statuses=[{**status("x", "read", ANA), "id": None}]),
        "statuses[0].id is missing",
    ),
    (
        "status bad time",
        notification(statuses=[status("wamid.sent-1", "read", ANA) | {"timestamp": "-1"}]),
        "statuses[0].timestamp: '-1' is not a Unix time",
    ),
    (
        "one good message and one bad",
        changed(f"{VALUE}.messages", [text_message("wamid.1", ANA, "ok"), {"id": "wamid.2"}]),
        "messages[1].from is missing",
    ),
]


def test_the_hand_made_corpus_is_large_enough():
    assert len(HAND_MADE) >= 30
    assert len({name for name, _, _ in HAND_MADE}) == len(HAND_MADE)


def take_bad(desk: ServiceDesk, raw: bytes) -> Any:
    """Post signed bytes that must be refused; the one result, after checking that the
    dead letter is the only thing that changed."""
    before = desk.recorder.max_notification_id() or 0
    [result] = desk.intake.receive(
        "whatsapp", raw, {"X-Hub-Signature-256": signature(APP_SECRET, raw)}
    )
    assert result.status == "dead_letter", result
    assert "failed to read it" not in result.reason  # the channel said why, it did not crash
    after = desk.recorder.max_notification_id()
    assert after == before + 1  # the dead letter, and nothing else
    [letter] = [d for d in desk.dead_letters.list() if d.id == result.dead_letter]
    assert (letter.channel, letter.kind, letter.reason) == (
        "whatsapp",
        "unparseable",
        result.reason,
    )
    return result


@pytest.mark.parametrize(("name", "payload", "reason"), HAND_MADE, ids=[c[0] for c in HAND_MADE])
def test_a_malformed_notification_is_a_dead_letter_with_the_reason(
    configured: ServiceDesk, name: str, payload: Any, reason: str
):
    raw = payload if isinstance(payload, bytes) else body(payload)
    result = take_bad(configured, raw)
    assert reason in result.reason, result.reason
    assert configured.contacts.list() == [] and configured.list_incidents().total == 0


def test_a_forged_or_unsigned_notification_is_an_unauthenticated_dead_letter(
    configured: ServiceDesk,
):
    raw = body(good())
    for headers in ({}, {"X-Hub-Signature-256": signature("someone-elses-secret", raw)}):
        [result] = configured.intake.receive("whatsapp", raw, headers)
        assert result.status == "unauthenticated" and not result.taken
    letters = configured.dead_letters.list()
    assert sorted((d.kind, d.reason) for d in letters) == [
        ("unauthenticated", "the x-hub-signature-256 header does not match the payload"),
        ("unauthenticated", "the x-hub-signature-256 header is missing"),
    ]
    assert configured.list_incidents().total == 0
    # Kept whole: once the app secret is put right, the letter can be retried.
    assert all(configured.dead_letters.show(d.id).size == len(raw) for d in letters)


# --- what hypothesis makes -----------------------------------------------------------------

REQUIRED_TEXT = [
    "entry.0.changes.0.field",
    f"{VALUE}.metadata.phone_number_id",
    f"{MESSAGE}.id",
    f"{MESSAGE}.from",
    f"{MESSAGE}.timestamp",
    f"{MESSAGE}.type",
    f"{MESSAGE}.text.body",
    f"{VALUE}.contacts.0.wa_id",
]
REQUIRED_OBJECTS = ["entry.0", "entry.0.changes.0", f"{VALUE}", f"{VALUE}.metadata", MESSAGE]
not_text = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
not_object = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=5), st.lists(st.none())
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


def _with(path: str, new: Any) -> bytes:
    return body(changed(path, "-" if new is None and path.endswith(".0") else new))


broken = st.one_of(
    st.tuples(st.sampled_from(REQUIRED_TEXT), not_text).map(lambda pv: body(changed(*pv))),
    st.tuples(st.sampled_from(REQUIRED_OBJECTS), not_object).map(lambda pv: _with(*pv)),
    st.integers(min_value=0, max_value=len(body(good())) - 1).map(lambda n: body(good())[:n]),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200).filter(lambda b: not b.strip().startswith(b"{")),
    st.dictionaries(st.sampled_from(["object", "entry"]), json_values, max_size=2).map(
        lambda d: json.dumps({"object": "whatsapp_business_account", **d}).encode()
    ),
)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=broken)
def test_whatever_is_broken_in_a_notification_it_is_a_dead_letter_with_a_reason(
    configured: ServiceDesk, raw: bytes
):
    result = take_bad(configured, raw)
    assert result.reason


def test_the_good_notification_the_corpus_breaks_is_taken(configured: ServiceDesk):
    raw = body(copy.deepcopy(good()))
    post: Callable[..., Any] = configured.intake.receive
    [result] = post("whatsapp", raw, {"X-Hub-Signature-256": signature(APP_SECRET, raw)})
    assert result.status == "opened"
