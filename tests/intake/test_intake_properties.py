"""Properties of intake, whatever arrives in whatever order (hypothesis).

- Any sequence of deliveries — repeats included — takes each (channel, message id)
  exactly once, into exactly one conversation, as its sender's.
- A person's messages all join incidents that are theirs.
- Any bytes at all either become messages or a dead letter with a reason: intake
  never raises, and keeps what it could not take byte for byte.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from eventdesk import ManualClock, ServiceDesk
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SENDERS = ["ana@acme.example", "luis@acme.example", "phone:+34600111222"]
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def fresh_desk() -> ServiceDesk:
    return ServiceDesk(db=":memory:", clock=ManualClock(datetime(2026, 3, 2, 9, tzinfo=UTC)))


deliveries = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=9),  # message id: repeats are redeliveries
        st.sampled_from(["deliver", "resolve", "close"]),
    ),
    min_size=1,
    max_size=25,
)


@SETTINGS
@given(sequence=deliveries)
def test_every_message_is_taken_exactly_once_into_its_senders_incident(note_channel, sequence):
    desk = fresh_desk()
    delivered: set[str] = set()
    for number, action in sequence:
        message_id = f"m-{number}"
        sender = SENDERS[number % len(SENDERS)]
        if action == "deliver" or message_id not in delivered:
            payload = note_channel.payload(message_id, sender, f"text {number}")
            [result] = desk.intake.receive("note", payload)
            if message_id in delivered:
                assert result.status == "duplicate"
            else:
                assert result.status in ("opened", "appended", "reopened"), result.reason
            delivered.add(message_id)
        # An agent moves the sender's latest incident on, so later messages reopen or follow up.
        latest = desk.contacts.get(sender.removeprefix("phone:")).incidents[-1]
        state = desk.get_incident(latest).state
        if action == "resolve" and state in ("new", "in_progress"):
            desk.resolve(latest, "fixed", actor="bob")
        elif action == "close" and state == "resolved":
            desk.close_incident(latest, actor="bob")

    conversations = {
        item.number: desk.conversation(item.number)
        for item in desk.list_incidents(limit=1000).items
    }
    taken = [m.message_id for messages in conversations.values() for m in messages]
    assert sorted(taken) == sorted(delivered)  # each once, none lost
    for number, messages in conversations.items():
        incident = desk.get_incident(number)
        for message in messages:
            sender = SENDERS[int(message.message_id.split("-")[1]) % len(SENDERS)]
            assert (
                message.contact
                == incident.contact
                == desk.contacts.get(sender.removeprefix("phone:")).id
            )
    desk.close()


@SETTINGS
@given(payload=st.one_of(st.binary(max_size=300), st.text(max_size=200).map(str.encode)))
def test_any_bytes_are_taken_or_kept_whole_with_a_reason(note_channel, payload):
    desk = fresh_desk()
    results = desk.intake.receive("note", payload)
    letters = desk.dead_letters.list()
    for result in results:
        if result.taken:
            continue
        assert result.reason
        shown = desk.dead_letters.show(result.dead_letter)
        assert shown.payload == payload
        assert shown.reason == result.reason
    assert len(letters) == sum(1 for r in results if not r.taken)
    desk.close()


malformed_notes = st.one_of(
    st.dictionaries(st.sampled_from(["id", "from", "text", "tenant", "also"]), st.none()),
    st.fixed_dictionaries(
        {"id": st.integers(), "from": st.just("ana@acme.example"), "text": st.just("x")}
    ),
    st.fixed_dictionaries(
        {"id": st.just("m"), "from": st.text(max_size=30), "text": st.just("x")}
    ).filter(lambda d: "@" not in d["from"] and ":" not in d["from"]),
    st.fixed_dictionaries(
        {"id": st.just("m"), "from": st.just("ana@acme.example"), "text": st.integers()}
    ),
    st.lists(st.integers(), max_size=3),
)


@SETTINGS
@given(body=malformed_notes)
def test_malformed_json_bodies_become_dead_letters_with_a_reason(note_channel, body):
    desk = fresh_desk()
    payload = json.dumps(body).encode()
    [result] = desk.intake.receive("note", payload)
    assert result.status == "dead_letter"
    assert result.reason
    [letter] = desk.dead_letters.list()
    assert desk.dead_letters.show(letter.id).payload == payload
    assert desk.list_incidents().total == 0
    desk.close()
