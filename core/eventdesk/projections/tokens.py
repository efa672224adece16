"""The list of API tokens: name, prefix, actor and state of each (never the token)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventdesk.projections.base import Projection
from eventdesk.projections.incidents import read_time, stored_time
from eventdesk.storage import SQLDatabase
from eventdesk.tokens.model import ApiToken
from eventdesk.tokens.views import TokenView

TABLE = "eventdesk_api_tokens"


class TokenIndex(Projection):
    name = "api_tokens"
    tables = (TABLE,)

    def create(self, db: SQLDatabase) -> bool:
        # A table from before scopes lacks the scope column: rebuild it from the events.
        rebuild = db.has_table(TABLE) and not db.has_column(TABLE, "scope")
        if rebuild:
            db.execute(f"DROP TABLE {TABLE}")
        db.execute(
            f"""CREATE TABLE IF NOT EXISTS {TABLE} (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                prefix TEXT NOT NULL,
                actor TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                revoked_by TEXT,
                revoked_at TEXT,
                scope TEXT NOT NULL DEFAULT 'write')"""
        )
        db.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_name ON {TABLE} (name)")
        return rebuild

    def apply(self, db: SQLDatabase, event: Any) -> None:
        if isinstance(event, ApiToken.Created):
            db.execute(
                f"INSERT INTO {TABLE} (id, name, prefix, actor, created_by, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    str(event.originator_id),
                    event.name,
                    event.prefix,
                    event.actor_spec,
                    event.actor,
                    stored_time(event.timestamp),
                ],
            )
        elif isinstance(event, ApiToken.Scoped):
            db.execute(
                f"UPDATE {TABLE} SET scope = ? WHERE id = ?",
                [event.scope, str(event.originator_id)],
            )
        elif isinstance(event, ApiToken.Revoked):
            db.execute(
                f"UPDATE {TABLE} SET revoked_by = ?, revoked_at = ? WHERE id = ?",
                [event.actor, stored_time(event.timestamp), str(event.originator_id)],
            )

    def query(self, db: SQLDatabase, *, name: str | None = None) -> list[TokenView]:
        """Every token (or those of one name), oldest first."""
        where, params = ("WHERE name = ? ", [name]) if name is not None else ("", [])
        rows = db.execute(f"SELECT * FROM {TABLE} {where}ORDER BY created_at, id", params)
        return [_view(row) for row in rows]


def _view(row: dict[str, Any]) -> TokenView:
    return TokenView(
        id=UUID(row["id"]),
        name=row["name"],
        prefix=row["prefix"],
        actor=row["actor"],
        created_by=row["created_by"],
        created_at=read_time(row["created_at"]),
        revoked_by=row["revoked_by"],
        revoked_at=read_time(row["revoked_at"]) if row["revoked_at"] else None,
        scope=row["scope"],
    )
