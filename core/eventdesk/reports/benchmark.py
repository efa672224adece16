"""Benchmarking support operations: each tenant's operation as a vector of workload,
strategy and resources, grouped with its peers by k-means, and set against its
cluster's medians (as the Zendesk Benchmark groups support operations)."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import attrs

from eventdesk.errors import InvalidValueError
from eventdesk.projections.incidents import stored_time
from eventdesk.projections.metrics import HANDLING, INCIDENTS
from eventdesk.reports.clusters import kmeans, standardise
from eventdesk.reports.query import Window, grouped
from eventdesk.reports.report import deflection_of
from eventdesk.tenancy.model import TeamKind

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk

# Every feature, by kind, in the order of the vectors.
FEATURES = {
    "workload": (
        "incidents_per_agent",
        "contacts_per_incident",
        "reassignments_per_incident",
        "median_resolution_hours",
    ),
    "strategy": (
        "email_share",
        "chat_share",
        "voice_share",
        "self_service_share",
        "coverage_hours",
    ),
    "resources": ("agents", "teams", "specialist_groups"),
}
FEATURE_NAMES = tuple(name for names in FEATURES.values() for name in names)


@attrs.frozen
class Benchmark:
    k: int
    seed: int
    operations: tuple[dict[str, Any], ...]
    clusters: tuple[dict[str, Any], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "seed": self.seed,
            "features": {kind: list(names) for kind, names in FEATURES.items()},
            "operations": list(self.operations),
            "clusters": list(self.clusters),
        }


def profile(desk: ServiceDesk, tenant: str, window: Window) -> dict[str, float]:
    """The tenant's operation over the window, one number per feature."""
    db = desk.projector.db
    figures = next(iter(grouped(db, window, None)), None) or {}
    incidents = figures.get("incidents", 0)
    where, params = window.where()
    rows = db.execute(
        f"SELECT COALESCE(channel, '-') AS channel, COUNT(*) AS n, "
        f"SUM(customer_messages) AS messages, COALESCE(team, '-') AS team "
        f"FROM {INCIDENTS} WHERE {where} GROUP BY COALESCE(channel, '-'), COALESCE(team, '-')",
        params,
    )
    channels: dict[str, int] = {}
    for row in rows:
        channels[row["channel"]] = channels.get(row["channel"], 0) + int(row["n"])
    messages = sum(int(row["messages"] or 0) for row in rows)
    view = desk.tenancy.tenant(tenant)
    teams = set(view.teams) | {row["team"] for row in rows if row["team"] != "-"}
    handled = db.execute(
        f"SELECT DISTINCT agent FROM {HANDLING} WHERE tenant = ? AND since < ?",
        [tenant, stored_time(window.until)],
    )
    agents = {row["agent"] for row in handled}
    agents |= {a for team in view.teams for a in desk.tenancy.team(team).members}
    resolution = (figures.get("resolution") or {}).get("median_seconds")
    calendar = desk.sla.calendar(view.calendar or "24x7")
    return {
        "incidents_per_agent": incidents / max(len(agents), 1),
        "contacts_per_incident": (incidents + messages) / incidents if incidents else 0.0,
        "reassignments_per_incident": figures.get("reassignments_per_incident") or 0.0,
        "median_resolution_hours": (resolution or 0.0) / 3600,
        "email_share": channels.get("email", 0) / incidents if incidents else 0.0,
        "chat_share": channels.get("chat", 0) / incidents if incidents else 0.0,
        "voice_share": channels.get("voice", 0) / incidents if incidents else 0.0,
        "self_service_share": deflection_of(db, window, incidents)["deflection_rate"] or 0.0,
        "coverage_hours": calendar.weekly_open_time.total_seconds() / 3600,
        "agents": float(len(agents)),
        "teams": float(len(teams)),
        "specialist_groups": float(
            sum(1 for t in teams if desk.tenancy.team_kind_of(t) == TeamKind.SPECIALIST)
        ),
    }


def _position(value: float, median: float) -> str:
    if abs(value - median) <= 1e-9 * max(1.0, abs(median)):
        return "at"
    return "above" if value > median else "below"


def benchmark(
    desk: ServiceDesk,
    *,
    k: int = 4,
    seed: int = 7,
    since: datetime | None = None,
    until: datetime | None = None,
    actor: str = "system",
) -> Benchmark:
    """Cluster the tenants' operations over [since, until) into ``k`` groups."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InvalidValueError("k", k, "a whole number of clusters, at least 1")
    desk.tenancy.guard(actor, "benchmark the tenants")
    desk.catch_up()
    end = until.astimezone(UTC) if until is not None else desk.clock.now()
    start = since.astimezone(UTC) if since is not None else None
    tenants = sorted(t.name for t in desk.tenancy.tenants(actor=actor))
    if not tenants:
        raise InvalidValueError("tenants", 0, "at least one tenant to benchmark")
    profiles = {t: profile(desk, t, Window(t, start, end)) for t in tenants}
    vectors = standardise([[profiles[t][f] for f in FEATURE_NAMES] for t in tenants])
    labels = kmeans(vectors, k, seed=seed)
    clusters = []
    medians: dict[int, dict[str, float]] = {}
    for cluster in sorted(set(labels)):
        members = [t for t, label in zip(tenants, labels, strict=True) if label == cluster]
        medians[cluster] = {
            f: statistics.median(profiles[t][f] for t in members) for f in FEATURE_NAMES
        }
        shown = {f: round(v, 4) for f, v in medians[cluster].items()}
        clusters.append({"cluster": cluster, "operations": members, "medians": shown})
    operations = tuple(
        {
            "operation": t,
            "cluster": label,
            "features": {f: round(profiles[t][f], 4) for f in FEATURE_NAMES},
            "against_cluster": {
                f: _position(profiles[t][f], medians[label][f]) for f in FEATURE_NAMES
            },
        }
        for t, label in zip(tenants, labels, strict=True)
    )
    return Benchmark(k=k, seed=seed, operations=operations, clusters=tuple(clusters))
