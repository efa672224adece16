"""Projections: read models kept in SQL tables beside the events, with tracking.

A projection's rows and its tracking position are written in one transaction,
and the tracking row is locked while a page of events is applied, so every
event is applied exactly once even when several processes catch up at the same
time, and a projection that stopped resumes exactly where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Protocol

from eventdesk.privacy import ERASED
from eventdesk.storage import SQLDatabase

TRACKING_TABLE = "eventdesk_tracking"
PAGE_SIZE = 500
# A rebuild reads everything: larger pages mean fewer flushes (read models that
# recompute what a page touched do it once per page), at a bounded memory cost.
REBUILD_PAGE_SIZE = 2000


class EventSource(Protocol):
    """The part of an eventsourcing ``Application`` a projector reads from."""

    recorder: Any
    mapper: Any


def follow(
    source: EventSource,
    position: int,
    topics: Sequence[str],
    apply: Callable[[Any], None],
    page_size: int = 1000,
) -> int:
    """Apply, in the order stored, the events of ``topics`` stored after ``position`` and
    up to the head as it is now; returns the new position: the head, so that the next
    call looks only at what came after, whether or not any of it was of these topics.

    For in-memory views that every process keeps for itself (events become visible in
    number order: see pg_recorder).
    """
    head = int(source.recorder.max_notification_id() or 0)
    while position < head:
        notifications = source.recorder.select_notifications(
            start=position + 1, stop=head, limit=page_size, topics=topics
        )
        for notification in notifications:
            apply(source.mapper.to_domain_event(notification))
            position = notification.id
        if len(notifications) < page_size:
            position = head
    return position


def erase_columns(
    db: SQLDatabase, table: str, columns: Sequence[str], key: str, keys: Sequence[str]
) -> None:
    """Overwrite personal columns of the rows of a forgotten contact with ``[erased]``,
    as a rebuild from the events would show them."""
    if not keys:
        return
    sets = ", ".join(f"{column} = ?" for column in columns)
    marks = ", ".join("?" for _ in keys)
    db.execute(
        f"UPDATE {table} SET {sets} WHERE {key} IN ({marks})",
        [*(ERASED for _ in columns), *keys],
    )


class Projection:
    """A read model: tables, and how each event changes them.

    Subclasses set ``name`` and ``tables`` and implement ``create`` and ``apply``.
    ``apply`` is called for every event, including those it ignores.
    """

    name: ClassVar[str]
    tables: ClassVar[tuple[str, ...]]

    def create(self, db: SQLDatabase) -> bool | None:
        """Create the tables if missing; return True if they were remade empty."""
        raise NotImplementedError

    def apply(self, db: SQLDatabase, event: Any) -> None:
        raise NotImplementedError

    def flush(self, db: SQLDatabase) -> None:
        """Called after each page of events, inside its transaction."""


class Projector:
    """Keeps projections up to date with one application's events."""

    def __init__(
        self, source: EventSource, db: SQLDatabase, projections: Sequence[Projection]
    ) -> None:
        self.source = source
        self.db = db
        self.projections = tuple(projections)
        self._create_tables()

    def _create_tables(self) -> None:
        with self.db.transaction():
            self.db.execute(
                f"CREATE TABLE IF NOT EXISTS {TRACKING_TABLE} "
                "(projection TEXT PRIMARY KEY, position BIGINT NOT NULL)"
            )
            for projection in self.projections:
                remade = projection.create(self.db)
                self._ensure_tracking(projection)
                if remade:
                    self.db.execute(
                        f"UPDATE {TRACKING_TABLE} SET position = 0 WHERE projection = ?",
                        [projection.name],
                    )

    def _ensure_tracking(self, projection: Projection) -> None:
        exists = self.db.execute(
            f"SELECT 1 FROM {TRACKING_TABLE} WHERE projection = ?", [projection.name]
        )
        if not exists:
            self.db.execute(
                f"INSERT INTO {TRACKING_TABLE} (projection, position) VALUES (?, 0)",
                [projection.name],
            )

    def position(self, projection: Projection) -> int:
        rows = self.db.execute(
            f"SELECT position FROM {TRACKING_TABLE} WHERE projection = ?", [projection.name]
        )
        return int(rows[0]["position"]) if rows else 0

    def head(self) -> int:
        return int(self.source.recorder.max_notification_id() or 0)

    def catch_up(self, page_size: int = PAGE_SIZE) -> int:
        """Apply every event not yet applied; returns how many events were new.

        Each projection catches up on its own; an event new to several of them
        is counted once.
        """
        return max(self.catch_up_each(page_size).values(), default=0)

    def catch_up_each(self, page_size: int = PAGE_SIZE) -> dict[str, int]:
        """Catch up; returns how many events each projection applied.

        Projections that have got equally far read and decode each page of events
        once between them (after a rebuild, all of them), in one transaction.
        """
        applied = dict.fromkeys((p.name for p in self.projections), 0)
        behind = list(self.projections)
        while behind:
            counts = self._apply_pages(behind, page_size)
            for name, count in counts.items():
                applied[name] += count
            behind = [p for p in behind if counts[p.name] >= page_size]
        return applied

    def _apply_pages(self, projections: Sequence[Projection], page_size: int) -> dict[str, int]:
        """Apply the next page of events to each projection; returns how many each applied."""
        lock = " FOR UPDATE" if self.db.dialect == "postgres" else ""
        counts: dict[str, int] = {}
        with self.db.transaction():
            at: dict[int, list[Projection]] = {}
            for projection in sorted(projections, key=lambda p: p.name):  # lock order
                rows = self.db.execute(
                    f"SELECT position FROM {TRACKING_TABLE} WHERE projection = ?{lock}",
                    [projection.name],
                )
                at.setdefault(int(rows[0]["position"]), []).append(projection)
            for position, sharing in at.items():
                notifications = self.source.recorder.select_notifications(
                    start=position + 1, limit=page_size
                )
                events = [self.source.mapper.to_domain_event(n) for n in notifications]
                for projection in self._in_order(sharing):
                    counts[projection.name] = len(events)
                    if not events:
                        continue
                    for event in events:
                        projection.apply(self.db, event)
                    projection.flush(self.db)
                    self.db.execute(
                        f"UPDATE {TRACKING_TABLE} SET position = ? WHERE projection = ?",
                        [notifications[-1].id, projection.name],
                    )
        return counts

    def _in_order(self, projections: Sequence[Projection]) -> list[Projection]:
        """In the projector's order: a projection may read the tables of those before it."""
        return [p for p in self.projections if p in projections]

    def rebuild(self, page_size: int = REBUILD_PAGE_SIZE) -> int:
        """Empty every read model and apply all events again from the start."""
        with self.db.transaction():
            for projection in self.projections:
                for table in projection.tables:
                    self.db.execute(f"DELETE FROM {table}")
                self.db.execute(
                    f"UPDATE {TRACKING_TABLE} SET position = 0 WHERE projection = ?",
                    [projection.name],
                )
        return self.catch_up(page_size)
