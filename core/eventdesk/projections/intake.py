"""Read models of intake: the dead letters waiting for a person, and the deliveries
waiting to go out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventdesk.intake.model import DeadLetter, Delivery
from eventdesk.projections.base import Projection
from eventdesk.projections.incidents import stored_time
from eventdesk.storage import SQLDatabase

DEAD_LETTERS = "eventdesk_dead_letters"
DELIVERIES = "eventdesk_deliveries"


class DeadLetterIndex(Projection):
    name = "dead_letters"
    tables = (DEAD_LETTERS,)

    def create(self, db: SQLDatabase) -> None:
        db.execute(
            f"""CREATE TABLE IF NOT EXISTS {DEAD_LETTERS} (
                id TEXT PRIMARY KEY,
                channel TEXT NOT NULL,
                kind TEXT NOT NULL,
                reason TEXT NOT NULL,
                size BIGINT NOT NULL,
                state TEXT NOT NULL,
                received_at TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0)"""
        )
        db.execute(
            f"CREATE INDEX IF NOT EXISTS {DEAD_LETTERS}_state "
            f"ON {DEAD_LETTERS} (state, received_at)"
        )

    def apply(self, db: SQLDatabase, event: Any) -> None:
        letter = str(event.originator_id)
        if isinstance(event, DeadLetter.Recorded):
            db.execute(
                f"INSERT INTO {DEAD_LETTERS} (id, channel, kind, reason, size, state, received_at) "
                "VALUES (?, ?, ?, ?, ?, 'open', ?)",
                [
                    letter,
                    event.channel,
                    event.kind,
                    event.reason,
                    event.size,
                    stored_time(event.timestamp),
                ],
            )
        elif isinstance(event, DeadLetter.RetryFailed):
            db.execute(
                f"UPDATE {DEAD_LETTERS} SET reason = ?, attempts = attempts + 1 WHERE id = ?",
                [event.reason, letter],
            )
        elif isinstance(event, DeadLetter.RetrySucceeded):
            db.execute(
                f"UPDATE {DEAD_LETTERS} SET state = 'resolved', attempts = attempts + 1 "
                "WHERE id = ?",
                [letter],
            )
        elif isinstance(event, DeadLetter.Discarded):
            db.execute(f"UPDATE {DEAD_LETTERS} SET state = 'discarded' WHERE id = ?", [letter])

    def query(
        self, db: SQLDatabase, *, state: str | None, channel: str | None, limit: int
    ) -> list[dict[str, Any]]:
        where, params = [], []
        if state is not None:
            where.append("state = ?")
            params.append(state)
        if channel is not None:
            where.append("channel = ?")
            params.append(channel)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return db.execute(
            f"SELECT * FROM {DEAD_LETTERS}{clause} ORDER BY received_at, id LIMIT ?",
            [*params, limit],
        )


class DeliveryIndex(Projection):
    name = "deliveries"
    tables = (DELIVERIES,)

    def create(self, db: SQLDatabase) -> bool:
        # A table from before receipts lacks the receipt column: rebuild it from the events.
        rebuild = db.has_table(DELIVERIES) and not db.has_column(DELIVERIES, "receipt")
        if rebuild:
            db.execute(f"DROP TABLE {DELIVERIES}")
        db.execute(
            f"""CREATE TABLE IF NOT EXISTS {DELIVERIES} (
                id TEXT PRIMARY KEY,
                channel TEXT NOT NULL,
                incident TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_at TEXT,
                last_error TEXT,
                requested_at TEXT NOT NULL,
                receipt TEXT)"""
        )
        db.execute(
            f"CREATE INDEX IF NOT EXISTS {DELIVERIES}_due ON {DELIVERIES} (state, next_attempt_at)"
        )
        return rebuild

    def apply(self, db: SQLDatabase, event: Any) -> None:
        delivery = str(event.originator_id)
        if isinstance(event, Delivery.Requested):
            at = stored_time(event.timestamp)
            db.execute(
                f"INSERT INTO {DELIVERIES} (id, channel, incident, state, attempts, "
                "next_attempt_at, requested_at) VALUES (?, ?, ?, 'pending', 0, ?, ?)",
                [delivery, event.channel, event.incident, at, at],
            )
        elif isinstance(event, Delivery.Delivered):
            db.execute(
                f"UPDATE {DELIVERIES} SET state = 'delivered', attempts = ?, "
                "next_attempt_at = NULL, last_error = NULL WHERE id = ?",
                [event.attempt, delivery],
            )
        elif isinstance(event, Delivery.AttemptFailed):
            due = event.next_attempt_at
            db.execute(
                f"UPDATE {DELIVERIES} SET state = ?, attempts = ?, next_attempt_at = ?, "
                "last_error = ? WHERE id = ?",
                [
                    "pending" if due is not None else "failed",
                    event.attempt,
                    stored_time(due) if due is not None else None,
                    event.error,
                    delivery,
                ],
            )
        elif isinstance(event, Delivery.ReceiptRecorded):
            db.execute(
                f"UPDATE {DELIVERIES} SET receipt = ? WHERE id = ?", [event.status, delivery]
            )

    def due(self, db: SQLDatabase, now: datetime, limit: int) -> list[str]:
        rows = db.execute(
            f"SELECT id FROM {DELIVERIES} WHERE state = 'pending' AND next_attempt_at <= ? "
            "ORDER BY next_attempt_at LIMIT ?",
            [stored_time(now), limit],
        )
        return [row["id"] for row in rows]

    def query(
        self, db: SQLDatabase, *, state: str | None, incident: str | None, limit: int
    ) -> list[dict[str, Any]]:
        where, params = [], []
        if state is not None:
            where.append("state = ?")
            params.append(state)
        if incident is not None:
            where.append("incident = ?")
            params.append(incident)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        return db.execute(
            f"SELECT * FROM {DELIVERIES}{clause} ORDER BY requested_at, id LIMIT ?",
            [*params, limit],
        )
