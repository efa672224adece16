"""SQL over the metrics projection's tables: counts and sums grouped by a dimension,
and percentiles, in SQL that runs the same on SQLite and PostgreSQL."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import attrs

from eventdesk.projections.incidents import stored_time
from eventdesk.projections.metrics import INCIDENTS
from eventdesk.storage import SQLDatabase

# What each dimension groups by (an incident without a channel or team shows as "-").
DIMENSIONS = {
    "tenant": "COALESCE(tenant, '-')",
    "team": "COALESCE(team, '-')",
    "channel": "COALESCE(channel, '-')",
    "priority": "priority",
    "day": "opened_day",
    "week": "opened_week",
    "month": "opened_month",
}
PERIODS = ("day", "week", "month")
TIMES = {
    "first_response": ("response_seconds", "response_business_seconds"),
    "resolution": ("resolution_seconds", "resolution_business_seconds"),
}


@attrs.frozen
class Window:
    """Which incidents a report is about: a tenant's (or all), opened in [since, until)."""

    tenant: str | None
    since: datetime | None
    until: datetime

    def where(self, alias: str = "") -> tuple[str, list[Any]]:
        prefix = f"{alias}." if alias else ""
        clauses, params = [f"{prefix}opened_at < ?"], [stored_time(self.until)]
        if self.since is not None:
            clauses.append(f"{prefix}opened_at >= ?")
            params.append(stored_time(self.since))
        if self.tenant is not None:
            clauses.append(f"{prefix}tenant = ?")
            params.append(self.tenant)
        return " AND ".join(clauses), params


def percentile(
    db: SQLDatabase, column: str, where: str, params: Sequence[Any], fraction: float
) -> float | None:
    """The ``fraction`` percentile of a column over the rows ``where`` selects, by linear
    interpolation between the closest ranks (as PostgreSQL's ``percentile_cont``): read
    in SQL as the one or two rows at that rank, so no store sends the whole column."""
    condition = f"{where} AND {column} IS NOT NULL"
    count = int(
        db.execute(f"SELECT COUNT(*) AS n FROM {INCIDENTS} WHERE {condition}", params)[0]["n"]
    )
    if not count:
        return None
    rank = (count - 1) * fraction
    low = math.floor(rank)
    rows = db.execute(
        f"SELECT {column} AS v FROM {INCIDENTS} WHERE {condition} ORDER BY {column} "
        "LIMIT 2 OFFSET ?",
        [*params, low],
    )
    below = float(rows[0]["v"])
    above = float(rows[-1]["v"]) if rank > low else below
    return below + (rank - low) * (above - below)


def time_figures(db: SQLDatabase, where: str, params: Sequence[Any]) -> dict[str, Any]:
    """Median and p90 of first response and resolution, wall-clock and business, in
    seconds."""
    figures: dict[str, Any] = {}
    for name, (wall, business) in TIMES.items():
        figures[name] = {
            "median_seconds": percentile(db, wall, where, params, 0.5),
            "p90_seconds": percentile(db, wall, where, params, 0.9),
            "median_business_seconds": percentile(db, business, where, params, 0.5),
            "p90_business_seconds": percentile(db, business, where, params, 0.9),
        }
    return figures


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def grouped(db: SQLDatabase, window: Window, dimension: str | None) -> list[dict[str, Any]]:
    """The incident figures of the window, one entry per value of ``dimension`` (one entry
    for the whole window if None), in the dimension's order."""
    key = DIMENSIONS[dimension] if dimension else "'all'"
    group = f" GROUP BY {key} ORDER BY {key}" if dimension else ""
    where, params = window.where()
    rows = db.execute(
        f"""SELECT {key} AS k, COUNT(*) AS incidents,
            SUM(CASE WHEN resolved_at IS NOT NULL THEN 1 ELSE 0 END) AS resolved,
            SUM(CASE WHEN resolved_at IS NOT NULL AND reopens = 0 AND reassignments = 0
                AND customer_messages = 0 THEN 1 ELSE 0 END) AS first_contact,
            SUM(CASE WHEN resolved_at IS NOT NULL OR reopens > 0 THEN 1 ELSE 0 END)
                AS ever_resolved,
            SUM(CASE WHEN reopens > 0 THEN 1 ELSE 0 END) AS reopened,
            SUM(reassignments) AS reassignments,
            SUM(ping_pong) AS ping_pong
            FROM {INCIDENTS} WHERE {where}{group}""",
        params,
    )
    found = []
    for row in rows:
        if not int(row["incidents"]):
            continue  # the whole window, and nothing in it
        incidents, resolved = int(row["incidents"]), int(row["resolved"])
        entry: dict[str, Any] = {dimension or "scope": row["k"]} if dimension else {}
        entry |= {
            "incidents": incidents,
            "resolved": resolved,
            "first_contact_resolutions": int(row["first_contact"]),
            "first_contact_resolution_rate": _ratio(int(row["first_contact"]), resolved),
            "reopened": int(row["reopened"]),
            "reopen_rate": _ratio(int(row["reopened"]), int(row["ever_resolved"])),
            "reassignments": int(row["reassignments"]),
            "reassignments_per_incident": _ratio(int(row["reassignments"]), incidents),
            "ping_pong": int(row["ping_pong"]),
            "ping_pong_rate": _ratio(int(row["ping_pong"]), incidents),
        }
        if dimension:
            entry |= time_figures(db, f"{where} AND {key} = ?", [*params, row["k"]])
        else:
            entry |= time_figures(db, where, params)
        found.append(entry)
    return found
