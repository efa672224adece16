"""The audit trail: every event, when, by whom, and what it changed."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from eventdesk import HistoryEntry, IncidentNotFoundError


def work_an_incident(desk, clock) -> tuple[str, list]:
    """A morning's work on one incident, with the time of each step."""
    times = []
    number = desk.open_incident(
        "VPN drops every hour", impact=2, urgency=2, actor="ana", caller="alice"
    ).number
    times.append(clock.now())
    steps = [
        lambda: desk.assign(number, "network", "bob", actor="ana"),
        lambda: desk.start(number, actor="bob"),
        lambda: desk.hold(number, "awaiting_vendor", note="ticket 7731", actor="bob"),
        lambda: desk.resume(number, actor="bob"),
        lambda: desk.comment(number, "Firmware update applied", actor="bob"),
        lambda: desk.resolve(number, "fixed", "firmware 2.4", actor="bob"),
        lambda: desk.reopen(number, "dropped again at noon", actor="alice"),
    ]
    for step in steps:
        clock.advance(minutes=17, milliseconds=250)
        step()
        times.append(clock.now())
    return number, times


def test_every_event_is_in_the_trail_with_its_time_and_actor(desk, clock):
    number, times = work_an_incident(desk, clock)

    trail = desk.history(number)

    assert [entry.type for entry in trail] == [
        "Opened",
        "Assigned",
        "Started",
        "PutOnHold",
        "Resumed",
        "Commented",
        "Resolved",
        "Reopened",
    ]
    assert [entry.at for entry in trail] == times
    assert all(
        entry.at.tzinfo is not None and entry.at.utcoffset() == timedelta(0) for entry in trail
    )
    assert [entry.actor for entry in trail] == [
        "ana",
        "ana",
        "bob",
        "bob",
        "bob",
        "bob",
        "bob",
        "alice",
    ]
    assert [entry.version for entry in trail] == list(range(1, 9))
    assert len(trail) == desk.get_incident(number).version


def test_each_entry_says_what_changed_and_what_the_event_carried(desk, clock):
    number, _ = work_an_incident(desk, clock)
    opened, assigned, started, held, resumed, commented, resolved, reopened = desk.history(number)

    assert opened.changes["state"] == (None, "new")
    assert opened.changes["summary"] == (None, "VPN drops every hour")
    assert opened.changes["opened_by"] == (None, "ana")
    assert opened.data["summary"] == "VPN drops every hour"
    assert opened.data["caller"] == "alice"
    assert (opened.data["impact"], opened.data["urgency"], opened.data["priority"]) == (2, 2, 3)

    assert assigned.changes == {
        "assignment_group": (None, "network"),
        "assignee": (None, "bob"),
    }
    assert assigned.data == {"group": "network", "assignee": "bob"}
    assert started.changes == {"state": ("new", "in_progress")}
    assert started.data == {}
    assert held.changes == {
        "state": ("in_progress", "on_hold"),
        "hold_reason": (None, "awaiting_vendor"),
    }
    assert held.data == {"reason": "awaiting_vendor", "note": "ticket 7731"}
    assert resumed.changes == {
        "state": ("on_hold", "in_progress"),
        "hold_reason": ("awaiting_vendor", None),
    }
    # A comment is event data, not a change of a field.
    assert commented.changes == {}
    assert commented.data == {
        "text": "Firmware update applied",
        "public": True,
        "author_kind": "agent",
        "channel": None,
        "message_id": None,
        "contact": None,
        "attachments": [],
    }
    assert resolved.changes["state"] == ("in_progress", "resolved")
    assert resolved.changes["resolution_code"] == (None, "fixed")
    assert resolved.data == {"code": "fixed", "notes": "firmware 2.4"}
    assert reopened.changes["reopen_count"] == (0, 1)
    assert reopened.changes["resolution_code"] == ("fixed", None)
    assert reopened.data == {"reason": "dropped again at noon"}


def test_entries_are_frozen_values_that_turn_into_json(desk, clock):
    number, times = work_an_incident(desk, clock)
    entry = desk.history(number)[3]

    assert isinstance(entry, HistoryEntry)
    as_dict = entry.to_dict()
    assert as_dict["type"] == "PutOnHold"
    assert as_dict["at"] == times[3].astimezone(UTC).isoformat().replace("+00:00", "Z")
    assert as_dict["at"].endswith("Z")
    assert as_dict["changes"]["state"] == ["in_progress", "on_hold"]


def test_the_trail_is_the_same_when_read_by_a_desk_opened_later(desk, clock, another_desk):
    number, _ = work_an_incident(desk, clock)
    trail = desk.history(number)
    desk.close()

    later = another_desk()

    assert later.history(number) == trail
    assert later.get_incident(number).version == len(trail)


def test_the_trail_of_an_unknown_incident_is_not_found(desk):
    # Fail to read the trail of an incident never opened.
    with pytest.raises(IncidentNotFoundError):
        desk.history("INC0000001")
