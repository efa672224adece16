"""The BPI Challenge 2013 log (Volvo IT Belgium, VINST): XES or CSV, gzipped or not.

Each row is a change of status / sub status of a service request (SR), with
the support team involved (suffix ``2nd`` / ``3rd`` for the 2nd and 3rd
line), the owner's first name, the impact and the product. The mapping onto
EventDesk's lifecycle is :data:`STEPS` (documented in ``docs/replay.md``).
"""

from __future__ import annotations

import html
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from eventdesk.domain.incident import HoldReason
from eventdesk.domain.priority import PriorityMatrix
from eventdesk.replay.model import Move, Opening, Rejection, SourceCase, SourceRow, Step
from eventdesk.replay.reading import SourceLog, csv_rows, group_by_case, open_binary, open_text

SOURCE = "bpi2013"

# Sub status (the status before it is implied) → the lifecycle.
STEPS: dict[str, Step | None] = {
    "Queued / Awaiting Assignment": Step(Move.KEEP),
    "Accepted / Assigned": Step(Move.KEEP),
    "Accepted / In Progress": Step(Move.PROGRESS),
    "Accepted / Wait": Step(Move.HOLD, HoldReason.AWAITING_VENDOR),
    "Accepted / Wait - User": Step(Move.HOLD, HoldReason.AWAITING_CALLER),
    "Accepted / Wait - Customer": Step(Move.HOLD, HoldReason.AWAITING_CALLER),
    "Accepted / Wait - Vendor": Step(Move.HOLD, HoldReason.AWAITING_VENDOR),
    "Accepted / Wait - Implementation": Step(Move.HOLD, HoldReason.AWAITING_CHANGE),
    "Completed / Resolved": Step(Move.RESOLVE, code="resolved"),
    "Completed / In Call": Step(Move.RESOLVE, code="resolved in call"),
    "Completed / Closed": Step(Move.CLOSE, code="closed"),
    "Completed / Cancelled": Step(Move.CANCEL),
    "Unmatched / Unmatched": None,
}

# The SR's impact → EventDesk's impact and urgency (the log has no urgency).
IMPACTS: dict[str, tuple[int, int]] = {
    "Major": (1, 1),
    "High": (1, 2),
    "Medium": (2, 2),
    "Low": (3, 2),
}

# Column aliases: the flat CSV, IBM's and the original challenge CSVs (incidents, problems).
CSV_COLUMNS = {
    "case": ("sr_number", "SR Number", "Problem Number"),
    "at": ("timestamp", "Change Date+Time", "Problem Change Date+Time"),
    "status": ("status", "Status", "Problem Status"),
    "sub_status": ("sub_status", "Sub Status", "Problem Sub Status"),
    "team": ("involved_st", "Involved ST", "Problem Involved Owner ST"),
    "org_line": ("involved_org_line_3", "Involved Org line 3", "Problem Involved ST Org line 3"),
    "function_div": (
        "involved_st_function_div",
        "Involved ST Function Div",
        "Problem Involved ST Function Div",
    ),
    "impact": ("impact", "SR Latest Impact", "Problem Latest Impact"),
    "product": ("product", "Product"),
    "country": ("country", "Country"),
    "owner": ("owner_first_name", "Owner First Name", "Problem Involved Action Owner First Name"),
}

XES_KEYS = {
    "time:timestamp": "at",
    "concept:name": "status",
    "lifecycle:transition": "sub_status",
    "org:group": "team",
    "organization involved": "org_line",
    "org:role": "function_div",
    "impact": "impact",
    "product": "product",
    "organization country": "country",
    "org:resource": "owner",
}


def support_line(team: str | None) -> int:
    """The support line of a VINST team: ``V5 3rd`` → 3, ``J11 2nd`` → 2, ``V30`` → 1."""
    suffix = (team or "").rsplit(" ", 1)[-1]
    return {"2nd": 2, "3rd": 3}.get(suffix, 1)


def status_of(status: str, sub_status: str) -> str:
    return f"{status} / {sub_status}"


def read_bpi2013(path: str | Path) -> SourceLog:
    """Read the log: XES if it starts with ``<``, else CSV."""
    with open_binary(path) as data:
        head = data.read(64).lstrip()
    records = _xes_records(path) if head.startswith(b"<") else _csv_records(path)
    log = SourceLog(SOURCE)
    keyed = []
    for number, record in records:
        log.rows_read += 1
        keyed.append((record["case"], (number, record)))
    matrix = PriorityMatrix.default()
    for case_id, rows in group_by_case(keyed).items():
        mapped: list[SourceRow] = []
        for number, record in rows:
            row = _row(number, record, matrix)
            if isinstance(row, str):
                status = status_of(record.get("status", ""), record.get("sub_status", ""))
                log.unreadable.append(Rejection(case_id, number, status, row))
            else:
                mapped.append(row)
        if mapped:
            mapped.sort(key=lambda row: row.at)
            log.cases.append(_case(case_id, rows[0][1], mapped))
    return log


def _case(case_id: str, first: dict[str, str], rows: list[SourceRow]) -> SourceCase:
    impact, urgency, priority = rows[0].priority or (2, 2, 3)
    product = first.get("product") or "unknown product"
    org_line = first.get("org_line") or None
    country = first.get("country") or "unknown"
    return SourceCase(
        source=SOURCE,
        case_id=case_id,
        opening=Opening(
            at=rows[0].at,
            actor=rows[0].actor,
            summary=f"VINST SR {case_id}: {product}",
            description=(
                f"Imported from the BPI Challenge 2013 log (Volvo IT VINST), SR {case_id}; "
                f"country {country}."
            ),
            impact=impact,
            urgency=urgency,
            priority=priority,
            category=org_line,
            subcategory=first.get("function_div") or None,
            configuration_item=product,
        ),
        rows=tuple(rows),
    )


def _row(number: int, record: dict[str, str], matrix: PriorityMatrix) -> SourceRow | str:
    """The mapped row, or the reason it cannot be read."""
    try:
        at = datetime.fromisoformat(record["at"])
    except (KeyError, ValueError):
        return f"unreadable time {record.get('at', '')!r}"
    if at.tzinfo is None:
        return f"time without a time zone {record['at']!r}"
    status = status_of(record.get("status", ""), record.get("sub_status", ""))
    team = record.get("team") or None
    levels = IMPACTS.get(record.get("impact", ""))
    return SourceRow(
        number=number,
        at=at.astimezone(UTC),
        status=status,
        step=STEPS.get(status),
        actor=record.get("owner") or "unknown",
        group=team,
        line=support_line(team) if team else None,
        priority=(*levels, matrix.priority(*levels)) if levels else None,
    )


def _csv_records(path: str | Path) -> Iterator[tuple[int, dict[str, str]]]:
    with open_text(path) as stream:
        yield from csv_rows(stream, CSV_COLUMNS)


def _xes_records(path: str | Path) -> list[tuple[int, dict[str, str]]]:
    """The events of an XES log, numbered in file order, each with its trace's name."""
    with open_binary(path) as data:
        text = data.read().decode("utf-8")
    fast = _scanned_xes(text)
    return fast if fast is not None else list(_parsed_xes(text))


_XES_ATTRIBUTE = re.compile(
    r'<(?:string|date|int|float|boolean|id)\s+key="([^"]*)"\s+value="([^"]*)"\s*/>'
)


def _scanned_xes(text: str) -> list[tuple[int, dict[str, str]]] | None:
    """The events of a log written as OpenXES writes it (one flat attribute a tag), read
    by scanning the text: five times faster than an XML parser. None if the text is not
    of that shape (the XML parser then reads it)."""
    records: list[tuple[int, dict[str, str]]] = []
    position = 0
    while (start := text.find("<trace>", position)) >= 0:
        end = text.find("</trace>", start)
        if end < 0:
            return None
        head, *events = text[start + len("<trace>") : end].split("<event>")
        case = dict(_XES_ATTRIBUTE.findall(head)).get("concept:name")
        if not case:
            return None
        for event in events:
            record = {
                XES_KEYS[key]: html.unescape(value)
                for key, value in _XES_ATTRIBUTE.findall(event)
                if key in XES_KEYS
            }
            if "at" not in record:
                return None
            record["case"] = html.unescape(case)
            records.append((len(records) + 1, _swapped_back(record)))
        position = end
    if len(records) != text.count("<event"):
        return None
    return records


def _parsed_xes(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    number = 0
    case = ""
    in_trace = in_event = False
    for kind, element in ET.iterparse(io.StringIO(text), events=("start", "end")):
        tag = element.tag.rsplit("}", 1)[-1]
        if kind == "start":
            in_trace = in_trace or tag == "trace"
            in_event = in_event or tag == "event"
        elif tag == "event":
            record = {
                XES_KEYS[child.get("key", "")]: child.get("value", "")
                for child in element
                if child.get("key") in XES_KEYS
            }
            record["case"] = case
            number += 1
            yield number, _swapped_back(record)
            in_event = False
            element.clear()
        elif tag == "trace":
            in_trace = False
            element.clear()
        elif in_trace and not in_event and element.get("key") == "concept:name":
            case = element.get("value", "")  # the trace's name precedes its events


def _swapped_back(record: dict[str, str]) -> dict[str, str]:
    """The closed-problems XES swaps team and org line: put them back."""
    if record.get("team", "").startswith("Org line") and not record.get("org_line", "").startswith(
        "Org line"
    ):
        record["team"], record["org_line"] = record["org_line"], record["team"]
    return record
