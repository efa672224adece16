"""EventDesk: an event-sourced IT service-management engine."""

from eventdesk.application import IncidentRef, ServiceDesk
from eventdesk.clock import Clock, ManualClock, SystemClock
from eventdesk.domain import HoldReason, PriorityMatrix, State
from eventdesk.errors import (
    ConcurrencyConflictError,
    DomainError,
    EventDeskError,
    IllegalTransitionError,
    IncidentClosedError,
    IncidentLinkError,
    IncidentNotFoundError,
    InvalidValueError,
    MajorIncidentError,
    NotFoundError,
    StorageConfigError,
)
from eventdesk.views import Comment, HistoryEntry, IncidentSummary, IncidentView, Page

__version__ = "0.1.0"

__all__ = [
    "Clock",
    "Comment",
    "ConcurrencyConflictError",
    "DomainError",
    "EventDeskError",
    "HistoryEntry",
    "HoldReason",
    "IllegalTransitionError",
    "IncidentClosedError",
    "IncidentLinkError",
    "IncidentNotFoundError",
    "IncidentRef",
    "IncidentSummary",
    "IncidentView",
    "InvalidValueError",
    "MajorIncidentError",
    "ManualClock",
    "NotFoundError",
    "Page",
    "PriorityMatrix",
    "ServiceDesk",
    "State",
    "StorageConfigError",
    "SystemClock",
    "__version__",
]
