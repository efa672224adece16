"""The desk's SLA engine: definitions, clocks, timers, escalation and what-if.

Reached as ``desk.sla``. Policies and calendars are stored as events
(``Definition`` aggregates); the state of every clock is a fold over the
incident's events; due warnings and breaches come from a timer index kept by a
projection, so a pass reads only the timers that are due.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
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
from eventdesk.sla.policy import SlaPolicy, default_policy, load_policy
from eventdesk.sla.status import BREACH, DueTimer, SlaFold, SlaStatus, fold_events
from eventdesk.views import to_jsonable
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

if TYPE_CHECKING:
    from eventdesk.application import IncidentRef, ServiceDesk

SLA_ACTOR = "sla"
DESK_SETTINGS = "desk"


class UnknownDefinitionError(EventDeskError):
    """A calendar or policy was named that the desk does not have."""


@attrs.frozen
class RaisedMoment:
    """A warning or breach that a timer pass raised."""

    incident: str
    metric: str
    moment: str  # "75%", "90%", "breach"
    due_at: datetime
    escalated_to: str | None
    supervisor: str | None = None  # who holds that level in the incident's team, if named

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@attrs.frozen
class Attainment:
    """SLA attainment at one priority under one policy."""

    priority: int
    incidents: int
    response_met: int
    response_breached: int
    resolution_met: int
    resolution_breached: int

    @staticmethod
    def percent(met: int, breached: int) -> float | None:
        return round(100.0 * met / (met + breached), 1) if met + breached else None

    @property
    def response_percent(self) -> float | None:
        return self.percent(self.response_met, self.response_breached)

    @property
    def resolution_percent(self) -> float | None:
        return self.percent(self.resolution_met, self.resolution_breached)

    def to_dict(self) -> dict[str, Any]:
        data = to_jsonable(self)
        data["response_percent"] = self.response_percent
        data["resolution_percent"] = self.resolution_percent
        return data


@attrs.define
class _Outcome:
    """What a timer pass decided for one incident."""

    incident: Incident
    raised: list[RaisedMoment]
    timers: list[DueTimer]


SLA_SYSTEM = "system"


@attrs.frozen
class SlaConfig:
    """The desk's policy and calendars, and each tenant contract's."""

    default: tuple[SlaPolicy, dict[str, BusinessCalendar]]
    tenants: dict[str, tuple[SlaPolicy, dict[str, BusinessCalendar]]] = attrs.field(factory=dict)

    def for_tenant(self, tenant: str | None) -> tuple[SlaPolicy, dict[str, BusinessCalendar]]:
        return self.tenants.get(tenant or "", self.default)


def _tenant_of(events: list[Any]) -> str | None:
    """The tenant an incident was opened for (its first event says)."""
    return getattr(events[0], "tenant", None) if events else None


class SlaService:
    def __init__(self, desk: ServiceDesk) -> None:
        self.desk = desk
        self._config_key: tuple[Any, ...] | None = None
        self._config: SlaConfig | None = None
        self._lock = threading.Lock()

    # --- definitions ---------------------------------------------------------

    def _store_definition(self, kind: str, name: str, content: dict[str, Any], actor: str) -> bool:
        at = self.desk.clock.now()
        try:
            definition = self.desk.repository.get(definition_id(kind, name))
        except AggregateNotFoundError:
            definition = Definition(
                kind=kind, name=name, content=content, actor=actor, timestamp=at
            )
        else:
            if not definition.revise(content, actor=actor, at=at):
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
        self, source: str | Path | SlaPolicy, *, actor: str = "system", use: bool = False
    ) -> SlaPolicy:
        """Store a policy; its calendars must exist. ``use=True`` makes it the desk's default."""
        self.desk.tenancy.guard(actor, "import an SLA policy")
        if isinstance(source, SlaPolicy):
            policy = source
        else:
            policy = load_policy(source, calendars=self.calendar)
        for name in sorted(policy.calendars):
            self.calendar(name)
        self._store_definition(SLA_POLICY, policy.name, policy.to_mapping(), actor)
        if use:
            self.use_policy(policy.name, actor=actor)
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

    def use_policy(self, name: str, *, actor: str = "system") -> SlaPolicy:
        """Make ``name`` the desk's policy (for incidents whose tenant's contract has none)."""
        self.desk.tenancy.guard(actor, "choose the desk's SLA policy")
        policy = self.policy(name)
        settings = dict(self._content(SETTINGS, DESK_SETTINGS) or {})
        settings["sla_policy"] = name
        self._store_definition(SETTINGS, DESK_SETTINGS, settings, actor)
        return policy

    def config(self) -> SlaConfig:
        """The policies in use and their calendars: the desk's, and each tenant's
        contract's; cached until a definition or a contract changes."""
        rows = self.desk.projector.db.execute(
            "SELECT id, version FROM eventdesk_definitions ORDER BY id"
        )
        contracts = self.desk.tenancy.contracts()
        key = (tuple((row["id"], row["version"]) for row in rows), tuple(sorted(contracts.items())))
        with self._lock:
            if self._config is None or key != self._config_key:
                policy = self.policy()
                calendars = {name: self.calendar(name) for name in policy.calendars}
                tenants = {
                    tenant: self._contract_policy(policy_name, calendar_name)
                    for tenant, (policy_name, calendar_name) in contracts.items()
                    if policy_name or calendar_name
                }
                self._config = SlaConfig((policy, calendars), tenants)
                self._config_key = key
            return self._config

    def _contract_policy(
        self, policy_name: str | None, calendar_name: str | None
    ) -> tuple[SlaPolicy, dict[str, BusinessCalendar]]:
        """A tenant's policy; with a contract calendar, every target runs on that calendar."""
        policy = self.policy(policy_name)
        if calendar_name:
            policy = policy.on_calendar(calendar_name)
        return policy, {name: self.calendar(name) for name in policy.calendars}

    def policy_for(self, incident_id: UUID, events: list[Any] | None = None) -> SlaPolicy:
        """The policy an incident's clocks run under (its tenant's, or the desk's)."""
        found = events if events is not None else self._events(incident_id)
        return self.config().for_tenant(_tenant_of(found))[0]

    # --- clocks --------------------------------------------------------------

    def _events(self, incident_id: UUID) -> list[Any]:
        return list(self.desk.repository.event_store.get(incident_id))

    def fold(
        self, ref: IncidentRef, *, at: datetime | None = None, policy: SlaPolicy | None = None
    ) -> SlaFold:
        events = self._events(self.desk.resolve_id(ref))
        if not events:
            raise IncidentNotFoundError(ref)
        if policy is None:
            policy, calendars = self.config().for_tenant(_tenant_of(events))
        else:
            calendars = {name: self.calendar(name) for name in policy.calendars}
        return fold_events(events, policy, calendars, until=at)

    def status(
        self, ref: IncidentRef, *, at: datetime | None = None, actor: str = SLA_SYSTEM
    ) -> list[SlaStatus]:
        """Every SLA clock of the incident, as it stood at ``at`` (default: now)."""
        self.desk.tenancy.check(actor, "sla", self.desk._get(ref))
        moment = as_utc(at) if at is not None else self.desk.clock.now()
        return self.fold(ref, at=moment).status(moment)

    def timers_for(self, incident_id: UUID, config: SlaConfig) -> list[DueTimer]:
        """The next due moment of each of the incident's clocks (for the timer index)."""
        events = self._events(incident_id)
        policy, calendars = config.for_tenant(_tenant_of(events))
        fold = fold_events(events, policy, calendars)
        return [t for clock in fold.clocks.values() if (t := clock.next_timer()) is not None]

    # --- timers --------------------------------------------------------------

    def tick(
        self, now: datetime | None = None, *, batch: int = 500, actor: str = "system"
    ) -> list[RaisedMoment]:
        """One pass: raise every warning and breach due by ``now``, exactly once.

        The due incidents of a batch are saved together (group commit); if
        another writer changed one of them meanwhile, each is retried alone.
        A pass covers every tenant, so only the system or an administrator runs it.
        """
        self.desk.tenancy.guard(actor, "run SLA timers")
        moment = as_utc(now) if now is not None else self.desk.clock.now()
        self.desk.catch_up()
        raised: list[RaisedMoment] = []
        index = self.desk.sla_timer_index
        db = self.desk.projector.db
        seen: set[str] = set()
        while True:
            with index.claim_due(db, moment, batch) as due:
                fresh = [incident_id for incident_id in due if incident_id not in seen]
                seen.update(fresh)
                outcomes = [self._decide(UUID(incident_id), moment) for incident_id in fresh]
                changed = [outcome for outcome in outcomes if outcome.raised]
                self._save_outcomes(changed, moment)
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

    def _decide(self, incident_id: UUID, now: datetime) -> _Outcome:
        """Load the incident once; record on it every moment due by ``now``."""
        events = self._events(incident_id)
        incident: Incident | None = None
        for domain_event in events:
            incident = domain_event.mutate(incident)
        assert incident is not None
        policy, calendars = self.config().for_tenant(incident.tenant)
        fold = fold_events(events, policy, calendars, until=now)
        raised: list[RaisedMoment] = []
        for clock in fold.clocks.values():
            for moment, due_at in clock.due(now):
                if moment == BREACH:
                    done = incident.record_sla_breach(
                        clock.metric, due_at=due_at, actor=SLA_ACTOR, at=now
                    )
                else:
                    done = incident.raise_sla_warning(
                        clock.metric, moment, due_at=due_at, actor=SLA_ACTOR, at=now
                    )
                if not done:
                    continue
                level = None
                if incident.is_open:
                    level = policy.major_level if incident.major else policy.escalation.get(moment)
                supervisor = None
                if level is not None:
                    supervisor = self.desk.tenancy.supervisor(incident.assignment_group, level)
                    incident.escalate_hierarchically(
                        level,
                        f"{clock.metric} {moment}",
                        actor=SLA_ACTOR,
                        at=now,
                        supervisor=supervisor,
                    )
                raised.append(
                    RaisedMoment(incident.number, clock.metric, moment, due_at, level, supervisor)
                )
        pending = list(incident.pending_events)
        whole = fold_events([*events, *pending], policy, calendars)
        timers = [t for c in whole.clocks.values() if (t := c.next_timer()) is not None]
        return _Outcome(incident, raised, timers)

    def _save_outcomes(self, outcomes: list[_Outcome], now: datetime) -> None:
        if not outcomes:
            return
        try:
            self.desk.save(*(outcome.incident for outcome in outcomes))
            return
        except IntegrityError:
            pass  # the failed save consumed the pending events: decide each one again
        retried: list[_Outcome] = []
        for outcome in outcomes:
            for _attempt in range(5):
                outcome = self._decide(outcome.incident.id, now)
                if not outcome.raised:
                    break
                try:
                    self.desk.save(outcome.incident)
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
            hook.hierarchical_escalation(
                desk=self.desk,
                incident=view,
                level=item.escalated_to,
                reason=f"{item.metric} {item.moment}",
                supervisor=item.supervisor,
            )

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
        every tenant's incidents, so for administrators)."""
        self.desk.tenancy.guard(actor, "replay SLA attainment")
        moment = as_utc(at) if at is not None else self.desk.clock.now()
        calendars = {name: self.calendar(name) for name in policy.calendars}
        counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        for incident_id in self._incident_ids(since):
            fold = fold_events(self._events(incident_id), policy, calendars, until=moment)
            row = counts[fold.priority]
            row[0] += 1
            for offset, status in (
                (1, fold.clocks["response"].status(moment)),
                (3, fold.clocks["resolution"].status(moment)),
            ):
                if status is None:
                    continue
                if status.state == "met":
                    row[offset] += 1
                elif status.state == "breached":
                    row[offset + 1] += 1
        return [Attainment(priority, *row) for priority, row in sorted(counts.items())]

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
