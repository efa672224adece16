"""The Incident aggregate on its own: the ITIL lifecycle and its rules, no storage."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from eventdesk.domain import FINAL_STATES, OPEN_STATES, TRANSITIONS, HoldReason, Incident, State
from eventdesk.domain.incident import AuthorKind
from eventdesk.domain.numbering import incident_id
from eventdesk.errors import (
    DomainError,
    EventDeskError,
    IllegalTransitionError,
    IncidentClosedError,
    IncidentLinkError,
    InvalidValueError,
    MajorIncidentError,
)

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LATER = AT + timedelta(minutes=30)

# The lifecycle as the design states it, written out independently of the code.
DOCUMENTED_LIFECYCLE = {
    "start": ({"new"}, "in_progress"),
    "hold": ({"in_progress"}, "on_hold"),
    "resume": ({"on_hold"}, "in_progress"),
    "resolve": ({"new", "in_progress", "on_hold"}, "resolved"),
    "reopen": ({"resolved"}, "in_progress"),
    "close": ({"resolved"}, "closed"),
    "cancel": ({"new", "in_progress", "on_hold"}, "cancelled"),
}

# How to bring a fresh incident into each state.
PATH_TO: dict[State, list[str]] = {
    State.NEW: [],
    State.IN_PROGRESS: ["start"],
    State.ON_HOLD: ["start", "hold"],
    State.RESOLVED: ["start", "resolve"],
    State.CLOSED: ["start", "resolve", "close"],
    State.CANCELLED: ["cancel"],
}

PERFORM: dict[str, Callable[[Incident], None]] = {
    "start": lambda i: i.start(actor="ana", at=LATER),
    "hold": lambda i: i.hold("awaiting_vendor", note="RMA 7", actor="ana", at=LATER),
    "resume": lambda i: i.resume(actor="ana", at=LATER),
    "resolve": lambda i: i.resolve("fixed", "replaced the disk", actor="ana", at=LATER),
    "reopen": lambda i: i.reopen("still broken", actor="carl", at=LATER),
    "close": lambda i: i.close(actor="ana", at=LATER),
    "cancel": lambda i: i.cancel("duplicate of INC0000007", actor="ana", at=LATER),
}


def open_incident(sequence: int = 1, **overrides: object) -> Incident:
    fields: dict[str, object] = {
        "sequence": sequence,
        "summary": "Mail server down",
        "impact": 2,
        "urgency": 2,
        "priority": 3,
        "actor": "ana",
        "at": AT,
    }
    fields.update(overrides)
    return Incident.open(**fields)  # type: ignore[arg-type]


def incident_in(state: State, **overrides: object) -> Incident:
    incident = open_incident(**overrides)
    for transition in PATH_TO[state]:
        PERFORM[transition](incident)
    assert incident.state is state
    return incident


def replayed(incident: Incident, events: list) -> Incident:
    aggregate = None
    for domain_event in events:
        aggregate = domain_event.mutate(aggregate)
    assert aggregate is not None
    return aggregate


# --- opening ---------------------------------------------------------------------------------


def test_an_opened_incident_is_new_and_numbered_with_its_id_derived_from_the_number():
    incident = open_incident(
        42,
        summary="  VPN drops every hour  ",
        description="Since the upgrade",
        category="network",
        caller="alice",
    )

    assert incident.number == "INC0000042"
    assert incident.id == incident_id(42)
    assert incident.state is State.NEW
    assert incident.summary == "VPN drops every hour"
    assert (incident.impact, incident.urgency, incident.priority) == (2, 2, 3)
    assert (incident.category, incident.subcategory, incident.caller) == ("network", None, "alice")
    assert incident.opened_by == "ana"
    assert incident.created_on == AT
    assert incident.version == 1
    assert incident.hold_reason is None
    assert (incident.reassignment_count, incident.reopen_count) == (0, 0)
    assert incident.major is False
    assert [type(e).__name__ for e in incident.collect_events()] == ["Opened"]


@pytest.mark.parametrize("summary", ["", "   ", None])
def test_an_incident_needs_a_summary(summary):
    # Fail to open an incident that says nothing about what is wrong.
    with pytest.raises(InvalidValueError) as caught:
        open_incident(summary=summary)
    assert caught.value.details["field"] == "summary"


def test_a_summary_is_one_line_of_at_most_200_characters():
    assert open_incident(summary="x" * 200).summary == "x" * 200

    # Fail to open an incident with a 201-character summary.
    with pytest.raises(InvalidValueError) as caught:
        open_incident(summary="x" * 201)
    assert caught.value.field == "summary"

    # Fail to open an incident whose summary is not text.
    with pytest.raises(InvalidValueError):
        open_incident(summary=42)


@pytest.mark.parametrize(("field", "level"), [("impact", 4), ("urgency", 0)])
def test_the_aggregate_refuses_impact_and_urgency_outside_one_to_three(field, level):
    # Fail to open an incident with an impact or urgency that is not 1, 2 or 3.
    with pytest.raises(InvalidValueError):
        open_incident(**{field: level})


# --- the lifecycle ---------------------------------------------------------------------------


def test_the_transition_table_is_the_documented_lifecycle():
    as_values = {
        name: ({state.value for state in sources}, target.value)
        for name, (sources, target) in TRANSITIONS.items()
    }
    assert as_values == DOCUMENTED_LIFECYCLE
    assert {s.value for s in OPEN_STATES} == {"new", "in_progress", "on_hold"}
    assert {s.value for s in FINAL_STATES} == {"closed", "cancelled"}


LEGAL = [(t, s) for t, (sources, _) in TRANSITIONS.items() for s in State if s in sources]
ILLEGAL = [(t, s) for t, (sources, _) in TRANSITIONS.items() for s in State if s not in sources]


@pytest.mark.parametrize(("transition", "state"), LEGAL, ids=[f"{t}-from-{s}" for t, s in LEGAL])
def test_every_legal_transition_leads_to_its_target_with_one_event(transition, state):
    incident = incident_in(state)
    version = incident.version
    incident.collect_events()

    PERFORM[transition](incident)

    assert incident.state is TRANSITIONS[transition][1]
    assert incident.version == version + 1
    events = incident.collect_events()
    assert len(events) == 1
    assert events[0].actor in {"ana", "carl"}
    assert events[0].timestamp == LATER
    assert incident.modified_on == LATER


@pytest.mark.parametrize(
    ("transition", "state"), ILLEGAL, ids=[f"{t}-from-{s}" for t, s in ILLEGAL]
)
def test_every_illegal_transition_is_refused_with_a_named_error_and_changes_nothing(
    transition, state
):
    incident = incident_in(state)
    incident.collect_events()
    before = dict(vars(incident))

    # Fail to make a transition the lifecycle does not allow from this state.
    with pytest.raises(IllegalTransitionError) as caught:
        PERFORM[transition](incident)

    error = caught.value
    assert isinstance(error, DomainError)
    assert isinstance(error, EventDeskError)
    assert error.details == {
        "incident": "INC0000001",
        "transition": transition,
        "from_state": state.value,
    }
    assert (error.transition, error.from_state) == (transition, state.value)
    assert str(error) == f"INC0000001: cannot {transition} an incident that is {state.value}"
    assert vars(incident) == before
    assert incident.collect_events() == []


@pytest.mark.parametrize("state", sorted(FINAL_STATES))
def test_final_states_refuse_every_change(state):
    incident = incident_in(state)
    version = incident.version
    changes: list[Callable[[], object]] = [
        *(lambda t=t: PERFORM[t](incident) for t in TRANSITIONS),
        lambda: incident.assign("network", "bob", actor="ana", at=LATER),
        lambda: incident.add_comment("anyone?", public=True, actor="ana", at=LATER),
        lambda: incident.reprioritise(impact=1, urgency=1, priority=1, actor="ana", at=LATER),
        lambda: incident.declare_major(actor="ana", at=LATER),
        lambda: incident.categorise(
            category="x", subcategory=None, configuration_item=None, actor="ana", at=LATER
        ),
        lambda: incident.link_problem("PRB0000001", actor="ana", at=LATER),
    ]
    for change in changes:
        # Fail to change a closed or cancelled incident in any way.
        with pytest.raises((IllegalTransitionError, IncidentClosedError)):
            change()
        assert incident.state is state
        assert incident.version == version


def test_resolving_records_the_code_notes_who_and_when_and_reopening_clears_them():
    incident = incident_in(State.IN_PROGRESS)

    incident.resolve("  workaround ", "restarted the service", actor="bob", at=LATER)
    assert incident.resolution_code == "workaround"
    assert incident.resolution_notes == "restarted the service"
    assert (incident.resolved_by, incident.resolved_at) == ("bob", LATER)

    incident.reopen("it crashed again", actor="alice", at=LATER + timedelta(hours=1))
    assert incident.state is State.IN_PROGRESS
    assert incident.resolution_code is None
    assert incident.resolution_notes is None
    assert (incident.resolved_by, incident.resolved_at) == (None, None)


def test_a_resolution_needs_a_code_and_a_cancellation_a_reason():
    incident = incident_in(State.IN_PROGRESS)
    # Fail to resolve without saying how.
    with pytest.raises(InvalidValueError) as caught:
        incident.resolve("  ", actor="ana", at=LATER)
    assert caught.value.field == "resolution code"
    # Fail to cancel without saying why.
    with pytest.raises(InvalidValueError) as caught:
        incident.cancel("", actor="ana", at=LATER)
    assert caught.value.field == "cancel reason"
    assert incident.state is State.IN_PROGRESS
    assert incident.version == 2


def test_reopenings_are_counted():
    incident = incident_in(State.IN_PROGRESS)
    for expected in (1, 2, 3):
        incident.resolve("fixed", actor="ana", at=LATER)
        incident.reopen("not fixed", actor="alice", at=LATER)
        assert incident.reopen_count == expected

    incident.resolve("fixed for real", actor="ana", at=LATER)
    incident.close(actor="ana", at=LATER)
    assert incident.reopen_count == 3
    assert incident.closed_at == LATER


def test_a_cancellation_keeps_its_reason_and_time():
    incident = incident_in(State.ON_HOLD)
    incident.cancel("raised twice", actor="ana", at=LATER)
    assert incident.state is State.CANCELLED
    assert incident.cancel_reason == "raised twice"
    assert incident.closed_at == LATER
    assert incident.hold_reason is None


# --- holds -----------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", list(HoldReason))
def test_on_hold_always_carries_one_of_the_four_reasons(reason):
    incident = incident_in(State.IN_PROGRESS)

    incident.hold(reason.value, note="waiting", actor="ana", at=LATER)

    assert incident.state is State.ON_HOLD
    assert incident.hold_reason is reason
    assert {r.value for r in HoldReason} == {
        "awaiting_caller",
        "awaiting_vendor",
        "awaiting_problem",
        "awaiting_change",
    }


@pytest.mark.parametrize("reason", ["lunch", "", None, "AWAITING_VENDOR"])
def test_an_unknown_hold_reason_is_refused(reason):
    incident = incident_in(State.IN_PROGRESS)
    # Fail to put an incident on hold for a reason the desk does not know.
    with pytest.raises(InvalidValueError) as caught:
        incident.hold(reason, actor="ana", at=LATER)
    assert caught.value.field == "hold reason"
    assert incident.state is State.IN_PROGRESS
    assert incident.hold_reason is None


@pytest.mark.parametrize(
    "leave_hold",
    [
        lambda i: i.resume(actor="ana", at=LATER),
        lambda i: i.resolve("fixed", actor="ana", at=LATER),
        lambda i: i.cancel("not needed", actor="ana", at=LATER),
    ],
    ids=["resume", "resolve", "cancel"],
)
def test_leaving_on_hold_clears_the_hold_reason(leave_hold):
    incident = incident_in(State.ON_HOLD)
    assert incident.hold_reason is HoldReason.AWAITING_VENDOR

    leave_hold(incident)

    assert incident.hold_reason is None


def test_the_transition_is_checked_before_the_hold_reason():
    incident = incident_in(State.NEW)
    # Fail to hold a new incident, whatever the reason given.
    with pytest.raises(IllegalTransitionError):
        incident.hold("lunch", actor="ana", at=LATER)


# --- assignment ------------------------------------------------------------------------------


def test_the_first_assignment_is_not_a_reassignment_but_every_hop_after_it_is():
    incident = open_incident()

    assert incident.assign("network", None, actor="ana", at=LATER) is True
    assert (incident.assignment_group, incident.assignee) == ("network", None)
    assert incident.reassignment_count == 0

    # An agent of the group picks it up: not a hop.
    assert incident.assign(None, "bob", actor="ana", at=LATER) is True
    assert (incident.assignment_group, incident.assignee) == ("network", "bob")
    assert incident.reassignment_count == 0

    # From one agent to another: a hop.
    assert incident.assign(None, "eve", actor="ana", at=LATER) is True
    assert incident.reassignment_count == 1

    # To another group: a hop.
    assert incident.assign("servers", None, actor="ana", at=LATER) is True
    assert (incident.assignment_group, incident.assignee) == ("servers", None)
    assert incident.reassignment_count == 2


def test_assigning_to_whom_it_already_is_records_nothing():
    incident = open_incident()
    incident.assign("network", "bob", actor="ana", at=LATER)
    version = incident.version

    assert incident.assign("network", "bob", actor="ana", at=LATER) is False
    assert incident.assign(None, "bob", actor="ana", at=LATER) is False
    assert incident.version == version
    assert incident.reassignment_count == 0


def test_an_assignment_names_a_group_or_an_agent():
    incident = open_incident()
    # Fail to assign to nobody.
    with pytest.raises(InvalidValueError):
        incident.assign(None, "  ", actor="ana", at=LATER)
    assert incident.version == 1


def test_only_open_incidents_can_be_assigned():
    incident = incident_in(State.RESOLVED)
    # Fail to assign a resolved incident.
    with pytest.raises(IncidentClosedError) as caught:
        incident.assign("network", None, actor="ana", at=LATER)
    assert caught.value.details == {
        "incident": "INC0000001",
        "action": "assign",
        "state": "resolved",
    }


# --- priority and major incidents --------------------------------------------------------


@pytest.mark.parametrize("state", sorted(OPEN_STATES))
def test_an_open_p1_can_be_declared_a_major_incident_once(state):
    incident = incident_in(state, impact=1, urgency=1, priority=1)

    incident.declare_major(actor="ana", at=LATER)
    assert incident.major is True

    # Fail to declare it major a second time.
    with pytest.raises(MajorIncidentError):
        incident.declare_major(actor="ana", at=LATER)


def test_only_a_p1_can_be_a_major_incident():
    incident = open_incident(impact=1, urgency=2, priority=2)
    # Fail to declare a P2 a major incident.
    with pytest.raises(MajorIncidentError) as caught:
        incident.declare_major(actor="ana", at=LATER)
    assert caught.value.details == {"incident": "INC0000001", "priority": 2}
    assert incident.major is False


def test_a_resolved_p1_cannot_be_declared_major():
    incident = incident_in(State.RESOLVED, impact=1, urgency=1, priority=1)
    # Fail to declare a resolved incident major.
    with pytest.raises(IncidentClosedError):
        incident.declare_major(actor="ana", at=LATER)


def test_reprioritising_away_from_p1_ends_the_major_incident_but_staying_p1_keeps_it():
    incident = open_incident(impact=1, urgency=1, priority=1)
    incident.declare_major(actor="ana", at=LATER)

    incident.reprioritise(impact=1, urgency=1, priority=1, actor="ana", at=LATER)
    assert incident.major is True

    incident.reprioritise(impact=2, urgency=1, priority=2, actor="ana", at=LATER)
    assert (incident.impact, incident.urgency, incident.priority) == (2, 1, 2)
    assert incident.major is False


def test_only_open_incidents_can_be_reprioritised():
    incident = incident_in(State.RESOLVED)
    # Fail to reprioritise a resolved incident.
    with pytest.raises(IncidentClosedError):
        incident.reprioritise(impact=1, urgency=1, priority=1, actor="ana", at=LATER)
    assert incident.priority == 3


def test_the_aggregate_refuses_a_reprioritisation_out_of_range():
    incident = open_incident()
    # Fail to reprioritise to impact 7, priority 0.
    with pytest.raises(InvalidValueError):
        incident.reprioritise(impact=7, urgency=1, priority=0, actor="ana", at=LATER)


# --- comments, categories, problems ----------------------------------------------------------


def test_comments_and_work_notes_are_kept_in_order_until_the_incident_is_final():
    incident = incident_in(State.RESOLVED)

    incident.add_comment("Restarted it for you", public=True, actor="bob", at=AT)
    incident.add_comment("  root cause is the cron job ", public=False, actor="bob", at=LATER)

    assert [(m.at, m.actor, m.text, m.public, m.author_kind) for m in incident.comments] == [
        (AT, "bob", "Restarted it for you", True, AuthorKind.AGENT),
        (LATER, "bob", "root cause is the cron job", False, AuthorKind.AGENT),
    ]
    # Fail to add an empty comment.
    with pytest.raises(InvalidValueError):
        incident.add_comment(" ", public=True, actor="bob", at=LATER)

    incident.close(actor="ana", at=LATER)
    # Fail to comment on a closed incident.
    with pytest.raises(IncidentClosedError):
        incident.add_comment("one more thing", public=True, actor="alice", at=LATER)
    assert len(incident.comments) == 2


def test_categorising_sets_all_three_fields_while_open():
    incident = open_incident(category="hardware")
    incident.categorise(
        category=" network ",
        subcategory="vpn",
        configuration_item="vpn-gw-01",
        actor="ana",
        at=LATER,
    )
    assert (incident.category, incident.subcategory, incident.configuration_item) == (
        "network",
        "vpn",
        "vpn-gw-01",
    )
    incident.resolve("fixed", actor="ana", at=LATER)
    # Fail to categorise a resolved incident.
    with pytest.raises(IncidentClosedError):
        incident.categorise(
            category="x", subcategory=None, configuration_item=None, actor="ana", at=LATER
        )


def test_a_problem_can_be_linked_until_the_incident_is_final():
    incident = incident_in(State.RESOLVED)
    incident.link_problem(" PRB0000012 ", actor="ana", at=LATER)
    assert incident.problem == "PRB0000012"
    # Fail to link an empty problem reference.
    with pytest.raises(InvalidValueError):
        incident.link_problem("", actor="ana", at=LATER)
    incident.close(actor="ana", at=LATER)
    # Fail to link a problem to a closed incident.
    with pytest.raises(IncidentClosedError):
        incident.link_problem("PRB0000013", actor="ana", at=LATER)
    assert incident.problem == "PRB0000012"


# --- parents and children --------------------------------------------------------------------


def test_linking_a_child_records_an_event_on_both_incidents():
    parent, child = open_incident(1), open_incident(2)
    parent.collect_events()
    child.collect_events()

    child.link_parent(parent, actor="ana", at=LATER)

    assert child.parent_number == "INC0000001"
    assert child.parent_id == parent.id
    assert parent.child_numbers == ("INC0000002",)
    assert [type(e).__name__ for e in child.collect_events()] == ["ParentLinked"]
    assert [type(e).__name__ for e in parent.collect_events()] == ["ChildLinked"]

    another = open_incident(3)
    another.link_parent(parent, actor="ana", at=LATER)
    assert parent.child_numbers == ("INC0000002", "INC0000003")


def test_an_incident_cannot_be_its_own_parent():
    incident = open_incident(1)
    same = open_incident(1)
    # Fail to make an incident its own parent.
    with pytest.raises(IncidentLinkError):
        incident.link_parent(same, actor="ana", at=LATER)
    assert incident.parent_number is None


@pytest.mark.parametrize("parent_state", [State.RESOLVED, State.CLOSED, State.CANCELLED])
def test_the_parent_must_be_open(parent_state):
    parent = incident_in(parent_state, sequence=1)
    child = open_incident(2)
    # Fail to link to a parent that is no longer open.
    with pytest.raises(IncidentLinkError) as caught:
        child.link_parent(parent, actor="ana", at=LATER)
    assert caught.value.details == {"incident": "INC0000002", "parent": "INC0000001"}
    assert child.parent_number is None
    assert parent.child_numbers == ()


def test_the_child_must_be_open():
    parent = open_incident(1)
    child = incident_in(State.RESOLVED, sequence=2)
    # Fail to give a resolved incident a parent.
    with pytest.raises(IncidentClosedError):
        child.link_parent(parent, actor="ana", at=LATER)
    assert parent.child_numbers == ()


def test_links_are_one_level_deep_and_a_child_has_one_parent():
    grandparent, parent, child = open_incident(1), open_incident(2), open_incident(3)
    parent.link_parent(grandparent, actor="ana", at=LATER)

    # Fail to link under an incident that is itself a child.
    with pytest.raises(IncidentLinkError):
        child.link_parent(parent, actor="ana", at=LATER)

    # Fail to make a parent (which has children) the child of another incident.
    with pytest.raises(IncidentLinkError):
        grandparent.link_parent(child, actor="ana", at=LATER)

    # Fail to give a child a second parent.
    with pytest.raises(IncidentLinkError) as caught:
        parent.link_parent(child, actor="ana", at=LATER)
    assert caught.value.details["parent"] == "INC0000001"

    assert grandparent.child_numbers == ("INC0000002",)
    assert child.parent_number is None
    assert child.child_numbers == ()


# --- replay ----------------------------------------------------------------------------------


def test_replaying_the_events_rebuilds_the_same_incident():
    incident = open_incident(7, impact=1, urgency=1, priority=1, caller="alice")
    parent = open_incident(3)
    incident.assign("network", "bob", actor="ana", at=LATER)
    incident.start(actor="bob", at=LATER)
    incident.declare_major(actor="bob", at=LATER)
    incident.hold("awaiting_vendor", note="RMA", actor="bob", at=LATER)
    incident.add_comment("waiting on the vendor", public=True, actor="bob", at=LATER)
    incident.resume(actor="bob", at=LATER)
    incident.link_parent(parent, actor="bob", at=LATER)
    incident.reprioritise(impact=2, urgency=2, priority=3, actor="bob", at=LATER)
    incident.resolve("fixed", "new disk", actor="bob", at=LATER)
    incident.reopen("again", actor="alice", at=LATER)
    incident.resolve("fixed", "new controller", actor="bob", at=LATER)
    incident.close(actor="ana", at=LATER)

    events = incident.collect_events()

    assert [e.originator_version for e in events] == list(range(1, 14))
    copy = replayed(incident, events)
    assert copy == incident
    assert copy.state is State.CLOSED
    assert copy.reopen_count == 1
