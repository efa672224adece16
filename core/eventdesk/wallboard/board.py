"""What the wallboard shows: one snapshot of the supervised flow of work, from the read models.

Every panel is read from what the projections keep (the incident list, the
metrics of support operations, the tenancy directory and its routing queue),
for the tenants and teams the actor supervises: an administrator sees every
one; an agent named as a supervisor of teams sees those teams and the tenants
they serve; anybody else is refused.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs

from eventdesk.plugins import get_plugin_manager
from eventdesk.projections.incidents import TABLE as INCIDENT_LIST
from eventdesk.projections.incidents import read_time, stored_time
from eventdesk.projections.metrics import INCIDENTS as METRICS
from eventdesk.projections.metrics import SLA_CLOCKS
from eventdesk.projections.sla_timers import TABLE as SLA_TIMERS
from eventdesk.sla.policy import threshold_key
from eventdesk.staffing import ServiceTarget
from eventdesk.tenancy.access import Actor, ActorKind

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk

INTERVAL = timedelta(minutes=30)
RISK_ROWS = 25  # the incidents at SLA risk shown, nearest breach first
DEFAULT_TARGET = ServiceTarget.parse("80/20")


@attrs.frozen
class Supervision:
    """Who looks at the wallboard and what they supervise (None: everything)."""

    actor: str
    tenants: frozenset[str] | None
    teams: frozenset[str] | None

    def sees_tenant(self, tenant: str | None) -> bool:
        return self.tenants is None or tenant in self.tenants

    def sees_team(self, team: str) -> bool:
        return self.teams is None or team in self.teams


def supervision(desk: ServiceDesk, actor: str) -> Supervision:
    """What ``actor`` supervises; AccessDeniedError (recorded) when it supervises nothing."""
    if not isinstance(actor, Actor) or actor.kind == ActorKind.ADMINISTRATOR:
        return Supervision(str(actor), None, None)
    teams = desk.tenancy.supervised_teams(str(actor)) if actor.kind == ActorKind.AGENT else set()
    # Refused (and recorded) unless the agent supervises a team.
    desk.tenancy.guard(actor, "open the wallboard", supervisors=True, teams=sorted(teams) or ())
    tenants = desk.tenancy.supervised_tenants(str(actor))
    return Supervision(str(actor), frozenset(tenants), frozenset(teams))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def _tenant_filter(sup: Supervision, column: str) -> tuple[str, list[str]]:
    if sup.tenants is None:
        return "", []
    marks = ", ".join("?" for _ in sup.tenants) or "NULL"
    return f" AND {column} IN ({marks})", sorted(sup.tenants)


def queues(desk: ServiceDesk, sup: Supervision, now: datetime) -> dict[str, Any]:
    """Waiting items per queue (assignment group, else tenant) and channel, with the oldest
    wait; and the overflowed ones."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    overflowed = []
    for number, item in desk.tenancy.waiting():
        if not sup.sees_tenant(item.tenant):
            continue
        key = (item.group or item.tenant, item.channel)
        row = groups.setdefault(
            key, {"queue": key[0], "channel": key[1], "waiting": 0, "oldest_since": None}
        )
        row["waiting"] += 1
        if row["oldest_since"] is None or item.enqueued_at < row["oldest_since"]:
            row["oldest_since"] = item.enqueued_at
        if item.overflowed:
            overflowed.append({"incident": number, "tenant": item.tenant, "channel": item.channel})
    rows = []
    for row in sorted(groups.values(), key=lambda r: (r["oldest_since"], r["queue"])):
        since = row.pop("oldest_since")
        rows.append(
            {
                **row,
                "oldest_since": _iso(since),
                "oldest_wait_seconds": int((now - since).total_seconds()),
            }
        )
    return {"queues": rows, "overflowed": sorted(overflowed, key=lambda o: o["incident"])}


def _level(due: datetime, timer: dict[str, Any] | None, warnings: tuple[float, ...], now: datetime):
    """``breached`` past the target; ``warning`` once a warning moment is past (the timer
    index holds each clock's next moment not yet raised: a warning due, a later warning or
    the breach pending mean one was crossed); else ``ok``."""
    if due <= now:
        return "breached"
    if timer is None or not warnings:
        return "ok"
    if timer["moment"] == "breach" or read_time(timer["due_at"]) <= now:
        return "warning"
    return "ok" if timer["moment"] == threshold_key(min(warnings)) else "warning"


def sla_risk(desk: ServiceDesk, sup: Supervision, now: datetime) -> list[dict[str, Any]]:
    """The open incidents' running SLA clocks nearest their breach first, each incident once,
    with its level: ``breached``, ``warning`` (past the policy's first warning) or ``ok``."""
    where, params = _tenant_filter(sup, "i.tenant")
    db = desk.projector.db
    rows = db.execute(
        f"""SELECT s.incident_id, s.clock, s.metric, s.due_at, i.number, i.summary,
                   i.priority, i.tenant, i.assignment_group, i.assignee
            FROM {SLA_CLOCKS} s JOIN {INCIDENT_LIST} i ON i.id = s.incident_id
            WHERE s.outcome = 'running' AND s.due_at IS NOT NULL
              AND i.state NOT IN ('resolved', 'closed', 'cancelled'){where}
            ORDER BY s.due_at LIMIT {RISK_ROWS * 4}""",
        params,
    )
    nearest: dict[str, dict[str, Any]] = {}
    for row in rows:  # an incident once, by its nearest clock
        if len(nearest) < RISK_ROWS:
            nearest.setdefault(row["number"], row)
    ids = [row["incident_id"] for row in nearest.values()]
    timers = {
        (t["incident_id"], t["metric"]): t
        for t in (
            db.execute(
                f"SELECT incident_id, metric, due_at, moment FROM {SLA_TIMERS} "
                f"WHERE incident_id IN ({', '.join('?' for _ in ids)})",
                ids,
            )
            if ids
            else []
        )
    }
    config = desk.sla.config()
    found = []
    for row in nearest.values():
        due = read_time(row["due_at"])
        policy = config.for_tenant(row["tenant"]).current.policy
        timer = timers.get((row["incident_id"], row["clock"]))
        found.append(
            {
                "incident": row["number"],
                "summary": row["summary"],
                "priority": row["priority"],
                "tenant": row["tenant"],
                "group": row["assignment_group"],
                "assignee": row["assignee"],
                "metric": row["metric"],
                "due_at": _iso(due),
                "remaining_seconds": int((due - now).total_seconds()),
                "level": _level(due, timer, policy.warnings if policy else (), now),
            }
        )
    return found


def agents(desk: ServiceDesk, sup: Supervision) -> list[dict[str, Any]]:
    """The supervised teams' agents by presence, with used and free capacity per channel (as
    contingency mode adjusts it)."""
    found = []
    for view in desk.tenancy.agents():
        if sup.teams is not None and not set(view.teams) & sup.teams:
            continue
        info = desk.tenancy.engine.agents.get(view.name)
        capacity = dict(info.capacity) if info is not None else dict(view.capacity)
        channels = sorted(set(capacity) | set(view.load))
        found.append(
            {
                "name": view.name,
                "teams": list(view.teams),
                "presence": view.presence,
                "channels": [
                    {
                        "channel": c,
                        "used": view.load.get(c, 0),
                        "free": max(0, capacity.get(c, 0) - view.load.get(c, 0)),
                    }
                    for c in channels
                ],
            }
        )
    order = {"available": 0, "busy": 1, "away": 2, "offline": 3}
    return sorted(found, key=lambda a: (order.get(a["presence"], 4), a["name"]))


def intervals(
    desk: ServiceDesk, sup: Supervision, now: datetime, target: ServiceTarget
) -> list[dict[str, Any]]:
    """The current and the previous half-hour: arrivals, answered, abandoned (cancelled before
    any answer), service level (answered within the target's seconds, of those answered or
    abandoned) and average speed of answer, against ``target``."""
    current = now.replace(minute=now.minute - now.minute % 30, second=0, microsecond=0)
    previous = current - INTERVAL
    since = stored_time(previous)
    where, params = _tenant_filter(sup, "tenant")
    rows = desk.projector.db.execute(
        f"""SELECT opened_at, first_response_at, settled_at, state, response_seconds
            FROM {METRICS}
            WHERE (opened_at >= ? OR first_response_at >= ? OR settled_at >= ?){where}""",
        [since, since, since, *params],
    )
    found = []
    for start in (current, previous):
        low, high = stored_time(start), stored_time(start + INTERVAL)
        arrivals = answered = abandoned = within = 0
        waits: list[float] = []
        for row in rows:
            if low <= row["opened_at"] < high:
                arrivals += 1
            answered_at = row["first_response_at"]
            if answered_at is not None and low <= answered_at < high:
                answered += 1
                wait = row["response_seconds"] or 0.0
                waits.append(wait)
                within += wait <= target.seconds
            elif (
                answered_at is None
                and row["state"] == "cancelled"
                and row["settled_at"] is not None
                and low <= row["settled_at"] < high
            ):
                abandoned += 1
        offered = answered + abandoned
        level = 100.0 * within / offered if offered else None
        asa = sum(waits) / len(waits) if waits else None
        found.append(
            {
                "name": "current" if start == current else "previous",
                "start": _iso(start),
                "end": _iso(start + INTERVAL),
                "arrivals": arrivals,
                "answered": answered,
                "abandoned": abandoned,
                "service_level": None if level is None else round(level, 1),
                "asa_seconds": None if asa is None else round(asa, 1),
                "target_level": round(target.share * 100, 1),
                "target_seconds": target.seconds,
                "level_met": None if level is None else level >= target.share * 100,
                "asa_met": None if asa is None else asa <= target.seconds,
            }
        )
    return found


def contingency(desk: ServiceDesk, sup: Supervision) -> list[dict[str, Any]]:
    """The tenants (and the desk) working in contingency mode now."""
    scopes: list[str | None] = [None] if sup.tenants is None else []
    scopes += sorted(
        t.name for t in desk.tenancy.tenants() if sup.tenants is None or t.name in sup.tenants
    )
    found = []
    for tenant in scopes:
        view = desk.contingency.status(tenant)
        if view.on:
            found.append(
                {
                    "tenant": tenant,
                    "since": _iso(view.since),
                    "reason": view.reason,
                    "capacity_factor": view.capacity_factor,
                }
            )
    return found


def diverted(desk: ServiceDesk, sup: Supervision, since: datetime) -> list[dict[str, Any]]:
    """Work diverted elsewhere since ``since``, as the channel plugins report it."""
    found = []
    for batch in get_plugin_manager().hook.wallboard_diverted(desk=desk, since=since):
        found.extend(d for d in batch or () if sup.sees_tenant(d.get("tenant")))
    return found


def snapshot(
    desk: ServiceDesk, sup: Supervision, *, target: ServiceTarget = DEFAULT_TARGET
) -> dict[str, Any]:
    """Every panel of the wallboard, as JSON-ready data."""
    desk.catch_up()
    now = desk.clock.now()
    waiting = queues(desk, sup, now)
    return {
        "at": _iso(now),
        "actor": sup.actor,
        "tenants": None if sup.tenants is None else sorted(sup.tenants),
        "teams": None if sup.teams is None else sorted(sup.teams),
        "queues": waiting["queues"],
        "sla_risk": sla_risk(desk, sup, now),
        "agents": agents(desk, sup),
        "intervals": intervals(desk, sup, now, target),
        "contingency": contingency(desk, sup),
        "overflowed": waiting["overflowed"],
        "diverted": diverted(desk, sup, now - 2 * INTERVAL),
    }
