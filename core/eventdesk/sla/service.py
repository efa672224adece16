"""The desk's SLA engine: definitions, clocks, timers, escalation and what-if.

Reached as ``desk.sla``. Policies and calendars are stored as events
(``Definition`` aggregates); the state of every clock is a fold over the
incident's events; due warnings and breaches come from a timer index kept by a
projection, so a pass reads only the timers that are due.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

import attrs
from eventdesk.calendars.loading import calendar_from_mapping, load_calendar
from eventdesk.calendars.model import BusinessCalendar
from eventdesk.clock import as_utc
from eventdesk.domain.definition import CALENDAR, SETTINGS, SLA_POLICY, Definition, definition_id
from eventdesk.domain.incident import Incident
from eventdesk.errors import EventDeskError, IncidentNotFoundError, InvalidValueError
from eventdesk.plugins import get_plugin_manager
from eventdesk.projections.base import follow
from eventdesk.sla.policy import (
    METRICS,
    NO_POLICY,
    SlaPolicy,
    WaitingRule,
    default_policy,
    duration_text,
    load_policy,
)
from eventdesk.sla.schedule import (
    FROM_CHANGE,
    FROM_OPENING,
    PolicySchedule,
    ScheduleBuilder,
)
from eventdesk.sla.status import (
    BREACH,
    LIMIT,
    WAITING,
    Clock,
    ClockTimeline,
    DueTimer,
    HopStatus,
    SlaFold,
    SlaStatus,
    fold_events,
)
from eventdesk.tenancy.access import Actor
from eventdesk.tenancy.model import Tenant
from eventdesk.views import to_jsonable
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

if TYPE_CHECKING:
    from eventdesk.application import IncidentRef, ServiceDesk

SLA_ACTOR = "sla"
DESK_SETTINGS = "desk"


class UnknownDefinitionError(EventDeskError):
    """A calendar or policy was named that the desk does not have."""


@attrs.frozen
class RaisedMoment:
    """A warning, breach or waiting limit that a timer pass raised, and what followed."""

    incident: str
    metric: str  # the clock: "response", "next_reply#2", "ola:network#1", "waiting#1"
    moment: str  # "75%", "90%", "breach", or "limit" for a waiting conversation
    due_at: datetime
    escalated_to: str | None
    supervisor: str | None = None  # who holds that level in the incident's team, if named
    reason: str | None = None  # for a waiting conversation: "customer waited 2h since 09:12"
    reassigned_to: str | None = None  # the group a waiting conversation was handed to

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


def _always_shown(metric: str) -> bool:
    return metric in ("response", "resolution")


@attrs.frozen
class Attainment:
    """SLA attainment at one priority under one policy: the clocks met and breached per
    metric (each cycle of a cyclic metric counts as one clock)."""

    priority: int
    incidents: int
    met: Mapping[str, int] = attrs.field(factory=dict, converter=dict)
    breached: Mapping[str, int] = attrs.field(factory=dict, converter=dict)
    metrics: tuple[str, ...] = ("response", "resolution")  # those the policy measures

    @staticmethod
    def percent(met: int, breached: int) -> float | None:
        return round(100.0 * met / (met + breached), 1) if met + breached else None

    def percent_of(self, metric: str) -> float | None:
        return self.percent(self.met.get(metric, 0), self.breached.get(metric, 0))

    @property
    def response_met(self) -> int:
        return self.met.get("response", 0)

    @property
    def response_breached(self) -> int:
        return self.breached.get("response", 0)

    @property
    def resolution_met(self) -> int:
        return self.met.get("resolution", 0)

    @property
    def resolution_breached(self) -> int:
        return self.breached.get("resolution", 0)

    @property
    def response_percent(self) -> float | None:
        return self.percent_of("response")

    @property
    def resolution_percent(self) -> float | None:
        return self.percent_of("resolution")

    @property
    def shown(self) -> tuple[str, ...]:
        """Response and resolution always; the other metrics where the policy has them."""
        return tuple(m for m in METRICS if _always_shown(m) or m in self.metrics)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"priority": self.priority, "incidents": self.incidents}
        for metric in self.shown:
            data[f"{metric}_met"] = self.met.get(metric, 0)
            data[f"{metric}_breached"] = self.breached.get(metric, 0)
        for metric in self.shown:
            data[f"{metric}_percent"] = self.percent_of(metric)
        return data


@attrs.define
class _Outcome:
    """What a timer pass decided for one incident (and the work item that follows it)."""

    incident: Incident
    raised: list[RaisedMoment]
    timers: list[DueTimer]
    others: list[Any] = attrs.field(factory=list)


SLA_SYSTEM = "system"


@attrs.frozen
class SlaConfig:
    """The schedule of policies in force for each tenant's incidents (key None: the
    incidents of no tenant), built once per version of the configuration."""

    schedules: Mapping[str | None, PolicySchedule]

    def for_tenant(self, tenant: str | None) -> PolicySchedule:
        return self.schedules.get(tenant) or self.schedules[None]


def _tenant_of(events: list[Any]) -> str | None:
    """The tenant an incident was opened for (its first event says)."""
    return getattr(events[0], "tenant", None) if events else None


def _check_applies_from(retroactive: bool) -> str:
    if not isinstance(retroactive, bool):
        raise InvalidValueError("retroactive", retroactive, "True or False")
    return FROM_OPENING if retroactive else FROM_CHANGE


class _ConfigChanges:
    """Every stored change that decides which policy an incident runs under — a policy
    defined or revised, the desk's choice of policy, a tenant's contract signed or
    changed — in the order stored, read from the event log as it grows (by any
    process). Each entry replays one change into a ScheduleBuilder."""

    TOPICS = tuple(
        get_topic(t)
        for t in (Definition.Defined, Definition.Revised, Tenant.Registered, Tenant.Updated)
    )

    def __init__(self) -> None:
        self.position = 0
        self.entries: list[Callable[[ScheduleBuilder], None]] = []
        # Calendars are not scheduled (each is read at its current version), but a
        # schedule holds them: a revised calendar calls for a new schedule all the same.
        self.calendar_revisions = 0
        self._definitions: dict[UUID, tuple[str, str]] = {}  # id -> (kind, name)
        self._tenants: dict[UUID, str] = {}

    def refresh(self, desk: ServiceDesk) -> None:
        self.position = follow(desk, self.position, self.TOPICS, self._apply)

    def _apply(self, event: Any) -> None:
        at, version = as_utc(event.timestamp), event.originator_version
        retroactive = FROM_OPENING in (
            getattr(event, "applies_from", None),
            getattr(event, "sla_from", None),
        )
        if isinstance(event, Definition.Defined):
            self._definitions[event.originator_id] = (event.kind, event.name)
        if isinstance(event, Definition.Defined | Definition.Revised):
            kind, name = self._definitions[event.originator_id]
            if kind == SLA_POLICY:
                policy, cause = SlaPolicy.from_stored(event.content), f"policy {name} v{version}"
                self.entries.append(
                    lambda b: b.policy_defined(at, policy, retroactive=retroactive, cause=cause)
                )
            elif kind == CALENDAR:
                self.calendar_revisions += 1
            elif kind == SETTINGS and name == DESK_SETTINGS:
                chosen = event.content.get("sla_policy", "default")
                cause = f"desk settings v{version}"
                self.entries.append(
                    lambda b: b.desk_uses(at, chosen, retroactive=retroactive, cause=cause)
                )
            return
        if isinstance(event, Tenant.Registered):
            tenant, contract = event.name, event.settings
            self._tenants[event.originator_id] = tenant
        elif {"sla_policy", "calendar"} & set(event.changes):
            tenant, contract = self._tenants[event.originator_id], event.changes
        else:
            return  # a change of the tenant that is not about service levels
        cause = f"tenant {tenant} contract v{version}"

        def sign(builder: ScheduleBuilder) -> None:
            known = builder.contracts.get(tenant, (None, None))
            builder.contract(
                at,
                tenant,
                contract.get("sla_policy", known[0]),
                contract.get("calendar", known[1]),
                retroactive=retroactive,
                cause=cause,
            )

        self.entries.append(sign)


class SlaService:
    def __init__(self, desk: ServiceDesk) -> None:
        self.desk = desk
        self._config_key: tuple[int, int] | None = None
        self._config: SlaConfig | None = None
        self._changes = _ConfigChanges()
        self._lock = threading.Lock()

    # --- definitions ---------------------------------------------------------

    def _store_definition(
        self,
        kind: str,
        name: str,
        content: dict[str, Any],
        actor: str,
        applies_from: str = FROM_CHANGE,
    ) -> bool:
        at = self.desk.clock.now()
        try:
            definition = self.desk.repository.get(definition_id(kind, name))
        except AggregateNotFoundError:
            definition = Definition(
                kind=kind,
                name=name,
                content=content,
                actor=actor,
                timestamp=at,
                applies_from=applies_from,
            )
        else:
            if not definition.revise(content, actor=actor, at=at, applies_from=applies_from):
                return False
        self.desk.save(definition)
        # The definitions index keys the cache of every process reading this database.
        self.desk.catch_up()
        return True

    def _content(self, kind: str, name: str) -> dict[str, Any] | None:
        try:
            return self.desk.repository.get(definition_id(kind, name)).content
        except AggregateNotFoundError:
            return None

    def import_calendar(
        self, source: str | Path | BusinessCalendar, *, actor: str = "system"
    ) -> BusinessCalendar:
        """Store a calendar (from a TOML file or a BusinessCalendar) under its name."""
        self.desk.tenancy.guard(actor, "import a calendar")
        calendar = source if isinstance(source, BusinessCalendar) else load_calendar(source)
        if calendar.name == "24x7":
            raise InvalidValueError(
                "calendar name", calendar.name, "a name other than built-in 24x7"
            )
        self._store_definition(CALENDAR, calendar.name, calendar.to_mapping(), actor)
        return calendar

    def calendar(self, name: str) -> BusinessCalendar:
        if name == "24x7":
            return BusinessCalendar.always_open()
        content = self._content(CALENDAR, name)
        if content is None:
            raise UnknownDefinitionError(f"no calendar named {name!r}", name=name)
        return calendar_from_mapping({"calendar": content}, source=f"calendar {name}")

    def calendar_names(self) -> list[str]:
        self.desk.catch_up()
        return ["24x7", *self.desk.definition_index.names(self.desk.projector.db, CALENDAR)]

    def import_policy(
        self,
        source: str | Path | SlaPolicy,
        *,
        actor: str = "system",
        use: bool = False,
        retroactive: bool = False,
    ) -> SlaPolicy:
        """Store a policy; its calendars must exist. ``use=True`` makes it the desk's default.

        A revision of a policy in force applies to open incidents from now on
        (their clocks keep the time used), or with ``retroactive=True`` from their
        opening, as if it had always been in force.
        """
        self.desk.tenancy.guard(actor, "import an SLA policy")
        applies_from = _check_applies_from(retroactive)
        if isinstance(source, SlaPolicy):
            policy = source
            if policy.name == NO_POLICY:
                raise InvalidValueError("policy name", policy.name, "a name other than none")
        else:
            policy = load_policy(source, calendars=self.calendar)
        for name in sorted(policy.calendars):
            self.calendar(name)
        self._store_definition(SLA_POLICY, policy.name, policy.to_mapping(), actor, applies_from)
        if use:
            self.use_policy(policy.name, actor=actor, retroactive=retroactive)
        return policy

    def policy(self, name: str | None = None) -> SlaPolicy:
        """A stored policy by name; with no name, the policy the desk uses."""
        if name is None:
            settings = self._content(SETTINGS, DESK_SETTINGS) or {}
            name = settings.get("sla_policy", "default")
        if name == "default" and self._content(SLA_POLICY, "default") is None:
            return default_policy()
        content = self._content(SLA_POLICY, name)
        if content is None:
            raise UnknownDefinitionError(f"no SLA policy named {name!r}", name=name)
        return SlaPolicy.from_stored(content)

    def policy_names(self) -> list[str]:
        self.desk.catch_up()
        stored = self.desk.definition_index.names(self.desk.projector.db, SLA_POLICY)
        return sorted({"default", *stored})

    def use_policy(
        self, name: str, *, actor: str = "system", retroactive: bool = False
    ) -> SlaPolicy:
        """Make ``name`` the desk's policy (for incidents whose tenant's contract has none).

        Open incidents follow from now on, keeping the time their clocks used, or with
        ``retroactive=True`` from their opening.
        """
        self.desk.tenancy.guard(actor, "choose the desk's SLA policy")
        applies_from = _check_applies_from(retroactive)
        policy = self.policy(name)
        settings = dict(self._content(SETTINGS, DESK_SETTINGS) or {})
        settings["sla_policy"] = name
        self._store_definition(SETTINGS, DESK_SETTINGS, settings, actor, applies_from)
        return policy

    def config(self) -> SlaConfig:
        """The schedule of policies in force for each tenant's incidents; built again only
        when a policy, the desk's choice or a contract has changed (in any process)."""
        with self._lock:
            self._changes.refresh(self.desk)
            key = (len(self._changes.entries), self._changes.calendar_revisions)
            if self._config is None or key != self._config_key:
                builder = ScheduleBuilder(self.calendar)
                for entry in self._changes.entries:
                    entry(builder)
                self._config = SlaConfig(builder.build())
                self._config_key = key
            return self._config

    def policy_for(self, incident_id: UUID, events: list[Any] | None = None) -> SlaPolicy | None:
        """The policy an incident's clocks run under now (its tenant's, or the desk's;
        None if its contract has no SLA)."""
        found = events if events is not None else self._events(incident_id)
        return self.config().for_tenant(_tenant_of(found)).current.policy

    # --- clocks --------------------------------------------------------------

    def _events(self, incident_id: UUID) -> list[Any]:
        return list(self.desk.repository.event_store.get(incident_id))

    def fold(
        self,
        ref: IncidentRef,
        *,
        at: datetime | None = None,
        policy: SlaPolicy | None = None,
        timeline: bool = False,
    ) -> SlaFold:
        """The incident's clocks folded up to ``at``: under the schedule of policies in
        force for it, or under ``policy`` alone (a what-if)."""
        events = self._events(self.desk.resolve_id(ref))
        if not events:
            raise IncidentNotFoundError(ref)
        if policy is None:
            schedule = self.config().for_tenant(_tenant_of(events))
        else:
            calendars = {name: self.calendar(name) for name in policy.calendars}
            schedule = PolicySchedule.fixed(policy, calendars)
        return fold_events(events, schedule, until=at, timeline=timeline)

    def _moment(self, at: datetime | None) -> datetime:
        return as_utc(at) if at is not None else self.desk.clock.now()

    def status(
        self, ref: IncidentRef, *, at: datetime | None = None, actor: str = SLA_SYSTEM
    ) -> list[SlaStatus]:
        """Every SLA clock of the incident, as it stood at ``at`` (default: now)."""
        self.desk.tenancy.check(actor, "sla", self.desk._get(ref))
        moment = self._moment(at)
        return self.fold(ref, at=moment).status(moment)

    def timeline(
        self, ref: IncidentRef, *, at: datetime | None = None, actor: str = SLA_SYSTEM
    ) -> list[ClockTimeline]:
        """Every step of each of the incident's clocks up to ``at`` (default: now): start,
        pause, resume, stop, restart, warning, breach, change of target or of policy,
        each with its cause, the calendar time since the clock started, the business
        time used and the target then."""
        self.desk.tenancy.check(actor, "sla", self.desk._get(ref))
        moment = self._moment(at)
        return self.fold(ref, at=moment, timeline=True).timeline(moment)

    def hops(
        self, ref: IncidentRef, *, at: datetime | None = None, actor: str = SLA_SYSTEM
    ) -> list[HopStatus]:
        """The groups that held the incident, one hop each, with the business time each
        held it and its OLA or underpinning contract."""
        self.desk.tenancy.check(actor, "sla", self.desk._get(ref))
        moment = self._moment(at)
        return self.fold(ref, at=moment).hop_status(moment)

    def timers_for(self, incident_id: UUID, config: SlaConfig) -> list[DueTimer]:
        """The next due moment of each of the incident's clocks (for the timer index)."""
        events = self._events(incident_id)
        return fold_events(events, config.for_tenant(_tenant_of(events))).timers()

    # --- timers --------------------------------------------------------------

    def tick(
        self, now: datetime | None = None, *, batch: int = 500, actor: str = "system"
    ) -> list[RaisedMoment]:
        """One pass: raise every warning, breach and waiting limit due by ``now``, once.

        The due incidents of a batch are saved together (group commit); if
        another writer changed one of them meanwhile, each is retried alone.
        A pass covers every tenant, so only the system or an administrator runs it.
        """
        self.desk.tenancy.guard(actor, "run SLA timers")
        moment = self._moment(now)
        self.desk.catch_up()
        config = self.config()
        raised: list[RaisedMoment] = []
        index = self.desk.sla_timer_index
        db = self.desk.projector.db
        seen: set[str] = set()
        while True:
            with index.claim_due(db, moment, batch) as due:
                fresh = [incident_id for incident_id in due if incident_id not in seen]
                seen.update(fresh)
                outcomes = [
                    self._decide(UUID(incident_id), moment, config) for incident_id in fresh
                ]
                changed = [outcome for outcome in outcomes if outcome.raised]
                self._save_outcomes(changed, moment, config)
                if db.dialect == "postgres":
                    # Still holding the rows: move them on before other workers see them.
                    index.write(db, {outcome.incident.id: outcome.timers for outcome in outcomes})
            for outcome in changed:
                raised.extend(outcome.raised)
                self._call_hooks(outcome)
            if len(due) < batch or not fresh:
                break
        self.desk.catch_up()
        return sorted(raised, key=lambda item: (item.due_at, item.incident))

    def _decide(self, incident_id: UUID, now: datetime, config: SlaConfig) -> _Outcome:
        """Load the incident once; record on it every moment due by ``now``."""
        events = self._events(incident_id)
        incident: Incident | None = None
        for domain_event in events:
            incident = domain_event.mutate(incident)
        assert incident is not None
        schedule = config.for_tenant(incident.tenant)
        fold = fold_events(events, schedule, until=now)
        policy = fold.policy
        outcome = _Outcome(incident, [], [])
        for clock in list(fold.by_name.values()):
            for moment, due_at in clock.due(now):
                if clock.metric == WAITING:
                    assert policy is not None and policy.waiting is not None
                    self._waited_too_long(outcome, clock, policy.waiting, due_at, now)
                    continue
                if moment == BREACH:
                    done = incident.record_sla_breach(
                        clock.name, due_at=due_at, actor=SLA_ACTOR, at=now
                    )
                else:
                    done = incident.raise_sla_warning(
                        clock.name, moment, due_at=due_at, actor=SLA_ACTOR, at=now
                    )
                if not done:
                    continue
                level = None
                # Service levels bring in management; a group's own OLA or UC does not.
                if incident.is_open and policy is not None and clock.metric in METRICS:
                    level = policy.major_level if incident.major else policy.escalation.get(moment)
                supervisor = None
                if level is not None:
                    supervisor = self.desk.tenancy.supervisor(incident.assignment_group, level)
                    incident.escalate_hierarchically(
                        level,
                        f"{clock.name} {moment}",
                        actor=SLA_ACTOR,
                        at=now,
                        supervisor=supervisor,
                    )
                outcome.raised.append(
                    RaisedMoment(incident.number, clock.name, moment, due_at, level, supervisor)
                )
        pending = list(incident.pending_events)
        outcome.timers = fold_events([*events, *pending], schedule).timers()
        return outcome

    def _waited_too_long(
        self,
        outcome: _Outcome,
        clock: Clock,
        rule: WaitingRule,
        due_at: datetime,
        now: datetime,
    ) -> None:
        """A customer's message has waited past the limit: reassign the incident, or
        bring in a supervisor, and record why, once for this waiting cycle."""
        incident = outcome.incident
        assert clock.started_at is not None
        since, due_local = (
            clock.started_at.astimezone(clock.calendar.zone),
            due_at.astimezone(clock.calendar.zone),
        )
        since_text = (
            f"{since:%H:%M}" if since.date() == due_local.date() else f"{since:%Y-%m-%d %H:%M}"
        )
        reason = f"customer waited {duration_text(rule.limit)} since {since_text}"
        refusal = None
        if rule.action == "reassign":
            assert rule.group is not None
            if incident.assignment_group == rule.group:
                refusal = f"already with {rule.group}"
            else:
                try:
                    # The timer reassigns as an agent would: only to a group serving the tenant.
                    self.desk.tenancy.check_assignment(
                        incident.tenant, rule.group, None, actor=Actor.agent(SLA_ACTOR)
                    )
                except InvalidValueError:
                    refusal = f"{rule.group} does not serve tenant {incident.tenant}"
            if refusal is None:
                incident.record_waiting_limit(
                    clock.name,
                    due_at=due_at,
                    action="reassign",
                    reason=reason,
                    actor=SLA_ACTOR,
                    at=now,
                )
                incident.assign(rule.group, None, actor=SLA_ACTOR, at=now)
                outcome.others.extend(
                    self.desk._work_items_after(incident, "assign", SLA_ACTOR, now)
                )
                outcome.raised.append(
                    RaisedMoment(
                        incident.number,
                        clock.name,
                        LIMIT,
                        due_at,
                        None,
                        reason=reason,
                        reassigned_to=rule.group,
                    )
                )
                return
            reason = f"{reason} ({refusal})"
        supervisor = self.desk.tenancy.supervisor(incident.assignment_group, rule.level)
        incident.record_waiting_limit(
            clock.name,
            due_at=due_at,
            action="supervisor",
            reason=reason,
            actor=SLA_ACTOR,
            at=now,
        )
        incident.escalate_hierarchically(
            rule.level, reason, actor=SLA_ACTOR, at=now, supervisor=supervisor
        )
        outcome.raised.append(
            RaisedMoment(
                incident.number, clock.name, LIMIT, due_at, rule.level, supervisor, reason=reason
            )
        )

    def _save_outcomes(self, outcomes: list[_Outcome], now: datetime, config: SlaConfig) -> None:
        if not outcomes:
            return
        try:
            self.desk.save(
                *(a for outcome in outcomes for a in (outcome.incident, *outcome.others))
            )
            return
        except IntegrityError:
            pass  # the failed save consumed the pending events: decide each one again
        retried: list[_Outcome] = []
        for outcome in outcomes:
            for _attempt in range(5):
                outcome = self._decide(outcome.incident.id, now, config)
                if not outcome.raised:
                    break
                try:
                    self.desk.save(outcome.incident, *outcome.others)
                except IntegrityError:
                    continue  # changed meanwhile (perhaps by another worker)
                retried.append(outcome)
                break
        outcomes[:] = retried

    def _call_hooks(self, outcome: _Outcome) -> None:
        escalations = [item for item in outcome.raised if item.escalated_to is not None]
        if not escalations:
            return
        hook = get_plugin_manager().hook
        view = self.desk.view_of(outcome.incident)
        for item in escalations:
            reason = item.reason or f"{item.metric} {item.moment}"
            hook.hierarchical_escalation(
                desk=self.desk,
                incident=view,
                level=item.escalated_to,
                reason=reason,
                supervisor=item.supervisor,
            )
            # The people the escalation rules name hear of it through escalation targets.
            self.desk.escalations.notify_level(view, item.escalated_to, reason, item.supervisor)

    def run(
        self, *, interval: float = 5.0, stop: threading.Event | None = None, on_raise: Any = None
    ) -> None:
        """Run passes every ``interval`` seconds until ``stop`` is set."""
        stop = stop or threading.Event()
        while not stop.is_set():
            for item in self.tick():
                if on_raise is not None:
                    on_raise(item)
            stop.wait(interval)

    # --- what-if -------------------------------------------------------------

    def attainment(
        self,
        policy: SlaPolicy,
        *,
        since: datetime | None = None,
        at: datetime | None = None,
        actor: str = "system",
    ) -> list[Attainment]:
        """Attainment per priority over the stored history under ``policy`` (read-only;
        every tenant's incidents, so for administrators). Each cycle of a cyclic metric
        counts as one clock."""
        self.desk.tenancy.guard(actor, "replay SLA attainment")
        moment = self._moment(at)
        calendars = {name: self.calendar(name) for name in policy.calendars}
        schedule = PolicySchedule.fixed(policy, calendars)
        incidents: Counter[int] = Counter()
        met: dict[int, Counter[str]] = defaultdict(Counter)
        breached: dict[int, Counter[str]] = defaultdict(Counter)
        for incident_id in self._incident_ids(since):
            fold = fold_events(self._events(incident_id), schedule, until=moment)
            incidents[fold.priority] += 1
            for clock in fold.sla_clocks():
                status = clock.status(moment)
                if status is None:
                    continue
                if status.state == "met":
                    met[fold.priority][clock.metric] += 1
                elif status.state == "breached":
                    breached[fold.priority][clock.metric] += 1
        return [
            Attainment(priority, count, met[priority], breached[priority], policy.metrics)
            for priority, count in sorted(incidents.items())
        ]

    def _incident_ids(self, since: datetime | None) -> Iterable[UUID]:
        self.desk.catch_up()
        sql = "SELECT id FROM eventdesk_incidents"
        params: list[Any] = []
        if since is not None:
            from eventdesk.projections.incidents import stored_time

            sql += " WHERE opened_at >= ?"
            params.append(stored_time(as_utc(since)))
        for row in self.desk.projector.db.execute(sql + " ORDER BY sequence", params):
            yield UUID(row["id"])
