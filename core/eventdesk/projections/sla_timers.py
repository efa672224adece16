"""The SLA timer index: the next due moment of every incident's clocks.

One row per incident and metric (``due_at``, and which moment falls due then),
so a timer pass reads only what is due, whatever the number of open incidents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

from eventdesk.domain.definition import Definition
from eventdesk.domain.incident import Incident
from eventdesk.projections.base import Projection
from eventdesk.projections.incidents import TABLE as INCIDENTS
from eventdesk.projections.incidents import stored_time
from eventdesk.sla.status import DueTimer
from eventdesk.storage import SQLDatabase
from eventdesk.tenancy.model import Tenant

TABLE = "eventdesk_sla_timers"


class SlaTimerIndex(Projection):
    name = "sla_timers"
    tables = (TABLE,)

    def __init__(
        self, timers_for: Callable[[UUID, Any], list[DueTimer]], config: Callable[[], Any]
    ) -> None:
        self.timers_for = timers_for
        self.config = config
        self._touched: set[UUID] = set()
        self._everything = False

    def create(self, db: SQLDatabase) -> None:
        db.execute(
            f"""CREATE TABLE IF NOT EXISTS {TABLE} (
                incident_id TEXT NOT NULL, metric TEXT NOT NULL,
                due_at TEXT NOT NULL, moment TEXT NOT NULL,
                PRIMARY KEY (incident_id, metric))"""
        )
        db.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_due_at ON {TABLE} (due_at)")

    def apply(self, db: SQLDatabase, event: Any) -> None:
        if isinstance(event, Incident.Event):
            self._touched.add(event.originator_id)
        elif isinstance(event, Definition.Event | Tenant.Event):
            self._everything = True  # a policy, a calendar or a contract changed

    def flush(self, db: SQLDatabase) -> None:
        if self._everything:
            rows = db.execute(
                f"SELECT id FROM {INCIDENTS} WHERE state NOT IN ('closed', 'cancelled')"
            )
            self._touched.update(UUID(row["id"]) for row in rows)
        touched, self._touched, self._everything = self._touched, set(), False
        if touched:
            self.refresh(db, sorted(touched))

    def refresh(self, db: SQLDatabase, incident_ids: Sequence[UUID]) -> None:
        """Recompute the rows of these incidents from their events."""
        config = self.config()
        self.write(
            db, {incident_id: self.timers_for(incident_id, config) for incident_id in incident_ids}
        )

    def write(self, db: SQLDatabase, timers: Mapping[UUID, Sequence[DueTimer]]) -> None:
        """Replace the rows of these incidents with the given timers."""
        with db.transaction():
            for incident_id, due in timers.items():
                db.execute(f"DELETE FROM {TABLE} WHERE incident_id = ?", [str(incident_id)])
                for timer in due:
                    db.execute(
                        f"INSERT INTO {TABLE} (incident_id, metric, due_at, moment) "
                        "VALUES (?, ?, ?, ?)",
                        [str(incident_id), timer.metric, stored_time(timer.due_at), timer.kind],
                    )

    @contextmanager
    def claim_due(self, db: SQLDatabase, now: datetime, limit: int) -> Iterator[list[str]]:
        """Incidents with a timer due by ``now``.

        On PostgreSQL their rows stay locked (skipping rows other workers hold)
        until the block ends, so workers share the due timers out between them.
        Elsewhere a second worker may read the same rows; the incident's
        optimistic concurrency still lets each moment be raised only once.
        """
        sql = f"SELECT incident_id FROM {TABLE} WHERE due_at <= ? ORDER BY due_at LIMIT ?"
        if db.dialect == "postgres":
            with db.transaction():
                rows = db.execute(sql + " FOR UPDATE SKIP LOCKED", [stored_time(now), limit])
                yield list(dict.fromkeys(row["incident_id"] for row in rows))
            return
        rows = db.execute(sql, [stored_time(now), limit])
        yield list(dict.fromkeys(row["incident_id"] for row in rows))

    def due_count(self, db: SQLDatabase, now: datetime) -> int:
        rows = db.execute(
            f"SELECT COUNT(*) AS n FROM {TABLE} WHERE due_at <= ?", [stored_time(now)]
        )
        return int(rows[0]["n"])
