"""Tenant isolation: every command and query, every kind of actor, a foreign tenant.

An agent sees and changes only incidents of tenants its teams serve, or that
are assigned to it or its team; a tenant user sees only its tenant's incidents;
an administrator, and the embedding system (a plain string), may do anything.
A refused access raises AccessDeniedError, changes nothing and is recorded.

The table ACCESSES names every public ServiceDesk method that touches an
incident, and a test fails when a new one appears that the table does not
cover, so the isolation test cannot silently go stale. The table GUARDED does
the same for every other public method that takes an ``actor``, of the desk
and of each of its services (``desk.tenancy``, ``desk.sla``, ``desk.tokens``, the
intake's): which kinds of actor it refuses.
"""

from __future__ import annotations

import inspect
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import attrs
import pytest
from eventdesk import InvalidValueError, ServiceDesk
from eventdesk.calendars.model import BusinessCalendar
from eventdesk.channels.registry import ChannelRegistry
from eventdesk.contacts.service import ContactService
from eventdesk.intake.dead_letters import DeadLetterService
from eventdesk.intake.service import IntakeService
from eventdesk.knowledge.service import KnowledgeService
from eventdesk.sla.policy import default_policy
from eventdesk.sla.service import SlaService
from eventdesk.tenancy import AccessDeniedError, Actor
from eventdesk.tenancy.service import TenancyService
from eventdesk.tenancy.work import AccessRefused
from eventdesk.tokens import TokenService
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
    """A foreign incident in the state a command needs, another one beside it, and a
    published known error it may be given."""

    incident: str
    sibling: str
    known_error: str | None = None


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
    "link_known_error": Access(
        "link a known error to",
        "new, with a known error",
        lambda d, t, a: d.link_known_error(t.incident, t.known_error, actor=a),
    ),
    "log_work": Access(
        "log work", "in_progress", lambda d, t, a: d.log_work(t.incident, 30, actor=a)
    ),
    "reply": Access(
        "reply",
        "new from a contact",
        lambda d, t, a: d.reply(t.incident, "On it", actor=a),
    ),
    "get_incident": Access(
        "show", "new", lambda d, t, a: d.get_incident(t.incident, actor=a), tenant_user_may=True
    ),
    "conversation": Access(
        "show", "new", lambda d, t, a: d.conversation(t.incident, actor=a), tenant_user_may=True
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
}


def prepare(desk: ServiceDesk, state: str) -> Target:
    """A fresh foreign incident in ``state`` (and a sibling), made by the trusted system."""
    p1 = state == "new P1"
    contact = None
    if state == "new from a contact":  # it came in on a channel: a reply can go back
        known = desk.contacts.find("email:carla@acme.example")
        contact = (known or desk.contacts.create(["carla@acme.example"], tenant=FOREIGN)).id
    number = desk.open_incident(
        "Printer on fire",
        impact=1 if p1 else 2,
        urgency=1 if p1 else 2,
        tenant=FOREIGN,
        contact=contact,
        channel="note",
    ).number
    if state in ("in_progress", "on_hold"):
        desk.start(number)
    if state == "on_hold":
        desk.hold(number, "awaiting_vendor")
    if state == "resolved":
        desk.resolve(number, "fixed")
    sibling = desk.open_incident("Toner low", impact=3, urgency=3, tenant=FOREIGN).number
    known_error = None
    if state == "new, with a known error":
        known_error = desk.knowledge.add(
            "Printer catches fire",
            "Smoke comes out of the printer.",
            tenant=FOREIGN,
            problem="PRB0000042",
            workaround="Unplug it.",
        ).number
        desk.knowledge.publish(known_error)
    return Target(number, sibling, known_error)


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


def public_methods(cls: type) -> set[str]:
    return {
        name
        for name, member in vars(cls).items()
        if not name.startswith("_") and inspect.isfunction(member)
    }


def test_the_table_covers_every_public_method_of_the_desk():
    public = public_methods(ServiceDesk)
    guarded = {name for service, name in GUARDED if service == "desk"}
    # Fail to cover a new public method: say whether it touches incidents, and how.
    assert public - set(ACCESSES) - set(NOT_INCIDENT_ACCESS) - guarded == set()
    assert set(ACCESSES) | set(NOT_INCIDENT_ACCESS) | guarded <= public  # nothing stale either
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

    # Fail, as an agent, to hand a dedicated tenant's incident to the pool...
    with pytest.raises(InvalidValueError):
        desk.assign(by_hand, "pool", "cy", actor=Actor.agent("ana"))
    # ...which an administrator may do, as an exception.
    desk.assign(by_hand, "pool", "cy", actor=Actor.administrator("root"))
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


# --- the directory, routing, SLA definitions and read models ---------------------

ACTORS: dict[str, str] = {
    "ana": Actor.agent("ana"),  # acme's dedicated team
    "cy": Actor.agent("cy"),  # the shared pool
    "dee": Actor.agent("dee"),  # the shared pool: cy's colleague
    "ned": Actor.agent("ned"),  # the network specialists
    "mallory": Actor.agent("mallory"),  # no registered agent
    "carla": Actor.tenant_user("carla@acme", "acme"),
    "gina": Actor.tenant_user("gina@globex", "globex"),
    "root": Actor.administrator("root"),
    "system": "system",
}
AGENTS = frozenset({"ana", "cy", "dee", "ned", "mallory"})
TENANT_USERS = frozenset({"carla", "gina"})
NOT_ADMINISTRATORS = AGENTS | TENANT_USERS
NOT_OF_ACME = frozenset({"cy", "dee", "ned", "mallory", "gina"})  # neither serve nor belong
NEW = object()  # the refusal names the tenant the call would have created


@dataclass(frozen=True)
class Scene:
    """The directory, acme's incident waiting in the queue with its response target
    breached (a routing pass or a timer pass would change something), and a name
    that nothing has yet."""

    desk: ServiceDesk
    incident: str
    new: str

    def renamed(self) -> Scene:
        """The same scene, with another name that nothing has yet."""
        return Scene(self.desk, self.incident, f"new-{next(_FRESH)}")


@dataclass(frozen=True)
class Guarded:
    action: str  # as recorded in a refusal
    call: Callable[[Scene, str], Any]
    refused: frozenset[str]  # the ACTORS refused; the others may
    tenant: str | object | None = None  # the tenant the refusal names
    about_the_incident: bool = False


def admins_only(action: str, call: Callable[[Scene, str], Any], **more: Any) -> Guarded:
    return Guarded(action, call, NOT_ADMINISTRATORS, **more)


GUARDED: dict[tuple[str, str], Guarded] = {
    ("desk", "rebuild_projections"): admins_only(
        "rebuild the read models", lambda s, a: s.desk.rebuild_projections(actor=a)
    ),
    # desk.tenancy: the directory is the administrators'
    ("tenancy", "register_tenant"): admins_only(
        "register a tenant",
        lambda s, a: s.desk.tenancy.register_tenant(
            s.new, model="shared", service_manager="tom", actor=a
        ),
        tenant=NEW,
    ),
    ("tenancy", "update_tenant"): admins_only(
        "update a tenant",
        lambda s, a: s.desk.tenancy.update_tenant("acme", hourly_rate=80, actor=a),
        tenant="acme",
    ),
    ("tenancy", "form_team"): admins_only(
        "form a team", lambda s, a: s.desk.tenancy.form_team(s.new, kind="shared", actor=a)
    ),
    ("tenancy", "update_team"): admins_only(
        "update a team",
        lambda s, a: s.desk.tenancy.update_team("pool", supervisors={"director": "dora"}, actor=a),
    ),
    ("tenancy", "register_agent"): admins_only(
        "register an agent",
        lambda s, a: s.desk.tenancy.register_agent(s.new, teams=["pool"], actor=a),
    ),
    ("tenancy", "update_agent"): admins_only(
        "update an agent", lambda s, a: s.desk.tenancy.update_agent("cy", skills=["sap"], actor=a)
    ),
    # An agent who supervises both teams may too (nobody here supervises any team).
    ("tenancy", "move_agent"): admins_only(
        "move an agent", lambda s, a: s.desk.tenancy.move_agent("cy", "pool", "pool", actor=a)
    ),
    ("tenancy", "route"): admins_only("run routing", lambda s, a: s.desk.tenancy.route(actor=a)),
    ("tenancy", "refusals"): admins_only(
        "read refusals", lambda s, a: s.desk.tenancy.refusals(actor=a)
    ),
    # An agent sets its own presence, not a colleague's.
    ("tenancy", "set_presence"): Guarded(
        "set the presence of",
        lambda s, a: s.desk.tenancy.set_presence("cy", "away", actor=a),
        NOT_ADMINISTRATORS - {"cy"},
    ),
    # Any registered agent reads the directory; tenant users do not.
    ("tenancy", "team"): Guarded(
        "read team",
        lambda s, a: s.desk.tenancy.team("pool", actor=a),
        TENANT_USERS | {"mallory"},
    ),
    ("tenancy", "teams"): Guarded(
        "list teams", lambda s, a: s.desk.tenancy.teams(actor=a), TENANT_USERS | {"mallory"}
    ),
    ("tenancy", "agent"): Guarded(
        "read agent",
        lambda s, a: s.desk.tenancy.agent("cy", actor=a),
        TENANT_USERS | {"mallory"},
    ),
    ("tenancy", "agents"): Guarded(
        "list agents", lambda s, a: s.desk.tenancy.agents(actor=a), TENANT_USERS | {"mallory"}
    ),
    # Each sees the tenants it serves or belongs to.
    ("tenancy", "tenants"): Guarded(
        "list tenants", lambda s, a: s.desk.tenancy.tenants(actor=a), frozenset({"mallory"})
    ),
    ("tenancy", "tenant"): Guarded(
        "read tenant", lambda s, a: s.desk.tenancy.tenant("acme", actor=a), NOT_OF_ACME, "acme"
    ),
    ("tenancy", "coverage"): Guarded(
        "read coverage of",
        lambda s, a: s.desk.tenancy.coverage("acme", actor=a),
        NOT_OF_ACME,
        "acme",
    ),
    ("tenancy", "queue"): Guarded(
        "read the queue",
        lambda s, a: s.desk.tenancy.queue(tenant="acme", actor=a),
        NOT_OF_ACME,
        "acme",
    ),
    # What a tenant pays is for the tenant and the administrators, not for agents.
    ("tenancy", "cost"): Guarded(
        "read the cost of",
        lambda s, a: s.desk.tenancy.cost("acme", "2026-03", actor=a),
        AGENTS | {"gina"},
        "acme",
    ),
    ("tenancy", "advise"): Guarded(
        "read advice for",
        lambda s, a: s.desk.tenancy.advise("acme", months=1, actor=a),
        AGENTS | {"gina"},
        "acme",
    ),
    # desk.sla: definitions, timer passes and what-ifs span every tenant.
    ("sla", "import_calendar"): admins_only(
        "import a calendar",
        lambda s, a: s.desk.sla.import_calendar(
            BusinessCalendar.weekdays(s.new, "Europe/Paris", "07:00", "19:00"), actor=a
        ),
    ),
    ("sla", "import_policy"): admins_only(
        "import an SLA policy",
        lambda s, a: s.desk.sla.import_policy(attrs.evolve(default_policy(), name=s.new), actor=a),
    ),
    ("sla", "use_policy"): admins_only(
        "choose the desk's SLA policy", lambda s, a: s.desk.sla.use_policy("default", actor=a)
    ),
    ("sla", "tick"): admins_only("run SLA timers", lambda s, a: s.desk.sla.tick(actor=a)),
    ("sla", "attainment"): admins_only(
        "replay SLA attainment",
        lambda s, a: s.desk.sla.attainment(s.desk.sla.policy(), actor=a),
    ),
    # desk.tokens: API tokens are the administrators'.
    ("tokens", "create"): admins_only(
        "create an API token", lambda s, a: s.desk.tokens.create(s.new, "agent:ana", actor=a)
    ),
    ("tokens", "revoke"): admins_only(
        "revoke an API token", lambda s, a: s.desk.tokens.revoke(TOKEN, actor=a)
    ),
    ("tokens", "list"): admins_only("list API tokens", lambda s, a: s.desk.tokens.list(actor=a)),
    ("sla", "status"): Guarded(
        "sla",
        lambda s, a: s.desk.sla.status(s.incident, actor=a),
        NOT_OF_ACME,
        "acme",
        about_the_incident=True,
    ),
    ("sla", "timeline"): Guarded(
        "sla",
        lambda s, a: s.desk.sla.timeline(s.incident, actor=a),
        NOT_OF_ACME,
        "acme",
        about_the_incident=True,
    ),
    ("sla", "hops"): Guarded(
        "sla",
        lambda s, a: s.desk.sla.hops(s.incident, actor=a),
        NOT_OF_ACME,
        "acme",
        about_the_incident=True,
    ),
    # desk.channels: how the desk reaches its channels is the administrators'.
    ("channels", "configure"): admins_only(
        "configure a channel",
        lambda s, a: s.desk.channels.configure("note", {"greeting": s.new}, actor=a),
    ),
    ("channels", "settings"): admins_only(
        "read channel settings", lambda s, a: s.desk.channels.settings("note", actor=a)
    ),
    # desk.contacts: the agents who serve a tenant look after its contacts; its users read them.
    ("contacts", "create"): Guarded(
        "register a contact",
        lambda s, a: s.desk.contacts.create([f"{s.new}@acme.example"], tenant="acme", actor=a),
        NOT_OF_ACME | {"carla"},
        "acme",
    ),
    ("contacts", "add_identity"): Guarded(
        "change a contact",
        lambda s, a: s.desk.contacts.add_identity(CARLA, f"{s.new}@acme.example", actor=a),
        NOT_OF_ACME | {"carla"},
        "acme",
    ),
    ("contacts", "rename"): Guarded(
        "change a contact",
        lambda s, a: s.desk.contacts.rename(CARLA, f"Carla {s.new}", actor=a),
        NOT_OF_ACME | {"carla"},
        "acme",
    ),
    ("contacts", "merge"): Guarded(
        "merge contacts",
        lambda s, a: s.desk.contacts.merge(
            next(c.id for c in s.desk.contacts.list(text="twin-") if c.name.startswith("twin-")),
            CARLA,
            actor=a,
        ),
        NOT_OF_ACME | {"carla"},
        "acme",
    ),
    ("contacts", "forget"): admins_only(
        "forget a contact",
        lambda s, a: s.desk.contacts.forget(
            s.desk.contacts.list(text="leaver-")[0].id, reason="erasure request", actor=a
        ),
        tenant="acme",
    ),
    ("contacts", "get"): Guarded(
        "read a contact", lambda s, a: s.desk.contacts.get(CARLA, actor=a), NOT_OF_ACME, "acme"
    ),
    ("contacts", "find"): Guarded(
        "read a contact", lambda s, a: s.desk.contacts.find(CARLA, actor=a), NOT_OF_ACME, "acme"
    ),
    ("contacts", "list"): Guarded(
        "list contacts",
        lambda s, a: s.desk.contacts.list(tenant="acme", actor=a),
        NOT_OF_ACME,
        "acme",
    ),
    # desk.intake and desk.dead_letters: the channels' traffic spans every tenant.
    ("intake", "receive"): admins_only(
        "take in channel messages",
        lambda s, a: s.desk.intake.receive(
            "note", json.dumps({"id": s.new, "from": "x@y.example", "text": "hi"}).encode(), actor=a
        ),
    ),
    ("intake", "take"): admins_only(
        "take in channel messages",
        lambda s, a: s.desk.intake.take(
            s.desk.channels.get("note"),
            json.dumps({"id": s.new, "from": "x@y.example", "text": "hi"}).encode(),
            {},
            actor=a,
        ),
    ),
    ("intake", "deliver_due"): admins_only(
        "run deliveries", lambda s, a: s.desk.intake.deliver_due(actor=a)
    ),
    ("intake", "deliveries"): admins_only(
        "read deliveries", lambda s, a: s.desk.intake.deliveries(actor=a)
    ),
    ("dead_letters", "list"): admins_only(
        "read dead letters", lambda s, a: s.desk.dead_letters.list(actor=a)
    ),
    ("dead_letters", "show"): admins_only(
        "read dead letters",
        lambda s, a: s.desk.dead_letters.show(s.desk.dead_letters.list()[0].id, actor=a),
    ),
    ("dead_letters", "retry"): admins_only(
        "retry dead letters",
        lambda s, a: s.desk.dead_letters.retry(s.desk.dead_letters.list()[0].id, actor=a),
    ),
    ("dead_letters", "discard"): admins_only(
        "discard dead letters",
        lambda s, a: s.desk.dead_letters.discard(s.desk.dead_letters.list()[0].id, actor=a),
    ),
    # desk.knowledge: the agents who serve a tenant write its articles; its users read the
    # published ones (shared articles, which every tenant reads, are the administrators':
    # tests/knowledge/test_knowledge_access.py).
    ("knowledge", "add"): Guarded(
        "write an article",
        lambda s, a: s.desk.knowledge.add(f"Jam {s.new}", "Open tray 2.", tenant="acme", actor=a),
        NOT_OF_ACME | {"carla"},
        "acme",
    ),
    ("knowledge", "edit"): Guarded(
        "write an article",
        lambda s, a: s.desk.knowledge.edit(first_article(s, "published"), title=s.new, actor=a),
        NOT_OF_ACME | {"carla"},
        "acme",
    ),
    ("knowledge", "publish"): Guarded(
        "publish an article",
        lambda s, a: s.desk.knowledge.publish(first_article(s, "draft"), actor=a),
        NOT_OF_ACME | {"carla"},
        "acme",
    ),
    ("knowledge", "retire"): Guarded(
        "retire an article",
        lambda s, a: s.desk.knowledge.retire(first_article(s, "published"), actor=a),
        NOT_OF_ACME | {"carla"},
        "acme",
    ),
    ("knowledge", "mark_fixed"): Guarded(
        "mark a known error fixed",
        lambda s, a: s.desk.knowledge.mark_fixed(first_article(s, "open known error"), actor=a),
        NOT_OF_ACME | {"carla"},
        "acme",
    ),
    ("knowledge", "get"): Guarded(
        "read an article",
        lambda s, a: s.desk.knowledge.get(first_article(s, "published"), actor=a),
        NOT_OF_ACME,
        "acme",
    ),
    ("knowledge", "list"): Guarded(
        "list articles",
        lambda s, a: s.desk.knowledge.list(tenant="acme", actor=a),
        NOT_OF_ACME,
        "acme",
    ),
    ("knowledge", "search"): Guarded(
        "search the knowledge base",
        lambda s, a: s.desk.knowledge.search("printer", tenant="acme", actor=a),
        NOT_OF_ACME,
        "acme",
    ),
    ("knowledge", "best_answer"): Guarded(
        "search the knowledge base",
        lambda s, a: s.desk.knowledge.best_answer("printer", "acme", actor=a),
        NOT_OF_ACME,
        "acme",
    ),
}
CARLA = "carla@acme.example"

# Public methods that take an actor but are the access checks themselves.
ACCESS_MACHINERY = {
    ("tenancy", "guard"): "refuses (and records) directory and routing access",
    ("tenancy", "check"): "refuses (and records) access to an incident",
    ("tenancy", "refusal_reason"): "says why an access would be refused",
    ("tenancy", "scope"): "what an actor may see of the incident list",
    ("tenancy", "team_of"): "the team an agent works an incident for (for billing)",
    ("tenancy", "check_assignment"): "refuses an agent's assignment to whom does not serve",
    ("tenancy", "visible_tenants"): "the tenants whose records an actor may see",
}
# Public methods that take no actor: the embedding system's, and why.
NO_ACTOR = {
    ("tenancy", "refresh"): "applies the tenancy events stored since",
    ("tenancy", "run"): "the routing worker: route() as the system, in a loop",
    ("tenancy", "contracts"): "the tenants' SLA policies and calendars, for the clocks",
    ("tenancy", "registered_at"): "when a tenant's contract starts, for its cost",
    ("tenancy", "has_tenant"): "whether a tenant exists, before opening its incident",
    ("tenancy", "priority_matrix"): "a tenant's matrix, for its incidents' priority",
    ("tenancy", "sla_policy_name"): "a tenant's policy name, for its incidents' clocks",
    ("tenancy", "queue_for"): "a new work item, saved with its incident",
    ("tenancy", "work_item"): "an incident's work item, after a guarded command",
    ("tenancy", "category_group"): "the group a guarded escalation goes to",
    ("tenancy", "supervisor"): "who a guarded escalation brings in",
    ("tenancy", "supervised_teams"): "the teams an agent supervises, for a guard",
    ("tenancy", "supervised_tenants"): "the tenants its teams serve, for the wallboard's scope",
    ("tenancy", "waiting"): "the waiting items, for the wallboard (which checks its actor)",
    ("tenancy", "has_any"): "whether tenancy is in use at all",
    ("tenancy", "team_kind_of"): "a team's kind, for a guarded command",
    ("tenancy", "tenant_for_domain"): "the tenant a sender's email domain belongs to, for intake",
    ("channels", "names"): "the channels the loaded plugins register",
    ("channels", "get"): "a channel built for intake, replies and deliveries",
    ("contacts", "claim_of"): "who an identity belongs to, for intake",
    ("contacts", "load"): "a contact by id, for intake and guarded commands",
    ("contacts", "lookup"): "the contact of an identity, for intake",
    ("contacts", "get_aggregate"): "a contact by id or identity, for guarded commands",
    ("intake", "deliver"): "the outbox: one delivery sent as the system (deliver_due is guarded)",
    ("sla", "calendar"): "a stored calendar by name",
    ("sla", "calendar_names"): "the stored calendars' names",
    ("sla", "policy"): "a stored policy by name",
    ("sla", "policy_names"): "the stored policies' names",
    ("sla", "config"): "the policies in use, for the clocks",
    ("sla", "policy_for"): "the policy an incident's clocks run under",
    ("sla", "fold"): "an incident's clocks for the embedding system (status() is guarded)",
    ("sla", "timers_for"): "an incident's next timers, for the timer index",
    ("sla", "run"): "the timer worker: tick() as the system, in a loop",
    ("tokens", "authenticate"): "who a token acts as: the HTTP server's question",
    ("tokens", "authenticate_scoped"): "who a token acts as, and its scope: the same question",
}
SERVICES: dict[str, type] = {
    "tenancy": TenancyService,
    "sla": SlaService,
    "channels": ChannelRegistry,
    "contacts": ContactService,
    "intake": IntakeService,
    "dead_letters": DeadLetterService,
    "knowledge": KnowledgeService,
    "tokens": TokenService,
}


@pytest.mark.parametrize("service", SERVICES)
def test_the_table_covers_every_public_method_of_each_service_of_the_desk(service):
    public = public_methods(SERVICES[service])
    takes_actor = {
        n for n in public if "actor" in inspect.signature(getattr(SERVICES[service], n)).parameters
    }
    covered = {name for (s, name) in GUARDED if s == service}
    machinery = {name for (s, name) in ACCESS_MACHINERY if s == service}
    unguarded = {name for (s, name) in NO_ACTOR if s == service}

    # Fail to cover a new method that takes an actor: say whom it refuses.
    assert takes_actor - covered - machinery == set()
    # Fail to cover a new method without one: say why it needs none.
    assert public - takes_actor - unguarded == set()
    assert covered | machinery <= takes_actor  # nothing stale either
    assert unguarded <= public - takes_actor


_FRESH = itertools.count(1)
TOKEN = "crm"


def scene(desk: ServiceDesk, clock) -> Scene:
    number = desk.open_incident("Printer on fire", impact=2, urgency=2, tenant=FOREIGN).number
    desk.contacts.create([CARLA], name="Carla", tenant="acme")
    for twin in range(4):  # contacts for the merges, one each
        desk.contacts.create([f"twin-{twin}@acme.example"], tenant="acme")
    for leaver in range(4):  # contacts to forget, one each
        desk.contacts.create([f"leaver-{leaver}@acme.example"], tenant="acme")
    for garbage in range(4):  # dead letters to show, retry and discard, one each
        desk.intake.receive("note", f"not json {garbage}".encode())
    for n in range(3):  # acme's articles: drafts to publish, known errors to retire and fix
        desk.knowledge.add(f"Printer jam {n}", "Open tray 2.", tenant="acme")
        known_error = desk.knowledge.add(
            f"Printer smokes {n}",
            "Smoke comes out of the printer.",
            tenant="acme",
            problem=f"PRB00000{n}",
            workaround="Unplug it.",
        )
        desk.knowledge.publish(known_error.number)
    desk.tokens.create(TOKEN, "agent:ana")  # revoking it again changes nothing
    clock.advance(hours=1)  # its 30-minute response target has passed: a tick would raise
    return Scene(desk, number, f"new-{next(_FRESH)}")


def first_article(s: Scene, which: str) -> str:
    """The number of acme's first article that is a draft, published, or an open known error."""
    for article in s.desk.knowledge.list(tenant="acme"):
        if which == article.state or (which == "open known error" and article.fix_state == "open"):
            return article.number
    raise AssertionError(f"the scene has no {which} article left")


def snapshot(desk: ServiceDesk) -> tuple[Any, ...]:
    """Everything a refused call could have changed, as the system sees it."""
    tenancy, sla = desk.tenancy, desk.sla
    return (
        tenancy.tenants(),
        tenancy.teams(),
        tenancy.agents(),
        tenancy.queue(),
        desk.list_incidents(limit=1000),
        sla.calendar_names(),
        sla.policy_names(),
        sla.policy(),
        desk.contacts.list(),
        desk.dead_letters.list(state=None),
        desk.intake.deliveries(),
        desk.knowledge.list(limit=1000),
        [desk.get_incident(n.number) for n in desk.list_incidents(limit=1000).items],
    )


def assert_guarded_refused(desk: ServiceDesk, key: tuple[str, str], s: Scene, name: str) -> None:
    """The call is refused, changes nothing, and the refusal is recorded."""
    guarded, actor = GUARDED[key], ACTORS[name]
    before = snapshot(desk)
    position = desk.recorder.max_notification_id() or 0

    with pytest.raises(AccessDeniedError) as refused:
        guarded.call(s, actor)

    incident = s.incident if guarded.about_the_incident else None
    tenant = s.new if guarded.tenant is NEW else guarded.tenant
    assert refused.value.details["action"] == guarded.action
    assert refused.value.details["incident"] == incident
    # Nothing changed: the only thing stored is the record of the refusal.
    assert stored_since(desk, position) == [get_topic(AccessRefused.Recorded)]
    assert snapshot(desk) == before
    refusal = desk.tenancy.refusals()[-1]
    assert (refusal.actor, refusal.actor_kind, refusal.action) == (
        str(actor),
        actor.kind.value,
        guarded.action,
    )
    assert (refusal.incident, refusal.tenant) == (incident, tenant)
    assert refusal.reason == refused.value.details["reason"]


@pytest.mark.parametrize("key", GUARDED, ids=[".".join(k) for k in GUARDED])
def test_every_actor_the_table_refuses_is_refused_and_nothing_changes(directory, clock, key):
    desk = directory
    s = scene(desk, clock)
    refused = sorted(GUARDED[key].refused)
    assert refused

    for name in refused:
        assert_guarded_refused(desk, key, s, name)

    assert len(desk.tenancy.refusals()) == len(refused)


@pytest.mark.parametrize("key", GUARDED, ids=[".".join(k) for k in GUARDED])
def test_every_actor_the_table_does_not_refuse_may(directory, clock, key):
    desk = directory
    s = scene(desk, clock)
    allowed = sorted(set(ACTORS) - GUARDED[key].refused)
    assert {"root", "system"} <= set(allowed)

    for name in allowed:
        GUARDED[key].call(s.renamed(), ACTORS[name])

    assert desk.tenancy.refusals() == []


@pytest.mark.parametrize("key", GUARDED, ids=[".".join(k) for k in GUARDED])
def test_a_fresh_desk_on_the_same_database_lets_a_registered_agent_do_what_it_may(
    directory, clock, another_desk, key
):
    # The first thing a new process does may be an agent's: it must read the directory first.
    s = scene(directory, clock)
    agents = sorted(AGENTS - {"mallory"} - GUARDED[key].refused)
    for name in agents:
        GUARDED[key].call(Scene(another_desk(), s.incident, s.new), ACTORS[name])
    assert directory.tenancy.refusals() == []


def test_an_agent_reads_coverage_and_queue_only_of_a_tenant_it_serves_from_a_fresh_desk(
    directory, another_desk
):
    desk = directory
    number = desk.open_incident("Printer", impact=2, urgency=2, tenant="acme").number

    assert another_desk().tenancy.coverage("acme", actor=ACTORS["ana"]).agents == ("ana",)
    queued = another_desk().tenancy.queue(tenant="acme", actor=ACTORS["ana"])
    assert [e.incident for e in queued] == [number]
    # Fail to read them for a tenant it does not serve, fresh desk or not.
    with pytest.raises(AccessDeniedError):
        another_desk().tenancy.coverage("acme", actor=ACTORS["cy"])
    with pytest.raises(AccessDeniedError):
        another_desk().tenancy.queue(tenant="acme", actor=ACTORS["cy"])
    assert [r.actor for r in desk.tenancy.refusals()] == ["cy", "cy"]


def test_each_actor_lists_only_the_tenants_it_serves_or_belongs_to(directory):
    tenancy = directory.tenancy
    expected = {
        "ana": ["acme"],
        "cy": ["globex", "initech"],
        "ned": [],
        "carla": ["acme"],
        "gina": ["globex"],
        "root": ["acme", "globex", "initech"],
    }
    for name, tenants in expected.items():
        assert [t.name for t in tenancy.tenants(actor=ACTORS[name])] == tenants, name
