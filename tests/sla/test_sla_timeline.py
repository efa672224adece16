"""The timeline of a clock: every start, pause, resume, stop, restart, warning, breach and
change of target or policy, each with the event that caused it, the calendar time since
the clock started, the business time used so far and the target then."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from eventdesk import ManualClock, ServiceDesk
from eventdesk.cli import cli
from eventdesk.sla.policy import SlaPolicy, Target

from .story import HOUR, MINUTE, MONDAY_9

POLICY = SlaPolicy(
    name="timeline",
    targets={3: Target(HOUR, 8 * HOUR), 2: Target(30 * MINUTE, 4 * HOUR)},
)


def steps(desk: ServiceDesk, number: str, clock: str) -> list[tuple[str, str, str, float, float]]:
    [timeline] = [t for t in desk.sla.timeline(number) if t.clock == clock]
    return [
        (
            e.at.strftime("%H:%M"),
            e.step,
            e.cause,
            e.business_seconds / 60,
            (e.target_seconds or 0) / 60,
        )
        for e in timeline.entries
    ]


def paused_twice_reprioritised_once_and_reopened_once(
    desk: ServiceDesk, clock: ManualClock, *, timer_pass: bool = False
) -> str:
    """Versions as commented; a timer pass five minutes after the change of priority
    records six more events (three moments, each with its escalation) before the hold."""
    desk.sla.import_policy(POLICY, use=True)
    clock.set(MONDAY_9)
    number = desk.open_incident("VPN drops", impact=2, urgency=2, caller="carla").number  # v1
    clock.advance(minutes=10)
    desk.start(number, actor="bo")  # v2
    clock.advance(minutes=10)
    desk.hold(number, "awaiting_caller", actor="bo")  # v3
    clock.advance(minutes=30)
    desk.resume(number, actor="bo")  # v4
    clock.advance(minutes=20)
    desk.reprioritise(number, impact=1, urgency=2, actor="bo")  # v5: P2
    clock.advance(minutes=5)
    if timer_pass:
        desk.sla.tick()
    clock.advance(minutes=15)
    desk.hold(number, "awaiting_vendor", actor="bo")  # v6
    clock.advance(hours=1)
    desk.resume(number, actor="bo")  # v7
    clock.advance(minutes=30)
    desk.resolve(number, "fixed", actor="bo")  # v8
    clock.advance(hours=1)
    desk.reopen(number, "It drops again", actor="carla")  # v9
    clock.advance(minutes=30)
    return number


def test_the_timeline_shows_every_step_of_the_resolution_clock_with_its_cause(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    number = paused_twice_reprioritised_once_and_reopened_once(desk, clock)
    assert steps(desk, number, "resolution") == [
        ("09:00", "start", "Opened v1 (P3)", 0, 480),
        ("09:20", "pause", "PutOnHold v3 (awaiting_caller)", 20, 480),
        ("09:50", "resume", "Resumed v4", 20, 480),
        ("10:10", "target-change", "Reprioritised v5 (P2)", 40, 240),
        ("10:30", "pause", "PutOnHold v6 (awaiting_vendor)", 60, 240),
        ("11:30", "resume", "Resumed v7", 60, 240),
        ("12:00", "stop:met", "Resolved v8", 90, 240),
        ("13:00", "restart", "Reopened v9", 90, 240),
    ]
    [timeline] = [t for t in desk.sla.timeline(number) if t.clock == "resolution"]
    calendar_minutes = [e.calendar_seconds / 60 for e in timeline.entries]
    assert calendar_minutes == [0, 20, 50, 70, 90, 150, 180, 240]


def test_the_timeline_shows_warnings_and_breaches_with_the_events_that_raised_them(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    number = paused_twice_reprioritised_once_and_reopened_once(desk, clock, timer_pass=True)
    # The response (30 minutes at P2) was breached at 10:10, when the priority changed.
    assert steps(desk, number, "response") == [
        ("09:00", "start", "Opened v1 (P3)", 0, 60),
        ("09:20", "pause", "PutOnHold v3 (awaiting_caller)", 20, 60),
        ("09:50", "resume", "Resumed v4", 20, 60),
        ("10:10", "target-change", "Reprioritised v5 (P2)", 40, 30),
        ("10:10", "warning:75%", "SlaWarningRaised v6 (response 75%)", 40, 30),
        ("10:10", "warning:90%", "SlaWarningRaised v8 (response 90%)", 40, 30),
        ("10:10", "breach", "SlaBreached v10 (response)", 40, 30),
        ("10:30", "pause", "PutOnHold v12 (awaiting_vendor)", 60, 30),
        ("11:30", "resume", "Resumed v13", 60, 30),
        ("12:00", "stop:met", "Resolved v14", 90, 30),
    ]


def test_a_warning_never_raised_says_why(desk: ServiceDesk, clock: ManualClock) -> None:
    number = paused_twice_reprioritised_once_and_reopened_once(desk, clock)
    [*_, warning_75, warning_90, breach] = [
        e for e in steps(desk, number, "response") if e[0] == "10:10"
    ]
    # Nobody ran the timer before the resolution met the response: its warnings lapsed,
    # its breach is still to be recorded.
    assert [warning_75[2], warning_90[2], breach[2]] == [
        "not raised: it had stopped",
        "not raised: it had stopped",
        "due, not raised yet",
    ]
    assert [(r.metric, r.moment) for r in desk.sla.tick()] == [("response", "breach")]


def test_the_timeline_at_a_past_instant_stops_there(desk: ServiceDesk, clock: ManualClock) -> None:
    number = paused_twice_reprioritised_once_and_reopened_once(desk, clock)
    [resolution] = [
        t for t in desk.sla.timeline(number, at=MONDAY_9 + 35 * MINUTE) if t.clock == "resolution"
    ]
    assert [e.step for e in resolution.entries] == ["start", "pause"]


def test_a_policy_change_is_a_step_of_each_running_clock_with_its_cause(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    desk.sla.import_policy(POLICY)
    clock.set(MONDAY_9)
    desk.tenancy.register_tenant("acme", model="shared", service_manager="sofia")
    number = desk.open_incident("Tills", impact=2, urgency=2, tenant="acme").number
    clock.advance(minutes=30)
    desk.tenancy.update_tenant("acme", sla_policy="timeline")
    clock.advance(minutes=30)
    # Under the default policy a P3 had 1 h and 24 h; the contract's policy gives 1 h and 8 h.
    assert steps(desk, number, "resolution") == [
        ("09:00", "start", "Opened v1 (P3)", 0, 1440),
        ("09:30", "policy-change", "tenant acme contract v2", 30, 480),
    ]


def test_incident_sla_timeline_on_the_command_line(tmp_path: Path, monkeypatch) -> None:
    from eventdesk.clock import SystemClock

    db = str(tmp_path / "timeline.db")
    clock = ManualClock(MONDAY_9)
    with ServiceDesk(db=db, clock=clock) as desk:
        number = paused_twice_reprioritised_once_and_reopened_once(desk, clock)
    monkeypatch.setattr(SystemClock, "now", lambda self: clock.now())
    runner = CliRunner()

    result = runner.invoke(cli, ["--db", db, "incident", "sla", number, "--timeline", "--json"])
    assert result.exit_code == 0, result.output
    timelines = {t["clock"]: t for t in json.loads(result.output)}
    assert list(timelines) == ["response", "resolution"]
    first = timelines["resolution"]["entries"][0]
    assert first == {
        "at": "2026-03-02T09:00:00Z",
        "step": "start",
        "cause": "Opened v1 (P3)",
        "calendar_seconds": 0.0,
        "business_seconds": 0.0,
        "target_seconds": 28800.0,
    }

    shown = runner.invoke(cli, ["--db", db, "incident", "sla", number, "--timeline"])
    assert shown.exit_code == 0
    assert "PutOnHold v6 (awaiting_vendor)" in shown.output
    assert shown.output.splitlines()[0].strip() == "response"

    # Fail to ask for the timeline and the hops at once.
    both = runner.invoke(cli, ["--db", db, "incident", "sla", number, "--timeline", "--hops"])
    assert both.exit_code == 2
    assert "choose one" in both.output
