"""Waiting conversations: a customer's message left unanswered past the policy's limit
gets the incident reassigned or a supervisor brought in, by the SLA timer, as events,
once per waiting cycle."""

from __future__ import annotations

from datetime import datetime, timedelta

from eventdesk import ManualClock, ServiceDesk
from eventdesk.sla.policy import SlaPolicy, Target, WaitingRule
from eventdesk.sla.service import RaisedMoment

from .story import HOUR, MINUTE, MONDAY_9, Story

TARGETS = {3: Target(4 * HOUR, 24 * HOUR)}
TO_TIER2 = SlaPolicy(
    name="to-tier2", targets=TARGETS, waiting=WaitingRule(2 * HOUR, "reassign", "tier2")
)
TO_MANAGER = SlaPolicy(
    name="to-manager",
    targets=TARGETS,
    waiting=WaitingRule(2 * HOUR, "supervisor", level="team_manager"),
)


def waits(desk: ServiceDesk, at: datetime) -> list[RaisedMoment]:
    """What a timer pass at ``at`` did about waiting conversations (leaving out the
    warnings of the response and resolution clocks)."""
    return [r for r in desk.sla.tick(at) if r.moment == "limit"]


def escalations(desk: ServiceDesk, number: str) -> list[tuple[str, str, str | None]]:
    return [
        (e.type, e.actor, e.data.get("reason"))
        for e in desk.history(number)
        if e.type in ("WaitingLimitReached", "Assigned")
        or (e.type == "Escalated" and e.data["reason"].startswith("customer"))
    ]


def test_the_wait_runs_from_the_oldest_unanswered_customer_message() -> None:
    story = Story(TO_TIER2).after(minutes=30).agent_says().after(minutes=10)
    story.customer_says("Still nothing").after(minutes=20).customer_says("Hello?")
    story.after(minutes=5).bot_says().notes()  # neither answers
    [first, second] = [t for t in story.timeline().values() if t.metric == "waiting"]
    assert [(e.step, e.cause) for e in first.entries] == [
        ("start", "Opened v1 (P3)"),
        ("stop:met", "Commented v2 (agent)"),
    ]
    assert second.entries[0].at == MONDAY_9 + 40 * MINUTE
    assert story.timers()["waiting#2"] == (MONDAY_9 + 160 * MINUTE, "limit")


def test_the_wait_pauses_with_the_policys_holds() -> None:
    story = Story(TO_TIER2).do("start").after(minutes=30).do("hold", "awaiting_vendor")
    story.after(hours=3).do("resume")
    assert story.timers()["waiting#1"] == (story.at + 90 * MINUTE, "limit")


def test_a_customer_kept_waiting_is_handed_to_the_policys_group(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    desk.sla.import_policy(TO_TIER2, use=True)
    desk.tenancy.form_team("service-desk", kind="shared")
    desk.tenancy.form_team("tier2", kind="specialist", skill_area="escalations")
    desk.tenancy.register_tenant("acme", model="shared", service_manager="sofia")
    clock.set(MONDAY_9 + 12 * MINUTE)  # 10:12 in Madrid, 09:12 UTC
    number = desk.open_incident(
        "Tills down", impact=2, urgency=2, tenant="acme", caller="carla"
    ).number
    desk.assign(number, "service-desk")

    assert waits(desk, MONDAY_9 + 2 * HOUR) == []
    raised = waits(desk, MONDAY_9 + 2 * HOUR + 20 * MINUTE)
    assert [(r.metric, r.moment, r.reassigned_to, r.escalated_to, r.reason) for r in raised] == [
        ("waiting#1", "limit", "tier2", None, "customer waited 2h since 09:12")
    ]
    assert escalations(desk, number) == [
        ("Assigned", "system", None),
        ("WaitingLimitReached", "sla", "customer waited 2h since 09:12"),
        ("Assigned", "sla", None),
    ]
    assert desk.get_incident(number).assignment_group == "tier2"
    # The work item follows the incident to tier2's queue.
    item = desk.tenancy.work_item(number)
    assert item is not None and item.group == "tier2"
    # Once per waiting cycle.
    assert waits(desk, MONDAY_9 + 6 * HOUR) == []
    assert [h.group for h in desk.sla.hops(number, at=MONDAY_9 + 6 * HOUR)] == [
        "service-desk",
        "tier2",
    ]


def test_a_supervisor_is_brought_in_once_per_waiting_cycle(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    desk.sla.import_policy(TO_MANAGER, use=True)
    desk.tenancy.form_team("service-desk", kind="shared", supervisors={"team_manager": "tom"})
    clock.set(MONDAY_9)
    number = desk.open_incident(
        "VPN down", impact=2, urgency=2, caller="carla", assignment_group="service-desk"
    ).number
    [limit] = waits(desk, MONDAY_9 + 2 * HOUR)
    assert (limit.escalated_to, limit.supervisor, limit.reason) == (
        "team_manager",
        "tom",
        "customer waited 2h since 09:00",
    )
    escalated = [e for e in desk.history(number) if e.type == "Escalated"]
    assert [(e.data["level"], e.data["supervisor"], e.data["reason"]) for e in escalated] == [
        ("team_manager", "tom", "customer waited 2h since 09:00")
    ]

    # Answered, then the customer writes again: a new cycle, which may escalate again.
    clock.set(MONDAY_9 + 3 * HOUR)
    desk.comment(number, "Sorry for the wait: on it now", actor="bo")
    clock.advance(minutes=5)
    desk.comment(number, "Still down", actor="carla")
    assert waits(desk, MONDAY_9 + 4 * HOUR) == []
    [again] = waits(desk, MONDAY_9 + 6 * HOUR)
    assert (again.metric, again.due_at) == ("waiting#2", MONDAY_9 + 5 * HOUR + 5 * MINUTE)


def test_when_the_group_cannot_take_it_a_supervisor_is_brought_in_instead(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    desk.sla.import_policy(TO_TIER2, use=True)
    desk.tenancy.register_tenant("globex", model="dedicated", service_manager="sofia")
    desk.tenancy.form_team(
        "globex-desk", kind="dedicated", tenant="globex", supervisors={"team_manager": "gus"}
    )
    desk.tenancy.form_team("tier2", kind="shared")  # the pool: not for a dedicated tenant
    clock.set(MONDAY_9)
    number = desk.open_incident(
        "Scanner", impact=2, urgency=2, tenant="globex", assignment_group="globex-desk"
    ).number
    [limit] = waits(desk, MONDAY_9 + 3 * HOUR)
    assert (limit.reassigned_to, limit.escalated_to, limit.supervisor) == (
        None,
        "team_manager",
        "gus",
    )
    assert limit.reason == "customer waited 2h since 09:00 (tier2 does not serve tenant globex)"
    assert desk.get_incident(number).assignment_group == "globex-desk"

    # Already with the group: bring in the supervisor too.
    other = desk.open_incident("Printer", impact=2, urgency=2).number
    desk.assign(other, "tier2")
    clock.set(MONDAY_9 + 4 * HOUR)
    [limit] = [r for r in waits(desk, MONDAY_9 + 6 * HOUR) if r.incident == other]
    assert limit.reason == "customer waited 2h since 09:00 (already with tier2)"
    assert limit.escalated_to == "team_manager"


def test_an_answer_in_time_leaves_nothing_to_do(desk: ServiceDesk, clock: ManualClock) -> None:
    desk.sla.import_policy(TO_MANAGER, use=True)
    clock.set(MONDAY_9)
    number = desk.open_incident("VPN down", impact=2, urgency=2, caller="carla").number
    clock.advance(minutes=90)
    desk.comment(number, "Reset your token, please", actor="bo")
    assert waits(desk, MONDAY_9 + timedelta(days=1)) == []
    assert escalations(desk, number) == []
