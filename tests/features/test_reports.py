"""Scenarios of features/reports.feature: the figures the lead reads, from the events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from eventdesk import ManualClock, ServiceDesk
from eventdesk.calendars.model import BusinessCalendar
from eventdesk.reports.html import CHART_IDS, render_html
from eventdesk.reports.report import Report, build_report
from eventdesk.sla.policy import SlaPolicy, Target
from pytest_bdd import given, parsers, scenarios, then, when

scenarios("reports.feature")

MONDAY = datetime(2026, 3, 2, tzinfo=UTC)
TUESDAY_8 = datetime(2026, 3, 3, 8, tzinfo=UTC)
CHANNELS = {"by email": "email", "on the web form": "web", "by phone": "voice"}


@pytest.fixture
def opened() -> dict[str, str]:
    """Each caller's incident number."""
    return {}


def at(clock: ManualClock, hhmm: str) -> None:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    clock.advance(MONDAY.replace(hour=hours, minute=minutes) - clock.now())


@given(parsers.parse("the office is open on weekdays from {opens} to {closes} UTC"))
def office(desk: ServiceDesk, opens: str, closes: str) -> None:
    desk.sla.import_calendar(BusinessCalendar.weekdays("office", "UTC", opens, closes))
    for team, kind in (("l1", "shared"), ("net", "specialist")):
        desk.tenancy.form_team(team, kind=kind, skill_area="network" if team == "net" else None)


@given(
    parsers.parse(
        "the desk promises P{priority:d} incidents an answer within {answer:d} business "
        "hour and a solution within {solution:d}"
    )
)
def promise(desk: ServiceDesk, priority: int, answer: int, solution: int) -> None:
    target = Target(timedelta(hours=answer), timedelta(hours=solution), calendar="office")
    desk.sla.import_policy(SlaPolicy(name="ops", targets={priority: target}), use=True)


@given(parsers.parse('at {hhmm} {caller} reports "{summary}" {how}'))
def reports(desk, clock, opened, hhmm: str, caller: str, summary: str, how: str) -> None:
    at(clock, hhmm)
    opened[caller] = desk.open_incident(
        summary, impact=2, urgency=2, channel=CHANNELS[how], caller=caller
    ).number


@given(parsers.parse("at {hhmm} Bo answers {caller}"))
def answers(desk, clock, opened, hhmm: str, caller: str) -> None:
    at(clock, hhmm)
    desk.comment(opened[caller], "We are on it", actor="Bo")


@given(parsers.parse("at {hhmm} Bo resolves {caller}'s incident"))
def resolves(desk, clock, opened, hhmm: str, caller: str) -> None:
    at(clock, hhmm)
    desk.resolve(opened[caller], code="fixed", actor="Bo")


@given(parsers.parse("at {hhmm} {caller} reopens his incident"))
def reopens(desk, clock, opened, hhmm: str, caller: str) -> None:
    at(clock, hhmm)
    desk.reopen(opened[caller], reason="it is back", actor=caller)


@given(parsers.parse('at {hhmm} {caller}\'s incident is assigned to the group "{group}"'))
def assigned(desk, clock, opened, hhmm: str, caller: str, group: str) -> None:
    at(clock, hhmm)
    desk.assign(opened[caller], group)


@given(parsers.parse('at {hhmm} {caller}\'s incident is escalated to the group "{group}"'))
def escalated(desk, clock, opened, hhmm: str, caller: str, group: str) -> None:
    at(clock, hhmm)
    desk.escalate(opened[caller], group, reason="needs the specialists")


@given(parsers.parse("at {hhmm} {caller}'s incident is cancelled"))
def cancelled(desk, clock, opened, hhmm: str, caller: str) -> None:
    at(clock, hhmm)
    desk.cancel(opened[caller], reason="reported twice")


@when("the lead asks for the report until Tuesday 08:00", target_fixture="report")
def ask(desk: ServiceDesk) -> Report:
    return build_report(desk, until=TUESDAY_8)


def _kept(report: Report, metric: str) -> float | None:
    met = sum(s["met"] for s in report.sla if s["metric"] == metric)
    breached = sum(s["breached"] for s in report.sla if s["metric"] == metric)
    return met / (met + breached) if met + breached else None


FIGURES: dict[str, Any] = {
    "incidents opened": lambda r: r.summary["incidents"],
    "first-contact resolution": lambda r: r.summary["first_contact_resolution_rate"],
    "reopen rate": lambda r: r.summary["reopen_rate"],
    "reassignments per incident": lambda r: r.summary["reassignments_per_incident"],
    "ping-pong": lambda r: r.summary["ping_pong_rate"],
    "median first response, wall-clock": lambda r: (
        r.summary["first_response"]["median_seconds"] / 3600
    ),
    "median first response, business": lambda r: (
        r.summary["first_response"]["median_business_seconds"] / 3600
    ),
    "median resolution, wall-clock": lambda r: r.summary["resolution"]["median_seconds"] / 3600,
    "median resolution, business": lambda r: (
        r.summary["resolution"]["median_business_seconds"] / 3600
    ),
    "answers in time": lambda r: _kept(r, "response"),
    "solutions in time": lambda r: _kept(r, "resolution"),
}


def value_of(text: str) -> float:
    """``100 %`` → 1.0, ``1.5 h`` → 1.5, ``2`` → 2."""
    number = float(text.rstrip("%h ").strip())
    return number / 100 if text.endswith("%") else number


@then("the report shows these figures:")
def figures(report: Report, datatable: list[list[str]]) -> None:
    expected = {name: value_of(value) for name, value in datatable[1:]}
    shown = {name: FIGURES[name](report) for name in expected}
    assert shown == pytest.approx(expected)


@then(parsers.parse("the backlog holds {count:d} incident, the oldest {hours:d} hours old"))
def backlog(report: Report, count: int, hours: int) -> None:
    assert (report.backlog["open"], report.backlog["oldest_age_hours"]) == (count, hours)


@then("the channel mix is:")
def channel_mix(report: Report, datatable: list[list[str]]) -> None:
    names = {value: name.removeprefix("by ") for name, value in CHANNELS.items()}
    shown = {names[m["channel"]]: m["share"] for m in report.channel_mix}
    assert shown == pytest.approx({c: value_of(s) for c, s in datatable[1:]})


@when("the lead saves the report as a web page", target_fixture="page")
def save_page(desk: ServiceDesk, tmp_path: Path) -> str:
    path = tmp_path / "report.html"
    path.write_text(render_html(build_report(desk, until=TUESDAY_8)), encoding="utf-8")
    return path.read_text(encoding="utf-8")


@then(parsers.parse("the page draws {count:d} charts and loads nothing from the network"))
def page_charts(page: str, count: int) -> None:
    assert len(CHART_IDS) == count
    assert all(f'id="chart-{chart}"' in page for chart in CHART_IDS)
    assert page.count("Plotly.newPlot") == count
    assert "<script src=" not in page and 'src="http' not in page
