"""Work items follow what is done to their incidents, on every store.

Who an incident may be handed to (only a team or an agent that serves its
tenant, or a specialist), what a hand-over does to the routing queue and to
the agents' capacity, and how escalation, a new priority and reopening move
an incident's work item.
"""

from __future__ import annotations

import pytest
from eventdesk import InvalidValueError
from eventdesk.tenancy import AccessDeniedError, Actor
from eventdesk.tenancy.work import AccessRefused
from eventsourcing.utils import get_topic

ANA, BOB, CY, NED = (Actor.agent(name) for name in ("ana", "bob", "cy", "ned"))
CARLA = Actor.tenant_user("carla@acme", "acme")
# For each tenant, an agent of its own who may assign its incidents.
OWN_AGENT = {"acme": ANA, "globex": BOB, "initech": CY}


def stored_since(desk, position: int) -> list[str]:
    return [n.topic for n in desk.recorder.select_notifications(start=position + 1, limit=100)]


def queued(desk) -> list[tuple[str, str | None]]:
    """The waiting incidents in routing order, each with the group it waits for."""
    return [(e.incident, e.group) for e in desk.tenancy.queue()]


def routed(desk) -> list[tuple[str, str | None, str | None]]:
    """One routing pass: (incident, agent, team) of each decision."""
    return [(d.incident, d.agent, d.team) for d in desk.tenancy.route()]


# --- who an incident may be handed to ---------------------------------------------


@pytest.mark.parametrize(
    "assignment",
    [{"assignee": "ana"}, {"assignment_group": "acme-team"}],
    ids=["an agent", "a group"],
)
def test_a_tenant_user_may_not_assign_the_incident_it_opens(directory, assignment):
    desk = directory
    position = desk.recorder.max_notification_id() or 0

    # Fail to open an incident already assigned: a tenant user does not assign.
    with pytest.raises(AccessDeniedError) as refused:
        desk.open_incident("Printer", impact=3, urgency=3, actor=CARLA, **assignment)

    assert refused.value.details["action"] == "assign"
    assert stored_since(desk, position) == [get_topic(AccessRefused.Recorded)]
    assert desk.list_incidents().total == 0
    refusal = desk.tenancy.refusals()[-1]
    assert (refusal.actor, refusal.action, refusal.tenant) == ("carla@acme", "assign", "acme")
    assert refusal.reason == "a tenant user may not assign incidents"
    # Opening it unassigned is the tenant user's to do.
    assert desk.open_incident("Printer", impact=3, urgency=3, actor=CARLA).tenant == "acme"


NOT_SERVING = [
    # tenant, group, assignee, the field refused
    ("acme", "pool", None, "assignment group"),  # a dedicated tenant: not the shared pool
    ("acme", None, "cy", "assignee"),  # nor a pool agent
    ("acme", "pool", "cy", "assignment group"),
    ("acme", " pool ", " cy ", "assignment group"),  # the names as the incident stores them
    ("acme", "globex-team", None, "assignment group"),  # nor another tenant's dedicated team
    ("acme", "globex-team", "bob", "assignment group"),
    ("acme", "acme-team", "cy", "assignee"),  # its own team, but not one of its agents
    ("initech", "globex-team", None, "assignment group"),  # a shared tenant: not globex's team
    ("initech", None, "bob", "assignee"),
    ("globex", None, "ana", "assignee"),  # a hybrid tenant: not acme's agent
]
NOT_SERVING_IDS = [f"{t}:{g or '-'}/{a or '-'}".replace(" ", "_") for t, g, a, _ in NOT_SERVING]


@pytest.mark.parametrize(("tenant", "group", "assignee", "field"), NOT_SERVING, ids=NOT_SERVING_IDS)
def test_an_incident_is_not_opened_for_a_team_or_agent_that_does_not_serve_its_tenant(
    directory, tenant, group, assignee, field
):
    desk = directory
    position = desk.recorder.max_notification_id() or 0

    # Fail to open it for them, even as the tenant's own agent.
    with pytest.raises(InvalidValueError) as invalid:
        desk.open_incident(
            "Printer",
            impact=3,
            urgency=3,
            tenant=tenant,
            assignment_group=group,
            assignee=assignee,
            actor=OWN_AGENT[tenant],
        )

    assert invalid.value.field == field
    assert stored_since(desk, position) == []
    assert desk.list_incidents().total == 0


@pytest.mark.parametrize(("tenant", "group", "assignee", "field"), NOT_SERVING, ids=NOT_SERVING_IDS)
def test_an_incident_is_not_assigned_to_a_team_or_agent_that_does_not_serve_its_tenant(
    directory, tenant, group, assignee, field
):
    desk = directory
    number = desk.open_incident("Printer", impact=3, urgency=3, tenant=tenant).number
    (decision,) = desk.tenancy.route()
    before = desk.get_incident(number)
    load = desk.tenancy.agent(decision.agent).load

    # Fail to hand it over to them, even as the tenant's own agent.
    with pytest.raises(InvalidValueError) as invalid:
        desk.assign(number, group, assignee, actor=OWN_AGENT[tenant])

    assert invalid.value.field == field
    assert desk.get_incident(number) == before
    assert desk.tenancy.agent(decision.agent).load == load
    assert desk.tenancy.queue() == []


def test_an_incident_may_go_to_its_tenants_teams_and_to_specialists(directory):
    desk = directory
    # The specialists, from the start...
    opened = desk.open_incident(
        "Switch down",
        impact=2,
        urgency=2,
        tenant="acme",
        assignment_group="net-ops",
        assignee="ned",
        actor=ANA,
    )
    assert (opened.assignment_group, opened.assignee) == ("net-ops", "ned")
    # ...or later, by naming the group, or only the agent once the group is theirs.
    by_hand = desk.open_incident("Router", impact=2, urgency=2, tenant="acme").number
    desk.assign(by_hand, "net-ops", "ned", actor=ANA)
    escalated = desk.open_incident("Firewall", impact=2, urgency=2, tenant="acme").number
    desk.escalate(escalated, "net-ops", actor=ANA)
    picked = desk.assign(escalated, None, "ned", actor=ANA)
    assert (picked.assignment_group, picked.assignee) == ("net-ops", "ned")
    # A tenant's own team and agents; the pool for tenants the pool serves.
    acme = desk.open_incident("Printer", impact=3, urgency=3, tenant="acme").number
    assert desk.assign(acme, "acme-team", "ana", actor=ANA).assignee == "ana"
    globex = desk.open_incident("VPN", impact=3, urgency=3, tenant="globex").number
    assert desk.assign(globex, "pool", "cy", actor=BOB).assignee == "cy"
    initech = desk.open_incident("Password", impact=3, urgency=3, tenant="initech").number
    assert desk.assign(initech, "pool", "dee", actor=CY).assignee == "dee"
    assert desk.tenancy.refusals() == []


def test_an_administrator_may_make_an_exception(directory):
    desk = directory
    number = desk.open_incident("Printer", impact=3, urgency=3, tenant="acme").number
    with pytest.raises(InvalidValueError):
        desk.assign(number, "pool", "cy", actor=ANA)

    assigned = desk.assign(number, "pool", "cy", actor=Actor.administrator("root"))

    assert (assigned.assignment_group, assigned.assignee) == ("pool", "cy")
    entry = desk.history(number)[-1]
    assert (entry.type, entry.actor) == ("Assigned", "root")


# --- what a hand-over does to the queue ----------------------------------------------


def test_a_routed_incident_handed_to_a_specialist_group_alone_waits_for_its_agents(directory):
    desk = directory
    number = desk.open_incident("Switch", impact=2, urgency=2, tenant="acme").number
    assert routed(desk) == [(number, "ana", "acme-team")]

    handed = desk.assign(number, "net-ops", actor=ANA)

    assert (handed.assignment_group, handed.assignee) == ("net-ops", None)
    assert desk.tenancy.agent("ana").load == {}  # ana's capacity is hers again
    assert queued(desk) == [(number, "net-ops")]
    assert routed(desk) == [(number, "ned", "net-ops")]
    incident = desk.get_incident(number)
    assert (incident.assignment_group, incident.assignee) == ("net-ops", "ned")
    assert incident.reassignment_count == 1  # ned picking it up is no further hop
    assert desk.tenancy.agent("ned").load == {"email": 1}


def test_a_routed_incident_handed_back_to_its_team_goes_to_the_teams_next_agent(directory, clock):
    desk = directory
    desk.tenancy.register_agent("al", teams=["acme-team"])
    clock.advance(minutes=1)
    desk.tenancy.set_presence("al", "available")  # idle for less time than ana
    clock.advance(minutes=1)
    number = desk.open_incident("Printer", impact=2, urgency=2, tenant="acme").number
    assert routed(desk) == [(number, "ana", "acme-team")]
    clock.advance(minutes=1)

    desk.assign(number, "acme-team", actor=ANA)  # to the team, not to ana

    assert desk.tenancy.agent("ana").load == {}
    assert queued(desk) == [(number, None)]
    assert routed(desk) == [(number, "al", "acme-team")]  # now the longest idle
    assert desk.tenancy.agent("al").load == {"email": 1}
    assert desk.tenancy.agent("ana").load == {}


def test_a_waiting_incident_handed_to_a_specialist_group_waits_for_its_agents(directory):
    desk = directory
    desk.tenancy.set_presence("ana", "away")
    number = desk.open_incident("Switch", impact=2, urgency=2, tenant="acme").number
    assert queued(desk) == [(number, None)]
    desk.tenancy.set_presence("ana", "available")

    desk.assign(number, "net-ops", actor=ANA)

    assert queued(desk) == [(number, "net-ops")]
    # Not given back to acme's team by the router.
    assert routed(desk) == [(number, "ned", "net-ops")]
    assert desk.get_incident(number).assignment_group == "net-ops"


def test_escalating_an_incident_opened_with_an_assignee_queues_it_for_the_specialists(
    directory,
):
    desk = directory
    number = desk.open_incident(
        "Switch", impact=2, urgency=2, tenant="acme", assignee="ana", actor=ANA
    ).number
    assert desk.tenancy.queue() == []  # it had an agent: it never waited

    escalated = desk.escalate(number, "net-ops", actor=ANA)

    assert (escalated.assignment_group, escalated.assignee) == ("net-ops", None)
    assert queued(desk) == [(number, "net-ops")]
    assert routed(desk) == [(number, "ned", "net-ops")]
    assert desk.get_incident(number).assignee == "ned"
    assert desk.tenancy.agent("ned").load == {"email": 1}


# --- priority and reopening --------------------------------------------------------


def reprioritised_behind_an_older_one(desk, clock) -> tuple[str, str]:
    """Two of acme's incidents waiting (ana away), the younger one raised to P1."""
    desk.tenancy.set_presence("ana", "away")
    older = desk.open_incident("Toner low", impact=3, urgency=3, tenant="acme").number
    clock.advance(minutes=10)
    younger = desk.open_incident("Printer on fire", impact=3, urgency=3, tenant="acme").number
    assert [e.incident for e in desk.tenancy.queue()] == [older, younger]

    assert desk.reprioritise(younger, impact=1, urgency=1, actor=ANA).priority == 1
    return older, younger


def test_a_reprioritised_incident_takes_its_new_place_in_the_queue(directory, clock):
    desk = directory
    older, younger = reprioritised_behind_an_older_one(desk, clock)

    assert [(e.incident, e.priority) for e in desk.tenancy.queue()] == [(younger, 1), (older, 5)]
    desk.tenancy.update_agent("ana", capacity={"email": 1})
    desk.tenancy.set_presence("ana", "available")
    # The P1 is routed first, though the P5 waited longer.
    assert [(d.incident, d.agent) for d in desk.tenancy.route()] == [
        (younger, "ana"),
        (older, None),
    ]


def test_a_desk_opened_later_sees_the_new_priority_in_the_queue(directory, clock, another_desk):
    desk = directory
    older, younger = reprioritised_behind_an_older_one(desk, clock)

    later = another_desk()

    assert [(e.incident, e.priority) for e in later.tenancy.queue()] == [
        (younger, 1),
        (older, 5),
    ]


def resolved_after_ana_had_it(desk, clock) -> str:
    """acme's incident routed to ana, then resolved, while al (acme's other agent)
    has been idle for longer than ana."""
    desk.tenancy.register_agent("al", teams=["acme-team"])
    clock.advance(minutes=1)
    desk.tenancy.set_presence("al", "available")
    clock.advance(minutes=1)
    number = desk.open_incident("Printer jam", impact=2, urgency=2, tenant="acme").number
    assert routed(desk) == [(number, "ana", "acme-team")]
    clock.advance(minutes=30)
    desk.resolve(number, "fixed", actor=ANA)
    assert desk.tenancy.agent("ana").load == {}
    return number


def test_a_reopened_incident_goes_back_to_the_agent_who_had_it(directory, clock):
    desk = directory
    number = resolved_after_ana_had_it(desk, clock)

    reopened = desk.reopen(number, "jammed again", actor=CARLA)

    assert (reopened.assignee, reopened.assignment_group) == ("ana", "acme-team")
    assert reopened.reassignment_count == 0  # back to its owner: no hop
    assert desk.tenancy.agent("ana").load == {"email": 1}  # her load again
    assert desk.tenancy.agent("al").load == {}  # not the longest idle's
    assert desk.tenancy.queue() == []
    assert desk.tenancy.route() == []
    assert desk.history(number)[-1].type == "Reopened"  # not reassigned by the router


def test_a_desk_opened_later_sees_a_reopened_incident_back_with_its_agent(
    directory, clock, another_desk
):
    desk = directory
    number = resolved_after_ana_had_it(desk, clock)
    desk.reopen(number, "jammed again")

    later = another_desk()

    assert later.tenancy.queue() == []
    assert later.tenancy.agent("ana").load == {"email": 1}
    assert later.tenancy.route() == []
    # Resolved again, ana's capacity is freed in both.
    desk.resolve(number, "fixed for good")
    assert later.tenancy.agent("ana").load == {}
    assert desk.tenancy.agent("ana").load == {}


def test_an_incident_opened_for_a_specialist_group_waits_for_that_group(directory):
    desk = directory
    number = desk.open_incident(
        "Switch port flapping", impact=2, urgency=2, tenant="acme", assignment_group="net-ops"
    ).number
    routed = {d.incident: (d.agent, d.team) for d in desk.tenancy.route()}
    assert routed[number] == ("ned", "net-ops")


def test_a_hybrid_tenants_incident_handed_to_the_pool_stays_with_the_pool(directory, clock):
    desk = directory
    number = desk.open_incident("Tills slow", impact=2, urgency=2, tenant="globex").number
    first = {d.incident: d.team for d in desk.tenancy.route()}
    assert first[number] == "globex-team"  # business hours: the dedicated team
    desk.assign(number, "pool")  # the team is swamped: a lead hands it to the pool
    routed = {d.incident: (d.team, d.reason) for d in desk.tenancy.route()}
    assert routed[number][0] == "pool"
    assert routed[number][1].startswith("handed to team pool")
