"""The policy in force over an incident's life: a change of the desk's policy, of a
policy's targets or of a tenant's contract applies from the change (keeping the time
used) or from the opening (retroactively); removing the SLA clears what was pending."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest
from eventdesk import ManualClock, ServiceDesk
from eventdesk.calendars import BusinessCalendar
from eventdesk.errors import InvalidValueError
from eventdesk.projections.sla_timers import TABLE as TIMERS
from eventdesk.sla.policy import SlaPolicy, Target
from eventdesk.sla.schedule import BEGINNING, PolicyChange, PolicySchedule, ScheduleBuilder

from .story import HOUR, MINUTE, MONDAY_9, Story

SLOW = SlaPolicy(name="slow", targets={3: Target(4 * HOUR, 24 * HOUR)})
FAST = SlaPolicy(name="fast", targets={3: Target(HOUR, 8 * HOUR)})
OFFICE = BusinessCalendar.weekdays("office", "Europe/Madrid", "09:00", "17:00")


def clocks(desk: ServiceDesk, number: str) -> dict[str, tuple[float, float, datetime | None]]:
    return {
        s.metric: (s.elapsed_seconds / 60, s.target_seconds / 60, s.deadline)
        for s in desk.sla.status(number)
    }


def timer_rows(desk: ServiceDesk) -> list[tuple[str, str]]:
    desk.catch_up()
    rows = desk.projector.db.execute(f"SELECT metric, moment FROM {TIMERS} ORDER BY metric")
    return [(row["metric"], row["moment"]) for row in rows]


def with_policies(desk: ServiceDesk, clock: ManualClock) -> str:
    """SLOW in use since Monday 08:00; an incident opened at 09:00; now 09:30."""
    clock.set(MONDAY_9 - HOUR)
    desk.sla.import_policy(SLOW, use=True)
    desk.sla.import_policy(FAST)
    clock.set(MONDAY_9)
    number = desk.open_incident("Mail down", impact=2, urgency=2).number
    clock.advance(minutes=30)
    return number


# --- the desk's policy --------------------------------------------------------------------


def test_a_new_policy_applies_from_the_change_keeping_the_time_used(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    number = with_policies(desk, clock)
    desk.sla.use_policy("fast")
    changed = clock.now()
    clock.advance(minutes=10)
    assert clocks(desk, number) == {
        "response": (40, 60, changed + 30 * MINUTE),
        "resolution": (40, 480, changed + 450 * MINUTE),
    }
    # Incidents opened after the change run under it from their opening.
    later = desk.open_incident("Printer jammed", impact=2, urgency=2).number
    assert clocks(desk, later)["response"] == (0, 60, clock.now() + HOUR)


def test_a_retroactive_policy_applies_from_the_opening(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    number = with_policies(desk, clock)
    desk.sla.use_policy("fast", retroactive=True)
    assert clocks(desk, number) == {
        "response": (30, 60, MONDAY_9 + HOUR),
        "resolution": (30, 480, MONDAY_9 + 8 * HOUR),
    }
    # The timer index follows at once: the 75 % of the response falls at 09:45.
    raised = desk.sla.tick(MONDAY_9 + 46 * MINUTE)
    assert [(r.metric, r.moment, r.due_at) for r in raised] == [
        ("response", "75%", MONDAY_9 + 45 * MINUTE)
    ]


def test_a_revision_of_the_policy_in_force_applies_from_the_revision(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    number = with_policies(desk, clock)
    revised = attrs.evolve(SLOW, targets={3: Target(2 * HOUR, 24 * HOUR)})
    desk.sla.import_policy(revised)
    clock.advance(hours=1)
    assert clocks(desk, number)["response"] == (90, 120, MONDAY_9 + 2 * HOUR)
    # The same revision made retroactive changes nothing more here (same targets from 09:00),
    desk.sla.import_policy(revised, retroactive=True)
    assert clocks(desk, number)["response"] == (90, 120, MONDAY_9 + 2 * HOUR)


def test_a_closed_incident_keeps_the_clocks_it_was_closed_with(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    number = with_policies(desk, clock)
    desk.comment(number, "On it", actor="bo")
    clock.advance(minutes=60)
    desk.resolve(number, "fixed", actor="bo")
    desk.close_incident(number, actor="bo")
    before = desk.sla.status(number)
    clock.advance(minutes=10)
    desk.sla.use_policy("fast", retroactive=True)
    assert desk.sla.status(number) == before  # settled: 90 min under SLOW's 24 h
    assert [(s.metric, s.state, s.target_seconds) for s in before] == [
        ("response", "met", 4 * 3600),
        ("resolution", "met", 24 * 3600),
    ]


def test_the_retroactive_flag_is_checked(desk: ServiceDesk) -> None:
    # Fail to record a change whose mode is not a yes or no.
    with pytest.raises(InvalidValueError):
        desk.sla.use_policy("default", retroactive="yes")  # type: ignore[arg-type]


# --- tenants' contracts -------------------------------------------------------------------


def with_tenant(desk: ServiceDesk, clock: ManualClock) -> str:
    clock.set(MONDAY_9 - HOUR)
    desk.sla.import_calendar(OFFICE)
    desk.sla.import_policy(SLOW)
    desk.sla.import_policy(FAST)
    desk.tenancy.register_tenant("acme", model="shared", service_manager="sofia", sla_policy="slow")
    clock.set(MONDAY_9)
    number = desk.open_incident("Tills down", impact=2, urgency=2, tenant="acme").number
    clock.advance(minutes=30)
    return number


def test_a_contract_change_applies_from_the_change_or_from_the_opening(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    number = with_tenant(desk, clock)
    desk.tenancy.update_tenant("acme", sla_policy="fast")
    clock.advance(minutes=10)
    assert clocks(desk, number)["response"] == (40, 60, MONDAY_9 + 60 * MINUTE)

    # Then the contract moves to office hours, from the opening: Monday 09:00 UTC is
    # 10:00 in Madrid, inside office hours, so nothing moves but the calendar.
    desk.tenancy.update_tenant("acme", calendar="office", sla_from="opening")
    [response, _] = desk.sla.status(number)
    assert (response.calendar, response.elapsed_seconds) == ("office", 40 * 60)
    # Fail to say where a change applies from in words the desk does not know.
    with pytest.raises(InvalidValueError):
        desk.tenancy.update_tenant("acme", calendar="24x7", sla_from="tomorrow")


def test_a_contract_without_sla_clears_what_was_pending_and_keeps_what_was_raised(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    number = with_tenant(desk, clock)
    desk.tenancy.update_tenant("acme", sla_policy="fast")
    assert desk.sla.tick(MONDAY_9 + 50 * MINUTE)[0].moment == "75%"
    clock.set(MONDAY_9 + 55 * MINUTE)  # the 90 % (at 09:54) is due but not raised yet
    desk.tenancy.update_tenant("acme", sla_policy="none")

    assert desk.sla.status(number) == []
    assert timer_rows(desk) == []
    assert desk.sla.tick(MONDAY_9 + 10 * HOUR) == []
    history = [e.type for e in desk.history(number)]
    assert history.count("SlaWarningRaised") == 1  # what was raised stays in the history
    assert desk.tenancy.tenant("acme").sla_policy == "none"


def test_a_metric_removed_from_the_policy_falls_due_no_more(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    number = with_policies(desk, clock)
    assert ("response", "75%") in timer_rows(desk)
    desk.sla.import_policy(attrs.evolve(SLOW, targets={3: Target(resolution=24 * HOUR)}))
    assert [s.metric for s in desk.sla.status(number)] == ["resolution"]
    assert timer_rows(desk) == [("resolution", "75%")]


# --- the schedule, once per version of the configuration ----------------------------------


def test_the_schedules_are_built_once_per_version_of_the_configuration(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    with_tenant(desk, clock)
    first = desk.sla.config()
    assert desk.sla.config() is first
    desk.tenancy.update_tenant("acme", hourly_rate=90)  # not about service levels
    assert desk.sla.config() is first
    desk.tenancy.update_tenant("acme", sla_policy="fast")
    second = desk.sla.config()
    assert second is not first
    causes = [change.cause for change in second.for_tenant("acme").changes]
    assert causes == [
        "built-in default policy",
        "tenant acme contract v1",
        "tenant acme contract v3",
    ]


def test_a_tenant_signed_later_had_the_desks_policy_until_then() -> None:
    builder = ScheduleBuilder(lambda name: BusinessCalendar.always_open(name))
    monday = datetime(2026, 3, 2, tzinfo=UTC)
    builder.policy_defined(monday, SLOW, cause="policy slow v1")
    builder.desk_uses(monday, "slow", cause="desk settings v1")
    builder.contract(monday + timedelta(days=2), "acme", None, "office", cause="tenant acme v1")
    builder.desk_uses(monday + timedelta(days=3), "default", cause="desk settings v2")
    acme = builder.build()["acme"].changes
    assert [(c.at, c.policy and c.policy.name, c.cause) for c in acme] == [
        (BEGINNING, "default", "built-in default policy"),
        (monday, "slow", "desk settings v1"),
        (monday + timedelta(days=2), "slow", "tenant acme v1"),
        (monday + timedelta(days=3), "default", "desk settings v2"),
    ]
    assert acme[2].policy is not None and acme[2].policy.targets[3].calendar == "office"


def test_a_retroactive_change_overrules_the_earlier_ones_for_an_incident() -> None:
    schedule = PolicySchedule(
        (
            PolicyChange(BEGINNING, SLOW, cause="slow"),
            PolicyChange(MONDAY_9 + 10 * MINUTE, FAST, cause="fast"),
            PolicyChange(MONDAY_9 + 20 * MINUTE, SLOW, retroactive=True, cause="slow again"),
        )
    )
    initial, later = schedule.for_incident(MONDAY_9, None)
    assert (initial.policy, initial.at) == (SLOW, MONDAY_9)
    assert [c.cause for c in later] == ["slow again"]
    story = Story(schedule).after(minutes=30)
    assert story.clock("response").target_seconds == 4 * 3600
    notes = [(e.step, e.cause) for e in story.timeline()["response"].entries]
    assert notes == [("start", "Opened v1 (P3)"), ("policy-change", "slow again (from opening)")]


def test_calendars_are_read_at_their_current_version(desk: ServiceDesk, clock: ManualClock) -> None:
    clock.set(MONDAY_9 - HOUR)
    desk.sla.import_calendar(OFFICE)  # 09:00-17:00 in Madrid: 08:00-16:00 UTC
    desk.sla.import_policy(attrs.evolve(SLOW, targets={3: Target(4 * HOUR, 24 * HOUR, "office")}))
    desk.sla.use_policy("slow")
    clock.set(MONDAY_9)
    number = desk.open_incident("Mail down", impact=2, urgency=2).number
    assert clocks(desk, number)["response"][2] == MONDAY_9 + 4 * HOUR
    clock.advance(hours=1)
    # The office opens an hour later from now on: the whole life of the incident follows.
    desk.sla.import_calendar(BusinessCalendar.weekdays("office", "Europe/Madrid", "10:30", "17:00"))
    assert clocks(desk, number)["response"] == (30, 240, MONDAY_9 + 4.5 * HOUR)
