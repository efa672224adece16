"""What an importer reads from another tool's log, and what it reports back.

A reader turns a file into :class:`SourceCase` values: one per external case,
its opening and its rows in time order, each row already mapped onto a
:class:`Step` of EventDesk's lifecycle (or carrying the reason it has none).
The replayer drives an incident through those steps; the report says what was
written and lists every row that did not fit, with its reason.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import attrs

from eventdesk.domain.incident import HoldReason


class Move(StrEnum):
    """Where a source row takes the incident's lifecycle."""

    PROGRESS = "in_progress"  # start, resume or reopen as needed
    HOLD = "on_hold"  # with a hold reason
    RESOLVE = "resolved"  # with a resolution code
    CLOSE = "closed"
    CANCEL = "cancelled"
    NEW = "new"  # the incident is still new: nothing to do unless it has moved on
    KEEP = "keep"  # no change of state (a queue or an assignment only)


@attrs.frozen
class Step:
    """A source status mapped onto the lifecycle."""

    move: Move
    hold_reason: HoldReason | None = None
    code: str | None = None  # the resolution code of RESOLVE (and CLOSE from an open state)

    def describe(self) -> str:
        """The step as the mapping tables write it: ``on_hold (awaiting_caller)``."""
        detail = self.hold_reason.value if self.hold_reason else self.code
        return f"{self.move.value} ({detail})" if detail else self.move.value


@attrs.frozen
class SourceRow:
    """One row (event) of an external case, mapped."""

    number: int  # the row's place in the file (1 = the first data row), for reports
    at: datetime  # UTC
    status: str  # the source's status, as written there (``Accepted / Wait - User``)
    step: Step | None  # None: the status has no place in the lifecycle
    actor: str
    group: str | None = None
    line: int | None = None  # the support line of ``group`` (1st, 2nd, 3rd), if the log has one
    assignee: str | None = None
    priority: tuple[int, int, int] | None = None  # impact, urgency, priority, when it changes


@attrs.frozen
class Opening:
    """How the incident of an external case is opened."""

    at: datetime
    actor: str
    summary: str
    impact: int
    urgency: int
    priority: int
    description: str = ""
    category: str | None = None
    subcategory: str | None = None
    configuration_item: str | None = None
    caller: str | None = None
    channel: str | None = None


@attrs.frozen
class SourceCase:
    """One external case: its id in the source, its opening and its rows in time order."""

    source: str
    case_id: str
    opening: Opening
    rows: tuple[SourceRow, ...]


@attrs.frozen
class Rejection:
    """A source row that does not fit the lifecycle, and why."""

    case_id: str
    row: int
    status: str
    reason: str

    def to_mapping(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.define
class ImportReport:
    """What one import did: cases and events written, cases skipped, rows rejected."""

    source: str
    file: str
    cases_read: int = 0
    rows_read: int = 0
    cases_imported: int = 0
    cases_skipped: int = 0  # imported before (same source and case id)
    events_written: int = 0
    rejected: list[Rejection] = attrs.field(factory=list)

    def to_mapping(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "file": self.file,
            "cases_read": self.cases_read,
            "rows_read": self.rows_read,
            "cases_imported": self.cases_imported,
            "cases_skipped": self.cases_skipped,
            "events_written": self.events_written,
            "rows_rejected": len(self.rejected),
            "rejected": [rejection.to_mapping() for rejection in self.rejected],
        }
