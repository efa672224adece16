"""Projections: read models kept in SQL tables beside the events, with tracking.

A projection's rows and its tracking position are written in one transaction,
and the tracking row is locked while a page of events is applied, so every
event is applied exactly once even when several processes catch up at the same
time, and a projection that stopped resumes exactly where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Protocol

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

        Every projection reads the same pages: each page is selected and decoded
        once, and applied to each projection that has not applied it yet, in one
        transaction with their tracking rows (a projection that is ahead skips
        what it has applied).
        """
        applied = {projection.name: 0 for projection in self.projections}
        while True:
            counts, read = self._apply_page(page_size)
            for name, count in counts.items():
                applied[name] += count
            if read < page_size:
                return applied

    def _apply_page(self, page_size: int) -> tuple[dict[str, int], int]:
        """Apply the next page to every projection behind it: (applied each, page length)."""
        lock = " FOR UPDATE" if self.db.dialect == "postgres" else ""
        with self.db.transaction():
            positions = {}
            for projection in self.projections:  # always in this order: no lock cycles
                rows = self.db.execute(
                    f"SELECT position FROM {TRACKING_TABLE} WHERE projection = ?{lock}",
                    [projection.name],
                )
                positions[projection.name] = int(rows[0]["position"])
            notifications = self.source.recorder.select_notifications(
                start=min(positions.values(), default=0) + 1, limit=page_size
            )
            counts = dict.fromkeys(positions, 0)
            if not notifications:
                return counts, 0
            to_event = self.source.mapper.to_domain_event
            events = [(notification.id, to_event(notification)) for notification in notifications]
            last = events[-1][0]
            for projection in self.projections:
                position = positions[projection.name]
                if position >= last:
                    continue
                for number, event in events:
                    if number > position:
                        projection.apply(self.db, event)
                        counts[projection.name] += 1
                projection.flush(self.db)
                self.db.execute(
                    f"UPDATE {TRACKING_TABLE} SET position = ? WHERE projection = ?",
                    [last, projection.name],
                )
            return counts, len(notifications)

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
