"""What the metrics projection asks of the SLA engine about one incident."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from eventdesk.domain.incident import Incident
from eventdesk.projections.metrics import SlaClockFact, SlaFacts
from eventdesk.sla.status import fold_events

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk


def sla_facts(desk: ServiceDesk, incident_id: UUID) -> SlaFacts | None:
    """The incident's SLA clocks as its last event leaves them, and business time on the
    calendar of its priority under the policy in force for it (round the clock without
    one). None if the id is not an incident's."""
    events = list(desk.repository.event_store.get(incident_id))
    if not events or not isinstance(events[0], Incident.Opened):
        return None
    schedule = desk.sla.config().for_tenant(getattr(events[0], "tenant", None))
    fold = fold_events(events, schedule)
    at = fold.last_at
    assert at is not None
    clocks = []
    for clock in fold.sla_clocks():
        status = clock.status(at)
        if status is None:  # no target under the policy: nothing to attain
            continue
        due = status.deadline if status.state == "running" else None
        clocks.append(SlaClockFact(clock.name, clock.metric, status.state, due))
    calendar = fold.calendar()
    return SlaFacts(
        clocks=tuple(clocks),
        business_seconds=lambda a, b: calendar.business_time_between(a, b).total_seconds(),
    )
