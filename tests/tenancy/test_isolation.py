"""Tenant isolation: every command and query, every kind of actor, a foreign tenant.

An agent sees and changes only incidents of tenants its teams serve, or that
are assigned to it or its team; a tenant user sees only its tenant's incidents;
an administrator, and the embedding system (a plain string), may do anything.
A refused access raises AccessDeniedError, changes nothing and is recorded.

The table ACCESSES names every public ServiceDesk method that touches an
incident, and a test fails when a new one appears that the table does not
cover, so the isolation test cannot silently go stale.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from eventdesk import ServiceDesk
from eventdesk.tenancy import AccessDeniedError, Actor
from eventdesk.tenancy.work import AccessRefused
from eventsourcing.utils import get_topic

FOREIGN = "acme"  # a dedicated tenant: only acme-team (ana) serves it

REFUSED = {
    "an agent of another tenant's dedicated team": Actor.agent("bob"),
    "a shared-pool agent, against a dedicated tenant": Actor.agent("cy"),
    "a specialist the incident is not assigned to": Actor.agent("ned"),
    "a tenant user of another tenant": Actor.tenant_user("gina@globex", "globex"),
    "an unregistered agent": Actor.agent("mallory"),
}
ALLOWED = {
    "an agent of the tenant's dedicated team": Actor.agent("ana"),
    "an administrator": Actor.administrator("root"),
    "the embedding system (a plain string)": "system",
}
OWN_TENANT_USER = Actor.tenant_user("carla@acme", "acme")


@dataclass(frozen=True)
class Target:
    """A foreign incident in the state a command needs, and another one beside it."""

    incident: str
    sibling: str


@dataclass(frozen=True)
class Access:
    action: str  # as recorded in a refusal
    state: str  # what the target incident must be for the call to succeed
    call: Callable[[ServiceDesk, Target, str], Any]
    tenant_user_may: bool = False
    about_an_incident: bool = True  # False: refused on the tenant, with no incident


ACCESSES: dict[str, Access] = {
    "open_incident": Access(
        "open",
        "new",
        lambda d, t, a: d.open_incident("Mine now", impact=3, urgency=3, tenant=FOREIGN, actor=a),
        tenant_user_may=True,
        about_an_incident=False,
    ),
    "start": Access("start", "new", lambda d, t, a: d.start(t.incident, actor=a)),
    "hold": Access(
        "hold", "in_progress", lambda d, t, a: d.hold(t.incident, "awaiting_caller", actor=a)
    ),
    "resume": Access("resume", "on_hold", lambda d, t, a: d.resume(t.incident, actor=a)),
    "resolve": Access(
        "resolve", "in_progress", lambda d, t, a: d.resolve(t.incident, "fixed", actor=a)
    ),
    "reopen": Access(
        "reopen",
        "resolved",
        lambda d, t, a: d.reopen(t.incident, "still broken", actor=a),
        tenant_user_may=True,
    ),
    "close_incident": Access(
        "close", "resolved", lambda d, t, a: d.close_incident(t.incident, actor=a)
    ),
    "cancel": Access(
        "cancel",
        "new",
        lambda d, t, a: d.cancel(t.incident, "raised twice", actor=a),
        tenant_user_may=True,
    ),
    "assign": Access(
        "assign", "new", lambda d, t, a: d.assign(t.incident, "acme-team", "ana", actor=a)
    ),
    "comment": Access(
        "comment",
        "new",
        lambda d, t, a: d.comment(t.incident, "Any news?", actor=a),
        tenant_user_may=True,
    ),
    "categorise": Access(
        "categorise",
        "new",
        lambda d, t, a: d.categorise(t.incident, category="hardware", actor=a),
    ),
    "reprioritise": Access(
        "reprioritise",
        "new",
        lambda d, t, a: d.reprioritise(t.incident, impact=1, urgency=1, actor=a),
    ),
    "declare_major": Access(
        "declare major", "new P1", lambda d, t, a: d.declare_major(t.incident, actor=a)
    ),
    "link_parent": Access(
        "link parent", "new", lambda d, t, a: d.link_parent(t.incident, t.sibling, actor=a)
    ),
    "link_problem": Access(
        "link problem", "new", lambda d, t, a: d.link_problem(t.incident, "PRB0000042", actor=a)
    ),
    "escalate": Access(
        "escalate", "new", lambda d, t, a: d.escalate(t.incident, "net-ops", actor=a)
    ),
    "log_work": Access(
        "log work", "in_progress", lambda d, t, a: d.log_work(t.incident, 30, actor=a)
    ),
    "get_incident": Access(
        "show", "new", lambda d, t, a: d.get_incident(t.incident, actor=a), tenant_user_may=True
    ),
    "history": Access(
        "history", "new", lambda d, t, a: d.history(t.incident, actor=a), tenant_user_may=True
    ),
    "list_incidents": Access(
        "list",
        "new",
        lambda d, t, a: d.list_incidents(tenant=FOREIGN, actor=a),
        tenant_user_may=True,
        about_an_incident=False,
    ),
}

# Public methods that touch no incident on anyone's behalf, and why.
NOT_INCIDENT_ACCESS = {
    "close": "releases the database connections",
    "resolve_id": "turns a number into an id, without reading anything",
    "view_of": "turns an aggregate the engine already holds into a view",
    "catch_up": "brings the read models up to date",
    "rebuild_projections": "rebuilds the read models",
}


def prepare(desk: ServiceDesk, state: str) -> Target:
    """A fresh foreign incident in ``state`` (and a sibling), made by the trusted system."""
    p1 = state == "new P1"
    number = desk.open_incident(
        "Printer on fire", impact=1 if p1 else 2, urgency=1 if p1 else 2, tenant=FOREIGN
    ).number
    if state in ("in_progress", "on_hold"):
        desk.start(number)
    if state == "on_hold":
        desk.hold(number, "awaiting_vendor")
    if state == "resolved":
        desk.resolve(number, "fixed")
    sibling = desk.open_incident("Toner low", impact=3, urgency=3, tenant=FOREIGN).number
    return Target(number, sibling)


def stored_since(desk: ServiceDesk, position: int) -> list[str]:
    """The topics of the events stored after notification ``position``."""
    return [n.topic for n in desk.recorder.select_notifications(start=position + 1, limit=100)]


def assert_refused(desk: ServiceDesk, name: str, target: Target, actor: str) -> None:
    """The call is refused, changes nothing, and the refusal is recorded."""
    access = ACCESSES[name]
    before = [desk.get_incident(target.incident), desk.get_incident(target.sibling)]
    listed = desk.list_incidents(limit=1000).total
    position = desk.recorder.max_notification_id() or 0

    with pytest.raises(AccessDeniedError) as refused:
        access.call(desk, target, actor)

    incident = target.incident if access.about_an_incident else None
    assert refused.value.details["action"] == access.action
    assert refused.value.details["incident"] == incident
    # Nothing changed: the only thing stored is the record of the refusal.
    assert stored_since(desk, position) == [get_topic(AccessRefused.Recorded)]
    assert [desk.get_incident(target.incident), desk.get_incident(target.sibling)] == before
    assert desk.list_incidents(limit=1000).total == listed  # no incident was opened
    refusal = desk.tenancy.refusals()[-1]
    assert (refusal.actor, refusal.actor_kind, refusal.action) == (
        str(actor),
        actor.kind.value,
        access.action,
    )
    assert (refusal.incident, refusal.tenant) == (incident, FOREIGN)
    assert refusal.reason == refused.value.details["reason"]
    assert refusal.reason


def test_the_table_covers_every_public_method_of_the_desk():
    public = {
        name
        for name, member in vars(ServiceDesk).items()
        if not name.startswith("_") and inspect.isfunction(member)
    }
    # Fail to cover a new public method: say whether it touches incidents, and how.
    assert public - set(ACCESSES) - set(NOT_INCIDENT_ACCESS) == set()
    assert set(ACCESSES) | set(NOT_INCIDENT_ACCESS) <= public  # nothing stale either
    for name in ACCESSES:
        assert "actor" in inspect.signature(getattr(ServiceDesk, name)).parameters, name
    for name in NOT_INCIDENT_ACCESS:
        assert "actor" not in inspect.signature(getattr(ServiceDesk, name)).parameters, name


@pytest.mark.parametrize("name", ACCESSES)
def test_every_kind_of_outsider_is_refused_and_nothing_changes(directory, name):
    desk = directory
    target = prepare(desk, ACCESSES[name].state)
    refusals = len(desk.tenancy.refusals())

    for actor in REFUSED.values():
        assert_refused(desk, name, target, actor)

    assert len(desk.tenancy.refusals()) == refusals + len(REFUSED)


@pytest.mark.parametrize("name", ACCESSES)
def test_the_tenants_own_agent_an_administrator_and_the_system_may(directory, name):
    desk = directory
    for actor in ALLOWED.values():
        target = prepare(desk, ACCESSES[name].state)
        ACCESSES[name].call(desk, target, actor)
    assert desk.tenancy.refusals() == []


@pytest.mark.parametrize("name", ACCESSES)
def test_a_tenant_user_may_read_open_comment_reopen_and_cancel_its_own_incidents(directory, name):
    desk = directory
    target = prepare(desk, ACCESSES[name].state)
    if ACCESSES[name].tenant_user_may:
        ACCESSES[name].call(desk, target, OWN_TENANT_USER)
        assert desk.tenancy.refusals() == []
    else:
        # Fail to work an incident as an agent would, even one of its own tenant.
        assert_refused(desk, name, target, OWN_TENANT_USER)
        assert "tenant user may not" in desk.tenancy.refusals()[-1].reason


def test_an_agent_may_work_an_incident_assigned_to_it_or_escalated_to_its_team(directory):
    desk = directory
    by_hand = prepare(desk, "new").incident
    escalated = prepare(desk, "new").incident
    # Fail to start them while they are someone else's.
    with pytest.raises(AccessDeniedError):
        desk.start(by_hand, actor=Actor.agent("cy"))
    with pytest.raises(AccessDeniedError):
        desk.start(escalated, actor=Actor.agent("ned"))

    desk.assign(by_hand, "pool", "cy", actor=Actor.agent("ana"))
    desk.escalate(escalated, "net-ops", actor=Actor.agent("ana"))

    assert desk.start(by_hand, actor=Actor.agent("cy")).state == "in_progress"
    assert desk.start(escalated, actor=Actor.agent("ned")).state == "in_progress"
    assert desk.log_work(escalated, 20, actor=Actor.agent("ned")).work_minutes == 20
    # Fail to touch the other incidents of a tenant it does not serve.
    target = prepare(desk, "new")
    assert_refused(desk, "start", target, Actor.agent("cy"))
    assert_refused(desk, "start", target, Actor.agent("ned"))


def test_a_parent_of_a_foreign_tenant_is_refused_when_linking_or_opening(directory):
    desk = directory
    foreign = prepare(desk, "new").incident
    own = desk.open_incident("VPN slow", impact=3, urgency=3, tenant="globex").number
    before = desk.get_incident(own)

    # Fail to link its own incident under another tenant's.
    with pytest.raises(AccessDeniedError) as refused:
        desk.link_parent(own, foreign, actor=Actor.agent("bob"))
    assert refused.value.details["incident"] == foreign
    assert desk.get_incident(own) == before
    assert desk.get_incident(foreign).children == ()

    # Fail to open an incident under another tenant's.
    opened = desk.list_incidents().total
    with pytest.raises(AccessDeniedError):
        desk.open_incident(
            "Same here",
            impact=3,
            urgency=3,
            tenant="globex",
            parent=foreign,
            actor=Actor.agent("bob"),
        )
    with pytest.raises(AccessDeniedError):
        desk.open_incident(
            "Same here",
            impact=3,
            urgency=3,
            parent=foreign,
            actor=Actor.tenant_user("gina@globex", "globex"),
        )
    assert desk.list_incidents().total == opened
    assert [r.action for r in desk.tenancy.refusals()] == ["link parent"] * 3


def test_the_incident_list_shows_each_actor_exactly_what_it_may_see(directory):
    desk = directory
    acme = desk.open_incident("Printer", impact=2, urgency=2, tenant="acme").number
    globex = desk.open_incident("VPN", impact=2, urgency=2, tenant="globex").number
    initech = desk.open_incident("Password", impact=3, urgency=3, tenant="initech").number
    for_cy = desk.open_incident("Scanner", impact=3, urgency=3, tenant="acme").number
    desk.assign(for_cy, None, "cy")
    for_net_ops = desk.open_incident("Switch", impact=3, urgency=3, tenant="acme").number
    desk.escalate(for_net_ops, "net-ops")
    everything = {acme, globex, initech, for_cy, for_net_ops}

    expected = {
        Actor.agent("ana"): {acme, for_cy, for_net_ops},
        Actor.agent("bob"): {globex},
        Actor.agent("cy"): {globex, initech, for_cy},
        Actor.agent("dee"): {globex, initech},
        Actor.agent("ned"): {for_net_ops},
        Actor.agent("mallory"): set(),
        Actor.tenant_user("carla@acme", "acme"): {acme, for_cy, for_net_ops},
        Actor.tenant_user("gina@globex", "globex"): {globex},
        Actor.tenant_user("ian@initech", "initech"): {initech},
        Actor.administrator("root"): everything,
        "system": everything,
    }
    for actor, visible in expected.items():
        page = desk.list_incidents(actor=actor)
        assert {s.number for s in page.items} == visible, actor
        assert page.total == len(visible), actor
        # What the list shows is exactly what the actor may open one by one.
        for number in everything:
            try:
                desk.get_incident(number, actor=actor)
            except AccessDeniedError:
                assert number not in visible, (actor, number)
            else:
                assert number in visible, (actor, number)
    assert desk.tenancy.refusals() != []  # the one-by-one refusals were recorded


def test_the_routing_queue_shows_an_actor_no_incident_it_may_not_see(directory):
    desk = directory
    waiting = {
        desk.open_incident("Printer", impact=2, urgency=2, tenant="acme").number,
        desk.open_incident("VPN", impact=2, urgency=2, tenant="globex").number,
        desk.open_incident("Password", impact=3, urgency=3, tenant="initech").number,
    }
    actors = [*REFUSED.values(), *ALLOWED.values(), OWN_TENANT_USER]
    for actor in actors:
        try:
            seen = {entry.incident for entry in desk.tenancy.queue(actor=actor)}
        except AccessDeniedError:
            continue  # an unregistered agent may not read the queue at all
        assert seen <= waiting
        for number in seen:
            desk.get_incident(number, actor=actor)  # raises if it should not have seen it
    assert {e.incident for e in desk.tenancy.queue(actor=OWN_TENANT_USER)} == {"INC0000001"}
    assert {e.tenant for e in desk.tenancy.queue(actor=Actor.agent("cy"))} == {
        "globex",
        "initech",
    }
    # Fail to read another tenant's part of the queue.
    for actor in REFUSED.values():
        with pytest.raises(AccessDeniedError):
            desk.tenancy.queue(tenant=FOREIGN, actor=actor)


@pytest.mark.parametrize("actor", [*REFUSED.values()], ids=[*REFUSED])
def test_listing_a_foreign_tenant_is_refused_and_recorded(directory, actor):
    desk = directory
    prepare(desk, "new")

    # Fail to list another tenant's incidents, even with other filters.
    with pytest.raises(AccessDeniedError):
        desk.list_incidents(tenant=FOREIGN, state="new", actor=actor)

    refusal = desk.tenancy.refusals()[-1]
    assert (refusal.actor, refusal.action, refusal.incident, refusal.tenant) == (
        str(actor),
        "list",
        None,
        FOREIGN,
    )


def test_a_tenant_user_sees_neither_internal_work_notes_nor_work_time(directory):
    desk = directory
    number = prepare(desk, "new").incident
    ana, carla = Actor.agent("ana"), Actor.tenant_user("carla@acme", "acme")
    desk.start(number, actor=ana)
    desk.comment(number, "We are on it", actor=ana)
    desk.comment(number, "Caller's manager is furious", internal=True, actor=ana)
    desk.log_work(number, 45, actor=ana)
    desk.comment(number, "Thanks", actor=carla)

    seen_by_carla = desk.get_incident(number, actor=carla)
    assert [c.text for c in seen_by_carla.comments] == ["We are on it", "Thanks"]
    assert seen_by_carla.work_minutes == 0
    as_it_was = desk.get_incident(number, version=seen_by_carla.version - 1, actor=carla)
    assert [c.text for c in as_it_was.comments] == ["We are on it"]
    trail = desk.history(number, actor=carla)
    assert "furious" not in repr(trail)
    assert "WorkLogged" not in {entry.type for entry in trail}
    assert all(entry.changes.get("work_minutes", (0, 0))[1] == 0 for entry in trail)

    seen_by_ana = desk.get_incident(number, actor=ana)
    assert len(seen_by_ana.comments) == 3
    assert seen_by_ana.work_minutes == 45
    assert "furious" in repr(desk.history(number, actor=ana))


def test_a_foreign_incidents_sla_clocks_are_refused_and_the_refusal_recorded(directory):
    desk = directory
    number = prepare(desk, "new").incident
    for actor in REFUSED.values():
        position = desk.recorder.max_notification_id() or 0
        # Fail to read the SLA clocks of another tenant's incident.
        with pytest.raises(AccessDeniedError):
            desk.sla.status(number, actor=actor)
        assert stored_since(desk, position) == [get_topic(AccessRefused.Recorded)]
        refusal = desk.tenancy.refusals()[-1]
        assert (refusal.actor, refusal.action, refusal.incident) == (str(actor), "sla", number)

    clocks = desk.sla.status(number)
    assert clocks
    for actor in [*ALLOWED.values(), OWN_TENANT_USER]:
        assert desk.sla.status(number, actor=actor) == clocks
    assert len(desk.tenancy.refusals()) == len(REFUSED)


def test_resolving_a_parent_does_not_change_a_child_of_a_tenant_the_actor_does_not_serve(
    directory,
):
    desk = directory
    cy, bob = Actor.agent("cy"), Actor.agent("bob")
    parent = desk.open_incident("Outage", impact=1, urgency=1, tenant="globex").number
    child = desk.open_incident("Outage here too", impact=2, urgency=2, tenant="initech").number
    desk.link_parent(child, parent, actor=cy)  # the pool serves both tenants
    with pytest.raises(AccessDeniedError):
        desk.start(child, actor=bob)  # bob does not serve initech

    # The parent is resolved; initech's child stays open for initech's own desk.
    assert desk.resolve(parent, "fixed", actor=bob).state == "resolved"
    assert desk.get_incident(child).state == "new"
    # Someone who serves both resolves both.
    other_parent = desk.open_incident("Outage 2", impact=1, urgency=1, tenant="globex").number
    other_child = desk.open_incident("Outage 2 here", impact=2, urgency=2, tenant="initech").number
    desk.link_parent(other_child, other_parent, actor=cy)
    desk.resolve(other_parent, "fixed", actor=cy)
    assert desk.get_incident(other_child).state == "resolved"


def test_a_tenant_user_may_not_add_internal_work_notes(directory):
    desk = directory
    user = Actor.tenant_user("pat", "acme")
    number = desk.open_incident("Printer", impact=3, urgency=3, tenant="acme", actor=user).number
    version = desk.get_incident(number).version
    # Fail to add a work note as a tenant user: work notes are for agents.
    with pytest.raises(AccessDeniedError):
        desk.comment(number, "psst", internal=True, actor=user)
    assert desk.get_incident(number).version == version
    assert (
        desk.tenancy.refusals()[-1].reason == "a tenant user may not add a work note to incidents"
    )
    assert desk.comment(number, "Any news?", actor=user).comments[-1].public
