"""Hop clocks: each group that holds an incident has a clock of its own, under its OLA
(the desk's own teams) or its underpinning contract (a vendor's), so that the time of an
incident is attributed to the groups that held it."""

from __future__ import annotations

from datetime import timedelta

from eventdesk import ManualClock, ServiceDesk
from eventdesk.calendars import BusinessCalendar
from eventdesk.sla.policy import HopAgreement, SlaPolicy, Target

from .story import HOUR, MINUTE, MONDAY_9, Story

OFFICE = BusinessCalendar.weekdays("office", "Europe/Madrid", "09:00", "17:00")
POLICY = SlaPolicy(
    name="hops",
    targets={3: Target(HOUR, 16 * HOUR), 1: Target(15 * MINUTE, 4 * HOUR)},
    ola={
        "first-line": HopAgreement(30 * MINUTE),
        "network": HopAgreement(4 * HOUR, "office"),
    },
    underpinning={"telco": HopAgreement(8 * HOUR)},
)
CALENDARS = {"office": OFFICE, "24x7": BusinessCalendar.always_open()}


def rows(story: Story) -> list[tuple[object, ...]]:
    return [
        (h.clock, h.kind, h.state, h.business_seconds / 60, h.target_seconds) for h in story.hops()
    ]


def test_each_change_of_group_closes_a_hop_and_opens_the_next() -> None:
    story = Story(POLICY, calendars=CALENDARS, group="first-line").after(minutes=20)
    story.do("assign", "first-line", "ana").after(minutes=5)  # an agent of the same group
    story.do("escalate_to", "network", "VPN concentrator").after(hours=1)
    story.do("escalate_to", "telco", "circuit down").after(hours=2)
    story.do("assign", "network", None).after(minutes=30)
    assert rows(story) == [
        ("ola:first-line#1", "ola", "met", 25, 1800),
        ("ola:network#2", "ola", "met", 60, 14400),
        ("uc:telco#3", "uc", "met", 120, 28800),
        ("ola:network#4", "ola", "running", 30, 14400),
    ]
    hops = story.hops()
    assert [(h.started_at, h.ended_at) for h in hops[:2]] == [
        (MONDAY_9, MONDAY_9 + 25 * MINUTE),
        (MONDAY_9 + 25 * MINUTE, MONDAY_9 + 85 * MINUTE),
    ]
    assert hops[1].calendar == "office"  # its OLA names its calendar
    assert hops[0].calendar == "24x7"  # without one, the incident's calendar (P3's)


def test_a_vendors_hop_runs_while_the_desk_awaits_the_vendor() -> None:
    story = Story(POLICY, calendars=CALENDARS, group="first-line").do("start")
    story.after(minutes=10).do("escalate_to", "telco", "line down")
    story.after(minutes=10).do("hold", "awaiting_vendor").after(hours=2).do("resume")
    story.after(minutes=10).do("hold", "awaiting_caller").after(hours=1).do("resume")
    telco = story.hops()[1]
    assert (telco.kind, telco.business_seconds) == ("uc", (10 + 120 + 10) * 60)
    # The resolution clock paused for both holds.
    assert story.clock("resolution").elapsed_seconds == 30 * 60


def test_a_group_without_an_ola_has_its_time_attributed_without_a_target() -> None:
    story = Story(POLICY, calendars=CALENDARS, group="servers").after(hours=3)
    story.do("escalate_to", "first-line", "wrong team")
    [servers, first_line] = story.hops()
    assert (servers.kind, servers.state, servers.target_seconds, servers.deadline) == (
        "ola",
        "ended",
        None,
        None,
    )
    assert servers.business_seconds == 3 * 3600
    assert first_line.deadline == story.at + 30 * MINUTE
    assert [t for t in story.timers() if t.startswith("ola:")] == ["ola:first-line#2"]


def test_resolution_ends_the_hop_and_a_reopen_starts_a_new_one_for_the_same_group() -> None:
    story = Story(POLICY, calendars=CALENDARS, group="first-line").after(minutes=10)
    story.do("resolve", "fixed").after(hours=5).do("reopen", "again").after(minutes=5)
    assert rows(story) == [
        ("ola:first-line#1", "ola", "met", 10, 1800),
        ("ola:first-line#2", "ola", "running", 5, 1800),
    ]
    story.do("cancel", "raised twice")
    assert story.hops()[-1].state == "cancelled"


def test_an_incident_nobody_holds_has_no_hop() -> None:
    story = Story(POLICY, calendars=CALENDARS).after(hours=1)
    assert story.hops() == []
    story.do("assign", None, "ana")  # an agent without a group
    assert story.hops() == []


def test_the_calendar_of_an_ola_without_one_follows_the_priority() -> None:
    office_p3 = SlaPolicy(
        name="office",
        targets={3: Target(HOUR, 16 * HOUR, "office"), 1: Target(15 * MINUTE, 4 * HOUR)},
        ola={"first-line": HopAgreement(2 * HOUR)},
    )
    # Monday 16:30 in Madrid: half an hour of office time left today.
    at = MONDAY_9 + timedelta(hours=6, minutes=30)
    story = Story(office_p3, calendars=CALENDARS, group="first-line", at=at)
    assert story.hops()[0].deadline == MONDAY_9 + timedelta(days=1, minutes=30)  # 09:30 UTC
    story.after(minutes=10).do("reprioritise", impact=1, urgency=1, priority=1)
    hop = story.hops()[0]
    assert hop.calendar == "24x7"
    assert hop.deadline == story.at + timedelta(hours=1, minutes=50)


def test_the_timer_raises_ola_warnings_and_breaches_without_escalating(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    desk.sla.import_calendar(OFFICE)
    desk.sla.import_policy(POLICY, use=True)
    desk.tenancy.form_team(
        "first-line", kind="shared", supervisors={"shift_manager": "lea", "director": "dora"}
    )
    number = desk.open_incident("VPN drops", impact=2, urgency=2, assignment_group="first-line")
    opened = clock.now()

    raised = desk.sla.tick(opened + 31 * MINUTE)
    assert [(r.metric, r.moment, r.due_at, r.escalated_to) for r in raised] == [
        ("ola:first-line#1", "75%", opened + 22.5 * MINUTE, None),
        ("ola:first-line#1", "90%", opened + 27 * MINUTE, None),
        ("ola:first-line#1", "breach", opened + 30 * MINUTE, None),
    ]
    history = desk.history(number.number)
    assert [e.type for e in history if e.type.startswith("Sla") or e.type == "Escalated"] == [
        "SlaWarningRaised",
        "SlaWarningRaised",
        "SlaBreached",
    ]
    assert history[-1].data["metric"] == "ola:first-line#1"
    assert desk.sla.tick(opened + 40 * MINUTE) == []
    [hop] = desk.sla.hops(number.number, at=opened + 40 * MINUTE)
    assert (hop.state, hop.raised) == ("breached", ("75%", "90%", "breach"))
