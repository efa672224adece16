"""Timer passes: warnings, breaches and escalations raised exactly once, from the timer index."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from eventdesk import ManualClock, ServiceDesk
from eventdesk.calendars import BusinessCalendar
from eventdesk.hookspecs import hookimpl
from eventdesk.plugins import get_plugin_manager
from eventdesk.projections.sla_timers import TABLE as TIMERS
from eventdesk.sla.policy import SlaPolicy, Target

MONDAY_8 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
SECOND, MINUTE, HOUR = timedelta(seconds=1), timedelta(minutes=1), timedelta(hours=1)
PRIORITY = {1: (1, 1), 2: (1, 2), 3: (2, 2), 4: (2, 3), 5: (3, 3)}
SLA_EVENTS = ("SlaWarningRaised", "SlaBreached", "Escalated")


def open_incident(desk: ServiceDesk, priority: int) -> str:
    impact, urgency = PRIORITY[priority]
    view = desk.open_incident("trouble", impact=impact, urgency=urgency, caller="carla")
    return view.number


def tick(desk: ServiceDesk, clock: ManualClock, at: datetime) -> list[tuple[Any, ...]]:
    """A pass at ``at`` (the clock moves there too); what it raised, as plain tuples."""
    clock.set(at)
    return [
        (item.incident, item.metric, item.moment, item.due_at, item.escalated_to)
        for item in desk.sla.tick(at)
    ]


def sla_history(desk: ServiceDesk, number: str) -> list[tuple[Any, ...]]:
    return [
        (entry.type, entry.data.get("metric"), entry.data.get("threshold"), entry.data.get("level"))
        for entry in desk.history(number)
        if entry.type in SLA_EVENTS
    ]


def timer_rows(desk: ServiceDesk) -> list[tuple[str, str, datetime, str]]:
    desk.catch_up()
    rows = desk.projector.db.execute(f"SELECT incident_id, metric, due_at, moment FROM {TIMERS}")
    return sorted(
        (
            desk.get_incident(UUID(row["incident_id"])).number,
            row["metric"],
            datetime.strptime(row["due_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC),
            row["moment"],
        )
        for row in rows
    )


def test_each_warning_and_the_breach_are_raised_once_at_their_moment(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    number = open_incident(desk, 1)  # response within 15 minutes
    warn_75, warn_90, breach = (MONDAY_8 + m for m in (11.25 * MINUTE, 13.5 * MINUTE, 15 * MINUTE))

    assert tick(desk, clock, warn_75 - timedelta(microseconds=1)) == []
    assert tick(desk, clock, warn_75) == [(number, "response", "75%", warn_75, "shift_manager")]
    assert tick(desk, clock, warn_75) == []
    assert tick(desk, clock, warn_90 - SECOND) == []
    assert tick(desk, clock, warn_90) == [(number, "response", "90%", warn_90, "team_manager")]
    assert tick(desk, clock, warn_90 + SECOND) == []
    assert tick(desk, clock, breach) == [(number, "response", "breach", breach, "director")]
    assert tick(desk, clock, breach + 10 * MINUTE) == []

    assert sla_history(desk, number) == [
        ("SlaWarningRaised", "response", "75%", None),
        ("Escalated", None, None, "shift_manager"),
        ("SlaWarningRaised", "response", "90%", None),
        ("Escalated", None, None, "team_manager"),
        ("SlaBreached", "response", None, None),
        ("Escalated", None, None, "director"),
    ]
    raised = [e for e in desk.history(number) if e.type in ("SlaWarningRaised", "SlaBreached")]
    assert [(e.at, e.data["due_at"], e.actor) for e in raised] == [
        (warn_75, warn_75, "sla"),
        (warn_90, warn_90, "sla"),
        (breach, breach, "sla"),
    ]
    assert desk.sla.status(number)[0].raised == ("75%", "90%", "breach")


def test_a_pass_after_a_long_outage_raises_every_overdue_moment_once(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    number = open_incident(desk, 1)  # 15 minutes and 4 hours
    next_day = MONDAY_8 + 24 * HOUR

    raised = tick(desk, clock, next_day)
    assert [(metric, moment, due) for _, metric, moment, due, _ in raised] == [
        ("response", "75%", MONDAY_8 + 11.25 * MINUTE),
        ("response", "90%", MONDAY_8 + 13.5 * MINUTE),
        ("response", "breach", MONDAY_8 + 15 * MINUTE),
        ("resolution", "75%", MONDAY_8 + 3 * HOUR),
        ("resolution", "90%", MONDAY_8 + 3.6 * HOUR),
        ("resolution", "breach", MONDAY_8 + 4 * HOUR),
    ]
    assert tick(desk, clock, next_day) == []
    assert tick(desk, clock, next_day + 24 * HOUR) == []

    counted = Counter(entry[:3] for entry in sla_history(desk, number))
    assert counted == {
        ("SlaWarningRaised", "response", "75%"): 1,
        ("SlaWarningRaised", "response", "90%"): 1,
        ("SlaBreached", "response", None): 1,
        ("SlaWarningRaised", "resolution", "75%"): 1,
        ("SlaWarningRaised", "resolution", "90%"): 1,
        ("SlaBreached", "resolution", None): 1,
        ("Escalated", None, None): 6,
    }
    assert {s.state for s in desk.sla.status(number)} == {"breached"}
    assert timer_rows(desk) == []


def test_escalation_follows_the_policys_matrix(desk: ServiceDesk, clock: ManualClock) -> None:
    policy = SlaPolicy(
        name="halfway",
        targets={1: Target(10 * MINUTE, 1 * HOUR)},
        warnings=(0.8, 0.5),
        escalation={"50%": "team_manager", "breach": "director"},
    )
    desk.sla.import_policy(policy, use=True)
    number = open_incident(desk, 1)

    assert tick(desk, clock, MONDAY_8 + 10 * MINUTE) == [
        (number, "response", "50%", MONDAY_8 + 5 * MINUTE, "team_manager"),
        (number, "response", "80%", MONDAY_8 + 8 * MINUTE, None),  # nobody to bring in at 80 %
        (number, "response", "breach", MONDAY_8 + 10 * MINUTE, "director"),
    ]
    levels = [entry[3] for entry in sla_history(desk, number) if entry[0] == "Escalated"]
    assert levels == ["team_manager", "director"]


def test_a_major_incident_goes_straight_to_the_director(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    major, ordinary = open_incident(desk, 1), open_incident(desk, 1)
    desk.declare_major(major, actor="ana")

    raised = tick(desk, clock, MONDAY_8 + 12 * MINUTE)
    assert [(number, level) for number, _, _, _, level in raised] == [
        (major, "director"),
        (ordinary, "shift_manager"),
    ]


class EscalationListener:
    def __init__(self) -> None:
        self.heard: list[tuple[str, str, str]] = []

    @hookimpl
    def hierarchical_escalation(self, desk: Any, incident: Any, level: str, reason: str) -> None:
        self.heard.append((incident.number, level, reason))


@pytest.fixture
def listener() -> Iterator[EscalationListener]:
    plugin = EscalationListener()
    manager = get_plugin_manager()
    manager.register(plugin, name="sla-test-listener")
    try:
        yield plugin
    finally:
        manager.unregister(name="sla-test-listener")


def test_each_escalation_calls_the_plugin_hook_once(
    desk: ServiceDesk, clock: ManualClock, listener: EscalationListener
) -> None:
    number = open_incident(desk, 1)
    tick(desk, clock, MONDAY_8 + 14 * MINUTE)
    tick(desk, clock, MONDAY_8 + 14 * MINUTE)
    tick(desk, clock, MONDAY_8 + 16 * MINUTE)
    assert listener.heard == [
        (number, "shift_manager", "response 75%"),
        (number, "team_manager", "response 90%"),
        (number, "director", "response breach"),
    ]


def test_the_timer_index_holds_the_next_moment_of_each_running_clock(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    running, paused, resolved, cancelled, closed, waiting = (
        open_incident(desk, 1) for _ in range(6)
    )
    for number in (paused, waiting):
        desk.start(number)
    desk.hold(paused, "awaiting_caller")
    desk.hold(waiting, "awaiting_change")  # does not pause by default
    desk.resolve(resolved, "fixed")
    desk.cancel(cancelled, "duplicate")
    desk.resolve(closed, "fixed")
    desk.close_incident(closed)

    first_moments = [
        ("response", MONDAY_8 + 11.25 * MINUTE, "75%"),
        ("resolution", MONDAY_8 + 3 * HOUR, "75%"),
    ]
    assert timer_rows(desk) == sorted(
        (number, *moment) for number in (running, waiting) for moment in first_moments
    )

    tick(desk, clock, MONDAY_8 + 12 * MINUTE)
    desk.comment(waiting, "We are on it", actor="ana")  # the response is met
    desk.reopen(resolved, "back again")
    assert timer_rows(desk) == [
        (running, "resolution", MONDAY_8 + 3 * HOUR, "75%"),
        (running, "response", MONDAY_8 + 13.5 * MINUTE, "90%"),
        # Reopened at 08:12 with no time spent: 75 % of 4 h from then.
        (resolved, "resolution", MONDAY_8 + 12 * MINUTE + 3 * HOUR, "75%"),
        (waiting, "resolution", MONDAY_8 + 3 * HOUR, "75%"),
    ]
    assert max(Counter(row[:2] for row in timer_rows(desk)).values()) == 1


def test_a_paused_clock_raises_nothing_until_it_resumes(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    number = open_incident(desk, 1)
    desk.start(number)
    clock.advance(minutes=5)
    desk.hold(number, "awaiting_caller")
    assert [row for row in timer_rows(desk) if row[0] == number] == []

    assert tick(desk, clock, MONDAY_8 + 48 * HOUR) == []
    desk.resume(number)
    resumed = clock.now()
    assert tick(desk, clock, resumed + 6 * MINUTE) == []
    assert tick(desk, clock, resumed + 7 * MINUTE) == [
        (number, "response", "75%", resumed + 6.25 * MINUTE, "shift_manager")
    ]


def test_a_change_of_priority_moves_the_timers(desk: ServiceDesk, clock: ManualClock) -> None:
    raised_up, lowered = open_incident(desk, 4), open_incident(desk, 1)
    clock.advance(minutes=5)
    desk.reprioritise(raised_up, impact=1, urgency=1)  # P4 → P1: 15 minutes to respond
    desk.reprioritise(lowered, impact=2, urgency=3)  # P1 → P4: 4 hours to respond

    assert tick(desk, clock, MONDAY_8 + 12 * MINUTE) == [
        (raised_up, "response", "75%", MONDAY_8 + 11.25 * MINUTE, "shift_manager")
    ]
    assert [row for row in timer_rows(desk) if row[0] == lowered] == [
        (lowered, "resolution", MONDAY_8 + 54 * HOUR, "75%"),
        (lowered, "response", MONDAY_8 + 3 * HOUR, "75%"),
    ]


def test_a_breach_found_after_resolution_is_still_recorded(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    number = open_incident(desk, 1)
    clock.advance(minutes=20)
    desk.resolve(number, "fixed")  # after the response deadline, with no pass in between

    # Warnings are moot once the clock has stopped; the breach is a fact, raised once,
    # and nobody is brought in for a resolved incident.
    assert tick(desk, clock, MONDAY_8 + 30 * MINUTE) == [
        (number, "response", "breach", MONDAY_8 + 15 * MINUTE, None)
    ]
    assert tick(desk, clock, MONDAY_8 + 60 * MINUTE) == []
    assert [entry[:2] for entry in sla_history(desk, number)] == [("SlaBreached", "response")]
    assert timer_rows(desk) == []


def test_a_pass_reads_only_the_incidents_whose_timers_are_due(
    desk: ServiceDesk, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    urgent = {desk.resolve_id(open_incident(desk, 1)) for _ in range(3)}
    calm = {desk.resolve_id(open_incident(desk, 5)) for _ in range(12)}
    desk.catch_up()  # indexing the new incidents is the projection's work, not the pass's

    event_store = desk.repository.event_store
    read: list[UUID] = []
    real_get = event_store.get

    def counting_get(originator_id: UUID, *args: Any, **kwargs: Any) -> Any:
        read.append(originator_id)
        return real_get(originator_id, *args, **kwargs)

    monkeypatch.setattr(event_store, "get", counting_get)
    head = desk.projector.head()

    # Fail to find anything due: no incident is read, nothing is written.
    assert tick(desk, clock, MONDAY_8 + 5 * MINUTE) == []
    assert set(read) & (urgent | calm) == set()
    assert desk.projector.head() == head

    assert len(tick(desk, clock, MONDAY_8 + 12 * MINUTE)) == 3
    assert set(read) & (urgent | calm) == urgent


def test_a_policy_put_in_use_moves_the_timers_of_open_incidents(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    number = open_incident(desk, 3)  # default: an hour to respond
    assert tick(desk, clock, MONDAY_8 + 3 * MINUTE) == []
    fast = SlaPolicy(name="fast", targets={3: Target(4 * MINUTE, 1 * HOUR)})
    desk.sla.import_policy(fast, use=True)

    assert tick(desk, clock, MONDAY_8 + 3 * MINUTE) == [
        (number, "response", "75%", MONDAY_8 + 3 * MINUTE, "shift_manager")
    ]
    assert [row[1:] for row in timer_rows(desk)] == [
        ("resolution", MONDAY_8 + 45 * MINUTE, "75%"),
        ("response", MONDAY_8 + 3.6 * MINUTE, "90%"),
    ]


def test_office_hours_timers_wait_for_monday(
    desk: ServiceDesk,
    clock: ManualClock,
    madrid_office: BusinessCalendar,
    office_policy: SlaPolicy,
) -> None:
    desk.sla.import_calendar(madrid_office)
    desk.sla.import_policy(office_policy, use=True)
    friday_4pm_madrid = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)
    clock.set(friday_4pm_madrid)
    number = open_incident(desk, 3)  # 1 h and 8 h of office time
    desk.comment(number, "Looking into it", actor="ana")

    assert tick(desk, clock, datetime(2026, 3, 8, 23, 0, tzinfo=UTC)) == []  # Sunday night
    # 6 h of office time: Friday 16-18, then Monday 09-13, ending as the office breaks for lunch.
    monday_1pm_madrid = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
    assert tick(desk, clock, monday_1pm_madrid) == [
        (number, "resolution", "75%", monday_1pm_madrid, "shift_manager")
    ]
    # 90 % is 7 h 12 min: 1 h 12 min after lunch.
    assert [row[1:] for row in timer_rows(desk)] == [
        ("resolution", datetime(2026, 3, 9, 14, 12, tzinfo=UTC), "90%")
    ]


def test_the_timer_index_is_rebuilt_from_the_events_as_it_was(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    numbers = [open_incident(desk, priority) for priority in (1, 2, 3, 4, 5)]
    desk.start(numbers[1])
    desk.hold(numbers[1], "awaiting_vendor")
    desk.resolve(numbers[2], "fixed")
    tick(desk, clock, MONDAY_8 + 20 * MINUTE)
    before = timer_rows(desk)
    # P1's resolution (its response is breached and raised), both clocks of P4 and P5;
    # none for the paused P2 or the resolved P3.
    assert [row[:2] for row in before] == [
        (numbers[0], "resolution"),
        (numbers[3], "resolution"),
        (numbers[3], "response"),
        (numbers[4], "resolution"),
        (numbers[4], "response"),
    ]

    desk.rebuild_projections()
    assert timer_rows(desk) == before
