"""The routing engine on its own: coverage, eligibility, fair turns and estimates.

The engine is pure and in memory, so these tests build it by hand: four tenants
(acme dedicated, globex hybrid, initech and umbrella shared), their teams, and
agents hired for each test. Instants are UTC; the dedicated teams work office
hours in Paris, so the same UTC instant is in hours or not depending on the date
(Europe moved to summer time on Sunday 29 March 2026).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import pytest
from eventdesk.calendars.model import BusinessCalendar
from eventdesk.tenancy.model import DEFAULT_CAPACITY, Presence, ServiceModel, TeamKind
from eventdesk.tenancy.routing import (
    AgentInfo,
    RoutingEngine,
    TeamInfo,
    TenantInfo,
    WorkItemInfo,
)
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

OFFICE = BusinessCalendar.weekdays("office", "Europe/Paris", "08:00", "18:00")
ALWAYS = BusinessCalendar.always_open()
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 in Paris
MONDAY_EVENING = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)  # 19:00 in Paris
TUESDAY_OPENING = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)  # 08:00 in Paris
EMAIL_HANDLE = timedelta(minutes=30)
_ids = itertools.count(1)


def build(*, pool: BusinessCalendar = ALWAYS, specialists: BusinessCalendar = ALWAYS):
    engine = RoutingEngine()
    engine.put_tenant(TenantInfo("acme", ServiceModel.DEDICATED, calendar="office"))
    engine.put_tenant(
        TenantInfo("globex", ServiceModel.HYBRID, overflow_wait=timedelta(minutes=15))
    )
    engine.put_tenant(TenantInfo("initech", ServiceModel.SHARED, weight=2))
    engine.put_tenant(TenantInfo("umbrella", ServiceModel.SHARED))
    engine.put_team(TeamInfo("acme-team", TeamKind.DEDICATED, OFFICE, tenant="acme"))
    engine.put_team(TeamInfo("globex-team", TeamKind.DEDICATED, OFFICE, tenant="globex"))
    engine.put_team(TeamInfo("pool", TeamKind.SHARED, pool))
    engine.put_team(TeamInfo("net-ops", TeamKind.SPECIALIST, specialists, skill_area="network"))
    return engine


def hire(
    engine: RoutingEngine,
    name: str,
    *teams: str,
    since: datetime = MONDAY,
    presence: Presence = Presence.AVAILABLE,
    skills: Iterable[str] = (),
    languages: Iterable[str] = ("en",),
    capacity: dict[str, int] | None = None,
) -> AgentInfo:
    engine.put_agent(
        AgentInfo(
            name,
            teams,
            frozenset(skills),
            frozenset(languages),
            {**DEFAULT_CAPACITY, **(capacity or {})},
        )
    )
    engine.set_presence(name, presence, since)
    return engine.agents[name]


def queue(
    engine: RoutingEngine,
    tenant: str,
    *,
    at: datetime = MONDAY,
    channel: str = "email",
    priority: int = 3,
    skill: str | None = None,
    language: str | None = None,
    group: str | None = None,
) -> WorkItemInfo:
    item = WorkItemInfo(
        f"{tenant}-{next(_ids)}", tenant, channel, priority, at, skill, language, group
    )
    engine.enqueue(item)
    return item


# --- coverage ------------------------------------------------------------------

COVERAGE = [
    # (tenant, instant in UTC, the teams that cover it)
    ("acme", datetime(2026, 3, 2, 6, 30, tzinfo=UTC), ()),  # 07:30 in Paris (winter)
    ("acme", datetime(2026, 3, 2, 7, 0, tzinfo=UTC), ("acme-team",)),  # 08:00, opening
    ("acme", datetime(2026, 3, 2, 16, 59, tzinfo=UTC), ("acme-team",)),
    ("acme", datetime(2026, 3, 2, 17, 0, tzinfo=UTC), ()),  # 18:00, closing
    ("acme", datetime(2026, 3, 30, 6, 30, tzinfo=UTC), ("acme-team",)),  # 08:30 (summer)
    ("acme", datetime(2026, 3, 30, 16, 30, tzinfo=UTC), ()),  # 18:30 (summer)
    ("acme", datetime(2026, 3, 23, 16, 30, tzinfo=UTC), ("acme-team",)),  # 17:30 (winter)
    ("acme", datetime(2026, 3, 7, 10, 0, tzinfo=UTC), ()),  # Saturday
    ("globex", datetime(2026, 3, 2, 10, 0, tzinfo=UTC), ("globex-team",)),
    ("globex", datetime(2026, 3, 2, 20, 0, tzinfo=UTC), ("pool",)),
    ("globex", datetime(2026, 3, 30, 6, 30, tzinfo=UTC), ("globex-team",)),  # summer
    ("globex", datetime(2026, 3, 23, 6, 30, tzinfo=UTC), ("pool",)),  # 07:30 winter
    ("globex", datetime(2026, 3, 7, 10, 0, tzinfo=UTC), ("pool",)),  # Saturday
    ("initech", datetime(2026, 3, 2, 10, 0, tzinfo=UTC), ("pool",)),
    ("initech", datetime(2026, 3, 8, 3, 0, tzinfo=UTC), ("pool",)),  # Sunday night
]


@pytest.mark.parametrize(("tenant", "at", "teams"), COVERAGE)
def test_who_covers_a_tenant_follows_its_model_and_the_teams_hours(tenant, at, teams):
    assert build().coverage(tenant, at).teams == teams


@pytest.mark.parametrize(
    ("at", "next_shift"),
    [
        (MONDAY_EVENING, TUESDAY_OPENING),
        (datetime(2026, 3, 6, 17, 30, tzinfo=UTC), datetime(2026, 3, 9, 7, 0, tzinfo=UTC)),
        # Friday before summer time: Monday's 08:00 in Paris is 06:00 UTC.
        (datetime(2026, 3, 27, 17, 30, tzinfo=UTC), datetime(2026, 3, 30, 6, 0, tzinfo=UTC)),
    ],
)
def test_a_dedicated_tenant_out_of_hours_waits_for_the_next_shift(at, next_shift):
    coverage = build().coverage("acme", at)
    assert coverage.teams == ()
    assert coverage.next_shift == next_shift
    assert "next shift" in coverage.reason


def test_a_hybrid_tenant_after_overflow_is_served_by_both_its_team_and_the_pool():
    engine = build()
    assert engine.coverage("globex", MONDAY, overflowed=True).teams == ("globex-team", "pool")
    assert "overflow" in engine.coverage("globex", MONDAY, overflowed=True).reason
    # Out of hours the pool serves it anyway; an overflow changes nothing.
    assert engine.coverage("globex", MONDAY_EVENING, overflowed=True).teams == ("pool",)


def test_when_no_team_is_on_shift_nobody_covers_and_the_next_shift_is_named():
    engine = build(pool=OFFICE, specialists=OFFICE)
    for tenant in ("globex", "initech"):
        coverage = engine.coverage(tenant, MONDAY_EVENING)
        assert (coverage.teams, coverage.next_shift) == ((), TUESDAY_OPENING)
    escalated = queue(engine, "acme", group="net-ops", at=MONDAY_EVENING)
    coverage = engine.item_coverage(escalated, MONDAY_EVENING)
    assert (coverage.teams, coverage.next_shift) == ((), TUESDAY_OPENING)


def test_an_escalated_item_is_covered_by_its_specialist_group_only():
    engine = build()
    escalated = queue(engine, "acme", group="net-ops")
    assert engine.item_coverage(escalated, MONDAY).teams == ("net-ops",)
    lost = queue(engine, "acme", group="no-such-group")
    assert engine.item_coverage(lost, MONDAY).teams == ()
    assert "does not exist" in engine.item_coverage(lost, MONDAY).reason


def test_an_unregistered_tenant_is_covered_by_nobody():
    coverage = build().coverage("hooli", MONDAY)
    assert coverage.teams == ()
    assert "not registered" in coverage.reason


@pytest.mark.parametrize(
    ("teams", "served"),
    [
        (("acme-team",), {"acme"}),
        (("globex-team",), {"globex"}),
        (("pool",), {"globex", "initech", "umbrella"}),
        (("net-ops",), set()),
        (("acme-team", "pool"), {"acme", "globex", "initech", "umbrella"}),
        (("no-such-team",), set()),
    ],
)
def test_an_agent_serves_the_tenants_its_teams_serve_at_any_hour(teams, served):
    engine = build()
    hire(engine, "ana", *teams)
    tenants = {"acme", "globex", "initech", "umbrella", "hooli"}
    assert {t for t in tenants if engine.serves("ana", t)} == served
    assert not engine.serves("nobody", "acme")


# --- decisions -----------------------------------------------------------------


def test_the_longest_idle_eligible_agent_takes_the_item():
    engine = build()
    hire(engine, "cy", "pool", since=MONDAY - timedelta(hours=1))
    hire(engine, "dee", "pool", since=MONDAY - timedelta(minutes=30))

    first = engine.decide(queue(engine, "initech"), MONDAY)
    second = engine.decide(queue(engine, "initech"), MONDAY)

    assert (first.agent, first.team) == ("cy", "pool")
    assert first.reason.endswith("idle 1 h 00 min")
    assert second.agent == "dee"
    assert second.reason.endswith("idle 30 min")


def test_an_agent_whose_work_is_released_keeps_its_turn_by_idle_time():
    engine = build()
    hire(engine, "cy", "pool", since=MONDAY - timedelta(minutes=20))
    hire(engine, "dee", "pool", since=MONDAY - timedelta(minutes=10))
    first = queue(engine, "initech")
    assert engine.decide(first, MONDAY).agent == "cy"
    assert engine.decide(queue(engine, "initech"), MONDAY + timedelta(minutes=10)).agent == "dee"

    engine.release(first.id, MONDAY + timedelta(minutes=20))
    third = engine.decide(queue(engine, "initech"), MONDAY + timedelta(minutes=30))

    # cy was given work at 08:00, dee at 08:10: cy has been idle longer.
    assert third.agent == "cy"


def test_capacity_is_counted_per_channel():
    engine = build()
    cy = hire(engine, "cy", "pool", capacity={"voice": 1, "chat": 2})
    first_call = queue(engine, "initech", channel="voice")
    second_call = queue(engine, "initech", channel="voice")

    assert engine.decide(first_call, MONDAY).agent == "cy"
    waiting = engine.decide(second_call, MONDAY)
    assert waiting.agent is None
    assert waiting.reason == "no available agent with voice capacity in pool"
    # A full voice line leaves room for chats, up to the chat capacity.
    chats = [engine.decide(queue(engine, "initech", channel="chat"), MONDAY) for _ in range(3)]
    assert [d.agent for d in chats] == ["cy", "cy", None]
    assert {line: n for line, n in cy.load.items() if n} == {"voice": 1, "chat": 2}

    engine.release(first_call.id, MONDAY + timedelta(minutes=6))
    assert engine.decide(second_call, MONDAY + timedelta(minutes=6)).agent == "cy"


def test_a_channel_without_its_own_capacity_draws_on_other():
    engine = build()
    cy = hire(engine, "cy", "pool", capacity={"other": 1})
    assert engine.decide(queue(engine, "initech", channel="sms"), MONDAY).agent == "cy"
    assert engine.decide(queue(engine, "initech", channel="portal"), MONDAY).agent is None
    assert cy.load["other"] == 1
    dee = hire(engine, "dee", "pool", capacity={"sms": 1, "other": 0})
    assert engine.decide(queue(engine, "initech", channel="sms"), MONDAY).agent == "dee"
    assert dee.load["sms"] == 1


def test_an_agent_with_no_capacity_on_a_channel_never_gets_it():
    engine = build()
    hire(engine, "cy", "pool", capacity={"voice": 0})
    assert engine.decide(queue(engine, "initech", channel="voice"), MONDAY).agent is None


def test_only_agents_with_the_skill_and_the_language_are_eligible():
    engine = build()
    hire(engine, "cy", "pool", since=MONDAY - timedelta(hours=2), languages=("en",))
    hire(engine, "dee", "pool", skills=("sap",), languages=("en", "de"))

    assert engine.decide(queue(engine, "initech", skill="sap"), MONDAY).agent == "dee"
    assert engine.decide(queue(engine, "initech", language="de"), MONDAY).agent == "dee"
    assert engine.decide(queue(engine, "initech", language="en"), MONDAY).agent == "cy"
    nobody = engine.decide(queue(engine, "initech", skill="oracle", language="ja"), MONDAY)
    assert nobody.agent is None
    assert nobody.reason == (
        "no available agent with email capacity, skill oracle, language ja in pool"
    )


@pytest.mark.parametrize("presence", [Presence.BUSY, Presence.AWAY, Presence.OFFLINE])
def test_only_available_agents_are_given_work(presence):
    engine = build()
    hire(engine, "cy", "pool", since=MONDAY - timedelta(hours=2))
    hire(engine, "dee", "pool")
    engine.set_presence("cy", presence, MONDAY)
    assert engine.decide(queue(engine, "initech"), MONDAY).agent == "dee"

    # Back at 08:30, cy has been idle since then, not since before it left:
    # dee, given work at 08:00, has waited longer.
    engine.set_presence("cy", Presence.AVAILABLE, MONDAY + timedelta(minutes=30))
    assert engine.agents["cy"].idle_since == MONDAY + timedelta(minutes=30)
    later = MONDAY + timedelta(minutes=40)
    assert [engine.decide(queue(engine, "initech"), later).agent for _ in range(2)] == [
        "dee",
        "cy",
    ]


def test_a_hybrid_tenants_item_overflows_to_the_pool_after_its_overflow_wait():
    engine = build()
    hire(engine, "bob", "globex-team", presence=Presence.BUSY)
    hire(engine, "cy", "pool")
    item = queue(engine, "globex")

    still_waiting = engine.decide(item, MONDAY + timedelta(minutes=14))
    assert (still_waiting.agent, still_waiting.overflow) == (None, False)
    assert still_waiting.reason == "no available agent with email capacity in globex-team"

    overflowed = engine.decide(item, MONDAY + timedelta(minutes=15))
    assert (overflowed.agent, overflowed.team, overflowed.overflow) == ("cy", "pool", True)
    assert overflowed.reason.startswith("overflow: the dedicated team and the shared pool")
    assert item.overflowed


def test_a_dedicated_tenants_item_never_overflows():
    engine = build()
    hire(engine, "ana", "acme-team", presence=Presence.BUSY)
    hire(engine, "cy", "pool")
    item = queue(engine, "acme")
    for minutes in (15, 60, 6 * 60):  # all still within Monday's office hours
        decision = engine.decide(item, MONDAY + timedelta(minutes=minutes))
        assert (decision.agent, decision.overflow) == (None, False)
    assert not item.overflowed


def test_an_escalated_item_waits_for_its_specialists_and_does_not_overflow():
    engine = build()
    hire(engine, "ned", "net-ops", presence=Presence.BUSY)
    hire(engine, "cy", "pool")
    item = queue(engine, "globex", group="net-ops")
    decision = engine.decide(item, MONDAY + timedelta(hours=1))
    assert (decision.agent, decision.overflow) == (None, False)
    engine.set_presence("ned", Presence.AVAILABLE, MONDAY + timedelta(hours=1))
    assert engine.decide(item, MONDAY + timedelta(hours=1)).agent == "ned"


def test_out_of_the_dedicated_teams_hours_a_hybrid_tenant_goes_to_the_pool_at_once():
    engine = build()
    hire(engine, "bob", "globex-team")
    hire(engine, "cy", "pool")
    decision = engine.decide(queue(engine, "globex", at=MONDAY_EVENING), MONDAY_EVENING)
    assert (decision.agent, decision.overflow) == ("cy", False)


# --- fair turns ----------------------------------------------------------------


def test_tenants_in_the_pool_take_turns_weighted_by_contract():
    engine = build()
    for _ in range(6):
        queue(engine, "umbrella")  # weight 1, and first in
    for _ in range(6):
        queue(engine, "initech")  # weight 2

    order = [item.tenant for item in engine.order()]

    assert Counter(order[:9]) == {"initech": 6, "umbrella": 3}
    assert order[9:] == ["umbrella"] * 3  # initech has no more
    for n in range(1, 10):  # while both wait, neither gets ahead of its share
        served = Counter(order[:n])
        assert abs(served["initech"] / 2 - served["umbrella"]) <= 1


def test_priority_comes_before_turns_and_age_within_a_tenant():
    engine = build()
    older = queue(engine, "initech", at=MONDAY)
    newer = queue(engine, "initech", at=MONDAY + timedelta(minutes=5))
    urgent = queue(engine, "umbrella", at=MONDAY + timedelta(minutes=9), priority=1)
    assert [i.id for i in engine.order()] == [urgent.id, older.id, newer.id]


def test_turns_carry_over_from_one_routing_pass_to_the_next():
    engine = build()
    hire(engine, "cy", "pool", capacity={"email": 3})
    for _ in range(6):
        queue(engine, "umbrella")
    for _ in range(6):
        queue(engine, "initech")
    routed: list[str] = []
    for minutes in (0, 30):
        at = MONDAY + timedelta(minutes=minutes)
        decisions = [d for d in engine.route(at) if d.agent]
        assert len(decisions) == 3  # cy's capacity
        routed += [engine.active[d.item].tenant for d in decisions]
        for decision in decisions:
            engine.release(decision.item, at)
    assert Counter(routed) == {"initech": 4, "umbrella": 2}


# --- estimates -----------------------------------------------------------------


def test_queue_positions_count_the_items_ahead_for_the_same_teams():
    engine = build()
    hire(engine, "ana", "acme-team", presence=Presence.BUSY)
    acme = [queue(engine, "acme") for _ in range(2)]
    initech = [queue(engine, "initech") for _ in range(3)]
    estimates = engine.estimates(MONDAY)
    assert [estimates[i.id][0] for i in acme] == [1, 2]
    assert [estimates[i.id][0] for i in initech] == [1, 2, 3]


def test_items_wait_nothing_while_there_is_free_capacity_then_a_handle_time_a_round():
    engine = build()
    hire(engine, "cy", "pool", capacity={"email": 2})
    items = [queue(engine, "initech") for _ in range(3)]
    waits = [engine.estimates(MONDAY)[i.id][1] for i in items]
    assert waits == [timedelta(0), timedelta(0), EMAIL_HANDLE]


def test_when_every_place_is_taken_each_item_waits_one_more_handle_time():
    engine = build()
    hire(engine, "cy", "pool", capacity={"email": 1})
    engine.decide(queue(engine, "initech"), MONDAY)
    items = [queue(engine, "initech") for _ in range(3)]
    waits = [engine.estimates(MONDAY)[i.id][1] for i in items]
    assert waits == [EMAIL_HANDLE, 2 * EMAIL_HANDLE, 3 * EMAIL_HANDLE]


def test_out_of_hours_the_wait_includes_the_time_to_the_next_shift():
    engine = build()
    hire(engine, "ana", "acme-team")
    item = queue(engine, "acme", at=MONDAY_EVENING)
    assert engine.estimates(MONDAY_EVENING)[item.id] == (1, TUESDAY_OPENING - MONDAY_EVENING)


def test_with_nobody_present_each_item_waits_a_handle_time_per_position():
    engine = build()
    hire(engine, "cy", "pool", presence=Presence.OFFLINE)
    items = [queue(engine, "initech") for _ in range(2)]
    estimates = engine.estimates(MONDAY)
    assert [estimates[i.id] for i in items] == [(1, EMAIL_HANDLE), (2, 2 * EMAIL_HANDLE)]


# --- properties ----------------------------------------------------------------

TEAMS = ("acme-team", "globex-team", "pool", "net-ops")
TENANTS = ("acme", "globex", "initech", "umbrella")
CHANNELS = ("voice", "chat", "email", "other", "sms")
SKILLS = ("sap", "network")
LANGUAGES = ("en", "fr", "de")

agents_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "teams": st.sets(st.sampled_from(TEAMS), min_size=1, max_size=2),
            "skills": st.sets(st.sampled_from(SKILLS)),
            "languages": st.sets(st.sampled_from(LANGUAGES), min_size=1),
            "capacity": st.fixed_dictionaries(
                {"other": st.integers(0, 2)},
                optional={c: st.integers(0, 2) for c in ("voice", "chat", "email", "sms")},
            ),
            "presence": st.sampled_from(list(Presence)),
            "idle_minutes": st.integers(0, 120),
        }
    ),
    min_size=1,
    max_size=6,
)


class RoutingMachine(RuleBasedStateMachine):
    """Random directories, arrivals, releases, presence changes and passes of time,
    checked against a model of load and idle time kept apart from the engine's."""

    @initialize(agents=agents_strategy)
    def hire_agents(self, agents):
        self.engine = build(pool=ALWAYS if len(agents) % 2 else OFFICE)
        self.now = MONDAY
        self.idle: dict[str, datetime] = {}
        self.holding: dict[str, tuple[str, str]] = {}  # item -> (agent, capacity line)
        self.items: dict[str, WorkItemInfo] = {}
        for n, agent in enumerate(agents):
            name = f"agent{n}"
            self.engine.put_agent(
                AgentInfo(
                    name,
                    tuple(sorted(agent["teams"])),
                    frozenset(agent["skills"]),
                    frozenset(agent["languages"]),
                    dict(agent["capacity"]),
                )
            )
            self.set_presence(
                name, agent["presence"], MONDAY - timedelta(minutes=agent["idle_minutes"])
            )

    def set_presence(self, name: str, presence: Presence, at: datetime) -> None:
        if presence == Presence.AVAILABLE and self.engine.agents[name].presence != presence:
            self.idle[name] = at
        self.engine.set_presence(name, presence, at)

    def line(self, name: str, channel: str) -> str:
        return channel if channel in self.engine.agents[name].capacity else "other"

    def load(self, name: str, line: str) -> int:
        return sum(1 for agent, held in self.holding.values() if (agent, held) == (name, line))

    def covering(self, item: WorkItemInfo) -> set[str]:
        teams = self.engine.teams
        if item.group is not None:
            return {item.group} if teams[item.group].calendar.is_open(self.now) else set()
        tenant = self.engine.tenants[item.tenant]
        is_open = [t for t in teams.values() if t.kind and t.calendar.is_open(self.now)]
        own = {t.name for t in is_open if t.kind == TeamKind.DEDICATED and t.tenant == tenant.name}
        pool = {t.name for t in is_open if t.kind == TeamKind.SHARED}
        if tenant.model == ServiceModel.DEDICATED:
            return own
        if tenant.model == ServiceModel.SHARED:
            return pool
        overflowed = item.overflowed or self.now - item.enqueued_at >= tenant.overflow_wait
        return own | pool if own and overflowed else own or pool

    def eligible(self, item: WorkItemInfo) -> set[str]:
        found = set()
        for team in self.covering(item):
            for name in self.engine.teams[team].members:
                agent = self.engine.agents[name]
                line = self.line(name, item.channel)
                if (
                    agent.presence == Presence.AVAILABLE
                    and agent.capacity.get(line, 0) > self.load(name, line)
                    and (item.skill is None or item.skill in agent.skills)
                    and (item.language is None or item.language in agent.languages)
                ):
                    found.add(name)
        return found

    @rule(
        tenant=st.sampled_from(TENANTS),
        channel=st.sampled_from(CHANNELS),
        priority=st.integers(1, 5),
        skill=st.none() | st.sampled_from(SKILLS),
        language=st.none() | st.sampled_from(LANGUAGES),
        escalated=st.booleans(),
    )
    def arrive(self, tenant, channel, priority, skill, language, escalated):
        group = "net-ops" if escalated and tenant != "umbrella" else None
        item = queue(
            self.engine,
            tenant,
            at=self.now,
            channel=channel,
            priority=priority,
            skill=skill,
            language=language,
            group=group,
        )
        self.items[item.id] = item

    @rule()
    def route(self):
        for item in self.engine.order():
            eligible = self.eligible(item)
            longest_idle = min(eligible, key=lambda n: (self.idle[n], n), default=None)
            decision = self.engine.decide(item, self.now)
            assert decision.agent == longest_idle, (decision, eligible)
            if decision.agent is not None:
                assert decision.team in self.covering(item)
                assert decision.agent in self.engine.teams[decision.team].members
                self.holding[item.id] = (decision.agent, self.line(decision.agent, item.channel))
                self.idle[decision.agent] = self.now

    @precondition(lambda self: self.holding)
    @rule(data=st.data())
    def release(self, data):
        item = data.draw(st.sampled_from(sorted(self.holding)))
        self.engine.release(item, self.now)
        del self.holding[item]

    @rule(data=st.data(), presence=st.sampled_from(list(Presence)))
    def change_presence(self, data, presence):
        name = data.draw(st.sampled_from(sorted(self.engine.agents)))
        self.set_presence(name, presence, self.now)

    @rule(minutes=st.sampled_from([1, 14, 15, 60, 8 * 60]))
    def wait(self, minutes):
        self.now += timedelta(minutes=minutes)

    @rule()
    def release_everything(self):
        for item in sorted(self.holding):
            self.engine.release(item, self.now)
        self.holding.clear()
        assert all(not any(a.load.values()) for a in self.engine.agents.values())

    @invariant()
    def load_is_what_was_given_and_never_exceeds_capacity(self):
        for name, agent in self.engine.agents.items():
            for line, count in agent.load.items():
                assert count == self.load(name, line), (name, line)
                assert count <= agent.capacity.get(line, 0), (name, line)

    @invariant()
    def each_teams_lines_hold_its_available_agents_with_room_longest_idle_first(self):
        for team in self.engine.teams.values():
            for line in set(team.ready) | set(CHANNELS):
                expected = {
                    n
                    for n in team.members
                    if self.engine.agents[n].presence == Presence.AVAILABLE
                    and line in self.engine.agents[n].capacity
                    and self.engine.agents[n].capacity[line] > self.load(n, line)
                }
                names = list(team.ready.get(line, ()))
                assert set(names) == expected, (team.name, line)
                assert names == sorted(names, key=lambda n: (self.idle[n], n)), (team.name, line)


RoutingMachine.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_routing_against_a_model = RoutingMachine.TestCase
