"""SLA clocks through the ServiceDesk, on every store, on virtual time.

Each test is a short story: an incident is opened on Monday 2 March 2026 at
08:00 UTC, things happen to it as the clock moves, and its clocks say what a
service-desk lead would expect.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from eventdesk import ManualClock, ServiceDesk
from eventdesk.calendars import BusinessCalendar
from eventdesk.sla.policy import SlaPolicy, Target
from eventdesk.sla.status import SlaStatus

WriteToml = Callable[[str, str], Path]
MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)
# (impact, urgency) giving each priority under the default matrix.
PRIORITY = {1: (1, 1), 2: (1, 2), 3: (2, 2), 4: (2, 3), 5: (3, 3)}


def open_incident(desk: ServiceDesk, priority: int, *, caller: str = "carla") -> str:
    impact, urgency = PRIORITY[priority]
    view = desk.open_incident(
        f"P{priority} trouble", impact=impact, urgency=urgency, caller=caller, actor="ana"
    )
    assert view.priority == priority
    return view.number


def clocks(desk: ServiceDesk, number: str, at: datetime | None = None) -> dict[str, SlaStatus]:
    return {status.metric: status for status in desk.sla.status(number, at=at)}


def test_the_response_is_met_by_the_first_public_answer_of_an_agent(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    number = open_incident(desk, 3)  # response within 1 h, resolution within 24 h, 24x7
    opened = clock.now()
    clock.advance(minutes=10)
    desk.comment(number, "Still broken, please hurry", actor="carla")
    assert clocks(desk, number)["response"].state == "running"
    clock.advance(minutes=10)
    desk.comment(number, "Looks like the switch", internal=True, actor="ana")
    assert clocks(desk, number)["response"].state == "running"
    clock.advance(minutes=10)
    desk.comment(number, "We are on it", actor="ana")
    clock.advance(hours=2)

    response, resolution = clocks(desk, number).values()
    assert response.state == "met"
    assert response.deadline is None
    assert response.elapsed_seconds == 30 * 60
    assert response.remaining_seconds == 30 * 60
    assert resolution.state == "running"
    assert resolution.deadline == opened + 24 * HOUR
    assert resolution.elapsed_seconds == (2 * HOUR + 30 * MINUTE).total_seconds()


def test_resolving_meets_both_clocks(desk: ServiceDesk, clock: ManualClock) -> None:
    number = open_incident(desk, 4)  # 4 h and 72 h
    desk.start(number, actor="ana")
    clock.advance(hours=2)
    desk.resolve(number, "fixed", actor="ana")
    clock.advance(hours=5)
    desk.close_incident(number, actor="ana")

    for status in clocks(desk, number).values():
        assert status.state == "met"
        assert status.deadline is None
        assert status.elapsed_seconds == 2 * 3600
        assert status.breached_at is None


def test_waiting_for_the_caller_or_a_vendor_pauses_the_clocks(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    number = open_incident(desk, 3)
    desk.start(number, actor="ana")
    clock.advance(minutes=30)
    desk.hold(number, "awaiting_caller", actor="ana")
    clock.advance(hours=3)
    for status in clocks(desk, number).values():
        assert (status.state, status.deadline, status.elapsed_seconds) == ("paused", None, 1800)

    desk.resume(number, actor="ana")
    clock.advance(minutes=15)
    desk.hold(number, "awaiting_vendor", actor="ana")
    clock.advance(hours=5)
    assert {s.state for s in clocks(desk, number).values()} == {"paused"}
    desk.resume(number, actor="ana")
    clock.advance(minutes=10)

    response, resolution = clocks(desk, number).values()
    assert response.state == resolution.state == "running"
    assert response.elapsed_seconds == resolution.elapsed_seconds == 55 * 60
    assert response.remaining_seconds == 5 * 60
    assert response.deadline == clock.now() + 5 * MINUTE
    assert resolution.deadline == clock.now() + 24 * HOUR - 55 * MINUTE


@pytest.mark.parametrize("reason", ["awaiting_change", "awaiting_problem"])
def test_other_holds_do_not_pause_the_clocks_by_default(
    desk: ServiceDesk, clock: ManualClock, reason: str
) -> None:
    number = open_incident(desk, 3)
    opened = clock.now()
    desk.start(number, actor="ana")
    desk.hold(number, reason, actor="ana")
    clock.advance(hours=2)

    resolution = clocks(desk, number)["resolution"]
    assert resolution.state == "running"
    assert resolution.elapsed_seconds == 2 * 3600
    assert resolution.deadline == opened + 24 * HOUR
    assert clocks(desk, number)["response"].state == "breached"


def test_a_reopen_resumes_the_resolution_clock_with_the_time_already_spent(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    number = open_incident(desk, 3)
    clock.advance(minutes=10)
    desk.comment(number, "Looking", actor="ana")
    clock.advance(minutes=170)
    desk.resolve(number, "restarted", actor="ana")
    assert clocks(desk, number)["resolution"].elapsed_seconds == 3 * 3600
    clock.advance(hours=10)  # resolved time does not count

    desk.reopen(number, "it is back", actor="carla")
    reopened = clock.now()
    response, resolution = clocks(desk, number).values()
    assert (response.state, response.elapsed_seconds) == ("met", 600)
    assert resolution.state == "running"
    assert resolution.elapsed_seconds == 3 * 3600
    assert resolution.deadline == reopened + 21 * HOUR

    clock.advance(hours=1)
    assert clocks(desk, number)["resolution"].elapsed_seconds == 4 * 3600


def test_p1_runs_round_the_clock_while_p3_waits_for_office_hours(
    desk: ServiceDesk,
    clock: ManualClock,
    madrid_office: BusinessCalendar,
    office_policy: SlaPolicy,
) -> None:
    desk.sla.import_calendar(madrid_office)
    desk.sla.import_policy(office_policy, use=True)
    clock.set(datetime(2026, 3, 7, 22, 0, tzinfo=UTC))  # Saturday night
    p1, p3 = open_incident(desk, 1), open_incident(desk, 3)

    response, resolution = clocks(desk, p1).values()
    assert response.calendar == resolution.calendar == "24x7"
    assert response.deadline == datetime(2026, 3, 7, 22, 15, tzinfo=UTC)
    assert resolution.deadline == datetime(2026, 3, 8, 2, 0, tzinfo=UTC)

    response, resolution = clocks(desk, p3).values()
    assert response.calendar == resolution.calendar == "madrid-office"
    # Monday 09:00-10:00 in Madrid; then a whole office day, 09-13 and 14-18.
    assert response.deadline == datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    assert resolution.deadline == datetime(2026, 3, 9, 17, 0, tzinfo=UTC)
    clock.set(datetime(2026, 3, 9, 8, 30, tzinfo=UTC))  # Monday 09:30 in Madrid
    assert clocks(desk, p3)["resolution"].elapsed_seconds == 30 * 60


def test_a_business_hours_policy_read_from_files(
    desk: ServiceDesk, clock: ManualClock, madrid_office_file: Path, write_toml: WriteToml
) -> None:
    policy_file = write_toml(
        "office.toml",
        """
        [policy]
        name = "office"
        calendar = "madrid-office"
        [policy.targets.P3]
        response = "1h"
        resolution = "8h"
        """,
    )
    desk.sla.import_calendar(madrid_office_file)
    desk.sla.import_policy(policy_file, use=True)
    assert desk.sla.policy().name == "office"
    clock.set(datetime(2026, 3, 6, 15, 0, tzinfo=UTC))  # Friday 16:00 in Madrid
    number = open_incident(desk, 3)

    response, resolution = clocks(desk, number).values()
    assert response.deadline == datetime(2026, 3, 6, 16, 0, tzinfo=UTC)
    # Friday 16-18, Monday 09-13 and 14-16.
    assert resolution.deadline == datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
    clock.set(datetime(2026, 3, 9, 8, 0, tzinfo=UTC))  # Monday 09:00 in Madrid
    response, resolution = clocks(desk, number).values()
    assert response.state == "breached"
    assert response.breached_at == datetime(2026, 3, 6, 16, 0, tzinfo=UTC)
    assert resolution.elapsed_seconds == 2 * 3600


def test_a_change_of_priority_moves_the_deadlines(desk: ServiceDesk, clock: ManualClock) -> None:
    number = open_incident(desk, 3)
    clock.advance(minutes=50)
    desk.reprioritise(number, impact=1, urgency=1, actor="ana")  # P3 → P1 at 08:50
    response, resolution = clocks(desk, number).values()
    # 50 minutes spent: a P1's 15-minute response is breached at once...
    assert response.state == "breached"
    assert response.breached_at == clock.now()
    # ...and its 4-hour resolution is due 3 h 10 min from now.
    assert resolution.deadline == clock.now() + 3 * HOUR + 10 * MINUTE
    assert resolution.target_seconds == 4 * 3600

    clock.advance(minutes=40)
    desk.reprioritise(number, impact=2, urgency=3, actor="ana")  # P1 → P4 at 09:30
    resolution = clocks(desk, number)["resolution"]
    assert resolution.deadline == clock.now() + 72 * HOUR - 90 * MINUTE
    assert resolution.state == "running"


def test_the_clocks_at_a_past_instant_are_what_they_said_then(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    number = open_incident(desk, 2)  # 30 min and 8 h
    said: list[tuple[datetime, dict[str, SlaStatus]]] = []

    def note() -> None:
        said.append((clock.now(), clocks(desk, number)))

    steps: list[tuple[timedelta, Callable[[], object]]] = [
        (10 * MINUTE, lambda: desk.comment(number, "Please send logs", actor="carla")),
        (15 * MINUTE, lambda: desk.sla.tick()),  # 75 % of the response
        (10 * MINUTE, lambda: desk.sla.tick()),  # response breached
        (5 * MINUTE, lambda: desk.start(number, actor="ana")),
        (1 * HOUR, lambda: desk.hold(number, "awaiting_caller", actor="ana")),
        (3 * HOUR, lambda: desk.resume(number, actor="ana")),
        (2 * HOUR, lambda: desk.reprioritise(number, impact=2, urgency=2, actor="ana")),
        (1 * HOUR, lambda: desk.resolve(number, "fixed", actor="ana")),
        (4 * HOUR, lambda: desk.reopen(number, "again", actor="carla")),
        (30 * MINUTE, lambda: desk.sla.tick()),
    ]
    note()
    for wait, action in steps:
        clock.advance(wait / 2)
        note()  # between events
        clock.advance(wait / 2)
        action()
        note()
    clock.advance(days=3)

    for moment, then in said:
        assert clocks(desk, number, at=moment) == then, moment


def test_a_cancelled_incident_stops_its_clocks(desk: ServiceDesk, clock: ManualClock) -> None:
    quiet, answered = open_incident(desk, 3), open_incident(desk, 3)
    clock.advance(minutes=5)
    desk.comment(answered, "Checking", actor="ana")
    clock.advance(minutes=15)
    desk.cancel(quiet, "duplicate", actor="ana")
    desk.cancel(answered, "duplicate", actor="ana")
    clock.advance(days=2)

    for status in clocks(desk, quiet).values():
        assert (status.state, status.deadline, status.elapsed_seconds) == (
            "cancelled",
            None,
            20 * 60,
        )
    assert [s.state for s in clocks(desk, answered).values()] == ["met", "cancelled"]


def test_a_policy_put_in_use_applies_at_once(desk: ServiceDesk) -> None:
    number = open_incident(desk, 1)
    assert clocks(desk, number)["response"].target_seconds == 15 * 60
    fast = SlaPolicy(name="fast", targets={1: Target(5 * MINUTE, 1 * HOUR)})
    desk.sla.import_policy(fast, use=True)
    assert clocks(desk, number)["response"].target_seconds == 5 * 60


def test_a_met_clock_stays_met_against_its_own_target_when_the_priority_changes(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    number = open_incident(desk, 4)  # response within 4 h, resolution within 72 h, 24x7
    clock.advance(minutes=30)
    desk.comment(number, "We are on it", actor="ana")
    answered = clock.now()
    clock.advance(minutes=10)
    desk.reprioritise(number, impact=1, urgency=1, actor="ana")  # P4 → P1: 15 min, 4 h
    clock.advance(hours=1)

    response, resolution = clocks(desk, number).values()
    # Met in 30 minutes against 4 hours: a P1's 15 minutes does not judge it again.
    assert (response.state, response.stopped_at, response.breached_at) == ("met", answered, None)
    assert response.elapsed_seconds == 30 * 60
    assert response.target_seconds == 4 * 3600
    assert response.remaining_seconds == (3 * HOUR + 30 * MINUTE).total_seconds()
    # The resolution clock still runs, now against a P1's 4 hours.
    assert (resolution.state, resolution.stopped_at) == ("running", None)
    assert resolution.target_seconds == 4 * 3600
    assert resolution.elapsed_seconds == 100 * 60
    assert desk.sla.tick() == []

    desk.reprioritise(number, impact=3, urgency=3, actor="ana")  # P1 → P5: 8 h, 120 h
    assert clocks(desk, number)["response"] == response
    clock.advance(hours=1)
    desk.resolve(number, "profile rebuilt", actor="ana")
    resolved = clock.now()
    clock.advance(minutes=5)
    desk.reopen(number, "it is back", actor="carla")
    response, resolution = clocks(desk, number).values()
    assert response.remaining_seconds == (3 * HOUR + 30 * MINUTE).total_seconds()
    # A reopen restarts the resolution clock under the priority the incident has now.
    assert (resolution.state, resolution.stopped_at) == ("running", None)
    assert resolution.target_seconds == 120 * 3600
    assert clocks(desk, number, at=resolved)["resolution"].stopped_at == resolved


def test_a_priority_the_policy_sets_no_target_for_has_no_clocks(
    desk: ServiceDesk, clock: ManualClock, madrid_office: BusinessCalendar
) -> None:
    desk.sla.import_calendar(madrid_office)
    urgent_only = SlaPolicy(
        name="urgent-only",
        targets={
            1: Target(15 * MINUTE, 4 * HOUR, "24x7"),
            3: Target(1 * HOUR, 8 * HOUR, "madrid-office"),
        },
    )
    desk.sla.import_policy(urgent_only, use=True)  # nothing promised for P2, P4 or P5
    low, raised_later = open_incident(desk, 5), open_incident(desk, 5)
    clock.advance(days=2)  # Wednesday 08:00 UTC, 09:00 in Madrid

    assert desk.sla.status(low) == []
    assert desk.sla.status(raised_later) == []
    assert desk.sla.tick() == []
    far_future = clock.now() + timedelta(days=3650)
    assert desk.sla_timer_index.due_count(desk.projector.db, far_future) == 0
    kinds = {entry.type for entry in desk.history(low)}
    assert not kinds & {"SlaWarningRaised", "SlaBreached", "Escalated"}

    # Raised to P3, the incident gets its clocks then: two days without a target do not count.
    desk.reprioritise(raised_later, impact=2, urgency=2, actor="ana")
    raised_at = clock.now()
    response, resolution = clocks(desk, raised_later).values()
    assert (response.state, response.elapsed_seconds) == ("running", 0)
    assert response.deadline == raised_at + HOUR
    assert resolution.calendar == "madrid-office"
    clock.advance(hours=2)
    assert [(r.incident, r.metric, r.moment) for r in desk.sla.tick()] == [
        (raised_later, "response", moment) for moment in ("75%", "90%", "breach")
    ]

    # Resolved at P5, the incident counts in the attainment but is neither met nor breached.
    desk.resolve(low, "fixed", actor="ana")
    attainment = {row.priority: row for row in desk.sla.attainment(urgent_only)}
    assert attainment[5].incidents == 1
    assert (attainment[5].response_percent, attainment[5].resolution_percent) == (None, None)
