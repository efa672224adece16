"""How fast the router decides: 1,000 agents, 10,000 waiting items.

The routing engine (eventdesk.tenancy.routing) is built directly, in memory,
with a realistic directory: 20 tenants under the three service models, their
dedicated teams on business-hours calendars in six time zones, a 24x7 shared
pool and four specialist groups; agents with skills, languages and per-channel
capacities, mostly available; items across tenants, channels, skills,
languages and priorities. It is measured at Tuesday 10:00 UTC, when the
European teams are on shift and the New York and Tokyo ones are not.

1. **Full pass.** ``engine.route(at)`` over every waiting item. As agents
   fill their capacity, later items get "no agent" decisions: those are
   decisions too, and are reported apart from the routed ones.
2. **Plentiful capacity.** Every item decided once, each decision undone
   (the item released, not timed) before the next, so agents never fill up
   and the "found an agent" path is what is measured.
3. **Baseline**, in the same run, on the same data: the naive algorithm, a
   plain Python scan over every agent per item with the same eligibility
   checks (covers the tenant now, available, free capacity on the channel,
   skill, language) keeping the longest idle. Both use the engine's coverage
   rules to know which teams are on shift, so the ratio compares choosing the
   agent; and both must choose the same agents (the bench counts how often
   they do: every time, or the engine is wrong)::

       ratio = engine decisions/s ÷ naive decisions/s  (above 1: the engine is faster)

4. **Through the store.** A ``ServiceDesk`` on a temporary SQLite file with
   a smaller directory (200 agents, 1,000 waiting incidents opened with
   ``tenant=``): one ``desk.tenancy.route()``, which records every decision
   as events saved in one transaction. Against the same rows inserted raw into
   an empty table of the same shape, with the same durability: in one
   transaction (what ``route`` does), and one transaction per row (what
   bench/run.py compares commands with).

Machines are shared and noisy: compare the ratios, not the rates. See
bench/README.md ("Routing").
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import run  # bench/run.py, beside this file: its raw-insert baseline
from eventdesk import ManualClock, ServiceDesk
from eventdesk.calendars.model import BusinessCalendar
from eventdesk.tenancy.model import Presence, ServiceModel, TeamKind
from eventdesk.tenancy.routing import (
    AgentInfo,
    Decision,
    RoutingEngine,
    TeamInfo,
    TenantInfo,
    WorkItemInfo,
)

# Tuesday 10:00 UTC: Paris, Berlin, Madrid and London are on shift; New York and Tokyo are not.
AT = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
DEFAULT_AGENTS, DEFAULT_ITEMS = 1000, 10000
DEFAULT_STORE_AGENTS, DEFAULT_STORE_ITEMS = 200, 1000
QUICK = {"agents": 60, "items": 300, "store_agents": 30, "store_items": 60, "repeat": 1}

# region: (time zone, opens, closes, local language)
REGIONS = {
    "paris": ("Europe/Paris", "08:00", "18:00", "fr"),
    "berlin": ("Europe/Berlin", "07:00", "17:00", "de"),
    "madrid": ("Europe/Madrid", "09:00", "19:00", "es"),
    "london": ("Europe/London", "08:00", "18:00", "en"),
    "new-york": ("America/New_York", "08:00", "18:00", "es"),
    "tokyo": ("Asia/Tokyo", "09:00", "18:00", "ja"),
}
# name, model, region, weight, overflow wait (minutes, hybrid), dedicated teams
TENANTS = [
    ("acme", "dedicated", "paris", 1, 30, 2),
    ("umbrella", "dedicated", "berlin", 1, 30, 2),
    ("stark", "dedicated", "new-york", 1, 30, 2),
    ("wayne", "dedicated", "london", 1, 30, 1),
    ("nakatomi", "dedicated", "tokyo", 1, 30, 1),
    ("tyrell", "dedicated", "madrid", 1, 30, 1),
    ("globex", "hybrid", "paris", 2, 15, 1),
    ("hooli", "hybrid", "london", 2, 30, 1),
    ("cyberdyne", "hybrid", "berlin", 1, 45, 1),
    ("oscorp", "hybrid", "new-york", 1, 30, 1),
    ("aperture", "hybrid", "madrid", 1, 20, 1),
    ("wonka", "hybrid", "tokyo", 1, 30, 1),
    ("initech", "shared", "london", 2, 30, 0),
    ("vandelay", "shared", "new-york", 1, 30, 0),
    ("dunder", "shared", "new-york", 1, 30, 0),
    ("soylent", "shared", "paris", 3, 30, 0),
    ("piedpiper", "shared", "london", 1, 30, 0),
    ("gringotts", "shared", "london", 2, 30, 0),
    ("monsters", "shared", "madrid", 1, 30, 0),
    ("massive", "shared", "berlin", 1, 30, 0),
]
# specialist group: (skill area, calendar: a region's business hours or 24x7)
SPECIALISTS = {
    "net-ops": ("network", "24x7"),
    "server-ops": ("servers", "24x7"),
    "dba": ("databases", "berlin"),
    "sap-support": ("sap", "paris"),
}
POOL = "pool"
SKILLS = ("windows", "macos", "m365", "printing", "vpn", "mobile", "accounts", "hardware")
POOL_LANGUAGES = ("fr", "de", "es", "ja", "it", "pt")
CHANNELS, CHANNEL_WEIGHTS = ("email", "chat", "voice", "other"), (50, 25, 10, 15)
PRIORITIES, PRIORITY_WEIGHTS = (1, 2, 3, 4, 5), (3, 12, 35, 35, 15)
# (impact, urgency) giving each priority under the default matrix, for the store run
IMPACT_URGENCY = {1: (1, 1), 2: (1, 2), 3: (2, 2), 4: (2, 3), 5: (3, 3)}


# --- the data --------------------------------------------------------------------


@dataclass(frozen=True)
class TeamSpec:
    name: str
    kind: str
    calendar: str  # a region, or "24x7"
    tenant: str | None = None
    skill_area: str | None = None


@dataclass(frozen=True)
class AgentSpec:
    name: str
    teams: tuple[str, ...]
    skills: tuple[str, ...]
    languages: tuple[str, ...]
    capacity: dict[str, int]
    presence: str
    since: datetime  # when its presence was last set (for an available agent: idle since)


@dataclass(frozen=True)
class ItemSpec:
    id: str
    tenant: str
    channel: str
    priority: int
    enqueued_at: datetime
    skill: str | None
    language: str | None
    group: str | None


@dataclass
class Setup:
    teams: list[TeamSpec]
    agents: list[AgentSpec]  # in the order their presence was set
    items: list[ItemSpec]


def calendar_named(name: str) -> BusinessCalendar:
    if name == "24x7":
        return BusinessCalendar.always_open()
    zone, opens, closes, _language = REGIONS[name]
    return BusinessCalendar.weekdays(f"{name}-hours", zone, opens, closes)


def calendar_id(name: str) -> str:
    return "24x7" if name == "24x7" else f"{name}-hours"


def make_setup(agents: int, items: int, seed: int = 7) -> Setup:
    """A deterministic directory and queue of the given sizes."""
    rng = random.Random(seed)
    region_of = {t[0]: t[2] for t in TENANTS}
    teams: list[TeamSpec] = []
    for name, model, region, _weight, _wait, dedicated_teams in TENANTS:
        if model == "dedicated" and dedicated_teams > 1:
            teams += [
                TeamSpec(f"{name}-l{n}", "dedicated", region, tenant=name)
                for n in range(1, dedicated_teams + 1)
            ]
        elif dedicated_teams:
            teams.append(TeamSpec(f"{name}-desk", "dedicated", region, tenant=name))
    teams.append(TeamSpec(POOL, "shared", "24x7"))
    teams += [
        TeamSpec(name, "specialist", calendar, skill_area=area)
        for name, (area, calendar) in SPECIALISTS.items()
    ]
    if agents < len(teams):
        raise ValueError(f"at least {len(teams)} agents, one per team")

    # 42 % in dedicated teams, 13 % in specialist groups, the rest in the pool.
    dedicated = [t for t in teams if t.kind == "dedicated"]
    specialist = [t for t in teams if t.kind == "specialist"]
    counts = {t.name: max(1, round(agents * 0.42 / len(dedicated))) for t in dedicated}
    counts |= {t.name: max(1, round(agents * 0.13 / len(specialist))) for t in specialist}
    counts[POOL] = agents - sum(counts.values())
    team_of = {t.name: t for t in teams}
    specs: list[AgentSpec] = []
    number = 0
    for team_name, count in counts.items():
        team = team_of[team_name]
        for _ in range(count):
            number += 1
            member_of: tuple[str, ...] = (team_name,)
            languages = {"en"}
            if team.kind == "dedicated":
                skills = set(rng.sample(SKILLS, rng.randint(2, 4)))
                local = REGIONS[region_of[team.tenant or ""]][3]
                if rng.random() < 0.9:
                    languages.add(local)
            elif team.kind == "specialist":
                skills = {team.skill_area or "", *rng.sample(SKILLS, rng.randint(1, 2))}
                languages |= set(rng.sample(("fr", "de"), rng.randint(0, 1)))
                if rng.random() < 0.3:
                    member_of = (team_name, POOL)  # also takes pool work
            else:
                skills = set(rng.sample(SKILLS, rng.randint(2, 4)))
                languages |= set(rng.sample(POOL_LANGUAGES, rng.randint(1, 2)))
            roll = rng.random()
            presence = (
                "available"
                if roll < 0.85
                else "busy"
                if roll < 0.92
                else "away"
                if roll < 0.96
                else "offline"
            )
            capacity = {
                "voice": 0 if rng.random() < 0.1 else 1,
                "chat": rng.choice((2, 3)),
                "email": rng.choice((3, 4, 5, 6)),
                "other": rng.choice((2, 3, 4)),
            }
            # Distinct instants (no ties), within the last four hours.
            since = AT - timedelta(seconds=rng.randrange(60, 4 * 3600), microseconds=number)
            specs.append(
                AgentSpec(
                    name=f"agent-{number:04d}",
                    teams=member_of,
                    skills=tuple(sorted(skills)),
                    languages=tuple(sorted(languages)),
                    capacity=capacity,
                    presence=presence,
                    since=since,
                )
            )
    specs.sort(key=lambda a: a.since)

    volume = {
        name: (1.5 if model == "dedicated" else 1.2 if model == "hybrid" else 0.6 * weight)
        for name, model, _region, weight, _wait, _teams in TENANTS
    }
    tenant_names = list(volume)
    work: list[ItemSpec] = []
    for number in range(1, items + 1):
        tenant = rng.choices(tenant_names, weights=list(volume.values()))[0]
        group = skill = None
        if rng.random() < 0.04:  # escalated to a specialist group
            group = rng.choice(list(SPECIALISTS))
        elif rng.random() < 0.5:
            skill = rng.choice(SKILLS)
        roll = rng.random()
        language = None if roll < 0.55 else "en" if roll < 0.85 else REGIONS[region_of[tenant]][3]
        work.append(
            ItemSpec(
                id=f"item-{number:05d}",
                tenant=tenant,
                channel=rng.choices(CHANNELS, weights=CHANNEL_WEIGHTS)[0],
                priority=rng.choices(PRIORITIES, weights=PRIORITY_WEIGHTS)[0],
                enqueued_at=AT - timedelta(seconds=rng.randrange(0, 3 * 3600)),
                skill=skill,
                language=language,
                group=group,
            )
        )
    return Setup(teams, specs, work)


def build_engine(setup: Setup, *, items: bool = True) -> RoutingEngine:
    """A fresh engine (the engine changes the objects it is given)."""
    engine = RoutingEngine()
    calendars = {t.calendar: calendar_named(t.calendar) for t in setup.teams}
    for name, model, region, weight, wait, _teams in TENANTS:
        engine.put_tenant(
            TenantInfo(
                name=name,
                model=ServiceModel(model),
                calendar="24x7" if model == "shared" else calendar_id(region),
                weight=weight,
                overflow_wait=timedelta(minutes=wait),
            )
        )
    for team in setup.teams:
        engine.put_team(
            TeamInfo(
                name=team.name,
                kind=TeamKind(team.kind),
                calendar=calendars[team.calendar],
                tenant=team.tenant,
                skill_area=team.skill_area,
            )
        )
    for agent in setup.agents:
        engine.put_agent(
            AgentInfo(
                name=agent.name,
                teams=agent.teams,
                skills=frozenset(agent.skills),
                languages=frozenset(agent.languages),
                capacity=dict(agent.capacity),
            )
        )
    for agent in setup.agents:  # in time order, as the event log would replay them
        if agent.presence != "offline":
            engine.set_presence(agent.name, Presence(agent.presence), agent.since)
    if items:
        for item in setup.items:
            engine.enqueue(work_item(item))
    return engine


def work_item(item: ItemSpec) -> WorkItemInfo:
    return WorkItemInfo(
        id=item.id,
        tenant=item.tenant,
        channel=item.channel,
        priority=item.priority,
        enqueued_at=item.enqueued_at,
        skill=item.skill,
        language=item.language,
        group=item.group,
    )


# --- the naive algorithm ---------------------------------------------------------


class NaiveRouter:
    """The baseline: for each item, look at every agent.

    Which teams are on shift for the item comes from the engine's own coverage
    rules (a copy of the engine that is only asked that); then a plain scan over
    all agents keeps the available one in a covering team, with free capacity
    on the channel, the skill and the language, that has been idle longest (the
    name breaks a tie, as in the engine).
    """

    def __init__(self, setup: Setup) -> None:
        self.rules = build_engine(setup, items=False)
        self.agents = [self.rules.agents[a.name] for a in setup.agents]
        # Its own state: what the engine keeps in lines, kept here on each agent.
        self.state = {
            a.name: {
                "available": a.presence == "available",
                "idle_since": a.since if a.presence == "available" else None,
                "load": {},
            }
            for a in setup.agents
        }

    def decide(self, item: WorkItemInfo, at: datetime) -> Decision:
        rules = self.rules
        if rules.overflows(item, at):  # the engine's rule: the scan differs in the search only
            item.overflowed = True
        coverage = rules.item_coverage(item, at)
        # The reasons are worded as the engine's, so that both do the same work.
        if not coverage.teams:
            when = (
                f" (next shift {coverage.next_shift:%Y-%m-%d %H:%M} UTC)"
                if coverage.next_shift
                else ""
            )
            return Decision(item.id, None, None, coverage.reason + when)
        covering = coverage.teams
        channel, skill, language = item.channel, item.skill, item.language
        best: AgentInfo | None = None
        best_team = best_key = None
        for agent in self.agents:
            state = self.state[agent.name]
            if not state["available"]:
                continue
            team = next((t for t in covering if t in agent.teams), None)
            if team is None:
                continue
            # A channel without a capacity of its own takes the agent's "other" capacity.
            line = channel if channel in agent.capacity else "other"
            if agent.capacity.get(line, 0) - state["load"].get(line, 0) <= 0:
                continue
            if skill is not None and skill not in agent.skills:
                continue
            if language is not None and language not in agent.languages:
                continue
            key = (state["idle_since"], agent.name)  # longest idle; the name breaks ties
            if best_key is None or key < best_key:
                best, best_team, best_key = agent, team, key
        if best is None:
            needs = ", ".join(
                [f"{channel} capacity"]
                + ([f"skill {skill}"] if skill else [])
                + ([f"language {language}"] if language else [])
            )
            reason = f"no available agent with {needs} in {', '.join(covering)}"
            return Decision(item.id, None, None, reason)
        state = self.state[best.name]
        idle = int((at - state["idle_since"]).total_seconds() // 60)
        reason = f"{coverage.reason}; longest idle eligible agent in {best_team}, idle {idle} min"
        line = channel if channel in best.capacity else "other"
        state["load"][line] = state["load"].get(line, 0) + 1
        state["idle_since"] = at
        item.agent, item.team = best.name, best_team
        return Decision(item.id, best.name, best_team, reason)

    def release(self, item: WorkItemInfo) -> None:
        if item.agent is not None:
            agent = self.rules.agents[item.agent]
            line = item.channel if item.channel in agent.capacity else "other"
            self.state[item.agent]["load"][line] -= 1


# --- measuring -------------------------------------------------------------------


def timed(action: Callable[[], object]) -> float:
    gc.collect()
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def summary(values: list[int]) -> dict[str, Any]:
    """Median and 99th percentile, in µs, of times in ns."""
    if not values:
        return {"n": 0, "median_us": None, "p99_us": None, "max_us": None}
    values = sorted(values)
    p99 = values[min(len(values) - 1, round(0.99 * (len(values) - 1)))]
    return {
        "n": len(values),
        "median_us": statistics.median(values) / 1000,
        "p99_us": p99 / 1000,
        "max_us": values[-1] / 1000,
    }


class Collections:
    """Counts the garbage collector's passes, so that a decision it interrupted is
    told from a slow one."""

    count = 0

    @classmethod
    def seen(cls, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            cls.count += 1


@dataclass
class Timings:
    """Each decision of a run timed on its own, over ``repeat`` identical runs."""

    runs: list[list[int]] = field(default_factory=list)  # ns per decision, per run
    collected: list[set[int]] = field(default_factory=list)  # decisions the collector interrupted
    decisions: list[Decision] = field(default_factory=list)  # of the last run

    @property
    def best_seconds(self) -> float:
        """The fastest run: the sum of its decisions."""
        return min(sum(run) for run in self.runs) / 1e9

    def latency(self) -> dict[str, Any]:
        """Each decision's best time over the runs (the runs decide alike, so decision k
        is the same work in every run; its best time is the least disturbed by the
        machine), for all decisions, the routed ones and those left waiting. A run in
        which the garbage collector ran during decision k counts for k only if it ran
        during k in every run (it runs at the same points each time): those are
        counted apart, with the slowest of them."""
        best: list[int] = []
        interrupted: list[int] = []
        for index, times in enumerate(zip(*self.runs, strict=True)):
            clean = [t for t, hit in zip(times, self.collected, strict=True) if index not in hit]
            best.append(min(clean or times))
            if not clean:
                interrupted.append(index)
        routed = [d.agent is not None for d in self.decisions]
        skip = set(interrupted)
        return {
            "all": summary(best),
            "routed": summary([ns for ns, r in zip(best, routed, strict=True) if r]),
            "waiting": summary([ns for ns, r in zip(best, routed, strict=True) if not r]),
            "slowest_uninterrupted_us": max(
                (ns for k, ns in enumerate(best) if k not in skip), default=0
            )
            / 1000,
            "interrupted_by_gc": len(interrupted),
            "slowest_interrupted_us": max((best[k] for k in interrupted), default=0) / 1000,
        }


def decide_each(
    router: Callable[[], tuple[Callable[[WorkItemInfo, datetime], Decision], list[WorkItemInfo]]],
    at: Callable[[int], datetime],
    undo: Callable[[Any, WorkItemInfo, Decision, datetime], None] | None,
    repeat: int,
) -> Timings:
    """``repeat`` runs, each on a fresh router: every item of the queue decided in
    routing order, each decision timed on its own; ``undo`` runs between them, untimed."""
    timings = Timings()
    clock = time.perf_counter_ns
    gc.callbacks.append(Collections.seen)
    try:
        for _ in range(repeat):
            decide, items = router()
            owner = getattr(decide, "__self__", None)
            samples: list[int] = []
            collected: set[int] = set()
            decisions: list[Decision] = []
            gc.collect()
            for index, item in enumerate(items):
                moment = at(index)
                before = Collections.count
                started = clock()
                decision = decide(item, moment)
                samples.append(clock() - started)
                if Collections.count != before:
                    collected.add(index)
                decisions.append(decision)
                if undo is not None:
                    undo(owner, item, decision, moment)
            if timings.decisions and [(d.agent, d.team) for d in decisions] != [
                (d.agent, d.team) for d in timings.decisions
            ]:
                raise AssertionError("two runs on the same data decided differently")
            timings.runs.append(samples)
            timings.collected.append(collected)
            timings.decisions = decisions
    finally:
        gc.callbacks.remove(Collections.seen)
    return timings


def same_choices(a: list[Decision], b: list[Decision]) -> int:
    return sum((x.agent, x.team) == (y.agent, y.team) for x, y in zip(a, b, strict=True))


def measure_engine(setup: Setup, repeat: int) -> dict[str, Any]:
    n = len(setup.items)

    def engine_router() -> tuple[Callable[[WorkItemInfo, datetime], Decision], list]:
        engine = build_engine(setup)
        return engine.decide, engine.order()

    def naive_router() -> tuple[Callable[[WorkItemInfo, datetime], Decision], list]:
        return NaiveRouter(setup).decide, build_engine(setup).order()  # the engine's order

    # (a) a full pass, at one instant, as engine.route(at) makes it
    def same_instant(_index: int) -> datetime:
        return AT

    full = decide_each(engine_router, same_instant, None, repeat)
    naive_full = decide_each(naive_router, same_instant, None, repeat)
    route_seconds, order_seconds = [], []
    for _ in range(repeat):
        engine = build_engine(setup)
        route_seconds.append(timed(lambda e=engine: e.route(AT)))
        engine = build_engine(setup)
        order_seconds.append(timed(engine.order))

    # (b) plentiful capacity: each decision undone (the item released) before the
    # next, so nobody fills up; each at its own instant, a microsecond apart, as
    # items arriving one by one would be decided.
    def instant(index: int) -> datetime:
        return AT + timedelta(microseconds=index)

    def release(engine: Any, item: WorkItemInfo, decision: Decision, at: datetime) -> None:
        if decision.agent is not None:
            engine.release(item.id, at)

    def naive_release(naive: Any, item: WorkItemInfo, decision: Decision, at: datetime) -> None:
        naive.release(item)

    free = decide_each(engine_router, instant, release, repeat)
    naive_free = decide_each(naive_router, instant, naive_release, repeat)

    def figures(engine: Timings, naive: Timings) -> dict[str, Any]:
        routed = sum(d.agent is not None for d in engine.decisions)
        return {
            "seconds": [sum(run) / 1e9 for run in engine.runs],
            "decisions_per_second": n / engine.best_seconds,
            "routed": routed,
            "waiting": n - routed,
            "latency": engine.latency(),
            "naive_seconds": [sum(run) / 1e9 for run in naive.runs],
            "naive_decisions_per_second": n / naive.best_seconds,
            "naive_routed": sum(d.agent is not None for d in naive.decisions),
            "naive_latency": naive.latency(),
            "ratio": naive.best_seconds / engine.best_seconds,
            "same_choice_as_naive": same_choices(engine.decisions, naive.decisions),
        }

    return {
        "agents": len(setup.agents),
        "items": n,
        "available_agents": sum(a.presence == "available" for a in setup.agents),
        "full_pass": figures(full, naive_full)
        | {"route_seconds": route_seconds, "order_seconds": order_seconds},
        "plentiful": figures(free, naive_free),
    }


# --- through the store -----------------------------------------------------------


def build_desk(db: str, setup: Setup) -> tuple[ServiceDesk, ManualClock]:
    """A desk with the directory, then the items opened as incidents in time order."""
    clock = ManualClock(AT - timedelta(days=1))
    desk = ServiceDesk(db=db, clock=clock)
    t = desk.tenancy
    for region in REGIONS:
        desk.sla.import_calendar(calendar_named(region))
    for name, model, region, weight, wait, _teams in TENANTS:
        contract: dict[str, Any] = {"weight": weight}
        if model != "shared":
            contract |= {"calendar": calendar_id(region), "monthly_fee": 4000}
        if model != "dedicated":
            contract["hourly_rate"] = 60
        if model == "hybrid":
            contract["overflow_wait_minutes"] = wait
        t.register_tenant(name, model=model, service_manager="bench", **contract)
    for team in setup.teams:
        t.form_team(
            team.name,
            kind=team.kind,
            tenant=team.tenant,
            skill_area=team.skill_area,
            calendar=calendar_id(team.calendar),
        )
    for agent in setup.agents:
        t.register_agent(
            agent.name,
            teams=agent.teams,
            skills=agent.skills,
            languages=agent.languages,
            capacity=agent.capacity,
        )
    for agent in setup.agents:
        if agent.presence != "offline":
            clock.set(agent.since)
            t.set_presence(agent.name, agent.presence)
    for item in sorted(setup.items, key=lambda i: i.enqueued_at):
        clock.set(item.enqueued_at)
        impact, urgency = IMPACT_URGENCY[item.priority]
        desk.open_incident(
            f"Bench {item.id}",
            impact=impact,
            urgency=urgency,
            tenant=item.tenant,
            channel=item.channel,
            skill=item.skill,
            language=item.language,
        )
    clock.set(AT)
    t.refresh()  # the router is up to date before it is timed
    return desk, clock


def insert_in_one_transaction(
    path: Path, rows: Sequence[run.Row], journal: str, sync: str
) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(f"PRAGMA journal_mode={journal}")
        conn.execute(f"PRAGMA synchronous={sync}")
        conn.execute(run.SQLITE_EVENTS_TABLE)

        def insert_all() -> None:
            conn.execute("BEGIN")
            conn.executemany("INSERT INTO stored_events VALUES (?, ?, ?, ?)", rows)
            conn.execute("COMMIT")

        return timed(insert_all)
    finally:
        conn.close()


def measure_store(setup: Setup, repeat: int, folder: Path | None) -> dict[str, Any]:
    n = len(setup.items)
    route_seconds, one_tx, per_row = [], [], []
    routed = events = 0
    durability = ""
    with tempfile.TemporaryDirectory(prefix="eventdesk-routing-", dir=folder) as scratch:
        for attempt in range(repeat):
            path = Path(scratch, f"desk-{attempt}.db")
            desk, _clock = build_desk(str(path), setup)
            with desk:
                with desk.recorder.datastore.transaction(commit=False) as cursor:
                    cursor.execute("PRAGMA journal_mode")
                    journal = str(cursor.fetchone()[0])
                    cursor.execute("PRAGMA synchronous")
                    sync = str(cursor.fetchone()[0])
                    cursor.execute("SELECT max(rowid) FROM stored_events")
                    before = int(cursor.fetchone()[0])
                gc.collect()
                started = time.perf_counter()
                decisions = desk.tenancy.route(now=AT)
                route_seconds.append(time.perf_counter() - started)
            if len(decisions) != n:
                raise AssertionError(f"{len(decisions)} decisions for {n} waiting items")
            routed = sum(d.agent is not None for d in decisions)
            with closing(sqlite3.connect(path)) as conn:
                rows = conn.execute(
                    "SELECT originator_id, originator_version, topic, state "
                    "FROM stored_events WHERE rowid > ? ORDER BY rowid",
                    (before,),
                ).fetchall()
            events = len(rows)
            one_tx.append(
                insert_in_one_transaction(Path(scratch, f"raw1-{attempt}.db"), rows, journal, sync)
            )
            per_row.append(run.sqlite_raw(Path(scratch, f"rawn-{attempt}.db"), rows, journal, sync))
            durability = f"journal_mode={journal}, synchronous={run.SYNCHRONOUS.get(sync, sync)}"
    best = min(route_seconds)
    return {
        "agents": len(setup.agents),
        "items": n,
        "routed": routed,
        "waiting": n - routed,
        "events": events,
        "route_seconds": route_seconds,
        "decisions_per_second": n / best,
        "events_per_second": events / best,
        "raw_one_transaction_seconds": one_tx,
        "raw_one_transaction_rows_per_second": events / min(one_tx),
        "ratio_one_transaction": min(one_tx) / best,
        "raw_per_row_seconds": per_row,
        "raw_per_row_rows_per_second": events / min(per_row),
        "ratio_per_row": min(per_row) / best,
        "durability": durability,
    }


# --- report ----------------------------------------------------------------------


def _us(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def gc_note(latency: dict[str, Any]) -> str:
    count = latency["interrupted_by_gc"]
    return f"{count} (slowest {latency['slowest_interrupted_us']:,.0f} µs)" if count else "none"


def table(report: dict[str, Any]) -> str:
    memory, store = report["memory"], report["store"]
    full, free = memory["full_pass"], memory["plentiful"]
    n, repeat = memory["items"], report["repeat"]
    lines = [
        f"EventDesk routing: {memory['agents']:,} agents"
        f" ({memory['available_agents']:,} available), {n:,} waiting items,"
        f" at {AT:%a %Y-%m-%d %H:%M} UTC; {repeat} run(s) of each",
        "",
        f"{'in memory (RoutingEngine)':<34} {'decisions/s':>11} {'median µs':>10} {'p99 µs':>9}"
        f" {'naive/s':>9} {'naive med':>10} {'ratio':>6}",
    ]

    def row(
        label: str,
        count: int,
        rate: float | None,
        lat: dict,
        naive_rate: float | None,
        naive_lat: dict | None,
        ratio: float | None,
    ) -> str:
        return (
            f"{label:<27} {count:>6,} {'' if rate is None else f'{rate:,.0f}':>11}"
            f" {_us(lat['median_us']):>10} {_us(lat['p99_us']):>9}"
            f" {'' if naive_rate is None else f'{naive_rate:,.0f}':>9}"
            f" {'' if naive_lat is None else _us(naive_lat['median_us']):>10}"
            f" {'' if ratio is None else f'{ratio:.2f}':>6}"
        )

    for label, figures in (("full pass", full), ("plentiful capacity", free)):
        lat, nlat = figures["latency"], figures["naive_latency"]
        lines += [
            row(
                f"{label}, all",
                n,
                figures["decisions_per_second"],
                lat["all"],
                figures["naive_decisions_per_second"],
                nlat["all"],
                figures["ratio"],
            ),
            row(
                "  routed to an agent",
                figures["routed"],
                None,
                lat["routed"],
                None,
                nlat["routed"],
                None,
            ),
            row(
                "  left waiting",
                figures["waiting"],
                None,
                lat["waiting"],
                None,
                nlat["waiting"],
                None,
            ),
        ]
    lines += [
        "",
        f"full pass: engine.route(at) takes {min(full['route_seconds']) * 1000:,.0f} ms"
        f" for {n:,} decisions, ordering the queue included"
        f" ({min(full['order_seconds']) * 1000:,.0f} ms)",
        "plentiful capacity: each decision undone (the item released) before the next",
        f"slowest decision: {full['latency']['slowest_uninterrupted_us']:,.0f} µs (full pass),"
        f" {free['latency']['slowest_uninterrupted_us']:,.0f} µs (plentiful capacity),",
        "  leaving out those the garbage collector interrupted in every run:"
        f" {gc_note(full['latency'])} and {gc_note(free['latency'])}",
        f"same agent as the naive scan: {full['same_choice_as_naive']:,} of {n:,} (full pass),"
        f" {free['same_choice_as_naive']:,} of {n:,} (plentiful capacity)",
        "decisions/s: the fastest run's decisions, each timed on its own, summed;"
        " µs: each decision's best time over the runs",
        "ratio = engine decisions/s ÷ naive scan decisions/s, same data, same run"
        " (above 1: the engine is faster)",
        "",
        f"{'through the store (SQLite)':<27} {'N':>6} {'decisions/s':>11} {'events':>7}"
        f" {'raw 1 tx rows/s':>16} {'ratio':>6} {'raw tx/row rows/s':>18} {'ratio':>6}",
        f"{'desk.tenancy.route()':<27} {store['items']:>6,} {store['decisions_per_second']:>11,.0f}"
        f" {store['events']:>7,} {store['raw_one_transaction_rows_per_second']:>16,.0f}"
        f" {store['ratio_one_transaction']:>6.3f} {store['raw_per_row_rows_per_second']:>18,.0f}"
        f" {store['ratio_per_row']:>6.2f}",
        f"{store['agents']:,} agents; {store['routed']:,} routed,"
        f" {store['waiting']:,} left waiting; one route() saves all its events in one transaction",
        "ratio = raw insert time ÷ route() time for the same rows (1.00: route costs no more"
        " than the inserts)",
        f"durability, both sides: {store['durability']}",
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/routing.py", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--agents", type=int, default=None, help=f"default {DEFAULT_AGENTS}")
    parser.add_argument("--items", type=int, default=None, help=f"default {DEFAULT_ITEMS}")
    parser.add_argument(
        "--store-agents", type=int, default=None, help=f"default {DEFAULT_STORE_AGENTS}"
    )
    parser.add_argument(
        "--store-items", type=int, default=None, help=f"default {DEFAULT_STORE_ITEMS}"
    )
    parser.add_argument(
        "--repeat", type=int, default=None, help="passes per figure (best kept; default 3)"
    )
    parser.add_argument("--seed", type=int, default=7, help="of the generated data (default 7)")
    parser.add_argument("--dir", type=Path, default=None, help="where the SQLite files go")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a tiny run to check that it works: "
        + ", ".join(f"{k.replace('_', '-')} {v}" for k, v in QUICK.items()),
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    defaults = {
        "agents": DEFAULT_AGENTS,
        "items": DEFAULT_ITEMS,
        "store_agents": DEFAULT_STORE_AGENTS,
        "store_items": DEFAULT_STORE_ITEMS,
        "repeat": 3,
    }
    for key, default in defaults.items():
        if getattr(args, key) is None:
            setattr(args, key, QUICK[key] if args.quick else default)
        if getattr(args, key) < 1:
            parser.error(f"--{key.replace('_', '-')} must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        memory_setup = make_setup(args.agents, args.items, args.seed)
        store_setup = make_setup(args.store_agents, args.store_items, args.seed)
    except ValueError as error:
        print(f"bench/routing.py: {error}", file=sys.stderr)
        return 2
    report = {
        "repeat": args.repeat,
        "at": AT.isoformat(),
        "memory": measure_engine(memory_setup, args.repeat),
        "store": measure_store(store_setup, args.repeat, args.dir),
    }
    print(json.dumps(report, indent=2) if args.json else table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
