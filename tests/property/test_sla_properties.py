"""Properties of the SLA clocks, on random incident histories.

Each example is a random history of one incident — holds for every reason,
answers by agents, customers and bots, work notes, assignments and escalations
to a few groups, changes of priority, resolutions, reopenings, a cancel —
spread over random gaps on a business calendar (round the clock, or office
hours in Madrid), folded under a policy that gives every metric a target. The
properties are stated from the rules of each metric, not from the fold's code:

- a paused clock does not move: over a hold that pauses it, the business time
  left before its deadline is the same at the start and at the end of the hold,
  and once it runs again its deadline is that time counted from the resume;
- the hops of an incident share out its time exactly: on a common calendar, the
  business time of every hop adds up to the business time during which some
  group held the incident and its clocks were not paused;
- a change of policy from the change keeps the time used: after the change, each
  clock has used what it had used under the old policy plus what the new one
  has counted since; a retroactive change is the fold under the new policy from
  the start.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
from eventdesk.calendars import BusinessCalendar, calendar_from_mapping
from eventdesk.domain import HoldReason, Incident, State
from eventdesk.errors import EventDeskError
from eventdesk.sla.policy import METRICS, HopAgreement, SlaPolicy, Target
from eventdesk.sla.schedule import BEGINNING, PolicyChange, PolicySchedule
from eventdesk.sla.status import BREACH, WAITING, Clock, SlaFold, fold_events
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # Monday, 09:00 in Madrid
TINY = timedelta(microseconds=1)
OFFICE_HOURS = ["09:00-14:00", "15:00-18:00"]
CALENDARS = {
    "24x7": BusinessCalendar.always_open(),
    "office": calendar_from_mapping(
        {
            "calendar": {
                "name": "office",
                "timezone": "Europe/Madrid",
                "hours": {day: OFFICE_HOURS for day in ("mon", "tue", "wed", "thu", "fri")},
            }
        },
        source="office",
    ),
}
GROUPS = ("first-line", "network", "telco")
PROPERTY_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# Holds, and hand-overs between groups, are a quarter of the steps each: what the
# properties speak of should come up often.
OPERATIONS = st.one_of(
    st.sampled_from(
        [
            ("start",),
            ("start",),
            ("resume",),
            ("resume",),
            ("agent_reply",),
            ("customer_message",),
            ("bot_message",),
            ("work_note",),
            ("resolve",),
            ("reopen",),
            ("cancel",),
        ]
    ),
    st.tuples(st.just("hold"), st.sampled_from([r.value for r in HoldReason])),
    st.tuples(st.sampled_from(["assign", "escalate"]), st.sampled_from(GROUPS)),
    st.tuples(st.just("reprioritise"), st.integers(1, 3), st.integers(1, 3)),
)
GAPS = st.integers(min_value=1, max_value=12 * 60)
# Most incidents are handed to a group and started first; then anything may happen.
OPENINGS = st.one_of(
    st.just([]),
    st.lists(
        st.tuples(
            GAPS, st.tuples(st.sampled_from(["assign", "escalate"]), st.sampled_from(GROUPS))
        ),
        min_size=1,
        max_size=1,
    ).map(lambda first: [*first, (5, ("start",))]),
)
HISTORIES = st.builds(
    lambda opening, rest: [*opening, *rest],
    OPENINGS,
    st.lists(st.tuples(GAPS, OPERATIONS), min_size=1, max_size=30),
)
PRIORITY = {(i, u): (i + u - 1 if i + u - 1 <= 5 else 5) for i in (1, 2, 3) for u in (1, 2, 3)}


def full_policy(name: str, calendar: str, scale: int, pause_on: set[HoldReason]) -> SlaPolicy:
    """Every metric at every priority, ``scale`` hours for the slowest, on ``calendar``; an
    OLA for first-line, none for network, an underpinning contract for the telco."""
    hour = timedelta(hours=1)
    return SlaPolicy(
        name=name,
        targets={
            p: Target(
                response=scale * hour / (6 - p) / 4,
                resolution=scale * hour * p,
                calendar=calendar,
                next_reply=scale * hour / 2,
                periodic_update=scale * hour,
                requester_wait=scale * hour * p,
                agent_work=scale * hour * p / 2,
            )
            for p in range(1, 6)
        },
        pause_on=pause_on,
        ola={"first-line": HopAgreement(hour / 2)},
        underpinning={"telco": HopAgreement(8 * hour)},
    )


POLICIES = st.builds(
    full_policy,
    st.just("random"),
    st.sampled_from(sorted(CALENDARS)),
    st.integers(min_value=1, max_value=16),
    st.sets(st.sampled_from(list(HoldReason)), min_size=2),
)


def carry_out(incident: Incident, name: str, args: tuple[Any, ...], at: datetime) -> None:
    """One operation of a random history on the aggregate (it may refuse)."""
    if name in ("start", "resume"):
        getattr(incident, name)(actor="ana", at=at)
    elif name == "hold":
        incident.hold(args[0], actor="ana", at=at)
    elif name in ("agent_reply", "customer_message", "bot_message", "work_note"):
        actor, kind = {
            "agent_reply": ("ana", None),
            "customer_message": ("carla", None),
            "bot_message": ("bot", "bot"),
            "work_note": ("ana", None),
        }[name]
        incident.add_comment(
            "A message", public=name != "work_note", actor=actor, at=at, author_kind=kind
        )
    elif name == "assign":
        incident.assign(args[0], None, actor="ana", at=at)
    elif name == "escalate":
        incident.escalate_to(args[0], "", actor="ana", at=at)
    elif name == "reprioritise":
        impact, urgency = args
        incident.reprioritise(
            impact=impact, urgency=urgency, priority=PRIORITY[args], actor="ana", at=at
        )
    elif name == "resolve":
        incident.resolve("fixed", actor="ana", at=at)
    elif name == "reopen":
        incident.reopen("again", actor="carla", at=at)
    elif name == "cancel":
        incident.cancel("duplicate", actor="ana", at=at)


def play(
    history: list[tuple[int, tuple[Any, ...]]],
) -> tuple[list[Any], list[tuple[datetime, tuple[Any, ...]]]]:
    """The events of a random history (commands the lifecycle refuses are skipped), and
    the operations carried out, with when."""
    incident = Incident.open(
        sequence=1,
        summary="Random trouble",
        impact=2,
        urgency=2,
        priority=3,
        actor="ana",
        at=START,
        caller="carla",
    )
    events = list(incident.collect_events())
    done: list[tuple[datetime, tuple[Any, ...]]] = []
    at = START
    for gap, (name, *args) in history:
        at += timedelta(minutes=gap)
        try:
            carry_out(incident, name, tuple(args), at)
        except EventDeskError:
            continue
        events.extend(incident.collect_events())
        done.append((at, (name, *args)))
    return events, done


def fold(events: list[Any], schedule: PolicySchedule, until: datetime) -> SlaFold:
    return fold_events(events, schedule, until=until)


def fixed(policy: SlaPolicy) -> PolicySchedule:
    return PolicySchedule.fixed(policy, {name: CALENDARS[name] for name in policy.calendars})


def pauses(clock: Clock, reason: HoldReason, pause_on: set[HoldReason]) -> bool:
    """Whether a hold for ``reason`` pauses a clock, by the rules of its metric."""
    if clock.metric == "agent_work":
        return True
    if clock.metric == "requester_wait":
        return reason == HoldReason.AWAITING_CALLER
    if clock.metric == "uc":
        return reason in pause_on - {HoldReason.AWAITING_VENDOR}
    return reason in pause_on


@PROPERTY_SETTINGS
@given(history=HISTORIES, policy=POLICIES)
@example(  # breached before the hold; a reprioritise on hold gives it a longer target
    history=[
        (1, ("assign", "first-line")),
        (5, ("start",)),
        (1, ("hold", "awaiting_caller")),
        (1, ("reprioritise", 2, 3)),
        (1, ("resume",)),
    ],
    policy=full_policy(
        "random", "24x7", 1, {HoldReason.AWAITING_CALLER, HoldReason.AWAITING_VENDOR}
    ),
)
def test_a_paused_clock_never_moves_its_deadline(history, policy: SlaPolicy) -> None:
    events, done = play(history)
    schedule = fixed(policy)
    holds = [
        (at, HoldReason(args[0]), next((t for t, (n, *_) in done if t > at), None))
        for at, (name, *args) in done
        if name == "hold"
    ]
    for held_at, reason, ended_at in holds:
        if ended_at is None:
            ended_at = held_at + timedelta(days=3)
        before = fold(events, schedule, held_at)
        after = fold(events, schedule, ended_at - TINY)
        for name, clock in before.by_name.items():
            if not clock.active or clock.target is None:
                continue
            later = after.by_name[name]
            left_then = clock.target - clock.business_time(held_at)
            left_now = later.target - later.business_time(ended_at - TINY)
            if pauses(clock, reason, policy.pause_on):
                assert left_now == left_then, (name, reason)
                assert later.deadline(ended_at - TINY) is None, name
            elif later.target == clock.target:
                # And a clock the hold does not pause runs on through it.
                ran = clock.calendar.business_time_between(held_at, ended_at - TINY)
                assert left_then - left_now == ran, (name, reason)
    # Once it runs again, the deadline is the time left counted from the resume.
    for at, (name, *_) in done:
        if name != "resume":
            continue
        resumed = fold(events, schedule, at)
        for clock in resumed.by_name.values():
            if clock.running_since == at and clock.target is not None:
                left = clock.target - clock.elapsed
                # A breach stays a breach: a clock breached before a longer target came
                # in (a reprioritise while on hold) keeps its breach time as its deadline.
                if left > timedelta(0) and BREACH not in clock.crossed_by(at):
                    assert clock.deadline(at) == clock.calendar.deadline(at, left)
                elif BREACH in clock.crossed_by(at):
                    assert clock.deadline(at) == clock.crossed_by(at)[BREACH]


@PROPERTY_SETTINGS
@given(history=HISTORIES, policy=POLICIES, extra_hours=st.integers(0, 72))
def test_the_hops_share_out_the_time_in_groups_exactly(
    history, policy: SlaPolicy, extra_hours: int
) -> None:
    events, done = play(history)
    until = (done[-1][0] if done else START) + timedelta(hours=extra_hours)
    calendar = CALENDARS[next(iter(policy.calendars - {None}))]
    # The business time some group held the incident and its clocks ran, from the
    # history alone: walk it interval by interval.
    expected = timedelta(0)
    group, state, reason = None, State.NEW, None
    moments = [at for at, _ in done] + [until]
    for (at, (name, *args)), following in zip(done, moments[1:], strict=True):
        if name in ("assign", "escalate"):
            group = args[0]
        elif name == "hold":
            state, reason = State.ON_HOLD, HoldReason(args[0])
        elif name in ("start", "resume", "reopen"):
            state, reason = State.IN_PROGRESS, None
        elif name in ("resolve", "cancel"):
            state, reason = State.RESOLVED, None
        pause_on = policy.pause_on - ({HoldReason.AWAITING_VENDOR} if group == "telco" else set())
        held = state in (State.NEW, State.IN_PROGRESS) or (
            state == State.ON_HOLD and reason not in pause_on
        )
        if group is not None and held:
            expected += calendar.business_time_between(at, following)
    hops = fold(events, fixed(policy), until).hop_status(until)
    total = sum((timedelta(seconds=h.business_seconds) for h in hops), timedelta(0))
    assert abs(total - expected) < timedelta(milliseconds=1)
    assert all(h.kind == ("uc" if h.group == "telco" else "ola") for h in hops)


@PROPERTY_SETTINGS
@given(
    history=HISTORIES,
    old=POLICIES,
    new=POLICIES,
    switch_minutes=st.integers(0, 3 * 24 * 60),
    extra_hours=st.integers(0, 48),
)
def test_a_change_of_policy_keeps_the_time_used_or_recomputes_from_the_opening(
    history, old: SlaPolicy, new: SlaPolicy, switch_minutes: int, extra_hours: int
) -> None:
    events, done = play(history)
    new = attrs.evolve(new, name="new")
    switched_at = START + timedelta(minutes=switch_minutes)
    until = max(switched_at, done[-1][0] if done else START) + timedelta(hours=extra_hours)
    everything = {**CALENDARS}
    first = PolicyChange(BEGINNING, old, everything, cause="old")

    def schedule(retroactive: bool) -> PolicySchedule:
        return PolicySchedule(
            (first, PolicyChange(switched_at, new, everything, retroactive, cause="new"))
        )

    # Settled incidents keep their clocks: compare only when the change came before.
    settled = next((at for at, (n, *_) in done if n == "cancel"), None)
    if settled is not None and settled < switched_at:
        return

    # From the change: what the old policy had counted by then, plus what the new counts since.
    switched = fold(events, schedule(False), until)
    under_old = fold(events, fixed(old), switched_at)
    under_new_then = fold(events, fixed(new), switched_at)
    under_new = fold(events, fixed(new), until)
    for name, clock in switched.by_name.items():
        if name not in under_new.by_name:
            continue  # a hop another policy names otherwise (never here: same groups)
        used = clock.business_time(until)
        if name in under_old.by_name and under_old.by_name[name].started_at is not None:
            then = under_old.by_name[name].business_time(switched_at)
            since = under_new.by_name[name].business_time(until) - under_new_then.by_name[
                name
            ].business_time(switched_at)
            assert used == then + since, name
        else:
            assert used == under_new.by_name[name].business_time(until), name

    # From the opening: exactly the fold under the new policy alone.
    retroactive = fold(events, schedule(True), until)
    assert retroactive.status(until) == under_new.status(until)
    assert retroactive.hop_status(until) == under_new.hop_status(until)
    assert retroactive.timers() == under_new.timers()


def test_the_generated_histories_cover_what_the_properties_speak_of() -> None:
    # A history with every kind of step, so that the strategies above can reach them.
    events, done = play(
        [
            (5, ("assign", "first-line")),
            (5, ("start",)),
            (5, ("agent_reply",)),
            (5, ("customer_message",)),
            (5, ("hold", "awaiting_vendor")),
            (5, ("resume",)),
            (5, ("escalate", "telco")),
            (5, ("reprioritise", 1, 1)),
            (5, ("resolve",)),
            (5, ("reopen",)),
        ]
    )
    assert [name for _, (name, *_) in done] == [
        "assign",
        "start",
        "agent_reply",
        "customer_message",
        "hold",
        "resume",
        "escalate",
        "reprioritise",
        "resolve",
        "reopen",
    ]
    result = fold(
        events, fixed(full_policy("p", "24x7", 4, set(HoldReason))), START + timedelta(hours=1)
    )
    assert {c.metric for c in result.by_name.values()} == {*METRICS, "ola", "uc", WAITING}
