"""Write replayed cases into a desk: in batches, once per external case.

Every external case gets an import key, ``uuid5(namespace, "source:case id")``,
which is the id of an :class:`ImportedCase` aggregate saved in the same
transaction as the case's incident. A case whose key is in the store was
imported before and is skipped, so importing a file twice adds nothing; and
two imports racing for the same case cannot both commit it.

Cases are saved many to a transaction (group commit), and the read models
catch up once at the end, not per case.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from eventdesk.domain.numbering import find_last_number, incident_id
from eventdesk.errors import ConcurrencyConflictError, EventDeskError
from eventdesk.replay.model import ImportReport, Rejection, SourceCase
from eventdesk.replay.reading import SourceLog
from eventdesk.replay.replayer import replay_case

IMPORT_NAMESPACE = uuid.UUID("0b8f3f3e-7a36-5d55-8a43-52c1a8e0f1d7")
BATCH_SIZE = 500  # cases per transaction
_ATTEMPTS = 5

Progress = Callable[[int], None]
"""Told how many more cases are done."""


def import_key(source: str, case_id: str) -> uuid.UUID:
    """The id under which case ``case_id`` of ``source`` is recorded as imported."""
    return uuid.uuid5(IMPORT_NAMESPACE, f"{source}:{case_id}")


class ImportedCase(Aggregate):
    """The record that an external case was imported, and as which incident."""

    @staticmethod
    def create_id(source: str, case_id: str, **_: Any) -> uuid.UUID:
        return import_key(source, case_id)

    @event("Imported")
    def __init__(
        self, source: str, case_id: str, number: str, rows_rejected: int, timestamp: datetime
    ) -> None:
        self.source = source
        self.case_id = case_id
        self.number = number
        self.rows_rejected = rows_rejected


def import_log(
    desk: Any,
    log: SourceLog,
    *,
    file: str = "",
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    catch_up: bool = True,
) -> ImportReport:
    """Replay every case of ``log`` not imported before into ``desk`` (a ServiceDesk)."""
    report = ImportReport(
        source=log.source, file=file, cases_read=len(log.cases), rows_read=log.rows_read
    )
    report.rejected.extend(log.unreadable)
    imported_before = set(imported_numbers(desk, log.source).values())
    for start in range(0, len(log.cases), batch_size):
        batch = log.cases[start : start + batch_size]
        _save_batch(desk, batch, report, imported_before)
        if progress is not None:
            progress(len(batch))
    if catch_up:
        desk.catch_up()
    return report


def _save_batch(
    desk: Any, batch: Sequence[SourceCase], report: ImportReport, imported_before: set[str]
) -> None:
    """Save the batch's new cases in one transaction; if another writer took one of
    their numbers or cases meanwhile, look again, case by case, and retry."""
    for attempt in range(_ATTEMPTS):
        if attempt == 0:
            new = [case for case in batch if case.case_id not in imported_before]
        else:
            new = [case for case in batch if not _imported(desk, case)]
        skipped = len(batch) - len(new)
        if not new:
            report.cases_skipped += skipped
            return
        last = find_last_number(lambda n: _exists(desk, incident_id(n)), 0)
        aggregates: list[Aggregate] = []
        rejected: list[Rejection] = []
        events = imported = 0
        at = desk.clock.now()
        for case in new:
            try:
                incident, case_rejected = replay_case(case, last + imported + 1)
            except EventDeskError as error:  # the opening itself does not fit
                first = case.rows[0]
                reason = f"the case cannot be opened: {error}"
                rejected.append(Rejection(case.case_id, first.number, first.status, reason))
                continue
            imported += 1
            events += len(incident.pending_events)
            rejected.extend(case_rejected)
            marker = ImportedCase(
                source=case.source,
                case_id=case.case_id,
                number=incident.number,
                rows_rejected=len(case_rejected),
                timestamp=at,
            )
            aggregates += [incident, marker]
        try:
            desk.save(*aggregates)
        except IntegrityError:
            continue
        report.cases_skipped += skipped
        report.cases_imported += imported
        report.events_written += events
        report.rejected.extend(rejected)
        return
    raise ConcurrencyConflictError("an import batch", None, None)


def _imported(desk: Any, case: SourceCase) -> bool:
    return _exists(desk, import_key(case.source, case.case_id))


def _exists(desk: Any, aggregate_id: uuid.UUID) -> bool:
    return bool(desk.recorder.select_events(aggregate_id, limit=1))


def imported_numbers(desk: Any, source: str) -> dict[str, str]:
    """Incident number → external case id, for every case of ``source`` imported."""
    topic = get_topic(ImportedCase.Imported)  # type: ignore[attr-defined]
    numbers: dict[str, str] = {}
    position = 0
    while True:
        page = desk.recorder.select_notifications(start=position + 1, limit=1000, topics=[topic])
        for notification in page:
            marker = desk.mapper.to_domain_event(notification)
            if marker.source == source:
                numbers[marker.number] = marker.case_id
            position = notification.id
        if len(page) < 1000:
            return numbers
