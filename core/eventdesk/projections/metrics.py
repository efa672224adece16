"""The metrics of support operations: the facts of each incident, kept for reports.

One row per incident (when it was opened, first answered and resolved, on which
channel, for which tenant and team, how often it was reassigned and reopened,
whether it came back to a group it had left), its spans of being open (for the
backlog at any moment), the outcome of each of its SLA clocks, and the working
time of agents (presence) and of the work given to them (routing). Figures such
as medians are computed from these rows when a report asks (see
``eventdesk.reports``): the projection stores facts, never aggregates.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

import attrs

from eventdesk.contacts.model import Contact
from eventdesk.domain.definition import Definition
from eventdesk.domain.incident import AuthorKind, Incident, answers_customer, author_kind_of
from eventdesk.projections.base import Projection, erase_columns
from eventdesk.projections.incidents import read_time, stored_time
from eventdesk.storage import SQLDatabase
from eventdesk.tenancy.model import Agent, Presence, Tenant
from eventdesk.tenancy.work import WorkItem

INCIDENTS = "eventdesk_metrics_incidents"
OPEN_SPANS = "eventdesk_metrics_open_spans"
SLA_CLOCKS = "eventdesk_metrics_sla"
PRESENCE = "eventdesk_metrics_presence"
HANDLING = "eventdesk_metrics_handling"
ITEMS = "eventdesk_metrics_items"
AGENTS = "eventdesk_metrics_agents"
DEFLECTIONS = "eventdesk_metrics_deflections"

# The event that says the self-service bot answered a customer without an incident.
DEFLECTED = "Deflected"


@attrs.frozen
class SlaClockFact:
    """One SLA clock of an incident as its events leave it."""

    clock: str  # "response", "next_reply#2"...
    metric: str
    outcome: str  # met | breached | running | paused | cancelled
    due_at: datetime | None  # when a running clock breaches


@attrs.frozen
class SlaFacts:
    """What the SLA engine says about an incident: its clocks, and the business time
    (on the incident's SLA calendar) between two moments."""

    clocks: tuple[SlaClockFact, ...]
    business_seconds: Callable[[datetime, datetime], float]


def period_keys(moment: datetime) -> tuple[str, str, str]:
    """The day, ISO week and month (UTC) a moment falls in: 2026-03-02, 2026-W10, 2026-03."""
    year, week, _ = moment.isocalendar()
    return f"{moment:%Y-%m-%d}", f"{year}-W{week:02d}", f"{moment:%Y-%m}"


def is_deflection(event: Any) -> bool:
    """A self-service deflection: an event class named ``Deflected`` (or whose topic
    says Deflect), whichever aggregate records it."""
    return type(event).__name__ == DEFLECTED or "Deflect" in type(event).__qualname__


class MetricsIndex(Projection):
    """Per-incident facts, open spans, SLA outcomes, presence and handling spans."""

    name = "metrics"
    tables = (INCIDENTS, OPEN_SPANS, SLA_CLOCKS, PRESENCE, HANDLING, ITEMS, AGENTS, DEFLECTIONS)

    def __init__(self, sla_facts: Callable[[UUID], SlaFacts | None]) -> None:
        self.sla_facts = sla_facts
        self._touched: set[UUID] = set()
        self._everything = False

    def create(self, db: SQLDatabase) -> None:
        db.execute(
            f"""CREATE TABLE IF NOT EXISTS {INCIDENTS} (
                id TEXT PRIMARY KEY,
                tenant TEXT, channel TEXT, caller TEXT,
                priority INTEGER NOT NULL,
                team TEXT, assignee TEXT,
                state TEXT NOT NULL,
                opened_at TEXT NOT NULL,
                opened_day TEXT NOT NULL, opened_week TEXT NOT NULL, opened_month TEXT NOT NULL,
                first_response_at TEXT,
                resolved_at TEXT,
                settled_at TEXT,
                reopens INTEGER NOT NULL DEFAULT 0,
                reassignments INTEGER NOT NULL DEFAULT 0,
                groups_held TEXT NOT NULL DEFAULT '',
                ping_pong INTEGER NOT NULL DEFAULT 0,
                customer_messages INTEGER NOT NULL DEFAULT 0,
                response_seconds DOUBLE PRECISION,
                response_business_seconds DOUBLE PRECISION,
                resolution_seconds DOUBLE PRECISION,
                resolution_business_seconds DOUBLE PRECISION)"""
        )
        for column in ("tenant", "opened_at", "opened_day", "opened_week", "opened_month"):
            db.execute(f"CREATE INDEX IF NOT EXISTS {INCIDENTS}_{column} ON {INCIDENTS} ({column})")
        db.execute(
            f"""CREATE TABLE IF NOT EXISTS {OPEN_SPANS} (
                incident_id TEXT NOT NULL, version BIGINT NOT NULL,
                since TEXT NOT NULL, until TEXT,
                PRIMARY KEY (incident_id, version))"""
        )
        db.execute(
            f"""CREATE TABLE IF NOT EXISTS {SLA_CLOCKS} (
                incident_id TEXT NOT NULL, clock TEXT NOT NULL, metric TEXT NOT NULL,
                outcome TEXT NOT NULL, due_at TEXT,
                PRIMARY KEY (incident_id, clock))"""
        )
        db.execute(
            f"""CREATE TABLE IF NOT EXISTS {PRESENCE} (
                agent TEXT NOT NULL, version BIGINT NOT NULL, presence TEXT NOT NULL,
                since TEXT NOT NULL, until TEXT,
                PRIMARY KEY (agent, version))"""
        )
        db.execute(
            f"""CREATE TABLE IF NOT EXISTS {HANDLING} (
                item TEXT NOT NULL, version BIGINT NOT NULL, agent TEXT NOT NULL, team TEXT,
                tenant TEXT, channel TEXT, since TEXT NOT NULL, until TEXT,
                PRIMARY KEY (item, version))"""
        )
        db.execute(
            f"""CREATE TABLE IF NOT EXISTS {ITEMS} (
                item TEXT PRIMARY KEY, tenant TEXT, channel TEXT)"""
        )
        db.execute(f"CREATE TABLE IF NOT EXISTS {AGENTS} (id TEXT PRIMARY KEY, name TEXT)")
        db.execute(
            f"""CREATE TABLE IF NOT EXISTS {DEFLECTIONS} (
                id TEXT NOT NULL, version BIGINT NOT NULL, tenant TEXT, channel TEXT,
                at TEXT NOT NULL, day TEXT NOT NULL, week TEXT NOT NULL, month TEXT NOT NULL,
                PRIMARY KEY (id, version))"""
        )

    # --- applying events ---------------------------------------------------------------

    def apply(self, db: SQLDatabase, event: Any) -> None:
        if isinstance(event, Incident.Event):
            self._apply_incident(db, event)
        elif isinstance(event, WorkItem.Event):
            self._apply_work_item(db, event)
        elif isinstance(event, Contact.Forgotten):
            erase_columns(db, INCIDENTS, ("caller",), "id", event.incident_ids)
        elif isinstance(event, Agent.Registered):
            db.execute(
                f"INSERT INTO {AGENTS} (id, name) VALUES (?, ?)",
                [str(event.originator_id), event.name],
            )
        elif isinstance(event, Agent.PresenceChanged):
            self._presence_changed(db, event)
        elif isinstance(event, Definition.Event | Tenant.Event):
            self._everything = True  # a policy, calendar or contract changed
        elif is_deflection(event):
            at = event.timestamp
            db.execute(
                f"INSERT INTO {DEFLECTIONS} (id, version, tenant, channel, at, day, week, month) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    str(event.originator_id),
                    event.originator_version,
                    getattr(event, "tenant", None),
                    getattr(event, "channel", None),
                    stored_time(at),
                    *period_keys(at),
                ],
            )

    def _apply_incident(self, db: SQLDatabase, event: Any) -> None:
        incident = str(event.originator_id)
        at = stored_time(event.timestamp)
        self._touched.add(event.originator_id)
        if isinstance(event, Incident.Opened):
            db.execute(
                f"""INSERT INTO {INCIDENTS} (id, tenant, channel, caller, priority, state,
                    opened_at, opened_day, opened_week, opened_month)
                    VALUES (?, ?, ?, ?, ?, 'new', ?, ?, ?, ?)""",
                [
                    incident,
                    getattr(event, "tenant", None),
                    getattr(event, "channel", None),
                    event.caller,
                    event.priority,
                    at,
                    *period_keys(event.timestamp),
                ],
            )
            self._open_span(db, event, at)
            return
        rows = db.execute(f"SELECT * FROM {INCIDENTS} WHERE id = ?", [incident])
        if not rows:
            return
        changes = self._changes(rows[0], event, at)
        if isinstance(event, Incident.Resolved | Incident.Cancelled | Incident.Closed):
            db.execute(
                f"UPDATE {OPEN_SPANS} SET until = ? WHERE incident_id = ? AND until IS NULL",
                [at, incident],
            )
        elif isinstance(event, Incident.Reopened):
            self._open_span(db, event, at)
        if changes:
            columns = ", ".join(f"{name} = ?" for name in changes)
            db.execute(
                f"UPDATE {INCIDENTS} SET {columns} WHERE id = ?", [*changes.values(), incident]
            )

    @staticmethod
    def _open_span(db: SQLDatabase, event: Any, at: str) -> None:
        db.execute(
            f"INSERT INTO {OPEN_SPANS} (incident_id, version, since) VALUES (?, ?, ?)",
            [str(event.originator_id), event.originator_version, at],
        )

    def _changes(self, row: dict[str, Any], event: Any, at: str) -> dict[str, Any]:
        """The columns an event changes (times in seconds are filled in at flush)."""
        if isinstance(event, Incident.Commented):
            if row["first_response_at"] is None and answers_customer(event, row["caller"]):
                return {"first_response_at": at}
            customer = author_kind_of(event, row["caller"]) == AuthorKind.CUSTOMER
            if event.public and customer and row["resolved_at"] is None:
                return {"customer_messages": int(row["customer_messages"]) + 1}
            return {}
        if isinstance(event, Incident.Resolved):
            # The resolution answers the customer if nobody had (as the SLA engine counts).
            return {
                "state": "resolved",
                "resolved_at": at,
                "settled_at": at,
                "first_response_at": row["first_response_at"] or at,
            }
        if isinstance(event, Incident.Reopened):
            return {
                "state": "in_progress",
                "reopens": int(row["reopens"]) + 1,
                "resolved_at": None,
                "settled_at": None,
            }
        if isinstance(event, Incident.Cancelled):
            return {"state": "cancelled", "settled_at": at}
        if isinstance(event, Incident.Closed):
            return {"state": "closed", "settled_at": row["settled_at"] or at}
        if isinstance(event, Incident.Started | Incident.Resumed):
            return {"state": "in_progress"}
        if isinstance(event, Incident.PutOnHold):
            return {"state": "on_hold"}
        if isinstance(event, Incident.Reprioritised):
            return {"priority": event.priority}
        if isinstance(event, Incident.Assigned | Incident.FunctionallyEscalated):
            return self._assignment(row, event)
        return {}

    @staticmethod
    def _assignment(row: dict[str, Any], event: Any) -> dict[str, Any]:
        group = event.group
        assignee = event.assignee if isinstance(event, Incident.Assigned) else None
        held = [g for g in row["groups_held"].split("\n") if g]
        # As the incident counts them: a hop after the first assignment, except an agent
        # picking up its own group's unassigned incident.
        picked_up = row["assignee"] is None and group == row["team"]
        was_assigned = row["team"] is not None or row["assignee"] is not None
        counted = was_assigned and (
            isinstance(event, Incident.FunctionallyEscalated) or not picked_up
        )
        changes: dict[str, Any] = {"team": group, "assignee": assignee}
        if counted:
            changes["reassignments"] = int(row["reassignments"]) + 1
        if group is not None and group != row["team"]:
            # Ping-pong: the incident comes back to a group it held and then left.
            if group in held:
                changes["ping_pong"] = 1
            else:
                changes["groups_held"] = "\n".join([*held, group])
        return changes

    def _apply_work_item(self, db: SQLDatabase, event: Any) -> None:
        item = str(event.originator_id)
        at = stored_time(event.timestamp)
        if isinstance(event, WorkItem.Queued):
            db.execute(
                f"INSERT INTO {ITEMS} (item, tenant, channel) VALUES (?, ?, ?)",
                [item, event.tenant, event.channel],
            )
            return
        if isinstance(event, WorkItem.Routed | WorkItem.Requeued | WorkItem.Released):
            db.execute(
                f"UPDATE {HANDLING} SET until = ? WHERE item = ? AND until IS NULL", [at, item]
            )
        if isinstance(event, WorkItem.Routed):
            known = db.execute(f"SELECT tenant, channel FROM {ITEMS} WHERE item = ?", [item])
            tenant, channel = (known[0]["tenant"], known[0]["channel"]) if known else (None, None)
            db.execute(
                f"INSERT INTO {HANDLING} (item, version, agent, team, tenant, channel, since) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [item, event.originator_version, event.agent, event.team, tenant, channel, at],
            )

    def _presence_changed(self, db: SQLDatabase, event: Any) -> None:
        found = db.execute(f"SELECT name FROM {AGENTS} WHERE id = ?", [str(event.originator_id)])
        if not found:
            return
        agent, at = found[0]["name"], stored_time(event.timestamp)
        db.execute(
            f"UPDATE {PRESENCE} SET until = ? WHERE agent = ? AND until IS NULL", [at, agent]
        )
        if event.presence != Presence.OFFLINE.value:
            db.execute(
                f"INSERT INTO {PRESENCE} (agent, version, presence, since) VALUES (?, ?, ?, ?)",
                [agent, event.originator_version, event.presence, at],
            )

    # --- what needs the SLA engine -----------------------------------------------------

    def flush(self, db: SQLDatabase) -> None:
        if self._everything:
            rows = db.execute(f"SELECT id FROM {INCIDENTS} WHERE settled_at IS NULL")
            self._touched.update(UUID(row["id"]) for row in rows)
        touched, self._touched, self._everything = self._touched, set(), False
        for incident_id in sorted(touched):
            self._refresh(db, incident_id)

    def _refresh(self, db: SQLDatabase, incident_id: UUID) -> None:
        """Recompute the incident's times and SLA outcomes from its events."""
        rows = db.execute(f"SELECT * FROM {INCIDENTS} WHERE id = ?", [str(incident_id)])
        facts = self.sla_facts(incident_id) if rows else None
        if facts is None:
            return
        row = rows[0]
        opened = read_time(row["opened_at"])

        def spans(end: str | None) -> tuple[float | None, float | None]:
            if end is None:
                return None, None
            moment = read_time(end)
            return (moment - opened).total_seconds(), facts.business_seconds(opened, moment)

        response, response_business = spans(row["first_response_at"])
        resolution, resolution_business = spans(row["resolved_at"])
        db.execute(
            f"""UPDATE {INCIDENTS} SET response_seconds = ?, response_business_seconds = ?,
                resolution_seconds = ?, resolution_business_seconds = ? WHERE id = ?""",
            [response, response_business, resolution, resolution_business, str(incident_id)],
        )
        db.execute(f"DELETE FROM {SLA_CLOCKS} WHERE incident_id = ?", [str(incident_id)])
        for clock in facts.clocks:
            db.execute(
                f"INSERT INTO {SLA_CLOCKS} (incident_id, clock, metric, outcome, due_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    str(incident_id),
                    clock.clock,
                    clock.metric,
                    clock.outcome,
                    stored_time(clock.due_at) if clock.due_at else None,
                ],
            )
