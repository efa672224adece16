"""A drill as it is recorded: the scenario, the seed and the results, one event."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event


class DrillRecord(Aggregate):
    """One drill run, recorded so that a desk can show its (twice-yearly) drills."""

    @event("Recorded")
    def __init__(
        self,
        *,
        name: str,
        scenario: str,
        seed: int,
        drill_start: str,
        hours: float,
        contacts: int,
        events: list[str],
        results: list[Mapping[str, Any]],
        actor: str,
        timestamp: datetime,
    ) -> None:
        self.name = name
        self.scenario = scenario
        self.seed = seed
        self.drill_start = drill_start
        self.hours = hours
        self.contacts = contacts
        self.events = list(events)
        self.results = [dict(row) for row in results]
        self.actor = actor
        self.recorded_at = timestamp


class IvrSelfService(Aggregate):
    """A drilled contact that the IVR's self-service resolved: a deflection, as the
    reports count them (an event named ``Deflected``)."""

    @event("Deflected")
    def __init__(self, *, tenant: str, channel: str, timestamp: datetime) -> None:
        self.tenant = tenant
        self.channel = channel
