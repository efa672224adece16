"""The routing engine: who may take a work item now, and who should.

Pure and in memory: it is fed the directory (tenants, teams, agents) and the
work items, and decides. Eligible agents cover the item's tenant at that
instant (the tenant's service model and the teams' shift calendars), have the
skill and the language, are available, and have free capacity on the item's
channel; of those, the longest idle is chosen. Each team keeps, per channel,
its agents that could take more work in the order they became idle, so a
decision usually looks at one agent per team, whatever the size of the team.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from operator import itemgetter

import attrs

from eventdesk.calendars.model import BusinessCalendar
from eventdesk.clock import as_utc
from eventdesk.tenancy.model import Presence, ServiceModel, TeamKind

# Typical minutes an agent spends on one item, per channel, until handle times are measured.
DEFAULT_HANDLE_MINUTES: dict[str, float] = {"voice": 6, "chat": 12, "email": 30, "other": 20}
# The capacity that a channel without a capacity of its own (web form, portal, SMS) draws on.
OTHER = "other"


@attrs.define
class TenantInfo:
    name: str
    model: ServiceModel
    calendar: str = "24x7"
    weight: int = 1
    overflow_wait: timedelta = timedelta(minutes=30)
    category_groups: dict[str, str] = attrs.field(factory=dict)


@attrs.define
class TeamInfo:
    name: str
    kind: TeamKind
    calendar: BusinessCalendar
    tenant: str | None = None
    skill_area: str | None = None
    supervisors: dict[str, str] = attrs.field(factory=dict)
    members: set[str] = attrs.field(factory=set)
    # channel -> agents of this team that could take one more item, longest idle first
    ready: dict[str, ReadyLine] = attrs.field(factory=lambda: defaultdict(ReadyLine))
    # the calendar's last answer, and how long it holds: (calendar, from, until, on shift)
    shift: tuple[BusinessCalendar, datetime, datetime, bool] | None = attrs.field(
        default=None, eq=False, repr=False
    )


@attrs.define
class AgentInfo:
    name: str
    teams: tuple[str, ...]
    skills: frozenset[str]
    languages: frozenset[str]
    capacity: dict[str, int]
    presence: Presence = Presence.OFFLINE
    idle_since: datetime | None = None
    load: dict[str, int] = attrs.field(factory=lambda: defaultdict(int))

    def line(self, channel: str) -> str:
        """The capacity an item of this channel takes: its own, or else the agent's "other"."""
        return channel if channel in self.capacity else OTHER

    def free(self, channel: str) -> int:
        line = self.line(channel)
        return self.capacity.get(line, 0) - self.load[line]


class ReadyLine:
    """The agents of one team who could take one more item on one channel, longest
    idle first (the name breaks a tie): iterating gives their names in that order.

    Kept as a sorted list, so that an agent takes its place by binary search,
    whether it goes last (just given work) or before others (its work released,
    it keeps its turn), without walking past those it follows. It also counts its
    agents' sets of channels, to tell at once whether anybody in the line lacks a
    capacity of its own for a channel (and so takes it as "other").
    """

    __slots__ = ("_channel_sets", "_keys", "_placed")

    def __init__(self) -> None:
        self._keys: list[tuple[datetime, str]] = []  # (idle since, name), sorted
        self._placed: dict[str, tuple[tuple[datetime, str], frozenset[str]]] = {}
        self._channel_sets: dict[frozenset[str], int] = {}

    def add(self, agent: AgentInfo) -> None:
        self.discard(agent.name)
        key, channels = _idle_key(agent), frozenset(agent.capacity)
        insort(self._keys, key)
        self._placed[agent.name] = (key, channels)
        self._channel_sets[channels] = self._channel_sets.get(channels, 0) + 1

    def discard(self, name: str) -> None:
        placed = self._placed.pop(name, None)
        if placed is None:
            return
        key, channels = placed
        del self._keys[bisect_left(self._keys, key)]
        if self._channel_sets[channels] == 1:
            del self._channel_sets[channels]
        else:
            self._channel_sets[channels] -= 1

    def lacks(self, channel: str) -> bool:
        """Whether somebody in the line has no capacity of its own for ``channel``."""
        return any(channel not in channels for channels in self._channel_sets)

    def __iter__(self) -> Iterator[str]:
        return map(_NAME, self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, name: object) -> bool:
        return name in self._placed


_NAME = itemgetter(1)


@attrs.define
class WorkItemInfo:
    id: str
    tenant: str
    channel: str
    priority: int
    enqueued_at: datetime
    skill: str | None = None
    language: str | None = None
    group: str | None = None  # a specialist group it was escalated to
    overflowed: bool = False
    agent: str | None = None
    team: str | None = None
    arrival: int = 0  # order of arrival in the queue: first come, first served among equals


@attrs.frozen
class Decision:
    """What the router decided for one item, and why."""

    item: str
    agent: str | None
    team: str | None
    reason: str
    overflow: bool = False  # the item overflowed to the shared pool with this decision


@attrs.frozen
class Coverage:
    """The teams that may serve an item at an instant, and why (or when they will)."""

    teams: tuple[str, ...]
    reason: str
    next_shift: datetime | None = None


class RoutingEngine:
    """The directory and the queue, in memory, with the rules that join them."""

    def __init__(self) -> None:
        self.tenants: dict[str, TenantInfo] = {}
        self.teams: dict[str, TeamInfo] = {}
        self.agents: dict[str, AgentInfo] = {}
        self.waiting: dict[str, WorkItemInfo] = {}
        self.active: dict[str, WorkItemInfo] = {}
        # Pool turns per tenant (items the shared pool was given), for fair turns.
        self.served: dict[str, float] = defaultdict(float)
        self._waiting_per_tenant: dict[str, int] = defaultdict(int)
        self.handle_minutes: dict[str, float] = dict(DEFAULT_HANDLE_MINUTES)
        self.arrivals = 0

    # --- directory -----------------------------------------------------------

    def put_tenant(self, tenant: TenantInfo) -> None:
        self.tenants[tenant.name] = tenant

    def put_team(self, team: TeamInfo) -> None:
        old = self.teams.get(team.name)
        if old is not None:
            team.members, team.ready = old.members, old.ready
        self.teams[team.name] = team

    def put_agent(self, agent: AgentInfo) -> None:
        old = self.agents.pop(agent.name, None)
        if old is not None:
            self._unready(old)
            for team in old.teams:
                if team in self.teams:
                    self.teams[team].members.discard(old.name)
            agent.load, agent.presence, agent.idle_since = old.load, old.presence, old.idle_since
        self.agents[agent.name] = agent
        for team in agent.teams:
            self._team(team).members.add(agent.name)
        self._ready(agent)

    def set_presence(self, name: str, presence: Presence, at: datetime) -> None:
        agent = self.agents[name]
        self._unready(agent)
        if presence == Presence.AVAILABLE and agent.presence != Presence.AVAILABLE:
            agent.idle_since = at
        agent.presence = presence
        self._ready(agent)

    def _team(self, name: str) -> TeamInfo:
        team = self.teams.get(name)
        if team is None:  # an agent named a team before it was formed
            team = TeamInfo(name, TeamKind.SHARED, BusinessCalendar.always_open())
            team.kind = None  # type: ignore[assignment]  # covers nobody until formed
            self.teams[name] = team
        return team

    def _unready(self, agent: AgentInfo) -> None:
        for team in agent.teams:
            info = self.teams.get(team)
            if info is not None:
                for ready in info.ready.values():
                    ready.discard(agent.name)

    def _ready(self, agent: AgentInfo) -> None:
        """Put the agent, on every channel it has room on, in its teams' lines."""
        if agent.presence != Presence.AVAILABLE:
            return
        for team in agent.teams:
            info = self._team(team)
            for channel in agent.capacity:
                if agent.free(channel) > 0:
                    # Usually at the end; but one who gets room back (its work released)
                    # goes before those given work since.
                    info.ready[channel].add(agent)

    # --- work ----------------------------------------------------------------

    def enqueue(self, item: WorkItemInfo) -> None:
        self.arrivals += 1
        item.arrival = self.arrivals
        if not self._waiting_per_tenant[item.tenant]:
            self._no_banked_turns(item.tenant)
        self.waiting[item.id] = item
        self._waiting_per_tenant[item.tenant] += 1

    def _no_banked_turns(self, tenant: str) -> None:
        """A tenant that was quiet does not bank turns: it joins the pool's rotation
        level with the tenants already waiting, not ahead of them all."""
        waiting = [
            t
            for t, count in self._waiting_per_tenant.items()
            if count and t != tenant and self._uses_pool(t)
        ]
        if waiting:
            level = min(self._turns(t) for t in waiting)
            weight = self.tenants[tenant].weight if tenant in self.tenants else 1
            self.served[tenant] = max(self.served[tenant], level * weight)

    def _uses_pool(self, tenant: str) -> bool:
        info = self.tenants.get(tenant)
        return info is not None and info.model != ServiceModel.DEDICATED

    def _unwait(self, item: WorkItemInfo) -> None:
        self._waiting_per_tenant[item.tenant] -= 1

    def assign(self, item_id: str, agent_name: str, team: str | None, at: datetime) -> None:
        item = self.waiting.pop(item_id, None)
        if item is not None:
            self._unwait(item)
        else:
            item = self.active.get(item_id)
        if item is None:
            return
        agent = self.agents.get(agent_name)
        if item.agent is not None and item.agent in self.agents:
            self._release_load(self.agents[item.agent], item.channel, at)
        item.agent, item.team = agent_name, team
        self.active[item_id] = item
        pool = self.teams.get(team or "")
        if pool is not None and pool.kind == TeamKind.SHARED:
            self.served[item.tenant] += 1  # a turn of the shared pool
        if agent is not None:
            self._unready(agent)
            agent.load[agent.line(item.channel)] += 1
            agent.idle_since = at  # longest idle: the last one to have been given work goes last
            self._ready(agent)

    def release(self, item_id: str, at: datetime) -> None:
        item = self.active.pop(item_id, None)
        if item is None:
            item = self.waiting.pop(item_id, None)
            if item is not None:
                self._unwait(item)
        if item is not None and item.agent in self.agents:
            self._release_load(self.agents[item.agent], item.channel, at)

    def _release_load(self, agent: AgentInfo, channel: str, at: datetime) -> None:
        self._unready(agent)
        line = agent.line(channel)
        agent.load[line] = max(0, agent.load[line] - 1)
        self._ready(agent)

    def mark_overflowed(self, item_id: str) -> None:
        if item_id in self.waiting:
            self.waiting[item_id].overflowed = True

    # --- coverage ------------------------------------------------------------

    def coverage(self, tenant_name: str, at: datetime, *, overflowed: bool = False) -> Coverage:
        """Which teams may serve the tenant at ``at``, following its service model."""
        tenant = self.tenants.get(tenant_name)
        if tenant is None:
            return Coverage((), f"tenant {tenant_name} is not registered")
        own = [
            t
            for t in self.teams.values()
            if t.kind == TeamKind.DEDICATED and t.tenant == tenant.name
        ]
        pool = [t for t in self.teams.values() if t.kind == TeamKind.SHARED]
        own_open = [t.name for t in own if self._on_shift(t, at)]
        pool_open = [t.name for t in pool if self._on_shift(t, at)]
        if not own and (
            tenant.model == ServiceModel.DEDICATED
            or (tenant.model == ServiceModel.HYBRID and not pool)
        ):
            return Coverage((), f"tenant {tenant.name} has no dedicated team yet")
        if tenant.model == ServiceModel.DEDICATED:
            if own_open:
                return Coverage(tuple(own_open), "the dedicated team is on shift")
            return Coverage(
                (),
                "out of hours: waits for the dedicated team's next shift",
                self._next_shift(own, at),
            )
        if tenant.model == ServiceModel.SHARED:
            if pool_open:
                return Coverage(tuple(pool_open), "the shared pool serves this tenant")
            return Coverage((), "the shared pool is off shift", self._next_shift(pool, at))
        # hybrid
        if own_open and overflowed and pool_open:
            return Coverage(
                tuple(own_open + pool_open), "overflow: the dedicated team and the shared pool"
            )
        if own_open:
            return Coverage(tuple(own_open), "business hours: the dedicated team")
        if pool_open:
            return Coverage(tuple(pool_open), "out of the dedicated team's hours: the shared pool")
        return Coverage((), "no team on shift", self._next_shift(own + pool, at))

    def item_coverage(self, item: WorkItemInfo, at: datetime) -> Coverage:
        if item.group is not None:
            team = self.teams.get(item.group)
            if team is None:
                return Coverage((), f"team {item.group} does not exist")
            what = (
                f"specialist group {team.name}"
                if team.kind == TeamKind.SPECIALIST
                else f"team {team.name}"
            )
            if self._on_shift(team, at):
                verb = "escalated to" if team.kind == TeamKind.SPECIALIST else "handed to"
                return Coverage((team.name,), f"{verb} {what}")
            return Coverage((), f"{what} is off shift", self._next_shift([team], at))
        return self.coverage(item.tenant, at, overflowed=item.overflowed)

    def _shift(self, team: TeamInfo, at: datetime) -> tuple[bool, datetime]:
        """Whether the team is on shift at ``at``, and when its next shift begins (``at``
        itself if on shift): its calendar's ``is_open`` and ``next_opening``.

        Reading a calendar costs tens of microseconds, and the answer holds until the
        shift ends or the next one begins: it is kept until then, so that a routing
        pass reads each team's calendar once, not once per item."""
        at = as_utc(at)
        known = team.shift
        if known is None or known[0] is not team.calendar or not known[1] <= at < known[2]:
            # What is_open and next_opening read: the first open interval that ends after
            # ``at`` (starting at ``at`` if ``at`` is inside it).
            opens, closes = next(team.calendar._open_intervals(at))
            on_shift = opens <= at
            known = team.shift = (team.calendar, at, closes if on_shift else opens, on_shift)
        return (True, at) if known[3] else (False, known[2])

    def _on_shift(self, team: TeamInfo, at: datetime) -> bool:
        return self._shift(team, at)[0]

    def _next_shift(self, teams: list[TeamInfo], at: datetime) -> datetime | None:
        openings = [self._shift(t, at)[1] for t in teams]
        return min(openings) if openings else None

    def serves(self, agent_name: str, tenant_name: str) -> bool:
        """Whether the agent's teams serve the tenant at all (at any hour)."""
        agent = self.agents.get(agent_name)
        tenant = self.tenants.get(tenant_name)
        if agent is None or tenant is None:
            return False
        for team_name in agent.teams:
            team = self.teams.get(team_name)
            if team is None:
                continue
            if team.kind == TeamKind.DEDICATED and team.tenant == tenant.name:
                return True
            if team.kind == TeamKind.SHARED and tenant.model != ServiceModel.DEDICATED:
                return True
        return False

    # --- decisions -----------------------------------------------------------

    def best_agent(self, item: WorkItemInfo, teams: Iterable[str]) -> tuple[AgentInfo, str] | None:
        """The longest-idle eligible agent of these teams, and the team it serves from."""
        best: tuple[AgentInfo, str] | None = None
        for team_name in teams:
            lines = self.teams[team_name].ready
            # Agents with a capacity of their own for the channel, then those who take it as other.
            for line in dict.fromkeys((item.channel, OTHER)):
                waiting = lines.get(line)
                if not waiting or (line != item.channel and not waiting.lacks(item.channel)):
                    continue  # nobody here, or all have a capacity of their own for it
                for name in waiting:
                    agent = self.agents[name]
                    if agent.line(item.channel) != line:
                        continue
                    if item.skill is not None and item.skill not in agent.skills:
                        continue
                    if item.language is not None and item.language not in agent.languages:
                        continue
                    if best is None or _idle_key(agent) < _idle_key(best[0]):
                        best = (agent, team_name)
                    break  # later agents of this line have been idle for less time
        return best

    def overflows(self, item: WorkItemInfo, at: datetime) -> bool:
        """Whether a hybrid tenant's item has waited out its overflow wait for its
        dedicated team on shift (off shift the pool serves it anyway)."""
        tenant = self.tenants.get(item.tenant)
        if (
            tenant is None
            or tenant.model != ServiceModel.HYBRID
            or item.overflowed
            or item.group is not None
            or at - item.enqueued_at < tenant.overflow_wait
        ):
            return False
        teams = self.item_coverage(item, at).teams
        return bool(teams) and all(self.teams[t].kind == TeamKind.DEDICATED for t in teams)

    def decide(self, item: WorkItemInfo, at: datetime) -> Decision:
        """Decide for one waiting item (and apply the decision to the engine)."""
        overflow = self.overflows(item, at)
        if overflow:
            item.overflowed = True
        coverage = self.item_coverage(item, at)
        if not coverage.teams:
            when = (
                f" (next shift {coverage.next_shift:%Y-%m-%d %H:%M} UTC)"
                if coverage.next_shift
                else ""
            )
            return Decision(item.id, None, None, coverage.reason + when, overflow)
        found = self.best_agent(item, coverage.teams)
        if found is None:
            needs = [f"{item.channel} capacity"]
            if item.skill:
                needs.append(f"skill {item.skill}")
            if item.language:
                needs.append(f"language {item.language}")
            reason = f"no available agent with {', '.join(needs)} in {', '.join(coverage.teams)}"
            return Decision(item.id, None, None, reason, overflow)
        agent, team = found
        idle = at - agent.idle_since if agent.idle_since else None
        idle_text = f", idle {_minutes(idle)}" if idle is not None else ""
        reason = f"{coverage.reason}; longest idle eligible agent in {team}{idle_text}"
        self.assign(item.id, agent.name, team, at)
        return Decision(item.id, agent.name, team, reason, overflow)

    def order(self) -> list[WorkItemInfo]:
        """The waiting items in routing order: priority, then fair turns between tenants
        (items routed so far, weighted by contract), then age."""
        by_tenant: dict[str, list[WorkItemInfo]] = defaultdict(list)
        for item in self.waiting.values():
            by_tenant[item.tenant].append(item)
        heap: list[tuple[int, float, datetime, int, str, int]] = []
        for tenant, items in by_tenant.items():
            items.sort(key=lambda i: (i.priority, i.enqueued_at, i.arrival))
            first = items[0]
            heap.append(
                (first.priority, self._turns(tenant), first.enqueued_at, first.arrival, tenant, 0)
            )
        heapq.heapify(heap)
        served = dict(self.served)
        ordered: list[WorkItemInfo] = []
        while heap:
            *_, tenant, index = heapq.heappop(heap)
            items = by_tenant[tenant]
            ordered.append(items[index])
            served[tenant] = served.get(tenant, 0) + 1
            if index + 1 < len(items):
                nxt = items[index + 1]
                weight = self.tenants[tenant].weight if tenant in self.tenants else 1
                heapq.heappush(
                    heap,
                    (
                        nxt.priority,
                        served[tenant] / weight,
                        nxt.enqueued_at,
                        nxt.arrival,
                        tenant,
                        index + 1,
                    ),
                )
        return ordered

    def _turns(self, tenant: str) -> float:
        weight = self.tenants[tenant].weight if tenant in self.tenants else 1
        return self.served.get(tenant, 0) / weight

    def route(self, at: datetime) -> list[Decision]:
        """One pass over the queue: every waiting item, in routing order."""
        return [self.decide(item, at) for item in self.order()]

    def estimates(self, at: datetime) -> dict[str, tuple[int, timedelta]]:
        """Each waiting item's queue position (among items for the same teams) and
        estimated wait."""
        ahead: dict[tuple[str, ...], int] = defaultdict(int)
        result: dict[str, tuple[int, timedelta]] = {}
        # (teams, channel) -> (places, free places): the same for every item of those teams
        # and that channel, so counted once for them, not once per item.
        places: dict[tuple[tuple[str, ...], str], tuple[int, int]] = {}
        for item in self.order():
            coverage = self.item_coverage(item, at)
            teams = coverage.teams or tuple(sorted(self._teams_for_next_shift(item)))
            ahead[teams] += 1
            position = ahead[teams]
            counted = places.get((teams, item.channel))
            if counted is None:
                names = sorted({a for t in teams if t in self.teams for a in self.teams[t].members})
                present = [
                    self.agents[a] for a in names if self.agents[a].presence != Presence.OFFLINE
                ]
                counted = places[(teams, item.channel)] = (
                    sum(a.capacity.get(a.line(item.channel), 0) for a in present),
                    sum(
                        max(0, a.free(item.channel))
                        for a in present
                        if a.presence == Presence.AVAILABLE
                    ),
                )
            servers, free = counted
            handle = self.handle_minutes.get(item.channel, self.handle_minutes[OTHER])
            # The first items take the free places now; each later round waits for one handle.
            if position <= free:
                rounds = 0
            elif servers:
                rounds = math.ceil((position - free) / servers)
            else:
                rounds = position
            wait = timedelta(minutes=handle * rounds)
            if not coverage.teams and coverage.next_shift is not None:
                wait += coverage.next_shift - at
            result[item.id] = (position, wait)
        return result

    def _teams_for_next_shift(self, item: WorkItemInfo) -> set[str]:
        if item.group is not None:
            return {item.group}
        tenant = self.tenants.get(item.tenant)
        if tenant is None:
            return set()
        return {
            t.name
            for t in self.teams.values()
            if (t.kind == TeamKind.DEDICATED and t.tenant == tenant.name)
            or (t.kind == TeamKind.SHARED and tenant.model != ServiceModel.DEDICATED)
        }


def _idle_key(agent: AgentInfo) -> tuple[datetime, str]:
    return (agent.idle_since or datetime.min.replace(tzinfo=None), agent.name)  # type: ignore[return-value]


def _minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"
