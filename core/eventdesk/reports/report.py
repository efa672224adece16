"""A report of support operations over a window: figures per tenant, team, channel,
priority and period, SLA attainment, backlog, deflection, agent time and cost."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs

from eventdesk.errors import InvalidValueError
from eventdesk.projections.incidents import read_time, stored_time
from eventdesk.projections.metrics import (
    DEFLECTIONS,
    HANDLING,
    INCIDENTS,
    OPEN_SPANS,
    PRESENCE,
    SLA_CLOCKS,
)
from eventdesk.replay import bpi2013, servicenow
from eventdesk.replay.figures import case_figures, incident_trails
from eventdesk.replay.importer import imported_numbers
from eventdesk.reports.query import PERIODS, Window, grouped
from eventdesk.storage import SQLDatabase
from eventdesk.tenancy.access import Actor, ActorKind
from eventdesk.tenancy.cost import month_bounds

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk

# Backlog ages, in days: each bucket holds ages from its bound up to the next one.
AGE_BUCKETS = ((0, "< 1 day"), (1, "1-3 days"), (3, "3-7 days"), (7, "7-30 days"), (30, "30+ days"))
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Presences in which an agent is ready for work (occupancy's denominator).
READY = ("available", "busy")


@attrs.frozen
class Report:
    """Every figure of a report, as plain data (``to_dict`` is its JSON)."""

    tenant: str | None
    since: datetime | None
    until: datetime
    period: str
    summary: dict[str, Any]
    by_tenant: tuple[dict[str, Any], ...]
    by_team: tuple[dict[str, Any], ...]
    by_channel: tuple[dict[str, Any], ...]
    by_priority: tuple[dict[str, Any], ...]
    by_period: tuple[dict[str, Any], ...]
    volume_by_channel: tuple[dict[str, Any], ...]  # per period and channel
    channel_mix: tuple[dict[str, Any], ...]
    sla: tuple[dict[str, Any], ...]  # per priority and metric
    backlog: dict[str, Any]
    deflection: dict[str, Any]
    agents: tuple[dict[str, Any], ...]
    heatmap: dict[str, Any]
    resolution_hours: tuple[float, ...]  # every resolution time, for its distribution
    cost: tuple[dict[str, Any], ...]
    # Per source of imported history (eventdesk import): its cases' figures, as the
    # source's own publications give them (duration first to last event, 1st line only,
    # ping-pong); empty when nothing was imported or for one tenant's report.
    imported: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = attrs.asdict(self, recurse=False)
        data["since"] = stored_time(self.since) if self.since else None
        data["until"] = stored_time(self.until)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


def parse_moment(text: str, what: str) -> datetime:
    """An ISO date or date-time (UTC unless it says otherwise)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except (AttributeError, ValueError):
        raise InvalidValueError(what, text, "an ISO date or time, e.g. 2026-03-02") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def build_report(
    desk: ServiceDesk,
    *,
    tenant: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    period: str = "week",
    actor: str = "system",
) -> Report:
    """The report of ``tenant`` (every tenant if None) over the incidents opened in
    [since, until) (until: now on the desk's clock)."""
    if period not in PERIODS:
        raise InvalidValueError("period", period, "day, week or month")
    if tenant is None and isinstance(actor, Actor) and actor.kind == ActorKind.TENANT_USER:
        tenant = actor.tenant  # a tenant user's report is its own company's
    if tenant is not None:
        desk.tenancy.tenant(tenant)  # names an unknown tenant
    # Administrators see every tenant; agents the tenants they serve; users their own.
    desk.tenancy.guard(
        actor, "read the report of", tenant=tenant, tenant_users=True, agents=tenant is not None
    )
    end = until.astimezone(UTC) if until is not None else desk.clock.now()
    start = since.astimezone(UTC) if since is not None else None
    if start is not None and start >= end:
        raise InvalidValueError("since", stored_time(start), "a moment before until")
    desk.catch_up()
    db = desk.projector.db
    window = Window(tenant, start, end)
    summary = grouped(db, window, None)
    by_channel = grouped(db, window, "channel")
    total = sum(entry["incidents"] for entry in by_channel)
    deflection = deflection_of(db, window, total)
    return Report(
        tenant=tenant,
        since=start,
        until=end,
        period=period,
        summary=(summary[0] if summary else {"incidents": 0})
        | {"deflections": deflection["deflections"]},
        by_tenant=tuple(grouped(db, window, "tenant")),
        by_team=tuple(grouped(db, window, "team")),
        by_channel=tuple(by_channel),
        by_priority=tuple(grouped(db, window, "priority")),
        by_period=tuple(grouped(db, window, period)),
        volume_by_channel=tuple(_volume_by_channel(db, window, period)),
        channel_mix=tuple(
            {"channel": e["channel"], "incidents": e["incidents"], "share": e["incidents"] / total}
            for e in by_channel
        ),
        sla=tuple(_sla(db, window)),
        backlog=_backlog(db, window),
        deflection=deflection,
        agents=tuple(_agents(db, window, _start_of(db, window))),
        heatmap=_heatmap(db, window, _start_of(db, window)),
        resolution_hours=tuple(_resolution_hours(db, window)),
        cost=tuple(_cost(desk, window, actor)),
        imported=tuple(imported_history(desk, window)) if tenant is None else (),
    )


def imported_history(desk: ServiceDesk, window: Window) -> Iterator[dict[str, Any]]:
    """The figures of each source's imported cases whose first event is in the window.

    Every source's trails come from one pass over the incidents' events."""
    sources = {
        source: imported_numbers(desk, source) for source in (bpi2013.SOURCE, servicenow.SOURCE)
    }
    imported = [number for numbers in sources.values() for number in numbers]
    if not imported:
        return
    trails = incident_trails(desk, imported)
    for source, numbers in sources.items():
        chosen = [
            trail
            for trail in (trails.get(desk.resolve_id(number)) for number in numbers)
            if trail is not None
            and (window.since is None or trail.first >= window.since)
            and trail.first < window.until
        ]
        if chosen:
            yield {"source": source, **case_figures(chosen).to_mapping()}


def _volume_by_channel(db: SQLDatabase, window: Window, period: str) -> list[dict[str, Any]]:
    where, params = window.where()
    rows = db.execute(
        f"SELECT opened_{period} AS p, COALESCE(channel, '-') AS c, COUNT(*) AS n "
        f"FROM {INCIDENTS} WHERE {where} GROUP BY opened_{period}, COALESCE(channel, '-') "
        f"ORDER BY opened_{period}, COALESCE(channel, '-')",
        params,
    )
    return [{"period": r["p"], "channel": r["c"], "incidents": int(r["n"])} for r in rows]


def _sla(db: SQLDatabase, window: Window) -> list[dict[str, Any]]:
    """Clocks met and breached per priority and metric; a clock still running past its
    deadline at the end of the window counts as breached."""
    where, params = window.where("i")
    rows = db.execute(
        f"""SELECT i.priority AS priority, s.metric AS metric,
            SUM(CASE WHEN s.outcome = 'met' THEN 1 ELSE 0 END) AS met,
            SUM(CASE WHEN s.outcome = 'breached'
                OR (s.outcome = 'running' AND s.due_at <= ?) THEN 1 ELSE 0 END) AS breached
            FROM {SLA_CLOCKS} s JOIN {INCIDENTS} i ON i.id = s.incident_id
            WHERE {where} GROUP BY i.priority, s.metric ORDER BY i.priority, s.metric""",
        [stored_time(window.until), *params],
    )
    found = []
    for row in rows:
        met, breached = int(row["met"]), int(row["breached"])
        found.append(
            {
                "priority": int(row["priority"]),
                "metric": row["metric"],
                "met": met,
                "breached": breached,
                "attainment": round(met / (met + breached), 4) if met + breached else None,
            }
        )
    return found


def _backlog(db: SQLDatabase, window: Window) -> dict[str, Any]:
    """The incidents open at the end of the window (whenever opened), and their ages."""
    at = stored_time(window.until)
    clauses, params = ["s.since <= ?", "(s.until IS NULL OR s.until > ?)"], [at, at]
    if window.tenant is not None:
        clauses.append("i.tenant = ?")
        params.append(window.tenant)
    rows = db.execute(
        f"SELECT i.opened_at AS opened_at FROM {OPEN_SPANS} s JOIN {INCIDENTS} i "
        f"ON i.id = s.incident_id WHERE {' AND '.join(clauses)} ORDER BY i.opened_at DESC",
        params,
    )
    ages = [(window.until - read_time(r["opened_at"])).total_seconds() / 3600 for r in rows]
    buckets = {label: 0 for _, label in AGE_BUCKETS}
    for age in ages:
        label = next(label for bound, label in reversed(AGE_BUCKETS) if age >= bound * 24)
        buckets[label] += 1
    return {
        "at": at,
        "open": len(ages),
        "median_age_hours": _interpolated(ages, 0.5),
        "p90_age_hours": _interpolated(ages, 0.9),
        "oldest_age_hours": ages[-1] if ages else None,
        "ages": [{"age": label, "incidents": n} for label, n in buckets.items()],
    }


def _interpolated(ordered: list[float], fraction: float) -> float | None:
    """The percentile of values in ascending order (as query.percentile does in SQL)."""
    if not ordered:
        return None
    rank = (len(ordered) - 1) * fraction
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (rank - low) * (ordered[high] - ordered[low])


def deflection_of(db: SQLDatabase, window: Window, incidents: int) -> dict[str, Any]:
    clauses, params = ["at < ?"], [stored_time(window.until)]
    if window.since is not None:
        clauses.append("at >= ?")
        params.append(stored_time(window.since))
    if window.tenant is not None:
        clauses.append("tenant = ?")
        params.append(window.tenant)
    count = int(
        db.execute(
            f"SELECT COUNT(*) AS n FROM {DEFLECTIONS} WHERE {' AND '.join(clauses)}", params
        )[0]["n"]
    )
    contacts = count + incidents
    return {
        "deflections": count,
        "incidents": incidents,
        "deflection_rate": round(count / contacts, 4) if contacts else None,
    }


def _resolution_hours(db: SQLDatabase, window: Window) -> list[float]:
    where, params = window.where()
    rows = db.execute(
        f"SELECT resolution_seconds AS s FROM {INCIDENTS} WHERE {where} "
        "AND resolution_seconds IS NOT NULL ORDER BY resolution_seconds",
        params,
    )
    return [round(float(r["s"]) / 3600, 4) for r in rows]


# --- agents' time ---------------------------------------------------------------------


def _start_of(db: SQLDatabase, window: Window) -> datetime:
    """Where agents' time starts to count: the window's start, else the first presence."""
    if window.since is not None:
        return window.since
    first = db.execute(f"SELECT MIN(since) AS m FROM {PRESENCE}")[0]["m"]
    return read_time(first) if first else window.until


def _spans(
    db: SQLDatabase, table: str, start: datetime, end: datetime, where: str = "", params=()
) -> dict[str, list[tuple[datetime, datetime]]]:
    """Each agent's spans of ``table`` clipped to [start, end), merged where they overlap."""
    rows = db.execute(
        f"SELECT agent, since, until FROM {table} WHERE since < ? "
        f"AND (until IS NULL OR until > ?){where} ORDER BY agent, since",
        [stored_time(end), stored_time(start), *params],
    )
    spans: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for row in rows:
        a = max(read_time(row["since"]), start)
        b = min(read_time(row["until"]), end) if row["until"] else end
        merged = spans[row["agent"]]
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        elif b > a:
            merged.append((a, b))
    return spans


def _handling(db: SQLDatabase, window: Window, start: datetime) -> dict[str, list]:
    if window.tenant is None:
        return _spans(db, HANDLING, start, window.until)
    return _spans(db, HANDLING, start, window.until, " AND tenant = ?", [window.tenant])


def _seconds(spans: list[tuple[datetime, datetime]]) -> float:
    return sum((b - a).total_seconds() for a, b in spans)


def _agents(db: SQLDatabase, window: Window, start: datetime) -> list[dict[str, Any]]:
    """Per agent: time logged in (any presence but offline), ready (available or busy),
    handling routed work; utilisation = handling / logged in, occupancy = handling /
    ready."""
    logged_in = _spans(db, PRESENCE, start, window.until)
    ready = _spans(db, PRESENCE, start, window.until, " AND presence IN (?, ?)", list(READY))
    handling = _handling(db, window, start)
    found = []
    names = sorted(set(handling) | (set(logged_in) if window.tenant is None else set()))
    for agent in names:
        on, available, busy = (
            _seconds(logged_in.get(agent, [])),
            _seconds(ready.get(agent, [])),
            _seconds(handling.get(agent, [])),
        )
        found.append(
            {
                "agent": agent,
                "logged_in_hours": round(on / 3600, 4),
                "ready_hours": round(available / 3600, 4),
                "handling_hours": round(busy / 3600, 4),
                "utilisation": round(busy / on, 4) if on else None,
                "occupancy": round(busy / available, 4) if available else None,
            }
        )
    return found


def _by_hour(spans: dict[str, list[tuple[datetime, datetime]]]) -> dict[tuple[int, int], float]:
    """Seconds of the spans in each (weekday, hour) of the week, UTC."""
    cells: dict[tuple[int, int], float] = defaultdict(float)
    for agent_spans in spans.values():
        for a, b in agent_spans:
            for hour_start, seconds in _hours(a, b):
                cells[(hour_start.weekday(), hour_start.hour)] += seconds
    return cells


def _hours(a: datetime, b: datetime) -> Iterator[tuple[datetime, float]]:
    moment = a
    while moment < b:
        next_hour = moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        step = min(next_hour, b)
        yield moment, (step - moment).total_seconds()
        moment = step


def _heatmap(db: SQLDatabase, window: Window, start: datetime) -> dict[str, Any]:
    """Utilisation of all agents together in each hour of the week (UTC): handling time
    over logged-in time, None where nobody was logged in."""
    handling = _by_hour(_handling(db, window, start))
    logged_in = _by_hour(_spans(db, PRESENCE, start, window.until))
    values = [
        [
            round(handling.get((d, h), 0.0) / logged_in[(d, h)], 4)
            if logged_in.get((d, h))
            else None
            for h in range(24)
        ]
        for d in range(7)
    ]
    return {"weekdays": list(WEEKDAYS), "hours": list(range(24)), "utilisation": values}


# --- cost -----------------------------------------------------------------------------


def _months(start: date, end: datetime) -> Iterator[date]:
    month = date(start.year, start.month, 1)
    while month_bounds(month)[0] < end:
        yield month
        month = month_bounds(month)[1].date()


def _cost(desk: ServiceDesk, window: Window, actor: str) -> list[dict[str, Any]]:
    """Each tenant's cost under its service model, month by month over the window (not
    in an agent's report: prices are for administrators and the tenant's own users)."""
    if isinstance(actor, Actor) and actor.kind == ActorKind.AGENT:
        return []
    tenants = (
        [window.tenant]
        if window.tenant is not None
        else [t.name for t in desk.tenancy.tenants(actor=actor)]
    )
    found = []
    for name in tenants:
        first = window.since or desk.tenancy.registered_at(name)
        for month in _months(first.date(), window.until):
            found.append(desk.tenancy.cost(name, month, actor=actor).to_dict())
    return found
