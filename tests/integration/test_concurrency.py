"""Optimistic concurrency: nobody's change is silently overwritten."""

from __future__ import annotations

import pytest
from eventdesk import ConcurrencyConflictError, IncidentNotFoundError
from eventsourcing.persistence import IntegrityError


def test_a_command_made_on_a_stale_version_is_refused(desk):
    number = desk.open_incident("Mail server down", impact=2, urgency=2).number
    seen = desk.start(number, actor="bob").version

    desk.comment(number, "Vendor called back", actor="carl")

    # Fail to put on hold an incident that changed since bob looked at it.
    with pytest.raises(ConcurrencyConflictError) as caught:
        desk.hold(number, "awaiting_vendor", actor="bob", expected_version=seen)
    assert caught.value.details == {
        "incident": number,
        "expected_version": 2,
        "actual_version": 3,
    }
    assert desk.get_incident(number).state == "in_progress"

    assert desk.hold(number, "awaiting_vendor", actor="bob", expected_version=3).version == 4


VERSIONED_COMMANDS = {
    "start": lambda desk, n, v: desk.start(n, expected_version=v),
    "hold": lambda desk, n, v: desk.hold(n, "awaiting_caller", expected_version=v),
    "resume": lambda desk, n, v: desk.resume(n, expected_version=v),
    "resolve": lambda desk, n, v: desk.resolve(n, "fixed", expected_version=v),
    "reopen": lambda desk, n, v: desk.reopen(n, "again", expected_version=v),
    "close": lambda desk, n, v: desk.close_incident(n, expected_version=v),
    "cancel": lambda desk, n, v: desk.cancel(n, "dup", expected_version=v),
    "assign": lambda desk, n, v: desk.assign(n, "network", expected_version=v),
    "comment": lambda desk, n, v: desk.comment(n, "hi", expected_version=v),
    "reprioritise": lambda desk, n, v: desk.reprioritise(
        n, impact=1, urgency=1, expected_version=v
    ),
    "categorise": lambda desk, n, v: desk.categorise(n, category="x", expected_version=v),
    "major": lambda desk, n, v: desk.declare_major(n, expected_version=v),
    "problem": lambda desk, n, v: desk.link_problem(n, "PRB1", expected_version=v),
}
# What must happen first for each command to be legal.
SET_UP = {
    "hold": ["start"],
    "resume": ["start", "hold"],
    "reopen": ["resolve"],
    "close": ["resolve"],
}


@pytest.mark.parametrize("name", VERSIONED_COMMANDS)
def test_every_command_checks_the_expected_version(desk, name):
    number = desk.open_incident("Mail server down", impact=1, urgency=1).number
    for step in SET_UP.get(name, []):
        VERSIONED_COMMANDS[step](desk, number, None)
    version = desk.get_incident(number).version
    command = VERSIONED_COMMANDS[name]

    # Fail to change the incident on a version that is not the current one.
    with pytest.raises(ConcurrencyConflictError):
        command(desk, number, version - 1)
    assert desk.get_incident(number).version == version

    assert command(desk, number, version).version == version + 1


def test_a_colleague_changing_the_incident_mid_command_is_a_conflict(desk, interleaving):
    number = desk.open_incident("Mail server down", impact=2, urgency=2).number

    interleaving.meanwhile(lambda: desk.assign(number, "network", "bob", actor="lead"))
    # Fail to start: the lead's assignment was saved after this command read the incident.
    with pytest.raises(ConcurrencyConflictError):
        desk.start(number, actor="ana")

    trail = desk.history(number)
    assert [entry.type for entry in trail] == ["Opened", "Assigned"]

    # Read again and retry: now it goes through.
    assert desk.start(number, actor="ana").version == 3


def test_two_desks_on_one_database_cannot_both_save_the_same_version(desk, another_desk):
    number = desk.open_incident("Mail server down", impact=2, urgency=2).number
    other = another_desk()
    incident_id = desk.get_incident(number).id

    mine = desk.repository.get(incident_id)
    theirs = other.repository.get(incident_id)
    mine.add_comment("from desk A", public=True, actor="ana", at=desk.clock.now())
    theirs.add_comment("from desk B", public=True, actor="bob", at=other.clock.now())
    other.save(theirs)

    # Fail to save a second version 2 of the same incident.
    with pytest.raises(IntegrityError):
        desk.save(mine)

    assert [c.text for c in desk.get_incident(number).comments] == ["from desk B"]


def test_two_desks_on_one_database_conflict_through_their_commands(
    desk, another_desk, interleaving
):
    number = desk.open_incident("Mail server down", impact=2, urgency=2).number
    other = another_desk()

    interleaving.meanwhile(lambda: other.start(number, actor="bob"))
    # Fail to cancel: desk B started the incident after desk A read it.
    with pytest.raises(ConcurrencyConflictError):
        desk.cancel(number, "duplicate", actor="ana")

    assert desk.get_incident(number).state == "in_progress"
    assert other.get_incident(number).state == "in_progress"
    assert desk.cancel(number, "duplicate", actor="ana").state == "cancelled"
    assert other.get_incident(number).state == "cancelled"


def test_a_real_conflict_reports_the_version_read_and_the_version_found(desk, interleaving):
    number = desk.open_incident("Mail server down", impact=2, urgency=2).number

    interleaving.meanwhile(lambda: desk.assign(number, "network", actor="lead"))
    # Fail to cancel version 1: version 2 was saved in the meantime.
    with pytest.raises(ConcurrencyConflictError) as caught:
        desk.cancel(number, "duplicate", actor="ana")
    assert caught.value.details == {
        "incident": number,
        "expected_version": 1,
        "actual_version": 2,
    }


# --- resolving a parent ----------------------------------------------------------------------


def test_resolving_a_parent_resolves_its_open_children_with_it(desk, clock):
    parent = desk.open_incident("Site outage", impact=1, urgency=1).number
    held = desk.open_incident("CRM down", impact=2, urgency=2, parent=parent).number
    fresh = desk.open_incident("Wiki down", impact=2, urgency=2, parent=parent).number
    done = desk.open_incident("Phones down", impact=2, urgency=2, parent=parent).number
    gone = desk.open_incident("Printer down", impact=3, urgency=3, parent=parent).number
    unrelated = desk.open_incident("Laptop slow", impact=3, urgency=3).number
    desk.start(held)
    desk.hold(held, "awaiting_vendor")
    desk.resolve(done, "fixed on its own", actor="carl")
    desk.cancel(gone, "not related after all")
    clock.advance(hours=1)

    view = desk.resolve(parent, "power restored", "UPS replaced", actor="ana")

    assert view.state == "resolved"
    for child in (held, fresh):
        resolved = desk.get_incident(child)
        assert resolved.state == "resolved"
        assert resolved.hold_reason is None
        assert resolved.resolution_code == "power restored"
        assert resolved.resolution_notes == f"Resolved with parent {parent}. UPS replaced"
        assert (resolved.resolved_by, resolved.resolved_at) == ("ana", clock.now())
    assert desk.get_incident(done).resolution_code == "fixed on its own"
    assert desk.get_incident(done).resolved_by == "carl"
    assert desk.get_incident(gone).state == "cancelled"
    assert desk.get_incident(unrelated).state == "new"


def test_resolving_a_parent_is_all_or_nothing(desk, interleaving):
    parent = desk.open_incident("Site outage", impact=1, urgency=1).number
    child = desk.open_incident("CRM down", impact=2, urgency=2, parent=parent).number

    interleaving.meanwhile(lambda: desk.comment(parent, "Power company called", actor="lead"))
    # Fail to resolve the parent: it changed while the command was running.
    with pytest.raises(ConcurrencyConflictError):
        desk.resolve(parent, "power restored", actor="ana")

    # Neither the parent nor its child was resolved.
    assert desk.get_incident(parent).state == "new"
    assert desk.get_incident(child).state == "new"
    assert [e.type for e in desk.history(child)] == ["Opened", "ParentLinked"]

    desk.resolve(parent, "power restored", actor="ana")
    assert desk.get_incident(child).state == "resolved"


def test_the_longest_valid_resolution_notes_also_resolve_a_parent(desk):
    parent = desk.open_incident("Site outage", impact=1, urgency=1).number
    desk.open_incident("CRM down", impact=2, urgency=2, parent=parent)
    assert desk.resolve(parent, "fixed", "n" * 4000).state == "resolved"


def test_a_conflict_on_the_parent_when_opening_a_child_is_reported(desk, interleaving):
    parent = desk.open_incident("Site outage", impact=1, urgency=1).number

    interleaving.meanwhile(lambda: desk.comment(parent, "Still down", actor="lead"))
    # Fail to open a child under a parent that changed while the child was being opened.
    with pytest.raises(ConcurrencyConflictError):
        desk.open_incident("CRM down", impact=2, urgency=2, parent=parent)

    # Nothing was opened, and the next child gets the next number.
    with pytest.raises(IncidentNotFoundError):
        desk.get_incident(2)
    child = desk.open_incident("CRM down", impact=2, urgency=2, parent=parent)
    assert child.number == "INC0000002"
    assert desk.get_incident(parent).children == ("INC0000002",)
