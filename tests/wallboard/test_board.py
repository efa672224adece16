"""The wallboard's snapshot and actions, on a real desk (no browser): what a supervisor sees,
the SLA levels, the half-hour figures, and the actions' access checks and actors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from eventdesk import ManualClock, ServiceDesk
from eventdesk.contingency import ContingencyError
from eventdesk.errors import InvalidValueError
from eventdesk.staffing import ServiceTarget
from eventdesk.tenancy.access import AccessDeniedError, Actor
from eventdesk.wallboard import snapshot, supervision
from eventdesk.wallboard.actions import move_agent, reassign, switch_contingency

from .conftest import Tokens

LEA, GUS, ANA = Actor.agent("lea"), Actor.agent("gus"), Actor.agent("ana")


@pytest.fixture(params=("memory", "sqlite", "postgres"))
def store(request: pytest.FixtureRequest) -> str:
    """The board reads the read models' SQL: on every store."""
    return request.param


@pytest.fixture
def directory(desk: ServiceDesk, tokens: Tokens) -> ServiceDesk:
    return desk


def _open(desk: ServiceDesk, tenant: str, summary: str, priority: int = 1) -> str:
    impact = urgency = 1 if priority == 1 else 2
    return desk.open_incident(summary, impact=impact, urgency=urgency, tenant=tenant).number


def test_each_supervises_its_teams_and_their_tenants(directory: ServiceDesk):
    assert supervision(directory, Actor.administrator("root")).tenants is None
    lea = supervision(directory, LEA)
    assert (lea.tenants, lea.teams) == ({"acme"}, {"acme-team"})
    with pytest.raises(AccessDeniedError, match="ana may not open the wallboard"):
        supervision(directory, ANA)
    refused = directory.tenancy.refusals()[-1]
    assert (refused.actor, refused.action) == ("ana", "open the wallboard")


def test_a_supervisor_sees_nothing_of_another_tenant(directory: ServiceDesk):
    acme = _open(directory, "acme", "Trading terminal frozen")
    globex = _open(directory, "globex", "Tills offline")
    directory.contingency.on("globex", reason="storm")

    board = snapshot(directory, supervision(directory, LEA))

    assert [r["incident"] for r in board["sla_risk"]] == [acme]
    assert [q["queue"] for q in board["queues"]] == ["acme"]
    assert {a["name"] for a in board["agents"]} == {"lea", "ana"}
    assert board["contingency"] == []
    assert globex not in str(board) and "globex" not in str(board)
    everything = snapshot(directory, supervision(directory, Actor.administrator("root")))
    assert {r["incident"] for r in everything["sla_risk"]} == {acme, globex}
    assert [c["tenant"] for c in everything["contingency"]] == ["globex"]


def test_sla_rows_go_from_ok_to_warning_to_breached_nearest_first(
    directory: ServiceDesk, clock: ManualClock
):
    later = _open(directory, "acme", "Printer jam", priority=3)
    urgent = _open(directory, "acme", "Trading terminal frozen")  # P1: response in 15 min
    levels = lambda: {  # noqa: E731
        r["incident"]: r["level"]
        for r in snapshot(directory, supervision(directory, LEA))["sla_risk"]
    }
    board = snapshot(directory, supervision(directory, LEA))
    assert [r["incident"] for r in board["sla_risk"]] == [urgent, later]
    assert board["sla_risk"][0]["remaining_seconds"] == 15 * 60
    assert levels() == {urgent: "ok", later: "ok"}
    clock.advance(timedelta(minutes=12))
    assert levels()[urgent] == "warning"
    clock.advance(timedelta(minutes=4))
    assert levels()[urgent] == "breached"


def test_the_half_hours_count_arrivals_answers_and_abandons_against_the_target(
    directory: ServiceDesk, clock: ManualClock
):
    clock.advance(timedelta(minutes=35))  # 08:35: the current interval started at 08:30
    quick = _open(directory, "acme", "Quick one")
    slow = _open(directory, "acme", "Slow one")
    dropped = _open(directory, "acme", "Never mind")
    clock.advance(timedelta(seconds=10))
    directory.comment(quick, "On it", actor=ANA)
    clock.advance(timedelta(seconds=50))
    directory.comment(slow, "On it too", actor=ANA)
    directory.cancel(dropped, "the caller hung up", actor="system")

    sup = supervision(directory, LEA)
    current, previous = snapshot(directory, sup, target=ServiceTarget.parse("80/20"))["intervals"]

    assert (current["start"], previous["start"]) == ("2026-03-02T08:30:00Z", "2026-03-02T08:00:00Z")
    assert (current["arrivals"], current["answered"], current["abandoned"]) == (3, 2, 1)
    assert current["service_level"] == pytest.approx(100 / 3, abs=0.1)  # 1 of 3 within 20 s
    assert current["asa_seconds"] == 35.0 and current["asa_met"] is False
    assert current["level_met"] is False
    assert previous["arrivals"] == 0 and previous["service_level"] is None


def test_actions_run_as_the_supervisor_through_the_same_checks(directory: ServiceDesk):
    number = _open(directory, "acme", "Trading terminal frozen")
    globex = _open(directory, "globex", "Tills offline")

    view = reassign(directory, LEA, {"incident": number, "assignee": "ana"})
    assert view.assignee == "ana"
    assert directory.history(number)[-1].actor == "lea"
    with pytest.raises(AccessDeniedError):
        reassign(directory, LEA, {"incident": globex, "assignee": "lea"})
    with pytest.raises(InvalidValueError, match="a group or an agent"):
        reassign(directory, LEA, {"incident": number})

    directory.tenancy.form_team(
        "acme-night", kind="dedicated", tenant="acme", supervisors={"shift_manager": "lea"}
    )
    moved = move_agent(directory, LEA, {"agent": "ana", "from": "acme-team", "to": "acme-night"})
    assert moved.teams == ("acme-night",)
    with pytest.raises(AccessDeniedError, match="only an administrator or a supervisor"):
        move_agent(directory, LEA, {"agent": "gil", "from": "globex-team", "to": "acme-night"})

    on = switch_contingency(directory, LEA, {"tenant": "acme", "mode": "on", "reason": "storm"})
    assert on.on and on.history[-1].actor == "lea"
    with pytest.raises(ContingencyError):
        switch_contingency(directory, LEA, {"tenant": "acme", "mode": "on", "reason": "again"})
    with pytest.raises(AccessDeniedError):
        switch_contingency(directory, LEA, {"tenant": "globex", "mode": "on", "reason": "x"})
    with pytest.raises(AccessDeniedError):
        directory.contingency.on(None, reason="the whole desk", actor=LEA)
    assert not switch_contingency(directory, LEA, {"tenant": "acme", "mode": "off"}).on
