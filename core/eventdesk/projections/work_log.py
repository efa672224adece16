"""The work log: every stretch of work recorded on an incident, for cost reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventdesk.domain.incident import Incident
from eventdesk.projections.base import Projection
from eventdesk.projections.incidents import TABLE as INCIDENTS
from eventdesk.projections.incidents import read_time, stored_time
from eventdesk.storage import SQLDatabase

TABLE = "eventdesk_work_log"


class WorkLog(Projection):
    name = "work_log"
    tables = (TABLE,)

    def create(self, db: SQLDatabase) -> None:
        db.execute(
            f"""CREATE TABLE IF NOT EXISTS {TABLE} (
                incident_id TEXT NOT NULL,
                version BIGINT NOT NULL,
                at TEXT NOT NULL,
                minutes INTEGER NOT NULL,
                team TEXT,
                agent TEXT NOT NULL,
                PRIMARY KEY (incident_id, version))"""
        )
        db.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_at ON {TABLE} (at)")

    def apply(self, db: SQLDatabase, event: Any) -> None:
        if isinstance(event, Incident.WorkLogged):
            db.execute(
                f"INSERT INTO {TABLE} (incident_id, version, at, minutes, team, agent) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    str(event.originator_id),
                    event.originator_version,
                    stored_time(event.timestamp),
                    event.minutes,
                    event.team,
                    event.actor,
                ],
            )

    def entries(
        self, db: SQLDatabase, tenant: str, since: datetime, until: datetime
    ) -> list[tuple[datetime, int, str | None]]:
        """(when, minutes, team) of the tenant's work logged in [since, until)."""
        rows = db.execute(
            f"SELECT w.at, w.minutes, w.team FROM {TABLE} w JOIN {INCIDENTS} i "
            "ON i.id = w.incident_id WHERE i.tenant = ? AND w.at >= ? AND w.at < ? "
            "ORDER BY w.at",
            [tenant, stored_time(since), stored_time(until)],
        )
        return [(read_time(r["at"]), int(r["minutes"]), r["team"]) for r in rows]

    def openings(
        self, db: SQLDatabase, tenant: str, since: datetime, until: datetime
    ) -> list[datetime]:
        """When each of the tenant's incidents was opened in [since, until)."""
        rows = db.execute(
            f"SELECT opened_at FROM {INCIDENTS} WHERE tenant = ? AND opened_at >= ? "
            "AND opened_at < ? ORDER BY opened_at",
            [tenant, stored_time(since), stored_time(until)],
        )
        return [read_time(r["opened_at"]) for r in rows]
