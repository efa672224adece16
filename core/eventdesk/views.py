"""Frozen views returned by queries: plain values, never aggregates."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

import attrs

T = TypeVar("T")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def to_jsonable(value: Any) -> Any:
    """Turn views and the values in them into JSON-ready primitives."""
    if attrs.has(type(value)):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


@attrs.frozen
class AttachmentInfo:
    """An attachment's metadata (the desk keeps no attachment bytes)."""

    name: str
    content_type: str
    size: int


@attrs.frozen
class Comment:
    """One message of an incident's conversation, on whatever channel it travelled.

    ``author_kind`` is ``customer``, ``agent`` (a human), ``bot`` or ``system``;
    ``public`` is False for an internal work note; ``channel`` is where it came in
    or went out (``None`` for one written at the desk itself).
    """

    at: datetime
    actor: str
    text: str
    public: bool
    author_kind: str = "agent"
    channel: str | None = None
    message_id: str | None = None
    contact: str | None = None
    attachments: tuple[AttachmentInfo, ...] = ()

    @property
    def direction(self) -> str:
        """``inbound`` from the customer, ``outbound`` to the customer, ``internal`` note."""
        if not self.public:
            return "internal"
        return "inbound" if self.author_kind == "customer" else "outbound"


@attrs.frozen
class KnownErrorLink:
    """A known error given for an incident: its article, problem and the workaround
    as it read when it was given."""

    article: str
    problem: str | None
    title: str
    workaround: str
    linked_at: datetime
    linked_by: str


@attrs.frozen
class IncidentView:
    """Everything known about one incident, as of ``version``."""

    id: UUID
    number: str
    state: str
    priority: int
    impact: int
    urgency: int
    summary: str
    description: str
    category: str | None
    subcategory: str | None
    configuration_item: str | None
    caller: str | None
    assignment_group: str | None
    assignee: str | None
    hold_reason: str | None
    resolution_code: str | None
    resolution_notes: str | None
    cancel_reason: str | None
    major: bool
    parent: str | None
    children: tuple[str, ...]
    problem: str | None
    reassignment_count: int
    reopen_count: int
    comments: tuple[Comment, ...]
    opened_by: str
    opened_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None
    closed_at: datetime | None
    version: int
    tenant: str | None = None
    work_minutes: int = 0
    contact: str | None = None
    channel: str | None = None
    reply_channel: str | None = None  # where a reply goes by default: the customer's last
    known_errors: tuple[KnownErrorLink, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@attrs.frozen
class IncidentSummary:
    """One row of the incident list (the read model)."""

    id: UUID
    number: str
    state: str
    priority: int
    impact: int
    urgency: int
    summary: str
    caller: str | None
    assignment_group: str | None
    assignee: str | None
    hold_reason: str | None
    major: bool
    opened_at: datetime
    updated_at: datetime
    tenant: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@attrs.frozen
class HistoryEntry:
    """One event in an incident's audit trail.

    ``changes`` maps each field the event changed to ``(before, after)``;
    ``data`` is what the event itself carried (a comment's text, a reason).
    """

    type: str
    at: datetime
    actor: str
    version: int
    changes: dict[str, tuple[Any, Any]]
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@attrs.frozen
class Page(Generic[T]):
    """One page of a longer list: ``items`` from ``offset``, of ``total`` in all."""

    items: tuple[T, ...]
    total: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.items) < self.total

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)
