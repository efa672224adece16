"""desk.tenancy on every store: the directory, routing as events, escalation, cost, advice."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from eventdesk import EventDeskError, InvalidValueError
from eventdesk.tenancy import AccessDeniedError, Actor
from eventdesk.tenancy.service import DuplicateNameError, UnknownNameError
from eventdesk.tenancy.work import WorkItem
from eventsourcing.utils import get_topic

from .conftest import FEE, GLOBEX_RATE, INITECH_RATE, build_directory

LOW_MATRIX = {1: {1: 2, 2: 3, 3: 4}, 2: {1: 3, 2: 4, 3: 5}, 3: {1: 4, 2: 5, 3: 5}}


def work_item_events(desk, number: str) -> list[tuple[str, dict]]:
    """The routing events of an incident's work item: (type, data) in order."""
    item = desk.tenancy.work_item(number)
    return [
        (type(e).__name__, {k: v for k, v in vars(e).items() if k in ("agent", "reason", "group")})
        for e in desk.repository.event_store.get(item.id)
    ]


# --- the directory -------------------------------------------------------------


def test_tenants_are_registered_updated_and_listed(desk):
    acme = desk.tenancy.register_tenant(
        "acme", model="Dedicated", service_manager="sofia", monthly_fee="4000.5"
    )
    desk.tenancy.register_tenant("globex", model="hybrid", service_manager="sofia", weight=3)

    assert (acme.name, acme.model, acme.monthly_fee, acme.weight, acme.version) == (
        "acme",
        "dedicated",
        4000.5,
        1,
        1,
    )
    assert acme.overflow_wait_minutes == 30
    updated = desk.tenancy.update_tenant("acme", model="hybrid", hourly_rate=65)
    assert (updated.model, updated.hourly_rate, updated.version) == ("hybrid", 65.0, 2)
    # An update that changes nothing stores nothing.
    assert desk.tenancy.update_tenant("acme", model="hybrid").version == 2
    assert [t.name for t in desk.tenancy.tenants()] == ["acme", "globex"]
    assert desk.tenancy.tenant("globex").weight == 3


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"name": "  "}, "tenant"),
        ({"model": "premium"}, "service model"),
        ({"service_manager": ""}, "customer service manager"),
        ({"hourly_rate": -1}, "hourly rate"),
        ({"monthly_fee": "lots"}, "monthly fee per dedicated resource"),
        ({"overflow_wait_minutes": -5}, "overflow wait"),
        ({"overflow_wait_minutes": 2.5}, "overflow wait"),
        ({"weight": 0}, "weight"),
        ({"weight": True}, "weight"),
        ({"colour": "blue"}, "tenant setting"),
        ({"category_groups": ["network"]}, "category groups"),
        ({"priority_matrix": {4: {1: 1}}}, "impact"),
    ],
)
def test_an_invalid_tenant_is_refused_naming_the_field(desk, settings, field):
    arguments = {"name": "acme", "model": "dedicated", "service_manager": "sofia", **settings}
    name = arguments.pop("name")

    # Fail to register it.
    with pytest.raises(InvalidValueError) as invalid:
        desk.tenancy.register_tenant(name, **arguments)

    assert invalid.value.field == field
    assert desk.tenancy.tenants() == []


def test_a_tenant_update_is_checked_like_a_registration(desk):
    desk.tenancy.register_tenant("acme", model="dedicated", service_manager="sofia")
    # Fail to update it with a bad value, or one it does not have, or a tenant that is not there.
    with pytest.raises(InvalidValueError) as invalid:
        desk.tenancy.update_tenant("acme", weight=101)
    assert invalid.value.field == "weight"
    with pytest.raises(InvalidValueError):
        desk.tenancy.update_tenant("acme", colour="blue")
    with pytest.raises(EventDeskError, match="no calendar named 'nights'"):
        desk.tenancy.update_tenant("acme", calendar="nights")
    with pytest.raises(UnknownNameError) as unknown:
        desk.tenancy.update_tenant("hooli", weight=2)
    assert unknown.value.details == {"kind": "tenant", "name": "hooli"}
    assert desk.tenancy.tenant("acme").version == 1


def test_a_name_is_registered_once(desk):
    build_directory(desk)
    # Fail to register a tenant, a team or an agent a second time.
    with pytest.raises(DuplicateNameError) as duplicate:
        desk.tenancy.register_tenant("acme", model="shared", service_manager="tom")
    assert duplicate.value.details == {"kind": "tenant", "name": "acme"}
    with pytest.raises(DuplicateNameError):
        desk.tenancy.form_team("pool", kind="shared")
    with pytest.raises(DuplicateNameError):
        desk.tenancy.register_agent("ana", teams=["pool"])
    assert desk.tenancy.tenant("acme").model == "dedicated"
    assert desk.tenancy.agent("ana").teams == ("acme-team",)


def test_teams_are_formed_updated_and_listed_with_their_members(desk):
    build_directory(desk)
    team = desk.tenancy.update_team(
        "acme-team", supervisors={"shift manager": "sam", "director": "dora"}
    )
    assert team.supervisors == {"shift_manager": "sam", "director": "dora"}
    assert (team.kind, team.tenant, team.calendar, team.members) == (
        "dedicated",
        "acme",
        "office-hours",
        ("ana",),
    )
    assert team.version == 2
    assert desk.tenancy.tenant("acme").teams == ("acme-team",)
    assert desk.tenancy.team("net-ops").skill_area == "network"
    assert [t.name for t in desk.tenancy.teams()] == ["acme-team", "globex-team", "net-ops", "pool"]
    assert desk.tenancy.team("pool").members == ("cy", "dee")


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"kind": "squad"}, "team kind"),
        ({"kind": "dedicated"}, "tenant"),
        ({"kind": "shared", "tenant": "acme"}, "tenant"),
        ({"kind": "specialist"}, "skill area"),
        ({"kind": "shared", "supervisors": {"captain": "cap"}}, "supervisor role"),
        ({"kind": "shared", "supervisors": {"director": " "}}, "director"),
    ],
)
def test_an_invalid_team_is_refused_naming_the_field(desk, arguments, field):
    build_directory(desk)
    with pytest.raises(InvalidValueError) as invalid:
        desk.tenancy.form_team("night-shift", **arguments)
    assert invalid.value.field == field
    with pytest.raises(UnknownNameError):
        desk.tenancy.team("night-shift")


def test_a_team_for_an_unknown_tenant_or_calendar_is_refused(desk):
    # Fail to form a team for a tenant, or on a calendar, that is not there.
    with pytest.raises(UnknownNameError) as unknown:
        desk.tenancy.form_team("hooli-team", kind="dedicated", tenant="hooli")
    assert unknown.value.details == {"kind": "tenant", "name": "hooli"}
    with pytest.raises(EventDeskError, match="no calendar named 'nights'"):
        desk.tenancy.form_team("night-shift", kind="shared", calendar="nights")
    with pytest.raises(UnknownNameError):
        desk.tenancy.update_team("night-shift", calendar="24x7")
    assert desk.tenancy.teams() == []


def test_agents_are_registered_updated_and_listed(desk):
    build_directory(desk)
    al = desk.tenancy.register_agent(
        "al",
        teams=["acme-team", "pool"],
        skills=["SAP", "network"],
        languages=["EN", "de"],
        location="on-site",
        capacity={"voice": 2},
    )
    assert (al.skills, al.languages, al.location, al.presence) == (
        ("network", "sap"),
        ("de", "en"),
        "on_site",
        "offline",
    )
    assert al.capacity == {"voice": 2, "chat": 3, "email": 8, "other": 5}
    updated = desk.tenancy.update_agent("al", teams=["pool"], capacity={"chat": 1})
    assert (updated.teams, updated.capacity["chat"], updated.capacity["voice"]) == (
        ("pool",),
        1,
        2,
    )
    assert desk.tenancy.set_presence("al", "Available").presence == "available"
    assert [a.name for a in desk.tenancy.agents(team="pool")] == ["al", "cy", "dee"]
    assert desk.tenancy.team("acme-team").members == ("ana",)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"teams": []}, "teams"),
        ({"teams": ["pool"], "location": "moon"}, "location"),
        ({"teams": ["pool"], "capacity": {"voice": 101}}, "capacity for voice"),
        ({"teams": ["pool"], "capacity": {"chat": "many"}}, "capacity for chat"),
        ({"teams": ["pool"], "capacity": {"chat": True}}, "capacity for chat"),
        ({"teams": ["pool"], "skills": [""]}, "skill"),
    ],
)
def test_an_invalid_agent_is_refused_naming_the_field(desk, arguments, field):
    build_directory(desk)
    with pytest.raises(InvalidValueError) as invalid:
        desk.tenancy.register_agent("al", **arguments)
    assert invalid.value.field == field
    with pytest.raises(UnknownNameError):
        desk.tenancy.agent("al")


def test_an_agent_in_an_unknown_team_or_an_unknown_agent_is_refused(desk):
    build_directory(desk)
    with pytest.raises(UnknownNameError) as unknown:
        desk.tenancy.register_agent("al", teams=["night-shift"])
    assert unknown.value.details == {"kind": "team", "name": "night-shift"}
    with pytest.raises(UnknownNameError):
        desk.tenancy.update_agent("ana", teams=["night-shift"])
    with pytest.raises(UnknownNameError):
        desk.tenancy.set_presence("al", "available")
    with pytest.raises(InvalidValueError) as invalid:
        desk.tenancy.set_presence("ana", "sleeping")
    assert invalid.value.field == "presence"
    assert desk.tenancy.agent("ana").teams == ("acme-team",)


# --- routing -------------------------------------------------------------------


def test_routing_decisions_are_stored_as_events_with_their_reasons(directory, clock):
    desk = directory
    printer = desk.open_incident("Printer jam", impact=2, urgency=2, tenant="acme").number
    desk.tenancy.set_presence("cy", "away")
    desk.tenancy.set_presence("dee", "away")
    password = desk.open_incident("Password", impact=3, urgency=3, tenant="initech").number

    decisions = {d.incident: d for d in desk.tenancy.route()}
    desk.tenancy.route()  # the same reason to wait is not stored twice

    assert (decisions[printer].agent, decisions[printer].team) == ("ana", "acme-team")
    assert decisions[password].agent is None
    assert work_item_events(desk, printer) == [
        ("Queued", {"group": None}),
        ("Routed", {"agent": "ana", "reason": decisions[printer].reason}),
    ]
    assert decisions[printer].reason.startswith("the dedicated team is on shift")
    assert work_item_events(desk, password) == [
        ("Queued", {"group": None}),
        ("Waiting", {"reason": "no available agent with email capacity in pool"}),
    ]
    assigned = desk.history(printer)[-1]
    assert (assigned.type, assigned.actor, assigned.at) == ("Assigned", "router", clock.now())
    assert assigned.changes["assignee"] == (None, "ana")
    assert desk.get_incident(printer).assignment_group == "acme-team"
    assert desk.tenancy.agent("ana").load == {"email": 1}
    assert [e.incident for e in desk.tenancy.queue()] == [password]

    topics = {get_topic(WorkItem.Routed), get_topic(WorkItem.Waiting)}
    stored = desk.recorder.select_notifications(start=1, limit=1000, topics=sorted(topics))
    assert len(stored) == 2


def test_an_incident_opened_with_an_assignee_does_not_wait_in_the_queue(directory):
    desk = directory
    desk.open_incident("Printer jam", impact=2, urgency=2, tenant="acme", assignee="ana")
    assert desk.tenancy.queue() == []
    assert desk.tenancy.route() == []


def test_another_process_sees_the_same_directory_and_queue(directory, another_desk):
    desk = directory
    number = desk.open_incident("Printer jam", impact=2, urgency=2, tenant="acme").number
    other = another_desk()

    assert [t.name for t in other.tenancy.tenants()] == ["acme", "globex", "initech"]
    assert other.tenancy.agent("ana").presence == "available"
    assert [e.incident for e in other.tenancy.queue()] == [number]

    # A change made in one process is seen by the other.
    desk.tenancy.set_presence("ana", "busy")
    assert other.tenancy.route()[0].agent is None
    desk.tenancy.set_presence("ana", "available")
    (decision,) = other.tenancy.route()
    assert decision.agent == "ana"
    assert desk.tenancy.queue() == []
    assert desk.tenancy.agent("ana").load == {"email": 1}
    assert desk.get_incident(number).assignee == "ana"
    assert desk.tenancy.route() == []  # nothing is routed twice

    with pytest.raises(AccessDeniedError):
        other.start(number, actor=Actor.agent("bob"))
    assert [r.actor for r in desk.tenancy.refusals()] == ["bob"]


def test_escalation_by_category_map_is_a_reassignment_and_requeues_to_the_specialists(
    directory,
):
    desk = directory
    number = desk.open_incident(
        "VPN down", impact=2, urgency=2, tenant="globex", category="network"
    ).number
    desk.tenancy.route()
    assert desk.get_incident(number).assignee == "bob"

    escalated = desk.escalate(number, actor=Actor.agent("bob"))

    assert (escalated.assignment_group, escalated.assignee) == ("net-ops", None)
    assert escalated.reassignment_count == 1
    entry = desk.history(number)[-1]
    assert (entry.type, entry.data["reason"]) == (
        "FunctionallyEscalated",
        "category network → net-ops",
    )
    assert desk.tenancy.agent("bob").load == {}
    (waiting,) = desk.tenancy.queue()
    assert (waiting.incident, waiting.group) == (number, "net-ops")

    (decision,) = desk.tenancy.route()
    assert (decision.agent, decision.team) == ("ned", "net-ops")
    assert decision.reason.startswith("escalated to specialist group net-ops")
    assert desk.get_incident(number).assignee == "ned"
    # ned picking up his group's incident is no further reassignment.
    assert desk.get_incident(number).reassignment_count == 1
    assert desk.tenancy.agent("ned").load == {"email": 1}


def test_escalation_by_hand_names_the_group_and_counts_as_a_reassignment(directory):
    desk = directory
    number = desk.open_incident("Server slow", impact=2, urgency=2, tenant="acme").number
    desk.tenancy.route()

    escalated = desk.escalate(number, "net-ops", reason="looks like the switch")

    assert (escalated.assignment_group, escalated.reassignment_count) == ("net-ops", 1)
    assert desk.history(number)[-1].data["reason"] == "looks like the switch"
    assert desk.tenancy.route()[0].agent == "ned"


def test_escalation_needs_a_known_group(directory):
    desk = directory
    number = desk.open_incident("Server slow", impact=2, urgency=2, tenant="acme").number
    before = desk.get_incident(number)
    # Fail to escalate without a group when the category has none, or to an unknown group.
    with pytest.raises(InvalidValueError) as invalid:
        desk.escalate(number)
    assert invalid.value.field == "specialist group"
    with pytest.raises(UnknownNameError):
        desk.escalate(number, "db-ops")
    assert desk.get_incident(number) == before


@pytest.mark.parametrize(
    "finish",
    [
        lambda desk, n: desk.resolve(n, "fixed"),
        lambda desk, n: desk.cancel(n, "raised twice"),
    ],
    ids=["resolve", "cancel"],
)
def test_resolving_or_cancelling_releases_the_agents_capacity(directory, finish):
    desk = directory
    desk.tenancy.update_agent("ana", capacity={"email": 1})
    first = desk.open_incident("Printer jam", impact=2, urgency=2, tenant="acme").number
    second = desk.open_incident("Scanner jam", impact=2, urgency=2, tenant="acme").number
    assert [d.agent for d in desk.tenancy.route()] == ["ana", None]

    finish(desk, first)

    assert desk.tenancy.agent("ana").load == {}
    assert [(d.incident, d.agent) for d in desk.tenancy.route()] == [(second, "ana")]
    assert work_item_events(desk, first)[-1][0] == "Released"


def test_a_tenants_own_priority_matrix_is_used_when_opening_and_reprioritising(directory):
    desk = directory
    desk.tenancy.update_tenant("initech", priority_matrix=LOW_MATRIX)

    initech = desk.open_incident("Password", impact=1, urgency=1, tenant="initech")
    acme = desk.open_incident("Password", impact=1, urgency=1, tenant="acme")

    assert (initech.priority, acme.priority) == (2, 1)
    assert desk.reprioritise(initech.number, impact=3, urgency=3).priority == 5
    assert desk.reprioritise(acme.number, impact=2, urgency=2).priority == 3
    assert desk.tenancy.tenant("initech").priority_matrix["1"] == {"1": 2, "2": 3, "3": 4}


def test_an_incident_for_an_unknown_tenant_is_refused(directory):
    desk = directory
    with pytest.raises(UnknownNameError):
        desk.open_incident("Printer jam", impact=2, urgency=2, tenant="hooli")
    assert desk.list_incidents().total == 0


# --- cost and advice -------------------------------------------------------------


def log(desk, tenant: str, work: dict[str, int]) -> str:
    """Open one of the tenant's incidents and log each agent's minutes on it."""
    number = desk.open_incident("Work", impact=3, urgency=3, tenant=tenant).number
    for agent, minutes in work.items():
        desk.log_work(number, minutes, actor=Actor.agent(agent))
    return number


def test_a_dedicated_tenant_pays_the_fee_for_each_dedicated_resource(directory):
    desk = directory
    desk.tenancy.register_agent("al", teams=["acme-team"])
    log(desk, "acme", {"ana": 600})
    number = log(desk, "acme", {"ana": 30})
    desk.escalate(number, "net-ops")
    desk.log_work(number, 90, actor=Actor.agent("ned"))

    report = desk.tenancy.cost("acme", "2026-03")

    assert (report.model, report.incidents, report.dedicated_resources) == ("dedicated", 2, 2)
    assert (report.hours_dedicated, report.hours_specialist) == (10.5, 1.5)
    assert report.fixed_fees == 2 * FEE
    assert report.hourly_charges == 1.5 * 70  # specialists are billed by the hour
    assert report.total == 2 * FEE + 105


def test_a_shared_tenant_pays_every_hour_worked(directory, clock):
    desk = directory
    log(desk, "initech", {"cy": 90, "dee": 30})
    clock.advance(days=31)  # April's work is April's
    log(desk, "initech", {"cy": 600})

    march = desk.tenancy.cost("initech", "2026-03")

    assert (march.model, march.incidents, march.dedicated_resources) == ("shared", 1, 0)
    assert (march.hours_shared, march.fixed_fees) == (2.0, 0.0)
    assert march.total == march.hourly_charges == 2 * INITECH_RATE
    assert desk.tenancy.cost("initech", "2026-04").total == 10 * INITECH_RATE


def test_a_hybrid_tenant_pays_its_dedicated_fees_and_the_pools_hours(directory):
    desk = directory
    number = log(desk, "globex", {"bob": 120, "cy": 60})
    desk.escalate(number, "net-ops")
    desk.log_work(number, 30, actor=Actor.agent("ned"))

    report = desk.tenancy.cost("globex", "2026-03")

    assert report.model == "hybrid"
    assert (report.hours_dedicated, report.hours_shared, report.hours_specialist) == (
        2.0,
        1.0,
        0.5,
    )
    assert (report.dedicated_resources, report.fixed_fees) == (1, FEE)
    assert report.hourly_charges == 1.5 * GLOBEX_RATE
    assert report.total == FEE + 1.5 * GLOBEX_RATE


def test_cost_needs_a_month_and_a_known_tenant(directory):
    desk = directory
    with pytest.raises(InvalidValueError) as invalid:
        desk.tenancy.cost("acme", "2026-13")
    assert invalid.value.field == "month"
    with pytest.raises(UnknownNameError):
        desk.tenancy.cost("hooli", "2026-03")


def open_many(desk, tenant: str, count: int) -> None:
    for n in range(count):
        desk.open_incident(f"Request {n}", impact=3, urgency=3, tenant=tenant, assignee="x")


def test_advice_recommends_shared_for_a_low_volume(directory):
    desk = directory
    for _ in range(3):
        log(desk, "acme", {"ana": 60})

    advice = desk.tenancy.advise("acme", months=3)

    assert (advice.current_model, advice.recommended) == ("dedicated", "shared")
    # Only the months since acme was registered (this one): none before it had a contract.
    assert [(m.month, m.incidents) for m in advice.months] == [("2026-03", 3)]
    assert any("volume is low" in reason for reason in advice.reasons)
    assert advice.reasons[0].startswith("3.0 incidents a month on average over 1 month,")
    options = {o.model: o for o in advice.options}
    assert options["shared"].monthly_cost == 3 * 70  # 3 h in its one month at 70
    assert options["dedicated"].monthly_cost == FEE


def test_advice_recommends_dedicated_for_a_high_steady_volume_in_hours(directory):
    desk = directory
    open_many(desk, "acme", 120)

    advice = desk.tenancy.advise("acme", months=1)

    assert advice.recommended == "dedicated"
    assert (advice.average_incidents, advice.out_of_hours_share) == (120, 0)


def test_advice_recommends_hybrid_when_much_demand_arrives_out_of_hours(directory, clock):
    desk = directory
    open_many(desk, "globex", 90)
    clock.advance(hours=12)  # 20:00 UTC, 21:00 in Paris
    open_many(desk, "globex", 30)

    advice = desk.tenancy.advise("globex", months=1)

    assert advice.recommended == "hybrid"
    assert advice.out_of_hours_share == 0.25
    assert advice.months[0].out_of_hours == 30
    assert any("out of hours" in reason for reason in advice.reasons)


def test_advice_recommends_shared_for_seasonal_demand(directory, clock):
    desk = directory
    clock.advance(days=31)  # a quiet March, then April's rush
    open_many(desk, "acme", 201)

    advice = desk.tenancy.advise("acme", months=2)

    assert [m.incidents for m in advice.months] == [0, 201]
    assert (advice.average_incidents, advice.peak_ratio) == (100.5, 2.0)
    assert advice.recommended == "shared"
    assert any("seasonal" in reason for reason in advice.reasons)


def test_advice_needs_a_sensible_number_of_months(directory):
    with pytest.raises(InvalidValueError) as invalid:
        directory.tenancy.advise("acme", months=0)
    assert invalid.value.field == "months"


def test_a_month_before_the_tenant_was_registered_costs_nothing(directory):
    desk = directory  # every tenant registered on 2 March 2026

    for tenant in ("acme", "globex", "initech"):
        february = desk.tenancy.cost(tenant, "2026-02")
        assert (february.dedicated_resources, february.fixed_fees, february.total) == (0, 0, 0)
    # From the month it was registered, the fees are due.
    assert desk.tenancy.cost("acme", "2026-03").fixed_fees == FEE
    assert desk.tenancy.cost("globex", date(2026, 3, 1)).fixed_fees == FEE


def test_advice_counts_only_the_months_since_the_tenant_was_registered(directory, clock):
    desk = directory
    log(desk, "initech", {"cy": 60})
    clock.advance(days=31)  # April
    log(desk, "initech", {"cy": 60})
    log(desk, "initech", {"cy": 60})

    advice = desk.tenancy.advise("initech", months=6)

    assert [(m.month, m.incidents) for m in advice.months] == [("2026-03", 1), ("2026-04", 2)]
    assert advice.average_incidents == 1.5
    assert advice.reasons[0].startswith("1.5 incidents a month on average over 2 months,")
    # A window that ends before the tenant was registered shows that month, empty.
    before = desk.tenancy.advise("initech", months=3, until="2026-02")
    assert [(m.month, m.incidents) for m in before.months] == [("2026-02", 0)]


# --- bad input is refused as such ------------------------------------------------------

NAIVE = datetime(2026, 3, 2, 8, 0)  # no time zone

BAD_INPUT = {
    "coverage at a naive time": (
        lambda d: d.tenancy.coverage("acme", at=NAIVE),
        "time",
    ),
    "coverage at a text": (
        lambda d: d.tenancy.coverage("acme", at="2026-03-02T08:00Z"),
        "time",
    ),
    "routing at a naive time": (lambda d: d.tenancy.route(now=NAIVE), "time"),
    "the queue at a naive time": (lambda d: d.tenancy.queue(at=NAIVE), "time"),
    "a month as a number": (lambda d: d.tenancy.cost("acme", month=202603), "month"),
    "advice until a number": (lambda d: d.tenancy.advise("acme", until=202603), "month"),
    "a skill as a number": (
        lambda d: d.open_incident("Printer", impact=3, urgency=3, tenant="acme", skill=5),
        "skill",
    ),
    "a language as a number": (
        lambda d: d.open_incident("Printer", impact=3, urgency=3, tenant="acme", language=5),
        "language",
    ),
    "a priority matrix of numbers": (
        lambda d: d.tenancy.register_tenant(
            "hooli", model="shared", service_manager="tom", priority_matrix={"a": 1}
        ),
        "priority matrix",
    ),
    "a priority matrix update of numbers": (
        lambda d: d.tenancy.update_tenant("acme", priority_matrix={"a": 1}),
        "priority matrix",
    ),
    "supervisors as a list": (
        lambda d: d.tenancy.form_team("night-shift", kind="shared", supervisors=["a"]),
        "supervisors",
    ),
    "supervisors updated as a list": (
        lambda d: d.tenancy.update_team("pool", supervisors=["a"]),
        "supervisors",
    ),
    "an agent setting that does not exist": (
        lambda d: d.tenancy.update_agent("cy", foo=1),
        "agent setting",
    ),
    "a capacity as a number": (
        lambda d: d.tenancy.register_agent("al", teams=["pool"], capacity=5),
        "capacity",
    ),
    "no refusals": (lambda d: d.tenancy.refusals(limit=0), "limit"),
    "refusals limited by a flag": (lambda d: d.tenancy.refusals(limit=True), "limit"),
    "refusals limited by a text": (lambda d: d.tenancy.refusals(limit="10"), "limit"),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_is_an_invalid_value_naming_the_field_and_changes_nothing(directory, case):
    desk = directory
    call, field = BAD_INPUT[case]
    position = desk.recorder.max_notification_id() or 0

    # Fail with an EventDeskError naming the field, not with a Python error.
    with pytest.raises(InvalidValueError) as invalid:
        call(desk)

    assert isinstance(invalid.value, EventDeskError)
    assert invalid.value.field == field
    assert desk.recorder.max_notification_id() == position
    assert desk.list_incidents().total == 0


def test_one_team_given_as_a_name_is_that_team(directory):
    desk = directory
    assert desk.tenancy.register_agent("al", teams="pool").teams == ("pool",)
    assert desk.tenancy.update_agent("al", teams="net-ops").teams == ("net-ops",)
    assert desk.tenancy.team("net-ops").members == ("al", "ned")


def test_a_tenant_without_its_dedicated_team_is_covered_by_nobody_and_says_so(directory):
    desk = directory
    desk.tenancy.register_tenant("hooli", model="dedicated", service_manager="tom")
    number = desk.open_incident("Printer", impact=3, urgency=3, tenant="hooli").number

    coverage = desk.tenancy.coverage("hooli")

    assert (coverage.teams, coverage.agents, coverage.next_shift) == ((), (), None)
    assert coverage.reason == "tenant hooli has no dedicated team yet"
    (decision,) = desk.tenancy.route()
    assert (decision.incident, decision.agent) == (number, None)
    assert decision.reason == "tenant hooli has no dedicated team yet"
    # Once it has one, that team covers it.
    desk.tenancy.form_team("hooli-team", kind="dedicated", tenant="hooli")
    assert desk.tenancy.coverage("hooli").reason == "the dedicated team is on shift"


def test_a_hybrid_tenant_with_no_team_and_no_pool_says_it_has_no_dedicated_team(desk):
    desk.tenancy.register_tenant("hooli", model="hybrid", service_manager="tom")
    assert desk.tenancy.coverage("hooli").reason == "tenant hooli has no dedicated team yet"
