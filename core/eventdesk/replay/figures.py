"""Figures over the incidents in a store, read from their events: how many, how long
from first to last event, how many stayed with the 1st line, how many ping-ponged.

They are the figures the BPI 2013 README publishes, computed here from what the
import wrote, so that the two can be set side by side; a report can use them
for any store.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

import attrs
from eventsourcing.utils import get_topic

from eventdesk.domain.incident import Incident
from eventdesk.replay.bpi2013 import support_line

PAGE = 1000
_GROUP_EVENTS = (Incident.Assigned, Incident.FunctionallyEscalated)  # type: ignore[attr-defined]


@attrs.define
class IncidentTrail:
    """What the figures need of one incident: its first and last times, its groups."""

    first: datetime
    last: datetime
    groups: list[str] = attrs.field(factory=list)  # in order, consecutive repeats collapsed


@attrs.frozen
class CaseFigures:
    cases: int
    mean_days: float
    median_days: float
    p90_days: float
    first_line_only: int
    ping_pong: int

    @property
    def first_line_only_share(self) -> float:
        return self.first_line_only / self.cases if self.cases else 0.0

    @property
    def ping_pong_share(self) -> float:
        return self.ping_pong / self.cases if self.cases else 0.0

    def to_mapping(self) -> dict[str, Any]:
        return {
            **attrs.asdict(self),
            "first_line_only_share": round(self.first_line_only_share, 4),
            "ping_pong_share": round(self.ping_pong_share, 4),
        }


def incident_trails(desk: Any, numbers: Iterable[str] | None = None) -> dict[UUID, IncidentTrail]:
    """The trail of every incident in the store (or of the incidents ``numbers``)."""
    wanted = None if numbers is None else {desk.resolve_id(number) for number in numbers}
    topics = [get_topic(cls) for cls in _incident_event_classes()]
    group_topics = {get_topic(cls) for cls in _GROUP_EVENTS}
    trails: dict[UUID, IncidentTrail] = {}
    position = 0
    while True:
        page = desk.recorder.select_notifications(start=position + 1, limit=PAGE, topics=topics)
        for notification in page:
            position = notification.id
            if wanted is not None and notification.originator_id not in wanted:
                continue
            event = desk.mapper.to_domain_event(notification)
            trail = trails.get(event.originator_id)
            if trail is None:
                trail = trails[event.originator_id] = IncidentTrail(
                    event.timestamp, event.timestamp
                )
            trail.first = min(trail.first, event.timestamp)
            trail.last = max(trail.last, event.timestamp)
            group = event.group if notification.topic in group_topics else None
            if group is not None and (not trail.groups or trail.groups[-1] != group):
                trail.groups.append(group)
        if len(page) < PAGE:
            return trails


def case_figures(
    trails: Iterable[IncidentTrail], line_of: Callable[[str], int] = support_line
) -> CaseFigures:
    """The figures over ``trails``; ``line_of`` tells a group's support line."""
    trails = list(trails)
    days = sorted((t.last - t.first).total_seconds() / 86400 for t in trails)
    return CaseFigures(
        cases=len(trails),
        mean_days=round(statistics.fmean(days), 2) if days else 0.0,
        median_days=round(statistics.median(days), 2) if days else 0.0,
        p90_days=round(statistics.quantiles(days, n=10)[-1], 2) if len(days) > 1 else 0.0,
        first_line_only=sum(1 for t in trails if all(line_of(g) == 1 for g in t.groups)),
        ping_pong=sum(1 for t in trails if len(set(t.groups)) < len(t.groups)),
    )


def _incident_event_classes() -> list[type]:
    return [
        value
        for value in vars(Incident).values()
        if isinstance(value, type) and issubclass(value, Incident.Event)
    ]
