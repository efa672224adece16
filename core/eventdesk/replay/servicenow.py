"""The ServiceNow incident event log (one row per update of an incident record).

Each row is a snapshot of the whole record as it stood after an update
(``sys_mod_count`` counts them). The mapping onto EventDesk's lifecycle is
:data:`STEPS` (documented in ``docs/replay.md``). Times are ``d/m/yyyy HH:MM``
without a time zone: they are taken as UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from eventdesk.domain.incident import HoldReason
from eventdesk.replay.model import Move, Opening, Rejection, SourceCase, SourceRow, Step
from eventdesk.replay.reading import SourceLog, csv_rows, group_by_case, open_text

SOURCE = "servicenow"
MISSING = "?"

STEPS: dict[str, Step] = {
    "New": Step(Move.NEW),
    "Active": Step(Move.PROGRESS),
    "Awaiting User Info": Step(Move.HOLD, HoldReason.AWAITING_CALLER),
    "Awaiting Evidence": Step(Move.HOLD, HoldReason.AWAITING_CALLER),
    "Awaiting Vendor": Step(Move.HOLD, HoldReason.AWAITING_VENDOR),
    "Awaiting Problem": Step(Move.HOLD, HoldReason.AWAITING_PROBLEM),
    "Resolved": Step(Move.RESOLVE),
    "Closed": Step(Move.CLOSE),
}

# contact_type → the channel EventDesk names.
CHANNELS = {"Phone": "voice", "IVR": "voice", "Email": "email", "Self service": "web"}

COLUMNS = {
    name: (name,)
    for name in (
        "number",
        "incident_state",
        "sys_mod_count",
        "caller_id",
        "opened_by",
        "opened_at",
        "sys_updated_by",
        "sys_updated_at",
        "contact_type",
        "category",
        "subcategory",
        "cmdb_ci",
        "impact",
        "urgency",
        "priority",
        "assignment_group",
        "assigned_to",
        "closed_code",
        "resolved_by",
    )
}


def parse_time(text: str) -> datetime:
    """``29/2/2016 01:16`` (day first, no time zone) as UTC.

    >>> parse_time("29/2/2016 01:16").isoformat()
    '2016-02-29T01:16:00+00:00'
    """
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"time {text!r} is not d/m/yyyy HH:MM")
    day, month, year, hour, minute = map(int, match.groups())
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


_TIME = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d{2})")


def level(text: str) -> int:
    """``2 - Medium`` → 2."""
    return int(text.split(" - ", 1)[0])


def read_servicenow(path: str | Path) -> SourceLog:
    log = SourceLog(SOURCE)
    keyed = []
    with open_text(path) as stream:
        for number, record in csv_rows(stream, COLUMNS):
            log.rows_read += 1
            keyed.append((record["number"], (number, record)))
    for case_id, rows in group_by_case(keyed).items():
        rows.sort(key=lambda numbered: _update_number(numbered[1]))
        mapped: list[SourceRow] = []
        for number, record in rows:
            try:
                mapped.append(_row(number, record))
            except ValueError as error:
                reason = f"unreadable row: {error}"
                log.unreadable.append(Rejection(case_id, number, record["incident_state"], reason))
        if mapped:
            log.cases.append(_case(case_id, rows[0][1], mapped))
    return log


def _update_number(record: dict[str, str]) -> int:
    try:
        return int(record["sys_mod_count"])
    except ValueError:
        return 0


def _value(record: dict[str, str], field: str) -> str | None:
    value = record[field]
    return None if value in ("", MISSING) else value


def _row(number: int, record: dict[str, str]) -> SourceRow:
    state = record["incident_state"]
    step = STEPS.get(state)
    if step is not None and step.move in (Move.RESOLVE, Move.CLOSE):
        step = Step(step.move, code=_value(record, "closed_code") or "resolved")
    assignee = _value(record, "assigned_to")
    actor = assignee or record["sys_updated_by"]
    if step is not None and step.move == Move.RESOLVE:
        actor = _value(record, "resolved_by") or actor
    return SourceRow(
        number=number,
        at=parse_time(record["sys_updated_at"]),
        status=state,
        step=step,
        actor=actor,
        group=_value(record, "assignment_group"),
        assignee=assignee,
        priority=_levels(record),
    )


def _levels(record: dict[str, str]) -> tuple[int, int, int] | None:
    try:
        return level(record["impact"]), level(record["urgency"]), level(record["priority"])
    except ValueError:
        return None


def _case(case_id: str, first: dict[str, str], rows: list[SourceRow]) -> SourceCase:
    impact, urgency, priority = rows[0].priority or (2, 2, 3)
    opened = _value(first, "opened_at")
    category = _value(first, "category")
    subcategory = _value(first, "subcategory")
    return SourceCase(
        source=SOURCE,
        case_id=case_id,
        opening=Opening(
            at=parse_time(opened) if opened else rows[0].at,
            actor=_value(first, "opened_by") or _value(first, "caller_id") or "unknown",
            summary=f"ServiceNow {case_id}: {category or 'no category'}",
            description=f"Imported from a ServiceNow incident event log, {case_id}.",
            impact=impact,
            urgency=urgency,
            priority=priority,
            category=category,
            subcategory=subcategory,
            configuration_item=_value(first, "cmdb_ci"),
            caller=_value(first, "caller_id"),
            channel=CHANNELS.get(first["contact_type"]),
        ),
        rows=tuple(rows),
    )
