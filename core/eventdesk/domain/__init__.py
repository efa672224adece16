"""The pure domain: aggregates and value objects, free of I/O."""

from eventdesk.domain.incident import (
    FINAL_STATES,
    OPEN_STATES,
    TRANSITIONS,
    HoldReason,
    Incident,
    State,
)
from eventdesk.domain.numbering import format_number, incident_id, parse_number
from eventdesk.domain.priority import PriorityMatrix

__all__ = [
    "FINAL_STATES",
    "OPEN_STATES",
    "TRANSITIONS",
    "HoldReason",
    "Incident",
    "PriorityMatrix",
    "State",
    "format_number",
    "incident_id",
    "parse_number",
]
