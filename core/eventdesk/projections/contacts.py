"""The contact index: one row per contact, to list and search them."""

from __future__ import annotations

from typing import Any

from eventdesk.contacts.model import Contact
from eventdesk.privacy import ERASED
from eventdesk.projections.base import Projection
from eventdesk.projections.incidents import stored_time
from eventdesk.storage import SQLDatabase

TABLE = "eventdesk_contacts"


class ContactIndex(Projection):
    name = "contacts"
    tables = (TABLE,)

    def create(self, db: SQLDatabase) -> None:
        db.execute(
            f"""CREATE TABLE IF NOT EXISTS {TABLE} (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                tenant TEXT,
                identities TEXT NOT NULL,
                merged_into TEXT,
                created_at TEXT NOT NULL)"""
        )
        db.execute(f"CREATE INDEX IF NOT EXISTS {TABLE}_tenant ON {TABLE} (tenant)")

    def apply(self, db: SQLDatabase, event: Any) -> None:
        contact = str(event.originator_id)
        if isinstance(event, Contact.Created):
            db.execute(
                f"INSERT INTO {TABLE} (id, name, tenant, identities, merged_into, created_at) "
                "VALUES (?, ?, ?, ?, NULL, ?)",
                [
                    contact,
                    event.name,
                    event.tenant,
                    " ".join(event.identities),
                    stored_time(event.timestamp),
                ],
            )
        elif isinstance(event, Contact.IdentityAdded):
            db.execute(
                f"UPDATE {TABLE} SET identities = identities || ' ' || ? WHERE id = ?",
                [event.identity, contact],
            )
        elif isinstance(event, Contact.Renamed):
            db.execute(f"UPDATE {TABLE} SET name = ? WHERE id = ?", [event.name, contact])
        elif isinstance(event, Contact.Absorbed):
            if event.identities:
                db.execute(
                    f"UPDATE {TABLE} SET identities = identities || ' ' || ?, tenant = ? "
                    "WHERE id = ?",
                    [" ".join(event.identities), event.tenant, contact],
                )
        elif isinstance(event, Contact.Forgotten):
            db.execute(
                f"UPDATE {TABLE} SET name = ?, identities = '' WHERE id = ?", [ERASED, contact]
            )
        elif isinstance(event, Contact.MergedInto):
            db.execute(f"UPDATE {TABLE} SET merged_into = ? WHERE id = ?", [event.target, contact])

    def search(
        self,
        db: SQLDatabase,
        *,
        tenant: str | None,
        text: str | None,
        tenants: set[str] | None,
        limit: int,
    ) -> list[str]:
        """Ids of contacts not merged away, by name, filtered."""
        where = ["merged_into IS NULL"]
        params: list[Any] = []
        if tenant is not None:
            where.append("tenant = ?")
            params.append(tenant)
        if tenants is not None:
            if not tenants:
                return []
            where.append(f"tenant IN ({', '.join('?' for _ in tenants)})")
            params.extend(sorted(tenants))
        if text:
            lower = "LOWER" if db.dialect == "postgres" else "eventdesk_lower"
            where.append(
                f"(instr({lower}(name), ?) > 0 OR instr({lower}(identities), ?) > 0)"
                if db.dialect == "sqlite"
                else f"(strpos({lower}(name), ?) > 0 OR strpos({lower}(identities), ?) > 0)"
            )
            params.extend([text.lower(), text.lower()])
        rows = db.execute(
            f"SELECT id FROM {TABLE} WHERE {' AND '.join(where)} ORDER BY name, id LIMIT ?",
            [*params, limit],
        )
        return [row["id"] for row in rows]
