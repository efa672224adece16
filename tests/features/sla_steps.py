"""Step definitions for the depth of service levels: the metrics beyond response and
resolution, who counts as answering, OLAs per hop, changes of policy, clock timelines and
conversations left waiting.

The feature modules that need them import them (``from .sla_steps import *``); the shared
steps of ``conftest.py`` (calendars, policies, time passing, the SLA clocks, the timer)
work alongside. Wall-clock times are Madrid time, as in the other SLA features.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import attrs
from eventdesk import IncidentView, ServiceDesk
from eventdesk.calendars import parse_duration as parse_business_duration
from eventdesk.sla.policy import HopAgreement, WaitingRule
from eventdesk.sla.service import RaisedMoment
from pytest_bdd import given, then, when

from .conftest import (
    ARRANGER,
    NONE,
    SUMMARY,
    TIMER_COLUMNS,
    business_span,
    level_name,
    policy_toml,
    step,
    table,
    table_row,
    wall_time,
)

MADRID = ZoneInfo("Europe/Madrid")
AGREEMENTS = {"OLA": "ola", "underpinning contract": "underpinning"}


def level_of(text: str) -> str:
    """``team manager`` as the desk names it: ``team_manager``."""
    return text.replace(" ", "_")


def span_or_none(seconds: float | None) -> str:
    return NONE if seconds is None else business_span(seconds)


# --- Given: policies with OLAs, waiting rules; tenants and their incidents -------------------


@given(step('the SLA policy "{name}" gives these groups their own targets:'))
def hop_agreements(desk: ServiceDesk, name: str, datatable: list[list[str]]) -> None:
    """Rows of group, agreement (``OLA`` or ``underpinning contract``), target, calendar."""
    tables: dict[str, dict[str, HopAgreement]] = {"ola": {}, "underpinning": {}}
    for row in table(datatable):
        calendar = None if row["calendar"] == NONE else row["calendar"]
        target = parse_business_duration(row["target"])
        tables[AGREEMENTS[row["agreement"]]][row["group"]] = HopAgreement(target, calendar)
    desk.sla.import_policy(attrs.evolve(desk.sla.policy(name), **tables))


@given(
    step('"{name}" hands a conversation left waiting {limit:BusinessTime} to the "{group}" group')
)
def waiting_reassigns(desk: ServiceDesk, name: str, limit: str, group: str) -> None:
    rule = WaitingRule(parse_business_duration(limit), "reassign", group)
    desk.sla.import_policy(attrs.evolve(desk.sla.policy(name), waiting=rule))


@given(step('"{name}" brings in the {level} when a customer has waited {limit:BusinessTime}'))
def waiting_brings_in(desk: ServiceDesk, name: str, level: str, limit: str) -> None:
    rule = WaitingRule(parse_business_duration(limit), "supervisor", level=level_of(level))
    desk.sla.import_policy(attrs.evolve(desk.sla.policy(name), waiting=rule))


@given(step('the "{team}" team, whose {level} is {person}'))
def team_with_supervisor(desk: ServiceDesk, team: str, level: str, person: str) -> None:
    desk.tenancy.form_team(team, kind="shared", supervisors={level_of(level): person})


@given(step('the "{team}" specialist group'))
def specialist_group(desk: ServiceDesk, team: str) -> None:
    desk.tenancy.form_team(team, kind="specialist", skill_area=team)


@given(step('the incident is assigned to the "{group}" group'))
def assigned_to(desk: ServiceDesk, incident: IncidentView, group: str) -> None:
    desk.assign(incident.number, group, actor=ARRANGER)


@given(step('the tenant "{tenant}" has a contract on the SLA policy "{name}"'))
def tenant_contract(desk: ServiceDesk, tenant: str, name: str) -> None:
    desk.tenancy.register_tenant(tenant, model="shared", service_manager="Sofia", sla_policy=name)


@given(
    step(
        '{caller:Actor} of "{tenant}" called the desk about an incident'
        " with impact {impact:d} and urgency {urgency:d}"
    ),
    target_fixture="incident",
)
def tenant_called_in(
    desk: ServiceDesk, caller: str, tenant: str, impact: int, urgency: int
) -> IncidentView:
    return desk.open_incident(
        SUMMARY, impact=impact, urgency=urgency, caller=caller, tenant=tenant, actor=ARRANGER
    )


# --- When: messages, hand-overs, contracts and policies -------------------------------------


@when(step('the chatbot answers "{text}"'))
def chatbot_answers(desk: ServiceDesk, incident: IncidentView, text: str) -> None:
    desk.comment(incident.number, text, author_kind="bot", actor="Helpbot")


@when(step('the desk sends the automatic acknowledgement "{text}"'))
def automatic_acknowledgement(desk: ServiceDesk, incident: IncidentView, text: str) -> None:
    desk.comment(incident.number, text, author_kind="system", actor="desk")


@when(step('{actor:Actor} escalates the incident to the "{group}" group'))
def escalate(desk: ServiceDesk, incident: IncidentView, actor: str, group: str) -> None:
    desk.escalate(incident.number, group, actor=actor)


@when(step("{actor:Actor} closes the incident"))
def close(desk: ServiceDesk, incident: IncidentView, actor: str) -> None:
    desk.close_incident(incident.number, actor=actor)


@when(step('{tenant}\'s contract changes to the SLA policy "{name}"'))
def contract_changes(desk: ServiceDesk, tenant: str, name: str) -> None:
    desk.tenancy.update_tenant(tenant, sla_policy=name)


@when(
    step(
        '{tenant}\'s contract changes to the SLA policy "{name}" from the opening of its incidents'
    )
)
def contract_changes_from_opening(desk: ServiceDesk, tenant: str, name: str) -> None:
    desk.tenancy.update_tenant(tenant, sla_policy=name, sla_from="opening")


@when(step("{tenant}'s contract ends its service levels"))
def contract_ends_sla(desk: ServiceDesk, tenant: str) -> None:
    desk.tenancy.update_tenant(tenant, sla_policy="none")


@when(step('the desk revises the SLA policy "{name}" with these targets:'))
def revise_policy(desk: ServiceDesk, config_folder, name: str, datatable: list[list[str]]) -> None:
    path = config_folder / f"{name}-revised.toml"
    path.write_text(policy_toml(name, datatable), encoding="utf-8")
    stored = desk.sla.policy(name)
    revised = desk.sla.import_policy(path)
    assert revised.name == stored.name


# --- Then ----------------------------------------------------------------------------------


@then("the incident has no SLA clocks")
def no_clocks(desk: ServiceDesk, incident: IncidentView) -> None:
    assert desk.sla.status(incident.number) == []


@then(step("the incident has no {metric} clock"))
def no_clock_of(desk: ServiceDesk, incident: IncidentView, metric: str) -> None:
    assert metric not in [s.metric for s in desk.sla.status(incident.number)]


@then("the hops read:")
def hops_read(desk: ServiceDesk, incident: IncidentView, datatable: list[list[str]]) -> None:
    """Rows of hop, group, kind, state, business (time held) and target."""
    actual = [
        {
            "hop": str(hop.hop),
            "group": hop.group,
            "kind": hop.kind,
            "state": hop.state,
            "business": business_span(hop.business_seconds),
            "target": span_or_none(hop.target_seconds),
        }
        for hop in desk.sla.hops(incident.number)
    ]
    header = datatable[0]
    assert [{k: row[k] for k in header} for row in actual] == table(datatable)


@then(step("the hops add up to {duration:BusinessTime} of business time"))
def hops_add_up(desk: ServiceDesk, incident: IncidentView, duration: str) -> None:
    total = sum(hop.business_seconds for hop in desk.sla.hops(incident.number))
    assert business_span(total) == duration


@then(step("the timeline of the {clock} clock reads:"))
def timeline_reads(
    desk: ServiceDesk, incident: IncidentView, clock: str, datatable: list[list[str]]
) -> None:
    """Rows of ``at in Madrid``, step, cause, and optionally calendar, business, target."""
    [timeline] = [t for t in desk.sla.timeline(incident.number) if t.clock == clock]
    cells = {
        "at in Madrid": lambda e: wall_time(e.at, MADRID),
        "step": lambda e: e.step,
        "cause": lambda e: e.cause,
        "calendar": lambda e: business_span(e.calendar_seconds),
        "business": lambda e: business_span(e.business_seconds),
        "target": lambda e: span_or_none(e.target_seconds),
    }
    header = datatable[0]
    actual = [{column: cells[column](entry) for column in header} for entry in timeline.entries]
    assert actual == table(datatable)


@then(step('the incident is with the "{group}" group'))
def with_group(desk: ServiceDesk, incident: IncidentView, group: str) -> None:
    assert desk.get_incident(incident.number).assignment_group == group


@then("for waiting conversations the timer raises:")
def waiting_raised(raised: list[RaisedMoment], datatable: list[list[str]]) -> None:
    header = datatable[0]
    actual = [
        table_row(item, header, TIMER_COLUMNS, item.due_at)
        for item in raised
        if item.moment == "limit"
    ]
    assert actual == table(datatable)


@then(step('{person:Actor} is brought in because "{reason}"'))
def brought_in(desk: ServiceDesk, incident: IncidentView, person: str, reason: str) -> None:
    escalations = [
        (entry.data["supervisor"], level_name(entry.data["level"]), entry.data["reason"])
        for entry in desk.history(incident.number)
        if entry.type == "Escalated"
    ]
    assert (person, reason) in [(who, why) for who, _, why in escalations], escalations
