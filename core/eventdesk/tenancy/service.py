"""The tenancy service of a desk: directory, coverage, routing, access, cost.

``desk.tenancy`` registers tenants, teams and agents (each an aggregate), keeps
an in-memory routing engine up to date from the event log (so several
processes stay in step), routes waiting work, answers who covers a tenant now,
checks every actor's access, and prices a tenant's month under its model.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

import attrs
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from eventdesk.clock import as_utc
from eventdesk.contingency.model import DESK, ContingencyMode, adjusted_capacity
from eventdesk.domain.definition import CALENDAR, Definition, definition_id
from eventdesk.domain.incident import Incident
from eventdesk.domain.numbering import format_number, parse_number
from eventdesk.domain.priority import PriorityMatrix
from eventdesk.errors import (
    ConcurrencyConflictError,
    EventDeskError,
    InvalidValueError,
    NotFoundError,
)
from eventdesk.projections.base import follow
from eventdesk.projections.incidents import Scope
from eventdesk.sla.policy import NO_POLICY
from eventdesk.tenancy.access import TENANT_USER_COMMANDS, AccessDeniedError, Actor, ActorKind
from eventdesk.tenancy.cost import Advice, CostReport, advise, cost
from eventdesk.tenancy.model import (
    Agent,
    Presence,
    ServiceModel,
    Team,
    TeamKind,
    Tenant,
    check_domains,
    check_name,
    directory_id,
)
from eventdesk.tenancy.routing import (
    AgentInfo,
    Coverage,
    Decision,
    RoutingEngine,
    TeamInfo,
    TenantInfo,
    WorkItemInfo,
)
from eventdesk.tenancy.work import AccessRefused, WorkItem, work_item_id

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk

ROUTER = "router"
READ_ACTIONS = frozenset({"show", "history", "sla", "list"})
_EVENT_TYPES: tuple[type, ...] = (
    Tenant.Registered,
    Tenant.Updated,
    Team.Formed,
    Team.Updated,
    Agent.Registered,
    Agent.Updated,
    Agent.PresenceChanged,
    WorkItem.Queued,
    WorkItem.Waiting,
    WorkItem.Routed,
    WorkItem.Overflowed,
    WorkItem.Requeued,
    WorkItem.Reprioritised,
    WorkItem.Released,
    Definition.Defined,
    Definition.Revised,
    ContingencyMode.SwitchedOn,
    ContingencyMode.SwitchedOff,
)


class UnknownNameError(NotFoundError):
    """No tenant, team or agent of that name."""

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(f"no {kind} named {name!r}", kind=kind, name=name)


class DuplicateNameError(EventDeskError):
    """A tenant, team, agent or API token of that name exists already."""

    def __init__(self, kind: str, name: str) -> None:
        article = "an" if kind[:1].lower() in "aeiou" else "a"
        super().__init__(f"{article} {kind} named {name!r} exists already", kind=kind, name=name)


@attrs.frozen
class TenantView:
    name: str
    model: str
    service_manager: str
    calendar: str | None
    sla_policy: str | None
    priority_matrix: dict[str, dict[str, int]] | None
    hourly_rate: float
    monthly_fee: float
    overflow_wait_minutes: int
    weight: int
    category_groups: dict[str, str]
    teams: tuple[str, ...]
    version: int
    domains: tuple[str, ...] = attrs.field(default=(), converter=tuple)  # senders' domains

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class TeamView:
    name: str
    kind: str
    tenant: str | None
    skill_area: str | None
    calendar: str
    supervisors: dict[str, str]
    members: tuple[str, ...]
    version: int

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class AgentView:
    name: str
    teams: tuple[str, ...]
    skills: tuple[str, ...]
    languages: tuple[str, ...]
    location: str
    presence: str
    capacity: dict[str, int]
    load: dict[str, int]
    idle_since: datetime | None
    version: int

    def to_dict(self) -> dict[str, Any]:
        data = attrs.asdict(self)
        data["idle_since"] = self.idle_since.isoformat() if self.idle_since else None
        return data


@attrs.frozen
class CoverageView:
    tenant: str
    at: datetime
    model: str
    teams: tuple[str, ...]
    agents: tuple[str, ...]
    reason: str
    next_shift: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            **attrs.asdict(self),
            "at": self.at.isoformat(),
            "next_shift": self.next_shift.isoformat() if self.next_shift else None,
        }


@attrs.frozen
class RoutingDecision:
    incident: str
    tenant: str
    agent: str | None
    team: str | None
    reason: str
    overflowed: bool

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class QueueEntry:
    incident: str
    tenant: str
    channel: str
    priority: int
    waiting_since: datetime
    position: int
    estimated_wait_minutes: int
    overflowed: bool
    group: str | None

    def to_dict(self) -> dict[str, Any]:
        return {**attrs.asdict(self), "waiting_since": self.waiting_since.isoformat()}


@attrs.frozen
class Refusal:
    at: datetime
    actor: str
    actor_kind: str
    action: str
    incident: str | None
    tenant: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {**attrs.asdict(self), "at": self.at.isoformat()}


class TenancyService:
    """``desk.tenancy``: tenants, teams, agents, coverage, routing and access."""

    def __init__(self, desk: ServiceDesk) -> None:
        self.desk = desk
        self.engine = RoutingEngine()
        self._position = 0
        self._lock = threading.RLock()
        self._tenants: dict[str, dict[str, Any]] = {}
        self._versions: dict[tuple[str, str], int] = {}
        self._team_rows: dict[str, dict[str, Any]] = {}
        self._agent_rows: dict[str, dict[str, Any]] = {}
        self._items_by_ref: dict[str, str] = {}
        self._refs: dict[str, str] = {}  # work item id -> incident number
        self._registered: dict[str, datetime] = {}
        self._names: dict[Any, str] = {}  # aggregate id -> tenant, team or agent name
        self._waiting_reasons: dict[str, str] = {}
        # contingency scope ("desk", "tenant:NAME") -> (capacity factor, capacity per channel)
        self._contingency: dict[str, tuple[float | None, dict[str, int]]] = {}
        self._topics = [get_topic(t) for t in _EVENT_TYPES]

    # --- keeping up with the event log --------------------------------------

    def refresh(self) -> None:
        """Apply every tenancy event stored since the last refresh (by any process)."""
        with self._lock:
            self._position = follow(self.desk, self._position, self._topics, self._apply)

    def _apply(self, event: Any) -> None:
        engine = self.engine
        if isinstance(event, Tenant.Registered):
            self._tenants[event.name] = dict(event.settings)
            self._registered[event.name] = event.timestamp
            self._names[event.originator_id] = event.name
            self._versions[("tenant", event.name)] = event.originator_version
            self._put_tenant(event.name)
        elif isinstance(event, Tenant.Updated):
            name = self._name_of(event.originator_id)
            self._tenants[name].update(event.changes)
            self._versions[("tenant", name)] = event.originator_version
            self._put_tenant(name)
        elif isinstance(event, Team.Formed):
            self._names[event.originator_id] = event.name
            self._team_rows[event.name] = {
                "kind": event.kind,
                "tenant": event.tenant,
                "skill_area": event.skill_area,
                "calendar": event.calendar,
                "supervisors": dict(event.supervisors),
            }
            self._versions[("team", event.name)] = event.originator_version
            self._put_team(event.name)
        elif isinstance(event, Team.Updated):
            name = self._name_of(event.originator_id)
            self._team_rows[name].update(calendar=event.calendar, supervisors=event.supervisors)
            self._versions[("team", name)] = event.originator_version
            self._put_team(name)
        elif isinstance(event, Agent.Registered):
            self._names[event.originator_id] = event.name
            self._agent_rows[event.name] = {
                "teams": tuple(event.teams),
                "skills": tuple(event.skills),
                "languages": tuple(event.languages),
                "location": event.location,
                "capacity": dict(event.capacity),
            }
            self._versions[("agent", event.name)] = event.originator_version
            self._put_agent(event.name)
        elif isinstance(event, Agent.Updated):
            name = self._name_of(event.originator_id)
            row = self._agent_rows[name]
            for key, value in event.changes.items():
                row[key] = (
                    dict(value)
                    if key == "capacity"
                    else (value if key == "location" else tuple(value))
                )
            self._versions[("agent", name)] = event.originator_version
            self._put_agent(name)
        elif isinstance(event, Agent.PresenceChanged):
            name = self._name_of(event.originator_id)
            self._versions[("agent", name)] = event.originator_version
            engine.set_presence(name, Presence(event.presence), event.timestamp)
        elif isinstance(event, WorkItem.Queued):
            item_id = str(event.originator_id)
            self._items_by_ref[event.ref] = item_id
            self._refs[item_id] = event.ref
            engine.enqueue(
                WorkItemInfo(
                    id=item_id,
                    tenant=event.tenant,
                    channel=event.channel,
                    priority=event.priority,
                    enqueued_at=event.timestamp,
                    skill=event.skill,
                    language=event.language,
                    group=event.group,
                )
            )
        elif isinstance(event, WorkItem.Waiting):
            self._waiting_reasons[str(event.originator_id)] = event.reason
        elif isinstance(event, WorkItem.Routed):
            self._waiting_reasons.pop(str(event.originator_id), None)
            engine.assign(str(event.originator_id), event.agent, event.team, event.timestamp)
        elif isinstance(event, WorkItem.Overflowed):
            engine.mark_overflowed(str(event.originator_id))
        elif isinstance(event, WorkItem.Requeued):
            item_id = str(event.originator_id)
            item = engine.active.get(item_id) or engine.waiting.get(item_id)
            engine.release(item_id, event.timestamp)
            if item is None:  # released with its incident (resolved), now reopened
                stored = self.desk.repository.get(
                    event.originator_id, version=event.originator_version
                )
                item = WorkItemInfo(
                    id=item_id,
                    tenant=stored.tenant,
                    channel=stored.channel,
                    priority=stored.priority,
                    enqueued_at=stored.enqueued_at,
                    skill=stored.skill,
                    language=stored.language,
                )
            item.agent = item.team = None
            item.group, item.priority = event.group, event.priority
            item.enqueued_at, item.overflowed = event.timestamp, False
            engine.enqueue(item)
        elif isinstance(event, WorkItem.Reprioritised):
            item = engine.waiting.get(str(event.originator_id)) or engine.active.get(
                str(event.originator_id)
            )
            if item is not None:
                item.priority = event.priority
        elif isinstance(event, WorkItem.Released):
            engine.release(str(event.originator_id), event.timestamp)
        elif isinstance(event, Definition.Defined | Definition.Revised):
            for name, row in self._team_rows.items():
                if definition_id(CALENDAR, row["calendar"]) == event.originator_id:
                    self._put_team(name)
        elif isinstance(event, ContingencyMode.SwitchedOn | ContingencyMode.SwitchedOff):
            scope = self.desk.repository.get(event.originator_id, version=1).scope
            if isinstance(event, ContingencyMode.SwitchedOn):
                self._contingency[scope] = (event.capacity_factor, dict(event.capacity))
            else:
                self._contingency.pop(scope, None)
            for name in self._agent_rows:
                self._put_agent(name)

    def _name_of(self, originator_id: Any) -> str:
        """The name of a tenant, team or agent, by its aggregate id."""
        return self._names[originator_id]

    def _put_tenant(self, name: str) -> None:
        s = self._tenants[name]
        self.engine.put_tenant(
            TenantInfo(
                name=name,
                model=ServiceModel(s["model"]),
                calendar=s["calendar"],
                weight=int(s["weight"]),
                overflow_wait=timedelta(minutes=int(s["overflow_wait_minutes"])),
                category_groups=dict(s["category_groups"]),
            )
        )

    def _put_team(self, name: str) -> None:
        row = self._team_rows[name]
        try:
            calendar = self.desk.sla.calendar(row["calendar"])
        except EventDeskError:
            calendar = self.desk.sla.calendar("24x7")
        self.engine.put_team(
            TeamInfo(
                name=name,
                kind=TeamKind(row["kind"]),
                calendar=calendar,
                tenant=row["tenant"],
                skill_area=row["skill_area"],
                supervisors=dict(row["supervisors"]),
            )
        )

    def _put_agent(self, name: str) -> None:
        row = self._agent_rows[name]
        self.engine.put_agent(
            AgentInfo(
                name=name,
                teams=tuple(row["teams"]),
                skills=frozenset(row["skills"]),
                languages=frozenset(row["languages"]),
                capacity=self._capacity(row),
            )
        )

    def _capacity(self, row: Mapping[str, Any]) -> dict[str, int]:
        """An agent's capacity, as the contingency of its dedicated tenant (else of the
        desk) adjusts it while one is on."""
        capacity = dict(row["capacity"])
        if not self._contingency:
            return capacity
        scopes = [
            f"tenant:{self._team_rows[t]['tenant']}"
            for t in row["teams"]
            if t in self._team_rows and self._team_rows[t]["tenant"]
        ]
        for scope in [*scopes, DESK]:
            if scope in self._contingency:
                factor, overrides = self._contingency[scope]
                return adjusted_capacity(capacity, factor, overrides)
        return capacity

    # --- directory commands --------------------------------------------------

    def _now(self) -> datetime:
        return self.desk.clock.now()

    def _load(self, cls: type, kind: str, name: str) -> Any:
        try:
            aggregate = self.desk.repository.get(directory_id(kind, name))
        except AggregateNotFoundError:
            raise UnknownNameError(kind, name) from None
        if not isinstance(aggregate, cls):  # pragma: no cover - ids are namespaced by kind
            raise UnknownNameError(kind, name)
        return aggregate

    def _create(self, kind: str, aggregate: Any) -> None:
        try:
            self.desk.save(aggregate)
        except IntegrityError:
            raise DuplicateNameError(kind, aggregate.name) from None
        self.refresh()

    def _update(self, aggregate: Any) -> None:
        try:
            self.desk.save(aggregate)
        except IntegrityError:
            raise ConcurrencyConflictError(aggregate.name, None, None) from None
        self.refresh()

    def register_tenant(
        self,
        name: str,
        *,
        model: str,
        service_manager: str,
        actor: str = "system",
        **contract: Any,
    ) -> TenantView:
        """Register a client company with its service model and contract."""
        self.guard(actor, "register a tenant", tenant=name)
        self._check_contract(contract, name)
        tenant = Tenant.register(
            name,
            model=model,
            service_manager=service_manager,
            actor=actor,
            at=self._now(),
            **contract,
        )
        self._create("tenant", tenant)
        return self.tenant(tenant.name)

    def update_tenant(
        self,
        name: str,
        *,
        actor: str = "system",
        sla_from: str | None = None,
        **changes: Any,
    ) -> TenantView:
        """Change a tenant's model or contract.

        A new SLA policy or calendar applies to the tenant's open incidents from the
        change (``sla_from="change"``, the default: their clocks keep the time used) or
        from their opening (``"opening"``: recomputed as if it had always applied).
        ``sla_policy="none"`` ends the SLA: nothing more falls due."""
        self.guard(actor, "update a tenant", tenant=name)
        self._check_contract(changes, name)
        tenant = self._load(Tenant, "tenant", name)
        if tenant.update(actor=actor, at=self._now(), sla_from=sla_from, **changes):
            self._update(tenant)
        return self.tenant(name)

    def _check_contract(self, contract: Mapping[str, Any], tenant: str | None = None) -> None:
        for domain in check_domains(contract.get("domains")):
            owner = self.tenant_for_domain(domain, exact=True)
            if owner is not None and owner != tenant:
                raise InvalidValueError(
                    "email domain", domain, f"a domain no other tenant has (tenant {owner} has it)"
                )
        if contract.get("calendar"):
            self.desk.sla.calendar(contract["calendar"])
        if contract.get("sla_policy") and contract["sla_policy"] != NO_POLICY:
            self.desk.sla.policy(contract["sla_policy"])

    def tenant(self, name: str, *, actor: str = "system") -> TenantView:
        """A tenant and its contract (an agent serving it or its own users may read it)."""
        self.refresh()
        self.guard(actor, "read tenant", tenant=name, agents=True, tenant_users=True)
        settings = self._tenants.get(name)
        if settings is None:
            raise UnknownNameError("tenant", name)
        teams = tuple(sorted(n for n, r in self._team_rows.items() if r["tenant"] == name))
        return TenantView(
            name=name,
            teams=teams,
            version=self._versions[("tenant", name)],
            **{k: settings[k] for k in attrs.fields_dict(TenantView) if k in settings},
        )

    def tenants(self, *, actor: str = "system") -> list[TenantView]:
        """Every tenant (administrators), or those an agent serves, or a user's own."""
        self.refresh()
        self.guard(actor, "list tenants", agents=True, tenant_users=True)
        names = sorted(self._tenants)
        if isinstance(actor, Actor) and actor.kind == ActorKind.AGENT:
            names = [n for n in names if self.engine.serves(str(actor), n)]
        elif isinstance(actor, Actor) and actor.kind == ActorKind.TENANT_USER:
            names = [n for n in names if n == actor.tenant]
        return [self.tenant(name) for name in names]

    def form_team(
        self,
        name: str,
        *,
        kind: str,
        tenant: str | None = None,
        skill_area: str | None = None,
        calendar: str = "24x7",
        supervisors: Mapping[str, str] | None = None,
        actor: str = "system",
    ) -> TeamView:
        """Form a team: ``dedicated`` (to one tenant), ``shared`` or ``specialist``."""
        self.guard(actor, "form a team")
        if tenant:
            self.tenant(tenant)
        self.desk.sla.calendar(calendar)
        team = Team.form(
            name,
            kind=kind,
            tenant=tenant,
            skill_area=skill_area,
            calendar=calendar,
            supervisors=supervisors,
            actor=actor,
            at=self._now(),
        )
        self._create("team", team)
        return self.team(team.name)

    def update_team(
        self,
        name: str,
        *,
        calendar: str | None = None,
        supervisors: Mapping[str, str] | None = None,
        actor: str = "system",
    ) -> TeamView:
        self.guard(actor, "update a team")
        if calendar:
            self.desk.sla.calendar(calendar)
        team = self._load(Team, "team", name)
        if team.update(actor=actor, at=self._now(), calendar=calendar, supervisors=supervisors):
            self._update(team)
        return self.team(name)

    def team(self, name: str, *, actor: str = "system") -> TeamView:
        self.refresh()
        self.guard(actor, "read team", agents=True)
        row = self._team_rows.get(name)
        if row is None:
            raise UnknownNameError("team", name)
        members = self.engine.teams[name].members if name in self.engine.teams else set()
        return TeamView(
            name=name,
            kind=row["kind"],
            tenant=row["tenant"],
            skill_area=row["skill_area"],
            calendar=row["calendar"],
            supervisors=dict(row["supervisors"]),
            members=tuple(sorted(members)),
            version=self._versions[("team", name)],
        )

    def teams(self, *, actor: str = "system") -> list[TeamView]:
        self.refresh()
        self.guard(actor, "list teams", agents=True)
        return [self.team(name) for name in sorted(self._team_rows)]

    def register_agent(
        self,
        name: str,
        *,
        teams: Iterable[str],
        skills: Iterable[str] = (),
        languages: Iterable[str] = ("en",),
        location: str = "remote",
        capacity: Mapping[str, Any] | None = None,
        actor: str = "system",
    ) -> AgentView:
        """Register an agent in one or more teams (presence starts ``offline``)."""
        self.guard(actor, "register an agent")
        teams = [teams] if isinstance(teams, str) else list(teams)
        for team in teams:
            self.team(team)
        agent = Agent.register(
            name,
            teams=teams,
            skills=skills,
            languages=languages,
            location=location,
            capacity=capacity,
            actor=actor,
            at=self._now(),
        )
        self._create("agent", agent)
        return self.agent(agent.name)

    def update_agent(self, name: str, *, actor: str = "system", **changes: Any) -> AgentView:
        """Change an agent's teams, skills, languages, location or capacity."""
        self.guard(actor, "update an agent")
        unknown = sorted(set(changes) - {"teams", "skills", "languages", "location", "capacity"})
        if unknown:
            raise InvalidValueError(
                "agent setting", unknown[0], "teams, skills, languages, location or capacity"
            )
        if isinstance(changes.get("teams"), str):
            changes["teams"] = [changes["teams"]]
        for team in changes.get("teams") or ():
            self.team(team)
        agent = self._load(Agent, "agent", name)
        if agent.update(actor=actor, at=self._now(), **changes):
            self._update(agent)
        return self.agent(name)

    def set_presence(self, name: str, presence: str, *, actor: str = "system") -> AgentView:
        """``available``, ``busy``, ``away`` or ``offline`` (an agent may set its own)."""
        self.guard(actor, "set the presence of", agent_itself=name)
        agent = self._load(Agent, "agent", name)
        if agent.set_presence(presence, actor=actor, at=self._now()):
            self._update(agent)
        return self.agent(name)

    def agent(self, name: str, *, actor: str = "system") -> AgentView:
        self.refresh()
        self.guard(actor, "read agent", agents=True)
        row = self._agent_rows.get(name)
        if row is None:
            raise UnknownNameError("agent", name)
        info = self.engine.agents[name]
        return AgentView(
            name=name,
            teams=tuple(row["teams"]),
            skills=tuple(row["skills"]),
            languages=tuple(row["languages"]),
            location=row["location"],
            presence=info.presence.value,
            capacity=dict(row["capacity"]),
            load={k: v for k, v in info.load.items() if v},
            idle_since=info.idle_since,
            version=self._versions[("agent", name)],
        )

    def agents(self, *, team: str | None = None, actor: str = "system") -> list[AgentView]:
        self.refresh()
        self.guard(actor, "list agents", agents=True)
        names = sorted(n for n, r in self._agent_rows.items() if team is None or team in r["teams"])
        return [self.agent(name) for name in names]

    # --- contracts -----------------------------------------------------------

    def contracts(self) -> dict[str, tuple[str | None, str | None]]:
        """Each tenant's SLA policy and calendar names (for the SLA clocks)."""
        self.refresh()
        return {
            name: (settings.get("sla_policy"), settings.get("calendar"))
            for name, settings in self._tenants.items()
        }

    def registered_at(self, name: str) -> datetime:
        """When the tenant was registered (its contract starts then)."""
        self._settings(name)
        return self._registered[name]

    def tenant_for_domain(self, domain: str, *, exact: bool = False) -> str | None:
        """The tenant whose contract lists an email domain (or, unless ``exact``, a parent
        of it: mail.acme.example belongs to whoever has acme.example)."""
        self.refresh()
        domain = domain.strip().lower()
        candidates = [domain]
        if not exact:
            parts = domain.split(".")
            candidates += [".".join(parts[i:]) for i in range(1, len(parts) - 1)]
        for candidate in candidates:
            for name, settings in self._tenants.items():
                if candidate in settings.get("domains", ()):
                    return name
        return None

    def has_tenant(self, name: str) -> bool:
        self.refresh()
        return name in self._tenants

    def priority_matrix(self, tenant: str | None) -> PriorityMatrix | None:
        """The tenant's own priority matrix, if its contract has one."""
        if tenant is None:
            return None
        settings = self._settings(tenant)
        matrix = settings.get("priority_matrix")
        return PriorityMatrix.from_mapping(matrix) if matrix else None

    def sla_policy_name(self, tenant: str | None) -> str | None:
        """The SLA policy of the tenant's contract (None: the desk's default)."""
        if tenant is None:
            return None
        self.refresh()
        settings = self._tenants.get(tenant)
        return settings.get("sla_policy") if settings else None

    def _settings(self, tenant: str) -> dict[str, Any]:
        self.refresh()
        settings = self._tenants.get(tenant)
        if settings is None:
            raise UnknownNameError("tenant", tenant)
        return settings

    # --- coverage ------------------------------------------------------------

    def coverage(
        self, tenant: str, *, at: datetime | None = None, actor: str = "system"
    ) -> CoverageView:
        """Which teams and agents may serve the tenant at ``at`` (default: now), and why."""
        self.guard(actor, "read coverage of", tenant=tenant, agents=True, tenant_users=True)
        settings = self._settings(tenant)
        moment = as_utc(at) if at is not None else self._now()
        found: Coverage = self.engine.coverage(tenant, moment)
        agents = sorted({a for t in found.teams for a in self.engine.teams[t].members})
        return CoverageView(
            tenant=tenant,
            at=moment,
            model=settings["model"],
            teams=found.teams,
            agents=tuple(agents),
            reason=found.reason,
            next_shift=found.next_shift,
        )

    # --- work items ----------------------------------------------------------

    def queue_for(
        self,
        incident: Incident,
        *,
        channel: str = "email",
        skill: str | None = None,
        language: str | None = None,
    ) -> WorkItem:
        """A new work item for an incident (saved by the caller with the incident)."""
        channel = check_name("channel", channel).lower()
        skill = check_name("skill", skill) if skill is not None else None
        language = check_name("language", language) if language is not None else None
        return WorkItem(
            kind="incident",
            ref=incident.number,
            tenant=incident.tenant or "",
            channel=channel,
            priority=incident.priority,
            skill=skill.lower() if skill else None,
            language=language.lower() if language else None,
            # Waiting for the specialist group or the pool it was opened for; category
            # routing to specialists happens on escalation, not on intake.
            group=(
                incident.assignment_group
                if self.team_kind_of(incident.assignment_group)
                in (TeamKind.SPECIALIST, TeamKind.SHARED)
                else None
            ),
            actor=ROUTER,
            timestamp=self._now(),
        )

    def work_item(self, incident_number: str) -> WorkItem | None:
        try:
            return self.desk.repository.get(work_item_id("incident", incident_number))
        except AggregateNotFoundError:
            return None

    def category_group(self, tenant: str | None, category: str | None) -> str | None:
        if not tenant or not category:
            return None
        return self._settings(tenant).get("category_groups", {}).get(category.lower())

    def route(self, *, now: datetime | None = None, actor: str = "system") -> list[RoutingDecision]:
        """One routing pass: give every waiting item an eligible agent, or say why not.

        Routed items are assigned (incident and work item saved together, one
        commit for the pass); an item that waits records its reason when the
        reason changes, and an overflow to the shared pool is recorded when it
        happens. If another router or a person changed an item meanwhile, the
        pass starts again from the event log.
        """
        self.guard(actor, "run routing")
        moment = as_utc(now) if now is not None else self._now()
        for _attempt in range(5):
            with self._lock:
                try:
                    return self._route_once(moment)
                except IntegrityError:
                    self._clear()
        raise ConcurrencyConflictError("a routing pass", None, None)

    def _route_once(self, moment: datetime) -> list[RoutingDecision]:
        self.refresh()
        changed: list[Any] = []
        results: list[RoutingDecision] = []
        # One copy of each incident per pass: two of its items (its own, a chat) may route.
        incidents: dict[str, Incident] = {}
        for decision in self.engine.route(moment):
            item_info = self.engine.active.get(decision.item) or self.engine.waiting[decision.item]
            ref = self._refs[decision.item]
            unchanged = (
                decision.agent is None
                and not decision.overflow
                and self._waiting_reasons.get(decision.item) == decision.reason
            )
            if not unchanged:
                item = self.desk.repository.get(UUID(decision.item))
                if decision.overflow:
                    waited = _wait(moment - item.enqueued_at)
                    item.overflow(
                        reason=f"waited {waited} for the dedicated team",
                        actor=ROUTER,
                        timestamp=moment,
                    )
                if decision.agent is not None:
                    item.route(
                        agent=decision.agent,
                        team=decision.team,
                        reason=decision.reason,
                        actor=ROUTER,
                        timestamp=moment,
                    )
                    incident = None
                    if _names_an_incident(item.kind, ref):
                        incident = incidents.get(ref) or self.desk._get(ref)
                    if incident is not None and incident.is_open:
                        incident.assign(decision.team, decision.agent, actor=ROUTER, at=moment)
                        if ref not in incidents:
                            changed.append(incident)
                        incidents[ref] = incident
                elif item.waiting_reason != decision.reason:
                    item.wait(reason=decision.reason, actor=ROUTER, timestamp=moment)
                if item.pending_events:
                    changed.append(item)
            results.append(
                RoutingDecision(
                    incident=ref,
                    tenant=item_info.tenant,
                    agent=decision.agent,
                    team=decision.team,
                    reason=decision.reason,
                    overflowed=item_info.overflowed,
                )
            )
        if changed:
            self.desk.save(*changed)
        self.refresh()
        return results

    def run(
        self,
        *,
        interval: float = 5.0,
        stop: threading.Event | None = None,
        on_decision: Callable[[RoutingDecision], None] | None = None,
        passes: int | None = None,
    ) -> int:
        """A routing worker: a pass every ``interval`` seconds until ``stop`` is set
        (or ``passes`` were run); ``on_decision`` hears of every item routed.
        Returns the number of passes run."""
        stop = stop or threading.Event()
        count = 0
        while not stop.is_set():
            for decision in self.route():
                if decision.agent is not None and on_decision is not None:
                    on_decision(decision)
            count += 1
            if passes is not None and count >= passes:
                break
            stop.wait(interval)
        return count

    def _clear(self) -> None:
        """Forget everything; the next refresh reads the whole event log again."""
        self.engine = RoutingEngine()
        self._position = 0
        self._tenants.clear()
        self._versions.clear()
        self._team_rows.clear()
        self._agent_rows.clear()
        self._items_by_ref.clear()
        self._refs.clear()
        self._registered.clear()
        self._names.clear()
        self._waiting_reasons.clear()
        self._contingency.clear()

    def queue(
        self, *, tenant: str | None = None, at: datetime | None = None, actor: str = "system"
    ) -> list[QueueEntry]:
        """The waiting items in routing order, each with its position and estimated wait.

        An agent sees the items of tenants it serves; a tenant user its own tenant's.
        """
        self.guard(actor, "read the queue", tenant=tenant, agents=True, tenant_users=True)
        visible = self.visible_tenants(actor)
        moment = as_utc(at) if at is not None else self._now()
        with self._lock:
            self.refresh()
            estimates = self.engine.estimates(moment)
            refs = self._refs
            entries = [
                QueueEntry(
                    incident=refs[item.id],
                    tenant=item.tenant,
                    channel=item.channel,
                    priority=item.priority,
                    waiting_since=item.enqueued_at,
                    position=estimates[item.id][0],
                    estimated_wait_minutes=int(estimates[item.id][1].total_seconds() // 60),
                    overflowed=item.overflowed,
                    group=item.group,
                )
                for item in self.engine.order()
                if (tenant is None or item.tenant == tenant)
                and (visible is None or item.tenant in visible)
            ]
        return entries

    def waiting(self) -> list[tuple[str, WorkItemInfo]]:
        """Every waiting item with its incident number, in no order and without estimates:
        cheap, for a summary of the queue (the wallboard's)."""
        with self._lock:
            self.refresh()
            return [(self._refs[key], item) for key, item in self.engine.waiting.items()]

    # --- access --------------------------------------------------------------

    def scope(self, actor: str) -> Scope | None:
        """What the actor may see of the incident list (None: everything)."""
        if not isinstance(actor, Actor) or actor.kind == ActorKind.ADMINISTRATOR:
            return None
        self.refresh()
        if actor.kind == ActorKind.TENANT_USER:
            return Scope(tenants=frozenset({actor.tenant or ""}))
        info = self.engine.agents.get(str(actor))
        if info is None:
            return Scope()
        with self._lock:  # another thread's refresh may be adding a tenant
            tenants = frozenset(t for t in self._tenants if self.engine.serves(str(actor), t))
        return Scope(tenants=tenants, assignee=str(actor), groups=frozenset(info.teams))

    def refusal_reason(
        self, actor: str, action: str, incident: Incident | None, tenant: str | None
    ) -> str | None:
        """Why the actor may not do ``action`` (None if it may)."""
        if not isinstance(actor, Actor) or actor.kind == ActorKind.ADMINISTRATOR:
            return None
        self.refresh()
        tenant = incident.tenant if incident is not None else tenant
        if actor.kind == ActorKind.TENANT_USER:
            if tenant != actor.tenant:
                return f"the incident belongs to another tenant ({tenant or 'none'})"
            if action not in READ_ACTIONS and action not in TENANT_USER_COMMANDS:
                return f"a tenant user may not {action} incidents"
            return None
        name = str(actor)
        info = self.engine.agents.get(name)
        if info is None:
            return "not a registered agent"
        if incident is not None and (
            incident.assignee == name or (incident.assignment_group in info.teams)
        ):
            return None
        if tenant is None:
            return (
                None if not self._tenants else "the incident belongs to no tenant the agent serves"
            )
        if self.engine.serves(name, tenant):
            return None
        return f"{name}'s teams do not serve tenant {tenant}"

    def check(
        self,
        actor: str,
        action: str,
        incident: Incident | None = None,
        *,
        tenant: str | None = None,
    ) -> None:
        """Raise AccessDeniedError (and record the refusal) unless the actor may do this."""
        reason = self.refusal_reason(actor, action, incident, tenant)
        if reason is None:
            return
        number = incident.number if incident is not None else None
        target_tenant = incident.tenant if incident is not None else tenant
        self._refuse(actor, action, number, target_tenant, reason)

    def guard(
        self,
        actor: str,
        action: str,
        *,
        tenant: str | None = None,
        agents: bool = False,
        tenant_users: bool = False,
        agent_itself: str | None = None,
        supervisors: bool = False,
        teams: Iterable[str] = (),
    ) -> None:
        """Directory and routing access: administrators always; agents and tenant users
        only where allowed (``tenant``: only for a tenant they serve or belong to).
        With ``supervisors``, an agent who supervises ``tenant`` (a team serving it) and
        every one of ``teams`` may too (at least one of them must be given)."""
        if not isinstance(actor, Actor) or actor.kind == ActorKind.ADMINISTRATOR:
            return
        self.refresh()
        reason: str | None
        if actor.kind == ActorKind.AGENT:
            if agent_itself is not None and str(actor) == agent_itself:
                return
            if supervisors and self._supervises(str(actor), tenant, tuple(teams)):
                return
            if not agents:
                reason = "only an administrator" + (" or a supervisor" if supervisors else "")
                reason += " may do this"
            elif str(actor) not in self.engine.agents:
                reason = "not a registered agent"
            elif tenant is not None and not self.engine.serves(str(actor), tenant):
                reason = f"{actor}'s teams do not serve tenant {tenant}"
            else:
                return
        else:
            if not tenant_users:
                reason = "only an administrator may do this"
            elif tenant is not None and tenant != actor.tenant:
                reason = f"another tenant ({tenant})"
            else:
                return
        self._refuse(actor, action, None, tenant, reason)

    def _refuse(
        self, actor: str, action: str, incident: str | None, tenant: str | None, reason: str
    ) -> None:
        self.desk.save(
            AccessRefused(
                actor=str(actor),
                actor_kind=actor.kind.value if isinstance(actor, Actor) else "system",
                actor_tenant=actor.tenant if isinstance(actor, Actor) else None,
                action=action,
                incident=incident,
                tenant=tenant,
                reason=reason,
                timestamp=self._now(),
            )
        )
        raise AccessDeniedError(actor, action, incident, reason)

    def refusals(self, *, limit: int = 100, actor: str = "system") -> list[Refusal]:
        """The most recent refused accesses, newest last (administrators only)."""
        self.guard(actor, "read refusals")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100_000:
            raise InvalidValueError("limit", limit, "a whole number 1 to 100000")
        topic = get_topic(AccessRefused.Recorded)
        found: list[Refusal] = []
        start = 1
        while True:
            page = self.desk.recorder.select_notifications(start=start, limit=1000, topics=[topic])
            for notification in page:
                e = self.desk.mapper.to_domain_event(notification)
                found.append(
                    Refusal(
                        at=e.timestamp,
                        actor=e.actor,
                        actor_kind=e.actor_kind,
                        action=e.action,
                        incident=e.incident,
                        tenant=e.tenant,
                        reason=e.reason,
                    )
                )
            if len(page) < 1000:
                break
            start = page[-1].id + 1
        return found[-limit:]

    def visible_tenants(self, actor: str) -> set[str] | None:
        """The tenants whose records the actor may see (None: every tenant)."""
        if not isinstance(actor, Actor) or actor.kind == ActorKind.ADMINISTRATOR:
            return None
        if actor.kind == ActorKind.TENANT_USER:
            return {actor.tenant or ""}
        with self._lock:  # another thread's refresh may be adding a tenant
            return {t for t in self._tenants if self.engine.serves(str(actor), t)}

    def cost(self, tenant: str, month: str | date, *, actor: str = "system") -> CostReport:
        """The tenant's cost for a month (``2026-11``) under its model."""
        self.guard(actor, "read the cost of", tenant=tenant, tenant_users=True)
        return cost(self.desk, tenant, month)

    def advise(
        self,
        tenant: str,
        *,
        months: int = 6,
        until: str | date | None = None,
        actor: str = "system",
    ) -> Advice:
        """Compare the last months under each model and recommend one, saying why."""
        self.guard(actor, "read advice for", tenant=tenant, tenant_users=True)
        return advise(self.desk, tenant, months=months, until=until)

    def supervised_teams(self, name: str) -> set[str]:
        """The teams that name ``name`` as one of their supervisors."""
        self.refresh()
        with self._lock:
            return {t for t, row in self._team_rows.items() if name in row["supervisors"].values()}

    def supervised_tenants(self, name: str) -> set[str]:
        """The tenants served by a team ``name`` supervises (its dedicated tenant; for the
        shared pool, every tenant that is not dedicated)."""
        known = self.engine.teams
        teams = [known[t] for t in self.supervised_teams(name) if t in known]
        with self._lock:
            return {
                tenant
                for tenant, settings in self._tenants.items()
                for team in teams
                if (team.kind == TeamKind.DEDICATED and team.tenant == tenant)
                or (team.kind == TeamKind.SHARED and settings["model"] != ServiceModel.DEDICATED)
            }

    def _supervises(self, name: str, tenant: str | None, teams: tuple[str, ...]) -> bool:
        if tenant is None and not teams:
            return False
        if tenant is not None and tenant not in self.supervised_tenants(name):
            return False
        return set(teams) <= self.supervised_teams(name)

    def move_agent(
        self, name: str, from_team: str, to_team: str, *, actor: str = "system"
    ) -> AgentView:
        """Move an agent from one team to another (for the shift: move it back after). An
        agent who supervises both teams may, as an administrator may."""
        self.guard(actor, "move an agent", supervisors=True, teams=(from_team, to_team))
        current = self.agent(name)
        if from_team not in current.teams:
            raise InvalidValueError("from team", from_team, f"one of {name}'s teams")
        teams = [to_team if t == from_team else t for t in current.teams]
        self.team(to_team)
        agent = self._load(Agent, "agent", name)
        if agent.update(actor=actor, at=self._now(), teams=list(dict.fromkeys(teams))):
            self._update(agent)
        return self.agent(name)

    def supervisor(self, team: str | None, level: str) -> str | None:
        """Who holds a management level (``shift_manager``...) in a team, if it names one."""
        if team is None:
            return None
        self.refresh()
        row = self._team_rows.get(team)
        return row["supervisors"].get(level) if row else None

    def check_assignment(
        self,
        tenant: str | None,
        group: str | None,
        assignee: str | None,
        *,
        current_group: str | None = None,
        actor: str = "system",
    ) -> None:
        """Refuse to let an agent hand a tenant's incident to a team or an agent that does
        not serve it (without ``group``, the incident stays with ``current_group``). An
        administrator (or the trusted system) may make an exception, which the incident's
        history records like any assignment."""
        if tenant is None or not isinstance(actor, Actor) or actor.kind == ActorKind.ADMINISTRATOR:
            return
        # The names as the incident stores them (stripped); it refuses what is not text.
        group = (group.strip() if isinstance(group, str) else None) or current_group
        assignee = (assignee.strip() if isinstance(assignee, str) else None) or None
        self.refresh()
        if group is not None and group in self._team_rows:
            row = self._team_rows[group]
            serves = (
                row["kind"] == TeamKind.SPECIALIST
                or (row["kind"] == TeamKind.DEDICATED and row["tenant"] == tenant)
                or (
                    row["kind"] == TeamKind.SHARED
                    and self._tenants.get(tenant, {}).get("model") != ServiceModel.DEDICATED
                )
            )
            if not serves:
                raise InvalidValueError(
                    "assignment group", group, f"a team that serves tenant {tenant}"
                )
        if assignee is not None and assignee in self.engine.agents:
            info = self.engine.agents[assignee]
            if not self.engine.serves(assignee, tenant) and (group not in info.teams):
                raise InvalidValueError(
                    "assignee", assignee, f"an agent who serves tenant {tenant}"
                )

    def has_any(self) -> bool:
        """Whether any tenant or team is registered (tenancy is in use)."""
        self.refresh()
        return bool(self._tenants or self._team_rows)

    def team_of(self, actor: str, incident: Incident) -> str | None:
        """The team an agent works an incident for (the basis of billing)."""
        self.refresh()
        info = self.engine.agents.get(str(actor))
        if info is None:
            return incident.assignment_group
        if incident.assignment_group in info.teams:
            return incident.assignment_group
        for team in info.teams:
            row = self._team_rows.get(team)
            if row and row["kind"] == TeamKind.DEDICATED and row["tenant"] == incident.tenant:
                return team
        for team in info.teams:
            row = self._team_rows.get(team)
            if row and row["kind"] == TeamKind.SHARED:
                return team
        return info.teams[0] if info.teams else None

    def team_kind_of(self, group: str | None) -> str | None:
        self.refresh()
        row = self._team_rows.get(group or "")
        return row["kind"] if row else None


def _wait(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes} min"


__all__ = [
    "AccessDeniedError",
    "Actor",
    "AgentView",
    "CoverageView",
    "Decision",
    "DuplicateNameError",
    "QueueEntry",
    "Refusal",
    "RoutingDecision",
    "TeamView",
    "TenancyService",
    "TenantView",
    "UnknownNameError",
]


def _names_an_incident(kind: str, ref: str) -> bool:
    """Whether a work item's ``ref`` is an incident, whose assignment follows the routing:
    an incident's own item, or another item on it (a chat session's); a phone call's item
    names the call instead."""
    if kind == "incident":
        return True
    sequence = parse_number(ref)
    return sequence is not None and format_number(sequence) == ref
