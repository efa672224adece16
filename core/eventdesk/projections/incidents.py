"""The incident list: one row per incident, for queues and filters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import attrs

from eventdesk.contacts.model import Contact
from eventdesk.domain.incident import TRANSITIONS, Incident
from eventdesk.domain.numbering import format_number
from eventdesk.projections.base import Projection, erase_columns
from eventdesk.storage import SQLDatabase
from eventdesk.views import IncidentSummary, Page

TABLE = "eventdesk_incidents"

# Lifecycle events and the transition each one records.
_TRANSITION_OF = {
    Incident.Started: "start",
    Incident.PutOnHold: "hold",
    Incident.Resumed: "resume",
    Incident.Resolved: "resolve",
    Incident.Reopened: "reopen",
    Incident.Closed: "close",
    Incident.Cancelled: "cancel",
}

FILTERS = ("state", "priority", "assignment_group", "assignee", "caller", "tenant")


def stored_time(moment: datetime) -> str:
    """A UTC time as fixed-width text, so that text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def read_time(text: str) -> datetime:
    """The time :func:`stored_time` wrote (``fromisoformat``: ``strptime`` is slow).

    >>> moment = datetime(2026, 3, 2, 9, 0, 0, 250, tzinfo=UTC)
    >>> read_time(stored_time(moment)) == moment
    True
    """
    if len(text) == 27 and text[-1] == "Z" and text[10] == "T":
        return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


@attrs.frozen
class Scope:
    """What an actor may see of the incident list."""

    tenants: frozenset[str] = frozenset()
    assignee: str | None = None
    groups: frozenset[str] = frozenset()


class IncidentList(Projection):
    name = "incident_list"
    tables = (TABLE,)

    def create(self, db: SQLDatabase) -> bool:
        # A table from before tenancy lacks the tenant column: rebuild it from the events.
        rebuild = db.has_table(TABLE) and not db.has_column(TABLE, "tenant")
        if rebuild:
            db.execute(f"DROP TABLE {TABLE}")
        db.execute(
            f"""CREATE TABLE IF NOT EXISTS {TABLE} (
                id TEXT PRIMARY KEY,
                sequence BIGINT NOT NULL UNIQUE,
                number TEXT NOT NULL UNIQUE,
                state TEXT NOT NULL,
                priority INTEGER NOT NULL,
                impact INTEGER NOT NULL,
                urgency INTEGER NOT NULL,
                summary TEXT NOT NULL,
                caller TEXT,
                assignment_group TEXT,
                assignee TEXT,
                hold_reason TEXT,
                major INTEGER NOT NULL DEFAULT 0,
                opened_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                tenant TEXT
            )"""
        )
        for column in ("state", "priority", "assignment_group", "assignee", "caller", "tenant"):
            db.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_{column} ON {TABLE} ({column})")
        return rebuild

    def apply(self, db: SQLDatabase, event: Any) -> None:
        if isinstance(event, Incident.Opened):
            self._insert(db, event)
            return
        if isinstance(event, Contact.Forgotten):
            erase_columns(db, TABLE, ("summary", "caller"), "id", event.incident_ids)
            return
        if not isinstance(event, Incident.Event):
            return
        changes = self._changes(event)
        changes["updated_at"] = stored_time(event.timestamp)
        columns = ", ".join(f"{name} = ?" for name in changes)
        db.execute(
            f"UPDATE {TABLE} SET {columns} WHERE id = ?",
            [*changes.values(), str(event.originator_id)],
        )

    def _insert(self, db: SQLDatabase, event: Any) -> None:
        at = stored_time(event.timestamp)
        db.execute(
            f"""INSERT INTO {TABLE} (id, sequence, number, state, priority, impact, urgency,
                summary, caller, major, opened_at, updated_at, tenant)
                VALUES (?, ?, ?, 'new', ?, ?, ?, ?, ?, 0, ?, ?, ?)""",
            [
                str(event.originator_id),
                event.sequence,
                format_number(event.sequence),
                event.priority,
                event.impact,
                event.urgency,
                event.summary,
                event.caller,
                at,
                at,
                getattr(event, "tenant", None),
            ],
        )

    def _changes(self, event: Any) -> dict[str, Any]:
        transition = _TRANSITION_OF.get(type(event))
        if transition is not None:
            changes: dict[str, Any] = {"state": TRANSITIONS[transition][1].value}
            changes["hold_reason"] = event.reason if transition == "hold" else None
            return changes
        if isinstance(event, Incident.Assigned):
            return {"assignment_group": event.group, "assignee": event.assignee}
        if isinstance(event, Incident.FunctionallyEscalated):
            return {"assignment_group": event.group, "assignee": None}
        if isinstance(event, Incident.Reprioritised):
            changes = {"impact": event.impact, "urgency": event.urgency, "priority": event.priority}
            if event.priority != 1:
                changes["major"] = 0
            return changes
        if isinstance(event, Incident.MajorDeclared):
            return {"major": 1}
        return {}

    def query(
        self,
        db: SQLDatabase,
        *,
        offset: int = 0,
        limit: int = 50,
        text: str | None = None,
        scope: Scope | None = None,
        **filters: Any,
    ) -> Page[IncidentSummary]:
        where: list[str] = []
        params: list[Any] = []
        if scope is not None:
            # Only what the actor may see: its tenants, its own work, its teams' work.
            alternatives: list[str] = []
            if scope.tenants:
                alternatives.append(f"tenant IN ({', '.join('?' for _ in scope.tenants)})")
                params.extend(sorted(scope.tenants))
            if scope.assignee:
                alternatives.append("assignee = ?")
                params.append(scope.assignee)
            if scope.groups:
                alternatives.append(f"assignment_group IN ({', '.join('?' for _ in scope.groups)})")
                params.extend(sorted(scope.groups))
            where.append(f"({' OR '.join(alternatives)})" if alternatives else "1 = 0")
        for name in FILTERS:
            value = filters.get(name)
            if value is None:
                continue
            values = list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
            where.append(f"{name} IN ({', '.join('?' for _ in values)})")
            params.extend(str(v) if name != "priority" else int(v) for v in values)
        if text:
            # A literal substring, case-insensitive beyond ASCII on both stores.
            if db.dialect == "postgres":
                where.append("strpos(LOWER(summary), ?) > 0")
            else:
                where.append("instr(eventdesk_lower(summary), ?) > 0")
            params.append(text.lower())
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        total = int(db.execute(f"SELECT COUNT(*) AS n FROM {TABLE}{clause}", params)[0]["n"])
        rows = db.execute(
            f"SELECT * FROM {TABLE}{clause} ORDER BY sequence LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        items = tuple(
            IncidentSummary(
                id=UUID(row["id"]),
                number=row["number"],
                state=row["state"],
                priority=int(row["priority"]),
                impact=int(row["impact"]),
                urgency=int(row["urgency"]),
                summary=row["summary"],
                caller=row["caller"],
                assignment_group=row["assignment_group"],
                assignee=row["assignee"],
                hold_reason=row["hold_reason"],
                major=bool(row["major"]),
                opened_at=read_time(row["opened_at"]),
                updated_at=read_time(row["updated_at"]),
                tenant=row["tenant"],
            )
            for row in rows
        )
        return Page(items=items, total=total, offset=offset, limit=limit)
