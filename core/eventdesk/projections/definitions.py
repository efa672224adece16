"""The index of named definitions (calendars, SLA policies, settings)."""

from __future__ import annotations

from typing import Any

from eventdesk.domain.definition import Definition
from eventdesk.projections.base import Projection
from eventdesk.projections.incidents import stored_time
from eventdesk.storage import SQLDatabase

TABLE = "eventdesk_definitions"


class DefinitionIndex(Projection):
    name = "definitions"
    tables = (TABLE,)

    def create(self, db: SQLDatabase) -> None:
        db.execute(
            f"""CREATE TABLE IF NOT EXISTS {TABLE} (
                kind TEXT NOT NULL, name TEXT NOT NULL, id TEXT NOT NULL,
                version BIGINT NOT NULL, updated_at TEXT NOT NULL,
                PRIMARY KEY (kind, name))"""
        )

    def apply(self, db: SQLDatabase, event: Any) -> None:
        if isinstance(event, Definition.Defined):
            db.execute(
                f"INSERT INTO {TABLE} (kind, name, id, version, updated_at) VALUES (?, ?, ?, ?, ?)",
                [
                    event.kind,
                    event.name,
                    str(event.originator_id),
                    event.originator_version,
                    stored_time(event.timestamp),
                ],
            )
        elif isinstance(event, Definition.Revised):
            db.execute(
                f"UPDATE {TABLE} SET version = ?, updated_at = ? WHERE id = ?",
                [event.originator_version, stored_time(event.timestamp), str(event.originator_id)],
            )

    def names(self, db: SQLDatabase, kind: str) -> list[str]:
        rows = db.execute(f"SELECT name FROM {TABLE} WHERE kind = ? ORDER BY name", [kind])
        return [row["name"] for row in rows]
