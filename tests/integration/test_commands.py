"""Every ServiceDesk command, on every store: what it answers and what it keeps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from eventdesk import (
    IllegalTransitionError,
    IncidentClosedError,
    IncidentLinkError,
    IncidentNotFoundError,
    InvalidValueError,
    MajorIncidentError,
    PriorityMatrix,
    ServiceDesk,
)
from eventdesk.domain import incident_id

DESIGN_TABLE = {
    (1, 1): 1,
    (1, 2): 2,
    (1, 3): 3,
    (2, 1): 2,
    (2, 2): 3,
    (2, 3): 4,
    (3, 1): 3,
    (3, 2): 4,
    (3, 3): 5,
}


def test_opening_an_incident_answers_with_its_whole_view(desk, clock):
    view = desk.open_incident(
        "  VPN drops every hour ",
        impact=2,
        urgency=1,
        actor="ana",
        description="Since the client upgrade",
        category="network",
        subcategory="vpn",
        configuration_item="vpn-gw-01",
        caller="alice",
        assignment_group="network",
        assignee="bob",
    )

    assert view.number == "INC0000001"
    assert view.id == incident_id(1)
    assert (view.state, view.priority, view.impact, view.urgency) == ("new", 2, 2, 1)
    assert view.summary == "VPN drops every hour"
    assert view.description == "Since the client upgrade"
    assert (view.category, view.subcategory, view.configuration_item) == (
        "network",
        "vpn",
        "vpn-gw-01",
    )
    assert view.caller == "alice"
    assert (view.assignment_group, view.assignee, view.reassignment_count) == ("network", "bob", 0)
    assert view.opened_by == "ana"
    assert view.opened_at == view.updated_at == clock.now()
    assert view.version == 2  # Opened, then Assigned
    assert view.hold_reason is None
    assert view.major is False
    assert (view.parent, view.children, view.problem, view.comments) == (None, (), None, ())
    assert desk.get_incident(view.number) == view


def test_numbers_are_issued_in_order(desk):
    numbers = [desk.open_incident(f"issue {n}", impact=3, urgency=3).number for n in range(1, 13)]
    assert numbers == [f"INC{n:07d}" for n in range(1, 13)]


def test_the_priority_follows_the_default_matrix(desk):
    for (impact, urgency), priority in DESIGN_TABLE.items():
        view = desk.open_incident(f"{impact}x{urgency}", impact=impact, urgency=urgency)
        assert view.priority == priority, (impact, urgency)


def test_a_desk_with_its_own_matrix_uses_it(db, clock):
    everything_urgent = PriorityMatrix.from_mapping(
        {i: {u: 1 for u in (1, 2, 3)} for i in (1, 2, 3)}
    )
    with ServiceDesk(db=db, clock=clock, priority_matrix=everything_urgent) as desk:
        view = desk.open_incident("Printer jam", impact=3, urgency=3)
        assert view.priority == 1
        assert desk.reprioritise(view.number, impact=3, urgency=2).priority == 1


@pytest.mark.parametrize(("field", "level"), [("impact", 0), ("impact", 4), ("urgency", "high")])
def test_impact_and_urgency_are_levels_one_to_three(desk, field, level):
    fields = {"impact": 2, "urgency": 2, field: level}
    # Fail to open an incident with an impact or urgency outside 1–3.
    with pytest.raises(InvalidValueError) as caught:
        desk.open_incident("Mail server down", **fields)
    assert caught.value.details["field"] == field
    assert desk.list_incidents().total == 0

    view = desk.open_incident("Mail server down", impact=2, urgency=2)
    # Fail to reprioritise to a level outside 1–3.
    with pytest.raises(InvalidValueError):
        desk.reprioritise(view.number, **fields)
    assert desk.get_incident(view.number).version == 1


def test_a_refused_opening_does_not_use_up_a_number(desk):
    # Fail to open an incident without a summary.
    with pytest.raises(InvalidValueError):
        desk.open_incident(" ", impact=2, urgency=2)
    assert desk.open_incident("Mail server down", impact=2, urgency=2).number == "INC0000001"


def test_the_whole_lifecycle_through_the_desk(desk, clock):
    number = desk.open_incident("Mail server down", impact=2, urgency=2, actor="ana").number

    clock.advance(minutes=5)
    started = desk.start(number, actor="bob")
    assert (started.state, started.version, started.updated_at) == ("in_progress", 2, clock.now())

    held = desk.hold(number, "awaiting_vendor", note="RMA 7731", actor="bob")
    assert (held.state, held.hold_reason) == ("on_hold", "awaiting_vendor")

    resumed = desk.resume(number, actor="bob")
    assert (resumed.state, resumed.hold_reason) == ("in_progress", None)

    clock.advance(hours=2)
    resolved = desk.resolve(number, "fixed", "replaced the disk", actor="bob")
    assert (resolved.state, resolved.resolution_code, resolved.resolution_notes) == (
        "resolved",
        "fixed",
        "replaced the disk",
    )
    assert (resolved.resolved_by, resolved.resolved_at) == ("bob", clock.now())

    reopened = desk.reopen(number, "mail still bounces", actor="alice")
    assert (reopened.state, reopened.reopen_count, reopened.resolution_code) == (
        "in_progress",
        1,
        None,
    )

    desk.resolve(number, "fixed", actor="bob")
    clock.advance(days=3)
    closed = desk.close_incident(number, actor="ana")
    assert (closed.state, closed.closed_at, closed.version) == ("closed", clock.now(), 8)

    # Fail to reopen a closed incident.
    with pytest.raises(IllegalTransitionError) as caught:
        desk.reopen(number, actor="alice")
    assert caught.value.details == {
        "incident": number,
        "transition": "reopen",
        "from_state": "closed",
    }
    assert desk.get_incident(number).version == 8


def test_cancelling_an_open_incident(desk, clock):
    number = desk.open_incident("Mail server down", impact=2, urgency=2).number
    cancelled = desk.cancel(number, "raised twice", actor="ana")
    assert (cancelled.state, cancelled.cancel_reason, cancelled.closed_at) == (
        "cancelled",
        "raised twice",
        clock.now(),
    )
    # Fail to start a cancelled incident.
    with pytest.raises(IllegalTransitionError):
        desk.start(number)
    # Fail to comment on a cancelled incident.
    with pytest.raises(IncidentClosedError):
        desk.comment(number, "hello?")


def test_an_unknown_hold_reason_is_refused(desk):
    number = desk.open_incident("Mail server down", impact=2, urgency=2).number
    desk.start(number)
    # Fail to put the incident on hold for lunch.
    with pytest.raises(InvalidValueError):
        desk.hold(number, "lunch")
    assert desk.get_incident(number).state == "in_progress"


def test_assigning_and_reassigning(desk):
    number = desk.open_incident("Mail server down", impact=2, urgency=2).number

    assert desk.assign(number, "servers").reassignment_count == 0
    # Dave picks it up for his group: not a hop.
    picked = desk.assign(number, "servers", "dave", actor="lead")
    assert (picked.assignment_group, picked.assignee, picked.reassignment_count) == (
        "servers",
        "dave",
        0,
    )
    view = desk.assign(number, "servers", "erin", actor="lead")
    assert view.reassignment_count == 1
    unchanged = desk.assign(number, "servers", "erin")
    assert (unchanged.version, unchanged.reassignment_count) == (view.version, 1)
    assert desk.assign(number, "network").reassignment_count == 2
    # Fail to assign to nobody.
    with pytest.raises(InvalidValueError):
        desk.assign(number)


def test_comments_and_work_notes(desk, clock):
    number = desk.open_incident("Mail server down", impact=2, urgency=2).number
    desk.comment(number, "We are on it", actor="bob")
    clock.advance(minutes=1)
    view = desk.comment(number, "Disk 3 failing", internal=True, actor="bob")

    assert [(c.text, c.public, c.actor) for c in view.comments] == [
        ("We are on it", True, "bob"),
        ("Disk 3 failing", False, "bob"),
    ]
    assert view.comments[1].at == clock.now()
    assert view.comments[0].at == clock.now() - timedelta(minutes=1)


def test_categorising(desk):
    number = desk.open_incident("Mail server down", impact=2, urgency=2, category="x").number
    view = desk.categorise(
        number, category="email", subcategory="exchange", configuration_item="mx-01"
    )
    assert (view.category, view.subcategory, view.configuration_item) == (
        "email",
        "exchange",
        "mx-01",
    )


def test_major_incidents(desk):
    p1 = desk.open_incident("Mail down for everyone", impact=1, urgency=1).number
    p2 = desk.open_incident("Mail slow for some", impact=1, urgency=2).number

    assert desk.declare_major(p1, actor="duty manager").major is True
    # Fail to declare a P2 a major incident.
    with pytest.raises(MajorIncidentError):
        desk.declare_major(p2)
    # Fail to declare it twice.
    with pytest.raises(MajorIncidentError):
        desk.declare_major(p1)

    view = desk.reprioritise(p1, impact=2, urgency=1)
    assert (view.priority, view.major) == (2, False)
    assert [i.major for i in desk.list_incidents().items] == [False, False]


def test_linking_parents_children_and_problems(desk):
    parent = desk.open_incident("Site outage", impact=1, urgency=1).number
    child = desk.open_incident("Cannot reach CRM", impact=2, urgency=2, parent=parent)
    other = desk.open_incident("Cannot reach wiki", impact=2, urgency=2).number

    assert child.parent == parent
    linked = desk.link_parent(other, parent, actor="ana")
    assert linked.parent == parent
    assert desk.get_incident(parent).children == (child.number, other)

    # Fail to make the parent a child of its own child.
    with pytest.raises(IncidentLinkError):
        desk.link_parent(parent, other)
    # Fail to make an incident its own parent.
    with pytest.raises(IncidentLinkError):
        desk.link_parent(parent, parent)
    # Fail to link to an incident that does not exist.
    with pytest.raises(IncidentNotFoundError):
        desk.link_parent(other, "INC0000099")
    # Fail to open an incident under a parent that does not exist.
    with pytest.raises(IncidentNotFoundError):
        desk.open_incident("Orphan", impact=2, urgency=2, parent="INC0000099")

    assert desk.link_problem(parent, "PRB0000012").problem == "PRB0000012"


def test_a_past_version_of_an_incident(desk):
    number = desk.open_incident("Mail server down", impact=2, urgency=2).number
    desk.start(number)
    desk.hold(number, "awaiting_caller")

    assert desk.get_incident(number, version=1).state == "new"
    assert desk.get_incident(number, version=2).state == "in_progress"
    assert desk.get_incident(number, version=3).hold_reason == "awaiting_caller"
    assert desk.get_incident(number).version == 3
