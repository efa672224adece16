"""Step definitions for tenancy: service models, routing, isolation, cost and model advice.

The feature modules that need them import them (``from .tenancy_steps import *``), which
puts the step fixtures in the module; the shared steps of ``conftest.py`` (time passing,
refusals, the reassignment count, an unchanged incident) work alongside.

Names in the features are the names in the desk: tenant ``Acme``, agent ``Ana``. A tenant's
dedicated team is named "Acme's dedicated team", the shared pool "Shared pool", a specialist
group by its area ("Network"). All wall-clock times are Paris time. Steps find an incident by
its summary, which each scenario keeps unique, and then-steps read what the desk stored.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import parse
from eventdesk import IncidentView, ManualClock, ServiceDesk, State
from eventdesk.calendars import BusinessCalendar
from eventdesk.tenancy import AccessDeniedError, Actor
from eventdesk.tenancy.cost import Advice, CostReport
from eventdesk.tenancy.service import QueueEntry, Refusal, RoutingDecision
from eventdesk.tenancy.work import work_item_id
from pytest_bdd import given, parsers, then, when

from .conftest import (
    ARRANGER,
    NONE,
    SUMMARY,
    TYPES,
    WEEKDAY_NAMES,
    Attempt,
    attempt,
    it_is_next,
    parse_wall_time,
    refusal,
    table,
)

PARIS = ZoneInfo("Europe/Paris")
POOL = "Shared pool"
SERVICE_MANAGER = "Sofia"
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# --- step text types -----------------------------------------------------------------------

NAME = r"[A-Z][a-z]+"


@parse.with_pattern(NAME)
def parse_name(text: str) -> str:
    return text


@parse.with_pattern(rf"{NAME}(?:(?:, | and ){NAME})*")
def parse_names(text: str) -> list[str]:
    """``Ana``, ``Ana and Bo``, ``Cy, Dee and Eve``."""
    return text.replace(" and ", ", ").split(", ")


@parse.with_pattern(rf"{NAME}'s dedicated team|the shared pool|the {NAME} group")
def parse_team(text: str) -> str:
    """A team as a lead names it: "Acme's dedicated team", "the shared pool", "the Network group".

    A specialist group is named by its area alone ("Network").
    """
    if text == "the shared pool":
        return POOL
    if text.startswith("the "):
        return text.removeprefix("the ").removesuffix(" group")
    return text


@parse.with_pattern(r"available|busy|away|offline")
def parse_presence(text: str) -> str:
    return text


@parse.with_pattern(r"dedicated|shared|hybrid")
def parse_model(text: str) -> str:
    return text


@parse.with_pattern(r"\d+\.\d\d")
def parse_money(text: str) -> float:
    return float(text)


@parse.with_pattern(rf"(?:{'|'.join(MONTHS)}) \d{{4}}")
def parse_month(text: str) -> date:
    """``March 2026`` as the first day of that month."""
    name, year = text.split()
    return date(int(year), MONTHS.index(name) + 1, 1)


@parse.with_pattern(r"[a-z]+")
def parse_word(text: str) -> str:
    return text


# What an actor may try on an incident, as a feature says it.
ACTIONS: dict[str, Callable[[ServiceDesk, str, Actor], Any]] = {
    "read": lambda desk, number, actor: desk.get_incident(number, actor=actor),
    "read the history of": lambda desk, number, actor: desk.history(number, actor=actor),
    "start": lambda desk, number, actor: desk.start(number, actor=actor),
    "comment on": lambda desk, number, actor: desk.comment(number, "Any news?", actor=actor),
    "log 30 minutes of work on": lambda desk, number, actor: desk.log_work(number, 30, actor=actor),
    "resolve": lambda desk, number, actor: desk.resolve(number, "fixed", actor=actor),
    "cancel": lambda desk, number, actor: desk.cancel(number, "no longer needed", actor=actor),
    "escalate to the Network group": lambda desk, number, actor: desk.escalate(
        number, "Network", actor=actor
    ),
}


@parse.with_pattern("|".join(sorted(ACTIONS, key=len, reverse=True)))
def parse_action(text: str) -> Callable[[ServiceDesk, str, Actor], Any]:
    return ACTIONS[text]


TENANCY_TYPES = {
    **TYPES,
    "Name": parse_name,
    "Names": parse_names,
    "Team": parse_team,
    "Presence": parse_presence,
    "Model": parse_model,
    "Money": parse_money,
    "Month": parse_month,
    "Word": parse_word,
    "Action": parse_action,
}


def step(text: str) -> parsers.parse:
    """A step text with the typed fields above, matched case-sensitively."""
    return parsers.parse(text, extra_types=TENANCY_TYPES, case_sensitive=True)


# --- helpers -------------------------------------------------------------------------------


def dedicated_team(tenant: str) -> str:
    return f"{tenant}'s dedicated team"


def paris_today(clock: ManualClock, at: time) -> datetime:
    """``at`` on today's Paris wall clock; the desk clock only moves forward."""
    moment = datetime.combine(clock.now().astimezone(PARIS).date(), at, tzinfo=PARIS)
    assert moment >= clock.now(), f"{at:%H:%M} has passed: the desk clock reads {clock.now()}"
    return moment


def paris_time(moment: datetime) -> str:
    """``Monday 2026-03-02 10:00`` on the Paris wall clock."""
    local = moment.astimezone(PARIS)
    return f"{WEEKDAY_NAMES[local.weekday()]} {local:%Y-%m-%d %H:%M}"


def names_or_nothing(text: str) -> list[str]:
    """A list as a feature writes it: ``Ana, Bo``, or ``nobody``/``nothing`` for none."""
    return [] if text in ("nobody", "nothing") else parse_names(text)


def find_incident(desk: ServiceDesk, summary: str) -> IncidentView | None:
    """The incident with this summary, if there is one (a scenario keeps summaries unique)."""
    rows = desk.list_incidents(text=summary, limit=1000).items
    found = [row.number for row in rows if row.summary == summary]
    assert len(found) <= 1, f"{len(found)} incidents are called {summary!r}"
    return desk.get_incident(found[0]) if found else None


def incident_named(desk: ServiceDesk, summary: str) -> IncidentView:
    incident = find_incident(desk, summary)
    assert incident is not None, f"no incident is called {summary!r}"
    return incident


def summaries(desk: ServiceDesk, actor: Actor) -> list[str]:
    """The summaries of the incidents in the actor's incident list, in number order."""
    return [row.summary for row in desk.list_incidents(actor=actor, limit=1000).items]


def routing_log(desk: ServiceDesk, number: str) -> list[Any]:
    """Every event of the incident's work item: its queueing and each routing decision."""
    return list(desk.repository.event_store.get(work_item_id("incident", number)))


def last_decision(desk: ServiceDesk, number: str) -> Any:
    decisions = [e for e in routing_log(desk, number) if type(e).__name__ in ("Waiting", "Routed")]
    assert decisions, f"the router has decided nothing about {number}"
    return decisions[-1]


def waiting_entry(desk: ServiceDesk, number: str) -> QueueEntry:
    entries = [entry for entry in desk.tenancy.queue() if entry.incident == number]
    assert entries, f"{number} is not waiting in the queue"
    return entries[0]


def open_for(
    desk: ServiceDesk, tenant: str, summary: str = SUMMARY, **options: Any
) -> IncidentView:
    return desk.open_incident(summary, impact=2, urgency=2, tenant=tenant, **options)


def route_to(desk: ServiceDesk, incident: IncidentView, agent: str) -> None:
    """Run the router and check that it gave the incident to the agent."""
    desk.tenancy.route()
    taken = desk.get_incident(incident.number).assignee
    assert taken == agent, f"the router gave {incident.summary!r} to {taken}, not {agent}"


def agent_team(desk: ServiceDesk, agent: str) -> str:
    teams = desk.tenancy.agent(agent).teams
    assert len(teams) == 1, f"{agent} works in {teams}: say which team"
    return teams[0]


def import_weekdays(desk: ServiceDesk, name: str, opens: time, closes: time) -> str:
    calendar = BusinessCalendar.weekdays(name, "Europe/Paris", f"{opens:%H:%M}", f"{closes:%H:%M}")
    return desk.sla.import_calendar(calendar).name


def month_name(text: str) -> str:
    """``2026-03`` as ``March 2026``."""
    year, month = text.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


# --- Given: the directory ------------------------------------------------------------------


@given("the shared pool works round the clock")
def shared_pool(desk: ServiceDesk) -> None:
    desk.tenancy.form_team(POOL, kind="shared")


@given(step("the {area:Name} specialist group works round the clock"))
def specialist_group(desk: ServiceDesk, area: str) -> None:
    desk.tenancy.form_team(area, kind="specialist", skill_area=area)


def register_served(desk: ServiceDesk, tenant: str, model: str, opens: time, closes: time) -> None:
    """A tenant with a dedicated team on weekdays, working to the tenant's own hours."""
    calendar = import_weekdays(desk, f"{tenant} hours", opens, closes)
    desk.tenancy.register_tenant(
        tenant, model=model, service_manager=SERVICE_MANAGER, calendar=calendar
    )
    desk.tenancy.form_team(
        dedicated_team(tenant), kind="dedicated", tenant=tenant, calendar=calendar
    )


@given(
    step(
        "tenant {tenant:Name} is served by a dedicated team"
        " on weekdays {opens:TimeOfDay}–{closes:TimeOfDay} Paris time"
    )
)
def dedicated_tenant(desk: ServiceDesk, tenant: str, opens: time, closes: time) -> None:
    register_served(desk, tenant, "dedicated", opens, closes)


@given(
    step(
        "tenant {tenant:Name} is served by a dedicated team"
        " on weekdays {opens:TimeOfDay}–{closes:TimeOfDay} Paris time,"
        " and by the shared pool on nights, weekends and overflow"
    )
)
def hybrid_tenant(desk: ServiceDesk, tenant: str, opens: time, closes: time) -> None:
    register_served(desk, tenant, "hybrid", opens, closes)


@given(step("tenant {tenant:Name} is served by the shared pool"))
def shared_tenant(desk: ServiceDesk, tenant: str) -> None:
    desk.tenancy.register_tenant(tenant, model="shared", service_manager=SERVICE_MANAGER)


@given(step("tenants {tenants:Names} are served by the shared pool"))
def shared_tenants(desk: ServiceDesk, tenants: list[str]) -> None:
    for tenant in tenants:
        shared_tenant(desk, tenant)


@given(
    step(
        "{tenant:Name}'s business hours are weekdays"
        " {opens:TimeOfDay}–{closes:TimeOfDay} Paris time"
    )
)
def business_hours(desk: ServiceDesk, tenant: str, opens: time, closes: time) -> None:
    calendar = import_weekdays(desk, f"{tenant} hours", opens, closes)
    desk.tenancy.update_tenant(tenant, calendar=calendar)


@given(step("{tenant:Name}'s items overflow to the shared pool after {minutes:d} minutes"))
def overflow_wait(desk: ServiceDesk, tenant: str, minutes: int) -> None:
    desk.tenancy.update_tenant(tenant, overflow_wait_minutes=minutes)


@given(step("{tenant:Name}'s contract weight is {weight:d}"))
def contract_weight(desk: ServiceDesk, tenant: str, weight: int) -> None:
    desk.tenancy.update_tenant(tenant, weight=weight)


@given(step("{tenant:Name}'s contract sends {category:Word} incidents to the {group:Name} group"))
def category_group(desk: ServiceDesk, tenant: str, category: str, group: str) -> None:
    groups = {**desk.tenancy.tenant(tenant).category_groups, category: group}
    desk.tenancy.update_tenant(tenant, category_groups=groups)


@given(
    step(
        "{tenant:Name}'s contract prices an hour at {rate:Money}"
        " and a dedicated resource at {fee:Money} a month"
    )
)
def contract_prices(desk: ServiceDesk, tenant: str, rate: float, fee: float) -> None:
    desk.tenancy.update_tenant(tenant, hourly_rate=rate, monthly_fee=fee)


@given(step("{agents:Names} works in {team:Team}"))
@given(step("{agents:Names} work in {team:Team}"))
def agents_in_team(desk: ServiceDesk, agents: list[str], team: str) -> None:
    for agent in agents:
        desk.tenancy.register_agent(agent, teams=[team])


@given(step("these agents work in the shared pool, available since {at:TimeOfDay}:"))
def pool_agents(
    desk: ServiceDesk, clock: ManualClock, at: time, datatable: list[list[str]]
) -> None:
    clock.set(paris_today(clock, at))
    for row in table(datatable):
        desk.tenancy.register_agent(
            row["agent"],
            teams=[POOL],
            skills=row["skills"].split(", ") if row["skills"] else (),
            languages=row["languages"].split(", "),
        )
        desk.tenancy.set_presence(row["agent"], "available")


@given("every agent is available")
def everyone_available(desk: ServiceDesk) -> None:
    for agent in desk.tenancy.agents():
        desk.tenancy.set_presence(agent.name, "available")


@given(step("{agents:Names} is {presence:Presence}"))
@given(step("{agents:Names} are {presence:Presence}"))
@when(step("{agents:Names} is {presence:Presence}"))
def presence(desk: ServiceDesk, agents: list[str], presence: str) -> None:
    for agent in agents:
        desk.tenancy.set_presence(agent, presence)


@given("they became available at these times:")
def available_at(desk: ServiceDesk, clock: ManualClock, datatable: list[list[str]]) -> None:
    for row in table(datatable):
        clock.set(paris_today(clock, time.fromisoformat(row["available at"])))
        desk.tenancy.set_presence(row["agent"], "available")


# --- Given/When: the time ------------------------------------------------------------------


@given(step("it is {weekday:Weekday} {time_of_day:TimeOfDay}"))
@when(step("it is {weekday:Weekday} {time_of_day:TimeOfDay}"))
def it_is_in_paris(clock: ManualClock, weekday: int, time_of_day: time) -> None:
    """The next such moment in Paris (today, if it is still to come)."""
    it_is_next(clock, weekday, time_of_day, PARIS)


# --- Given/When: work arriving -------------------------------------------------------------


@when(step("an incident is opened for {tenant:Name}"), target_fixture="incident")
def opened_now(desk: ServiceDesk, tenant: str) -> IncidentView:
    return open_for(desk, tenant)


@when(step("an incident is opened for {tenant:Name} at {at:TimeOfDay}"), target_fixture="incident")
def opened_at(desk: ServiceDesk, clock: ManualClock, tenant: str, at: time) -> IncidentView:
    clock.set(paris_today(clock, at))
    return open_for(desk, tenant)


def call(desk: ServiceDesk, clock: ManualClock, tenant: str) -> IncidentView:
    at = clock.now().astimezone(PARIS)
    return open_for(desk, tenant, f"Call from {tenant}, {at:%H:%M}", channel="voice")


@when(step("{tenant:Name} calls at {at:TimeOfDay}"), target_fixture="incident")
def calls_at(desk: ServiceDesk, clock: ManualClock, tenant: str, at: time) -> IncidentView:
    clock.set(paris_today(clock, at))
    return call(desk, clock, tenant)


@given(step("{agents:Names} is on a call for {tenant:Name}"))
@given(step("{agents:Names} are each on a call for {tenant:Name}"))
def on_a_call(desk: ServiceDesk, clock: ManualClock, agents: list[str], tenant: str) -> None:
    calls = [call(desk, clock, tenant) for _ in agents]
    desk.tenancy.route()
    takers = sorted(desk.get_incident(c.number).assignee or NONE for c in calls)
    assert takers == sorted(agents), f"the router gave the calls to {takers}"


@when(step("{agent:Name} finishes the call"))
def finishes_call(desk: ServiceDesk, agent: str) -> None:
    held = desk.list_incidents(assignee=agent, state=["new", "in_progress"]).items
    assert len(held) == 1, f"{agent} holds {len(held)} incidents"
    desk.resolve(held[0].number, "answered", actor=Actor.agent(agent))


@when(step("{tenant:Name} sends {count:d} item by {channel:Word}"), target_fixture="incident")
@when(step("{tenant:Name} sends {count:d} items by {channel:Word}"), target_fixture="incident")
def sends_items(desk: ServiceDesk, tenant: str, count: int, channel: str) -> IncidentView:
    """The items, one after another; "it" is the last one."""
    sent = [
        open_for(desk, tenant, f"{channel} {number} from {tenant}", channel=channel)
        for number in range(1, count + 1)
    ]
    return sent[-1]


@when(step("{tenant:Name} sends these items:"))
def sends_these_items(desk: ServiceDesk, tenant: str, datatable: list[list[str]]) -> None:
    for row in table(datatable):
        sends_items(desk, tenant, int(row["items"]), row["channel"])


@when(step("{tenant:Name} sends these emails:"))
def sends_emails(desk: ServiceDesk, tenant: str, datatable: list[list[str]]) -> None:
    for row in table(datatable):
        open_for(
            desk,
            tenant,
            row["item"],
            skill=row["skill"] or None,
            language=row["language"] or None,
        )


@when(step("{tenant:Name} sends an email at each of these times, the router running after each:"))
def emails_routed(
    desk: ServiceDesk, clock: ManualClock, tenant: str, datatable: list[list[str]]
) -> None:
    for row in table(datatable):
        clock.set(paris_today(clock, time.fromisoformat(row["at"])))
        open_for(desk, tenant, f"Email from {tenant}, {row['at']}")
        desk.tenancy.route()


@when(step("these calls arrive, a minute apart from {at:TimeOfDay}:"))
def calls_arrive(
    desk: ServiceDesk, clock: ManualClock, at: time, datatable: list[list[str]]
) -> None:
    clock.set(paris_today(clock, at))
    for index, row in enumerate(table(datatable)):
        if index:
            clock.advance(minutes=1)
        call(desk, clock, row["caller"])


@when("the router runs", target_fixture="routed")
def router_runs(desk: ServiceDesk) -> list[RoutingDecision]:
    return desk.tenancy.route()


@when(step("{agent:Name} answers the waiting calls one after another"), target_fixture="answered")
def answers_one_by_one(desk: ServiceDesk, clock: ManualClock, agent: str) -> list[str]:
    """Each round: the router gives the agent one call, which takes the agent 6 minutes."""
    callers = []
    while desk.tenancy.queue():
        given_out = [d for d in desk.tenancy.route() if d.agent is not None]
        assert [d.agent for d in given_out] == [agent], f"the router gave out {given_out}"
        callers.append(given_out[0].tenant)
        clock.advance(minutes=6)
        desk.resolve(given_out[0].incident, "answered", actor=Actor.agent(agent))
    return callers


# --- Given/When: escalation ----------------------------------------------------------------


@given(
    step("a {category:Word} incident of {tenant:Name} that {agent:Name} has taken"),
    target_fixture="incident",
)
def taken_incident(desk: ServiceDesk, tenant: str, category: str, agent: str) -> IncidentView:
    incident = open_for(desk, tenant, f"{category} trouble at {tenant}", category=category)
    route_to(desk, incident, agent)
    return desk.get_incident(incident.number)


@when(step("{agent:Name} escalates it"))
def escalates(desk: ServiceDesk, incident: IncidentView, agent: str) -> None:
    desk.escalate(incident.number, actor=Actor.agent(agent))


@when(step("{agent:Name} escalates it to the {group:Name} group"))
def escalates_to(desk: ServiceDesk, incident: IncidentView, agent: str, group: str) -> None:
    desk.escalate(incident.number, group, actor=Actor.agent(agent))


@when(step('{agent:Name} escalates "{summary}" to the {group:Name} group'))
def escalates_named(desk: ServiceDesk, agent: str, summary: str, group: str) -> None:
    number = incident_named(desk, summary).number
    desk.escalate(number, group, actor=Actor.agent(agent))


@when(step("{agent:Name} tries to escalate it"), target_fixture="attempt")
@when(step("{agent:Name} tries to escalate it to {team:Team}"), target_fixture="attempt")
def tries_to_escalate(
    desk: ServiceDesk, incident: IncidentView, agent: str, team: str | None = None
) -> Attempt:
    before = desk.get_incident(incident.number)
    return attempt(before, lambda: desk.escalate(incident.number, team, actor=Actor.agent(agent)))


# --- Then: coverage and routing ------------------------------------------------------------


@then(step('the agents who may serve {tenant:Name} are {agents}, because "{reason}"'))
def who_may_serve(desk: ServiceDesk, tenant: str, agents: str, reason: str) -> None:
    coverage = desk.tenancy.coverage(tenant)
    assert (list(coverage.agents), coverage.reason) == (names_or_nothing(agents), reason)


@then(step("{agent:Name} takes it"))
def takes_it(desk: ServiceDesk, incident: IncidentView, agent: str) -> None:
    assert desk.get_incident(incident.number).assignee == agent


@then(step("{agent:Name} takes it for {team:Team}"))
def takes_it_for(desk: ServiceDesk, incident: IncidentView, agent: str, team: str) -> None:
    stored = desk.get_incident(incident.number)
    assert (stored.assignee, stored.assignment_group) == (agent, team)


@then(step("an agent of {team:Team} takes it"))
def agent_of_team_takes_it(desk: ServiceDesk, incident: IncidentView, team: str) -> None:
    stored = desk.get_incident(incident.number)
    assert stored.assignment_group == team, stored.assignment_group
    assert stored.assignee in desk.tenancy.team(team).members, stored.assignee


@then("nobody takes it")
def nobody_takes_it(desk: ServiceDesk, incident: IncidentView) -> None:
    assert desk.get_incident(incident.number).assignee is None
    waiting_entry(desk, incident.number)


@then(step('nobody takes it, because "{reason}"'))
def nobody_takes_it_because(desk: ServiceDesk, incident: IncidentView, reason: str) -> None:
    nobody_takes_it(desk, incident)
    assert desk.tenancy.work_item(incident.number).waiting_reason == reason


def waits_for_shift(desk: ServiceDesk, incident: IncidentView, shift: datetime) -> None:
    utc = shift.astimezone(ZoneInfo("UTC"))
    expected = (
        "out of hours: waits for the dedicated team's next shift"
        f" (next shift {utc:%Y-%m-%d %H:%M} UTC)"
    )
    assert desk.tenancy.work_item(incident.number).waiting_reason == expected


@then(step("it waits for the next shift at {at:TimeOfDay} tomorrow"))
def waits_until_tomorrow(
    desk: ServiceDesk, clock: ManualClock, incident: IncidentView, at: time
) -> None:
    tomorrow = clock.now().astimezone(PARIS).date() + timedelta(days=1)
    waits_for_shift(desk, incident, datetime.combine(tomorrow, at, tzinfo=PARIS))


@then(step("it waits for the next shift at {moment:WallTime}"))
def waits_until(desk: ServiceDesk, incident: IncidentView, moment: datetime) -> None:
    waits_for_shift(desk, incident, moment.replace(tzinfo=PARIS))


@then(step("its estimated wait is {wait:Duration}"))
def estimated_wait(desk: ServiceDesk, incident: IncidentView, wait: timedelta) -> None:
    entry = waiting_entry(desk, incident.number)
    assert timedelta(minutes=entry.estimated_wait_minutes) == wait


@then("it has overflowed to the shared pool")
def has_overflowed(desk: ServiceDesk, incident: IncidentView) -> None:
    assert "Overflowed" in [type(e).__name__ for e in routing_log(desk, incident.number)]


@then("it has not overflowed to the shared pool")
def has_not_overflowed(desk: ServiceDesk, incident: IncidentView) -> None:
    assert "Overflowed" not in [type(e).__name__ for e in routing_log(desk, incident.number)]


@then("the shared pool has no work")
def pool_has_no_work(desk: ServiceDesk) -> None:
    members = desk.tenancy.team(POOL).members
    assert members, "nobody works in the shared pool"
    for agent in members:
        assert desk.list_incidents(assignee=agent).total == 0, f"{agent} has work"
    assert desk.list_incidents(assignment_group=POOL).total == 0


@then(step("{agent:Name} holds {count:d} of them"))
def holds_count(desk: ServiceDesk, agent: str, count: int) -> None:
    assert desk.list_incidents(assignee=agent).total == count


@then(step("{count:d} waits in the queue"))
@then(step("{count:d} wait in the queue"))
def queue_length(desk: ServiceDesk, count: int) -> None:
    assert len(desk.tenancy.queue()) == count


@then(step("{agent:Name} holds:"))
def holds_by_channel(desk: ServiceDesk, agent: str, datatable: list[list[str]]) -> None:
    load = desk.tenancy.agent(agent).load
    assert {row["channel"]: int(row["items"]) for row in table(datatable)} == load


@then("the router decided:")
def router_decided(desk: ServiceDesk, datatable: list[list[str]]) -> None:
    """Whom each item went to, as stored on the incident, and the reason recorded for it."""
    actual = []
    for row in table(datatable):
        number = incident_named(desk, row["item"]).number
        actual.append(
            {
                "item": row["item"],
                "agent": desk.get_incident(number).assignee or "nobody",
                "reason": last_decision(desk, number).reason,
            }
        )
    assert actual == table(datatable)


@then(step('the router\'s reason is "{reason}"'))
def routers_reason(desk: ServiceDesk, incident: IncidentView, reason: str) -> None:
    assert last_decision(desk, incident.number).reason == reason


@then("the routing log of the call reads:")
def routing_log_reads(
    desk: ServiceDesk, incident: IncidentView, datatable: list[list[str]]
) -> None:
    actual = [
        {
            "decision": type(event).__name__,
            "agent": getattr(event, "agent", None) or "",
            "reason": getattr(event, "reason", None) or "",
        }
        for event in routing_log(desk, incident.number)
    ]
    assert actual == table(datatable)


@then(step("{agent:Name} answered the callers in this order: {callers:Names}"))
def answered_in_order(answered: list[str], agent: str, callers: list[str]) -> None:
    assert answered == callers


@then("the queue reads:")
def queue_reads(desk: ServiceDesk, datatable: list[list[str]]) -> None:
    summary_of = {row.number: row.summary for row in desk.list_incidents(limit=1000).items}
    actual = [
        {
            "item": summary_of[entry.incident],
            "position": str(entry.position),
            "estimated wait": f"{entry.estimated_wait_minutes} minutes",
        }
        for entry in desk.tenancy.queue()
    ]
    assert actual == table(datatable)


@then(step("it waits for the {group:Name} group, with nobody assigned yet"))
def waits_for_group(desk: ServiceDesk, incident: IncidentView, group: str) -> None:
    stored = desk.get_incident(incident.number)
    assert (stored.assignment_group, stored.assignee) == (group, None)
    assert waiting_entry(desk, incident.number).group == group


# --- Isolation -----------------------------------------------------------------------------


def tenant_user(name: str, tenant: str) -> Actor:
    return Actor.tenant_user(name, tenant)


def try_on(desk: ServiceDesk, actor: Actor, action: Callable[..., Any], summary: str) -> Attempt:
    before = incident_named(desk, summary)
    return attempt(before, lambda: action(desk, before.number, actor))


@given(step("these incidents, each taken by the agent the router chose:"))
def incidents_taken(desk: ServiceDesk, datatable: list[list[str]]) -> None:
    for row in table(datatable):
        route_to(desk, open_for(desk, row["tenant"], row["incident"]), row["taken by"])


@given(step('"{summary}" is assigned by hand to {agent:Name} of {team:Team}'))
def assigned_by_hand(desk: ServiceDesk, summary: str, agent: str, team: str) -> None:
    desk.assign(incident_named(desk, summary).number, team, agent, actor=ARRANGER)


@then(step("agent {agent:Name} sees {incidents}"))
def agent_sees(desk: ServiceDesk, agent: str, incidents: str) -> None:
    """The agent's incident list, and each of those incidents opened by the agent."""
    expected = [] if incidents == "nothing" else incidents.split(", ")
    assert summaries(desk, Actor.agent(agent)) == expected
    for summary in expected:
        number = incident_named(desk, summary).number
        desk.get_incident(number, actor=Actor.agent(agent))


@then(step("{user:Name} of {tenant:Name} sees {incidents}"))
def user_sees(desk: ServiceDesk, user: str, tenant: str, incidents: str) -> None:
    expected = incidents.split(", ")
    assert summaries(desk, tenant_user(user, tenant)) == expected
    for summary in expected:
        desk.get_incident(incident_named(desk, summary).number, actor=tenant_user(user, tenant))


@when(step('agent {agent:Name} tries to {action:Action} "{summary}"'), target_fixture="attempt")
def agent_tries(desk: ServiceDesk, agent: str, action: Callable[..., Any], summary: str) -> Attempt:
    return try_on(desk, Actor.agent(agent), action, summary)


@when(
    step('{user:Name} of {tenant:Name} tries to {action:Action} "{summary}"'),
    target_fixture="attempt",
)
def user_tries(
    desk: ServiceDesk, user: str, tenant: str, action: Callable[..., Any], summary: str
) -> Attempt:
    return try_on(desk, tenant_user(user, tenant), action, summary)


@when(
    step("{user:Name} of {tenant:Name} tries to list the incidents of {other:Name}"),
    target_fixture="attempt",
)
def user_tries_list(desk: ServiceDesk, user: str, tenant: str, other: str) -> Attempt:
    return attempt(None, lambda: desk.list_incidents(tenant=other, actor=tenant_user(user, tenant)))


@when(
    step("{user:Name} of {tenant:Name} tries to open an incident for {other:Name}"),
    target_fixture="attempt",
)
def user_tries_open(desk: ServiceDesk, user: str, tenant: str, other: str) -> Attempt:
    return attempt(None, lambda: open_for(desk, other, actor=tenant_user(user, tenant)))


@when(
    step('{user:Name} of {tenant:Name} opens the incident "{summary}"'),
    target_fixture="incident",
)
def user_opens(desk: ServiceDesk, user: str, tenant: str, summary: str) -> IncidentView:
    return desk.open_incident(summary, impact=3, urgency=2, actor=tenant_user(user, tenant))


@then("access is denied")
def access_denied(attempt: Attempt) -> None:
    refusal(attempt, AccessDeniedError)


@then(step('access is denied because "{reason}"'))
def access_denied_because(attempt: Attempt, reason: str) -> None:
    refused = refusal(attempt, AccessDeniedError)
    assert refused.details["reason"] == reason, str(refused)


@then(step('agent {agent:Name} still may not {action:Action} "{summary}"'))
def still_may_not(desk: ServiceDesk, agent: str, action: Callable[..., Any], summary: str) -> None:
    refusal(try_on(desk, Actor.agent(agent), action, summary), AccessDeniedError)


@then("the refused accesses recorded are:")
def refusals_recorded(desk: ServiceDesk, datatable: list[list[str]]) -> None:
    """Every refusal recorded, in order, in the columns the table shows."""
    summary_of = {row.number: row.summary for row in desk.list_incidents(limit=1000).items}
    columns: dict[str, Callable[[Refusal], str]] = {
        "actor": lambda refused: refused.actor,
        "kind": lambda refused: refused.actor_kind,
        "action": lambda refused: refused.action,
        "incident": lambda refused: summary_of.get(refused.incident or "", NONE),
        "tenant": lambda refused: refused.tenant or NONE,
        "reason": lambda refused: refused.reason,
    }
    header = datatable[0]
    actual = [
        {column: columns[column](refused) for column in header}
        for refused in desk.tenancy.refusals()
    ]
    assert actual == table(datatable)


@then(step("{tenant:Name} still has {count:d} incident"))
@then(step("{tenant:Name} still has {count:d} incidents"))
def tenant_has(desk: ServiceDesk, tenant: str, count: int) -> None:
    assert desk.list_incidents(tenant=tenant).total == count


@then(step('"{summary}" belongs to {tenant:Name}'))
def belongs_to(desk: ServiceDesk, summary: str, tenant: str) -> None:
    assert incident_named(desk, summary).tenant == tenant


@then(step('"{summary}" is {state:State}'))
def named_state(desk: ServiceDesk, summary: str, state: State) -> None:
    assert incident_named(desk, summary).state == state


@given(step('agent {agent:Name} commented "{text}" on "{summary}"'))
def agent_commented(desk: ServiceDesk, agent: str, text: str, summary: str) -> None:
    desk.comment(incident_named(desk, summary).number, text, actor=Actor.agent(agent))


@given(step('agent {agent:Name} added the internal work note "{text}" to "{summary}"'))
def agent_noted(desk: ServiceDesk, agent: str, text: str, summary: str) -> None:
    number = incident_named(desk, summary).number
    desk.comment(number, text, internal=True, actor=Actor.agent(agent))


@given(step('agent {agent:Name} logged {minutes:d} minutes of work on "{summary}"'))
def agent_logged(desk: ServiceDesk, agent: str, minutes: int, summary: str) -> None:
    desk.log_work(incident_named(desk, summary).number, minutes, actor=Actor.agent(agent))


@then(step('{user:Name} of {tenant:Name} reads "{summary}" with these comments only:'))
def user_reads_comments(
    desk: ServiceDesk, user: str, tenant: str, summary: str, datatable: list[list[str]]
) -> None:
    number = incident_named(desk, summary).number
    view = desk.get_incident(number, actor=tenant_user(user, tenant))
    assert [{"by": c.actor, "text": c.text} for c in view.comments] == table(datatable)


@then(step('{user:Name} of {tenant:Name} reads "{summary}" with no work time'))
def user_reads_no_work(desk: ServiceDesk, user: str, tenant: str, summary: str) -> None:
    number = incident_named(desk, summary).number
    assert desk.get_incident(number, actor=tenant_user(user, tenant)).work_minutes == 0


@then(
    step(
        'the history {user:Name} of {tenant:Name} reads of "{summary}"'
        " shows neither the work note nor the work logged"
    )
)
def user_history(desk: ServiceDesk, user: str, tenant: str, summary: str) -> None:
    number = incident_named(desk, summary).number
    entries = desk.history(number, actor=tenant_user(user, tenant))
    comments = [(e.data["text"], e.data["public"]) for e in entries if e.type == "Commented"]
    assert comments and all(public for _, public in comments), comments
    assert "WorkLogged" not in [e.type for e in entries]


@then(
    step(
        'agent {agent:Name} reads "{summary}" with {minutes:d} minutes of work'
        " and {count:d} comments"
    )
)
def agent_reads(desk: ServiceDesk, agent: str, summary: str, minutes: int, count: int) -> None:
    view = desk.get_incident(incident_named(desk, summary).number, actor=Actor.agent(agent))
    assert (view.work_minutes, len(view.comments)) == (minutes, count)


# --- Cost and advice -----------------------------------------------------------------------


@given(step("this work was done on {tenant:Name}'s incidents:"))
def work_done(
    desk: ServiceDesk, clock: ManualClock, tenant: str, datatable: list[list[str]]
) -> None:
    """Each incident is opened when first worked; whoever works it has it assigned first."""
    for row in table(datatable):
        clock.set(parse_wall_time(row["at"]).replace(tzinfo=PARIS))
        agent = row["by"]
        incident = find_incident(desk, row["incident"]) or open_for(desk, tenant, row["incident"])
        if incident.assignee != agent:
            desk.assign(incident.number, agent_team(desk, agent), agent, actor=ARRANGER)
        desk.log_work(incident.number, int(row["minutes"]), actor=Actor.agent(agent))


def month_moments(
    calendar: BusinessCalendar, month: date, since: datetime, *, in_hours: bool
) -> list[datetime]:
    """Every ten minutes of the month, after ``since``, in (or out of) the calendar's hours.

    In hours, the day between 09:00 and 17:00; out of hours, evenings from 19:00 to 23:00 and
    weekend days from 10:00 to 17:00: the hours when demand arrives.
    """
    moments = []
    day = month
    while day.month == month.month:
        if in_hours:
            start, end = 9, 17
        elif day.weekday() >= 5:
            start, end = 10, 17
        else:
            start, end = 19, 23
        for minute in range(start * 60, end * 60, 10):
            moment = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=PARIS)
            if moment >= since and calendar.is_open(moment) == in_hours:
                moments.append(moment)
        day += timedelta(days=1)
    return moments


def spread(moments: list[datetime], count: int) -> Iterator[datetime]:
    """``count`` of the moments, evenly spread over them."""
    assert count <= len(moments), f"{count} incidents do not fit in {len(moments)} moments"
    for index in range(count):
        yield moments[math.floor(index * len(moments) / count)]


@given(
    step(
        "{tenant:Name}'s demand over three months was, each incident worked by the agents on shift:"
    )
)
def demand_history(
    desk: ServiceDesk, clock: ManualClock, tenant: str, datatable: list[list[str]]
) -> None:
    """Open each month's incidents, spread over the month, each worked by an agent on shift."""
    calendar = desk.sla.calendar(desk.tenancy.tenant(tenant).calendar)
    arrivals: list[tuple[datetime, int]] = []
    for row in table(datatable):
        month = parse_month(row["month"])
        minutes = int(row["minutes each"])
        for in_hours, column in ((True, "in business hours"), (False, "out of hours")):
            moments = month_moments(calendar, month, clock.now(), in_hours=in_hours)
            arrivals += [(moment, minutes) for moment in spread(moments, int(row[column]))]
    for count, (moment, minutes) in enumerate(sorted(arrivals)):
        clock.set(moment)
        on_shift = desk.tenancy.coverage(tenant).agents
        assert on_shift, f"nobody serves {tenant} at {paris_time(moment)}"
        agent = on_shift[count % len(on_shift)]
        number = open_for(desk, tenant, f"Demand {count + 1}", assignee=agent).number
        desk.log_work(number, minutes, actor=Actor.agent(agent))


@when(step("the desk prices {tenant:Name}'s support for {month:Month}"), target_fixture="report")
def prices(desk: ServiceDesk, tenant: str, month: date) -> CostReport:
    return desk.tenancy.cost(tenant, f"{month:%Y-%m}")


@then("the cost report reads:")
def cost_report(report: CostReport, datatable: list[list[str]]) -> None:
    shown = {
        "model": report.model,
        "incidents": str(report.incidents),
        "hours by the dedicated team": f"{report.hours_dedicated:.2f}",
        "hours by the shared pool": f"{report.hours_shared:.2f}",
        "hours by specialists": f"{report.hours_specialist:.2f}",
        "dedicated resources": str(report.dedicated_resources),
        "monthly fees": f"{report.fixed_fees:.2f}",
        "hourly charges": f"{report.hourly_charges:.2f}",
        "total": f"{report.total:.2f}",
    }
    expected = table(datatable)
    assert [{"line": row["line"], "value": shown[row["line"]]} for row in expected] == expected


@when(
    step("the desk advises {tenant:Name} on its model from its last {months:d} months"),
    target_fixture="advice",
)
def advises(desk: ServiceDesk, tenant: str, months: int) -> Advice:
    return desk.tenancy.advise(tenant, months=months)


@then("the advice reads the demand as:")
def advice_demand(advice: Advice, datatable: list[list[str]]) -> None:
    actual = [
        {
            "month": month_name(usage.month),
            "incidents": str(usage.incidents),
            "out of hours": str(usage.out_of_hours),
            "hours worked": f"{usage.hours:.2f}",
        }
        for usage in advice.months
    ]
    assert actual == table(datatable)


@then("the advice compares the models:")
def advice_options(advice: Advice, datatable: list[list[str]]) -> None:
    actual = [
        {
            "model": option.model,
            "monthly cost": f"{option.monthly_cost:.2f}",
            "dedicated resources": str(option.resources),
            "demand left waiting": f"{option.waiting_share:.0%}".replace("%", " %"),
        }
        for option in advice.options
    ]
    assert actual == table(datatable)


@then(step('it recommends the {model:Model} model, because "{reason}"'))
def recommends(advice: Advice, model: str, reason: str) -> None:
    assert advice.recommended == model, advice.reasons
    assert reason in advice.reasons, advice.reasons


@then(step('the advice says "{reason}"'))
def advice_says(advice: Advice, reason: str) -> None:
    assert reason in advice.reasons, advice.reasons
