"""Running a drill (and its baseline) on scratch desks, and the record of drills run."""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs
from eventsourcing.utils import get_topic

from eventdesk.clock import ManualClock
from eventdesk.drills.record import DrillRecord
from eventdesk.drills.results import compare, figures
from eventdesk.drills.scenario import Scenario
from eventdesk.drills.setup import build_desk
from eventdesk.drills.simulation import Simulation
from eventdesk.projections.base import follow
from eventdesk.reports.report import Report, build_report

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk


@attrs.frozen
class DrillResult:
    """A drill's figures per tenant and channel, each with the baseline's beside it."""

    name: str
    seed: int
    start: datetime
    hours: float
    events: tuple[str, ...]
    contacts: int
    rows: tuple[dict[str, Any], ...]
    wall_seconds: float = attrs.field(eq=False)
    report: Report | None = attrs.field(default=None, eq=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "seed": self.seed,
            "start": self.start.isoformat().replace("+00:00", "Z"),
            "hours": self.hours,
            "events": list(self.events),
            "contacts": self.contacts,
            "results": list(self.rows),
        }


@attrs.frozen
class DrillSummary:
    """A recorded drill, as ``drill history`` lists it."""

    name: str
    seed: int
    drill_start: str
    hours: float
    contacts: int
    events: tuple[str, ...]
    results: tuple[dict[str, Any], ...]
    actor: str
    recorded_at: datetime

    def to_dict(self) -> dict[str, Any]:
        data = attrs.asdict(self)
        data["recorded_at"] = self.recorded_at.isoformat().replace("+00:00", "Z")
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


def simulate(
    scenario: Scenario,
    *,
    seed: int,
    with_events: bool = True,
    live: ServiceDesk | None = None,
    scratch: str = ":memory:",
) -> Simulation:
    """One run of the scenario on a new scratch desk (left open: close ``.desk``)."""
    from eventdesk.application import ServiceDesk

    desk = ServiceDesk(scratch, clock=ManualClock(scenario.start))
    try:
        sites = build_desk(desk, scenario.desk, scenario.base, live)
        return Simulation(scenario, desk, seed=seed, with_events=with_events, sites=sites).run()
    except BaseException:
        desk.close()
        raise


def run_drill(
    scenario: Scenario,
    *,
    seed: int = 1,
    live: ServiceDesk | None = None,
    scratch: str = ":memory:",
    baseline_scratch: str = ":memory:",
) -> DrillResult:
    """The scenario with its events and without (the baseline), with the same seed."""
    began = time.perf_counter()
    runs = []
    for with_events, store in ((True, scratch), (False, baseline_scratch)):
        simulation = simulate(
            scenario, seed=seed, with_events=with_events, live=live, scratch=store
        )
        try:
            report = build_report(simulation.desk, since=scenario.start, until=scenario.end)
            runs.append((simulation, figures(simulation), report))
        finally:
            simulation.desk.close()
    (drill, rows, report), (_, baseline, _) = runs
    return DrillResult(
        name=scenario.name,
        seed=seed,
        start=scenario.start,
        hours=scenario.hours,
        events=tuple(event.describe() for event in scenario.events),
        contacts=len(drill.contacts),
        rows=tuple(compare(rows, baseline)),
        wall_seconds=time.perf_counter() - began,
        report=report,
    )


def record_drill(desk: ServiceDesk, result: DrillResult, scenario: Scenario, *, actor: str) -> None:
    """Record a drill on ``desk`` (the live desk: the drill itself ran elsewhere)."""
    desk.tenancy.guard(actor, "record a drill")
    data = result.to_dict()
    desk.save(
        DrillRecord(
            name=result.name,
            scenario=scenario.text,
            seed=result.seed,
            drill_start=data["start"],
            hours=result.hours,
            contacts=result.contacts,
            events=list(result.events),
            results=data["results"],
            actor=str(actor),
            timestamp=desk.clock.now(),
        )
    )


def drill_history(desk: ServiceDesk) -> list[DrillSummary]:
    """Every drill recorded on the desk, oldest first."""
    found: list[DrillSummary] = []

    def add(event: Any) -> None:
        found.append(
            DrillSummary(
                name=event.name,
                seed=event.seed,
                drill_start=event.drill_start,
                hours=event.hours,
                contacts=event.contacts,
                events=tuple(event.events),
                results=tuple(event.results),
                actor=event.actor,
                recorded_at=event.timestamp,
            )
        )

    follow(desk, 0, [get_topic(DrillRecord.Recorded)], add)
    return found
