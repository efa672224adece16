"""A drill's figures per tenant and channel, and their comparison with the baseline."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from eventdesk.reports.report import build_report

if TYPE_CHECKING:
    from eventdesk.drills.simulation import Contact, Simulation

# The figures compared with the baseline, in the order they are shown.
COMPARED = (
    "offered",
    "service_level",
    "average_speed_of_answer_seconds",
    "abandonment",
    "occupancy",
    "sla_attainment",
    "backlog",
    "diverted_share",
    "deflected_share",
)


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def figures(simulation: Simulation) -> list[dict[str, Any]]:
    """One entry per tenant and channel, in that order."""
    scenario = simulation.scenario
    groups: dict[tuple[str, str], list[Contact]] = defaultdict(list)
    for contact in simulation.contacts:
        groups[(contact.tenant, contact.channel)].append(contact)
    for arrivals in scenario.arrivals:
        groups.setdefault((arrivals.tenant, arrivals.channel), [])
    busy: dict[str, float] = defaultdict(float)
    start, end = scenario.start, scenario.end
    for contact in simulation.contacts:
        if contact.answered_at is not None:
            done = contact.answered_at.timestamp() + contact.handle_seconds
            busy[contact.channel] += max(
                0.0,
                min(done, end.timestamp())
                - max(contact.answered_at.timestamp(), start.timestamp()),
            )
    sla = _sla_attainment(simulation, {tenant for tenant, _ in groups})
    rows = []
    for (tenant, channel), contacts in sorted(groups.items()):
        target = scenario.target_for(channel)
        waits = [c.waited_seconds for c in contacts if c.outcome == "answered"]
        deflected = sum(c.outcome == "deflected" for c in contacts)
        queued = len(contacts) - deflected
        rows.append(
            {
                "tenant": tenant,
                "channel": channel,
                "target": str(target),
                "offered": len(contacts),
                "answered": len(waits),
                "answered_in_target": sum(w <= target.seconds for w in waits),
                "abandoned": sum(c.outcome == "abandoned" for c in contacts),
                "deflected": deflected,
                "diverted": sum(c.diverted for c in contacts),
                "backlog": sum(c.outcome == "waiting" for c in contacts),
                "service_level": _ratio(sum(w <= target.seconds for w in waits), queued),
                "average_speed_of_answer_seconds": round(sum(waits) / len(waits), 1)
                if waits
                else None,
                "abandonment": _ratio(sum(c.outcome == "abandoned" for c in contacts), queued),
                "occupancy": _ratio(busy[channel], simulation.capacity_seconds.get(channel, 0)),
                "sla_attainment": sla.get(tenant),
                "diverted_share": _ratio(sum(c.diverted for c in contacts), queued),
                "deflected_share": _ratio(deflected, len(contacts)),
            }
        )
    return rows


def _sla_attainment(simulation: Simulation, tenants: set[str]) -> dict[str, float | None]:
    """The share of response clocks met, per tenant, from the report of real operations."""
    found: dict[str, float | None] = {}
    scenario = simulation.scenario
    for tenant in sorted(tenants):
        report = build_report(
            simulation.desk, tenant=tenant, since=scenario.start, until=scenario.end
        )
        met = sum(s["met"] for s in report.sla if s["metric"] == "response")
        breached = sum(s["breached"] for s in report.sla if s["metric"] == "response")
        found[tenant] = _ratio(met, met + breached)
    return found


def compare(drill: list[dict[str, Any]], baseline: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each drill row with the baseline's figures beside it."""
    before = {(row["tenant"], row["channel"]): row for row in baseline}
    rows = []
    for row in drill:
        base = before.get((row["tenant"], row["channel"]), {})
        rows.append(row | {"baseline": {name: base.get(name) for name in COMPARED}})
    return rows
