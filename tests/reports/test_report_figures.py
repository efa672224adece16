"""Exact figures of the hand-built history (see conftest.py), on every store.

Times are in seconds; percentiles interpolate between the closest ranks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from eventdesk import InvalidValueError
from eventdesk.reports.html import render_html
from eventdesk.reports.report import build_report
from eventdesk.tenancy import AccessDeniedError, Actor
from eventsourcing.domain import Aggregate, event

TUESDAY_8 = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
HOUR = 3600.0


class SelfServiceBot(Aggregate):
    """Stands in for the self-service bot: it records that it answered a customer."""

    @event("Deflected")
    def deflect(self, tenant: str | None, channel: str, timestamp: datetime) -> None:
        pass


def by(entries, key):
    return {entry[key]: entry for entry in entries}


def test_the_figures_of_the_desk(desk, history):
    history()
    report = build_report(desk, until=TUESDAY_8, period="day")
    untenanted = by(report.by_tenant, "tenant")["-"]

    # A, B, C, D: only A was resolved at first contact; B was reopened and came back to l1.
    assert (untenanted["incidents"], untenanted["resolved"]) == (4, 2)
    assert untenanted["first_contact_resolution_rate"] == 0.5
    assert untenanted["reopen_rate"] == 0.5
    assert untenanted["reassignments_per_incident"] == 0.5
    assert untenanted["ping_pong_rate"] == 0.25
    # First response: C 20 min, A 1.5 h (0.5 h business: the office opens at 9), B 3 h
    # (2 h), answered only by its resolution. The p90 lies 0.8 of the way from the 2nd
    # to the 3rd value.
    assert untenanted["first_response"] == pytest.approx(
        {
            "median_seconds": 1.5 * HOUR,
            "p90_seconds": 1.5 * HOUR + 0.8 * (3 - 1.5) * HOUR,
            "median_business_seconds": 0.5 * HOUR,
            "p90_business_seconds": 0.5 * HOUR + 0.8 * (2 - 0.5) * HOUR,
        }
    )
    # Resolution: A 2 h (1 h business), B 5 h from opening to its last resolution (4 h).
    assert untenanted["resolution"] == pytest.approx(
        {
            "median_seconds": 3.5 * HOUR,
            "p90_seconds": 2 * HOUR + 0.9 * 3 * HOUR,
            "median_business_seconds": 2.5 * HOUR,
            "p90_business_seconds": 1 * HOUR + 0.9 * 3 * HOUR,
        }
    )
    # With E (initech): five incidents on one day, over four channels.
    assert report.summary["incidents"] == 5
    assert [(p["day"], p["incidents"]) for p in report.by_period] == [("2026-03-02", 5)]
    assert {m["channel"]: m["incidents"] for m in report.channel_mix} == {
        "chat": 1,
        "email": 2,
        "phone": 1,
        "web": 1,
    }
    assert {t: e["incidents"] for t, e in by(report.by_team, "team").items()} == {
        "-": 2,
        "l1": 2,
        "pool": 1,
    }


def test_sla_attainment_per_priority_and_metric(desk, history):
    history()
    report = build_report(desk, until=TUESDAY_8)
    attained = {(s["priority"], s["metric"]): (s["met"], s["breached"]) for s in report.sla}
    # C (P2) was answered in time; its resolution, due at 14:00, is still running.
    # P3: A answered in time; B (answered only by its resolution) and E too late.
    assert attained == {
        (2, "response"): (1, 0),
        (2, "resolution"): (0, 1),
        (3, "response"): (1, 2),
        (3, "resolution"): (3, 0),
    }
    # Before C's resolution fell due it was neither met nor breached.
    earlier = build_report(desk, until=datetime(2026, 3, 2, 13, 0, tzinfo=UTC))
    assert {(s["priority"], s["metric"]): s["breached"] for s in earlier.sla}[
        (2, "resolution")
    ] == 0


def test_the_backlog_and_its_age(desk, history):
    history()
    assert build_report(desk, until=TUESDAY_8).backlog | {"ages": None} == {
        "at": "2026-03-03T08:00:00.000000Z",
        "open": 1,
        "median_age_hours": 22.0,
        "p90_age_hours": 22.0,
        "oldest_age_hours": 22.0,
        "ages": None,
    }
    # At 12:30 B (reopened, opened at 08:00) and C (10:00) were open; D was cancelled.
    backlog = build_report(desk, until=datetime(2026, 3, 2, 12, 30, tzinfo=UTC)).backlog
    assert (backlog["open"], backlog["median_age_hours"], backlog["oldest_age_hours"]) == (
        2,
        3.5,
        4.5,
    )


def test_agent_utilisation_occupancy_and_cost(desk, history):
    history()
    report = build_report(desk, tenant="initech", until=TUESDAY_8)
    # Cy: logged in 08:00-16:00, away 12:00-13:00, handling E from 08:00 to 10:00.
    assert report.agents == (
        {
            "agent": "cy",
            "logged_in_hours": 8.0,
            "ready_hours": 7.0,
            "handling_hours": 2.0,
            "utilisation": 0.25,
            "occupancy": round(2 / 7, 4),
        },
    )
    monday = report.heatmap["utilisation"][0]
    assert monday[7:17] == [None, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, None]
    assert all(v is None for day in report.heatmap["utilisation"][1:] for v in day)
    # Shared: 90 minutes at 55 an hour.
    assert [(c["tenant"], c["month"], c["total"]) for c in report.cost] == [
        ("initech", "2026-03", 82.5)
    ]
    assert report.summary["incidents"] == 1


def test_deflections_by_the_self_service_bot(desk, history, clock):
    history()
    for channel in ("chat", "web", "chat"):
        bot = SelfServiceBot()
        bot.deflect(tenant=None, channel=channel, timestamp=clock.now())
        desk.save(bot)
    deflection = build_report(desk, until=TUESDAY_8).deflection
    # Three answered without an incident, beside five incidents.
    assert deflection == {"deflections": 3, "incidents": 5, "deflection_rate": 0.375}


def test_a_window_and_a_rebuild(desk, history, clock):
    history()
    before = build_report(desk, until=TUESDAY_8).to_dict()
    desk.projector.rebuild()
    assert build_report(desk, until=TUESDAY_8).to_dict() == before
    # Only what was opened from 10:00: C, and D (cancelled, never answered).
    later = build_report(desk, since=datetime(2026, 3, 2, 10, tzinfo=UTC), until=TUESDAY_8)
    assert later.summary["incidents"] == 2
    assert later.summary["first_response"]["median_seconds"] == 20 * 60


def test_bad_report_requests_name_what_was_wrong(desk, history):
    history()
    # Fail to report by fortnight, backwards in time, or on a tenant the desk lacks.
    with pytest.raises(InvalidValueError, match="period"):
        build_report(desk, period="fortnight")
    with pytest.raises(InvalidValueError, match="since"):
        build_report(desk, since=TUESDAY_8, until=TUESDAY_8)
    with pytest.raises(Exception, match="nobody"):
        build_report(desk, tenant="nobody")


def test_who_may_read_which_report(desk, history):
    history()
    gil = Actor.tenant_user("gil", "initech")
    # A tenant user's report is its own company's, whatever it asks for.
    assert build_report(desk, until=TUESDAY_8, actor=gil).tenant == "initech"
    assert build_report(desk, until=TUESDAY_8, actor=gil).summary["incidents"] == 1
    # Fail to read another company's figures, or (as an agent) every tenant's.
    desk.tenancy.register_tenant("acme", model="shared", service_manager="sofia")
    with pytest.raises(AccessDeniedError):
        build_report(desk, tenant="acme", actor=gil)
    with pytest.raises(AccessDeniedError):
        build_report(desk, actor=Actor.agent("cy"))
    # An agent reads the tenants its teams serve.
    assert build_report(desk, tenant="initech", actor=Actor.agent("cy")).summary["incidents"] == 1


def test_an_empty_desk_has_a_report_too(desk):
    report = build_report(desk)
    assert report.summary == {"incidents": 0, "deflections": 0}
    assert (report.backlog["open"], report.channel_mix, report.sla) == (0, (), ())
    assert render_html(report).count("Plotly.newPlot") == 5


def test_many_things_at_one_instant(desk, clock):
    # Routed, released, requeued and routed again, presence changed back and forth, and an
    # incident opened, resolved and reopened, all at the same moment: each is its own row.
    tenancy = desk.tenancy
    tenancy.register_tenant("initech", model="shared", service_manager="sofia")
    tenancy.form_team("pool", kind="shared")
    tenancy.register_agent("cy", teams=["pool"])
    for presence in ("available", "away", "available"):
        tenancy.set_presence("cy", presence)
    number = desk.open_incident("Printer", impact=2, urgency=2, tenant="initech").number
    tenancy.route()
    desk.resolve(number, code="fixed", actor="cy")
    desk.reopen(number, reason="again", actor="gil")
    tenancy.route()
    clock.advance(timedelta(hours=1))
    report = build_report(desk)
    assert report.backlog["open"] == 1
    assert report.summary["reopened"] == 1
    assert [(a["agent"], a["logged_in_hours"], a["handling_hours"]) for a in report.agents] == [
        ("cy", 1.0, 1.0)
    ]
