"""What a tenant's support costs under its model, and which model would suit it.

Prices come from the tenant's contract: an hourly rate for shared work and a
monthly fee per dedicated resource (an agent of the tenant's dedicated team).

- **dedicated**: the fee for each dedicated resource, every month.
- **shared**: every hour worked, at the hourly rate.
- **hybrid**: the dedicated resources' fees, plus the hours worked by anyone
  outside the dedicated team (the shared pool on nights, weekends and
  overflow; specialist groups) at the hourly rate.

Specialist groups' hours are billed by the hour under every model.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import attrs

from eventdesk.errors import InvalidValueError
from eventdesk.tenancy.model import ServiceModel, TeamKind

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk

# A dedicated resource's productive hours in a month (after breaks, training, leave).
PRODUCTIVE_HOURS_PER_MONTH = 120.0
# Shared work suits low volumes: up to about this many interactions a month.
LOW_VOLUME = 100
# A month this many times the average month is a seasonal peak.
PEAK_RATIO = 2.0
# Above this share of demand out of hours, a dedicated team alone leaves too much waiting.
OUT_OF_HOURS_LIMIT = 0.10
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> date:
    """``2026-11`` → the first day of that month."""
    match = _MONTH.match(text.strip()) if isinstance(text, str) else None
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidValueError("month", text, "a month as YYYY-MM, for example 2026-11")
    return date(int(match.group(1)), int(match.group(2)), 1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    end = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def previous_months(month: date, count: int) -> list[date]:
    """``count`` months ending with ``month``, oldest first."""
    months = []
    year, number = month.year, month.month
    for _ in range(count):
        months.append(date(year, number, 1))
        year, number = (year, number - 1) if number > 1 else (year - 1, 12)
    return months[::-1]


@attrs.frozen
class CostReport:
    tenant: str
    month: str
    model: str
    incidents: int
    hours_dedicated: float
    hours_shared: float
    hours_specialist: float
    dedicated_resources: int
    fixed_fees: float
    hourly_charges: float
    total: float

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class MonthUsage:
    month: str
    incidents: int
    out_of_hours: int
    hours: float
    hours_out_of_hours: float

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class ModelOption:
    model: str
    monthly_cost: float
    resources: int
    waiting_share: float  # share of demand that would wait for the next shift
    note: str

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class Advice:
    tenant: str
    current_model: str
    months: tuple[MonthUsage, ...]
    average_incidents: float
    peak_ratio: float
    out_of_hours_share: float
    options: tuple[ModelOption, ...]
    recommended: str
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


def cost(desk: ServiceDesk, tenant: str, month: str | date) -> CostReport:
    """The tenant's cost for one month under its current model."""
    view = desk.tenancy.tenant(tenant)
    first = month if isinstance(month, date) else parse_month(month)
    since, until = month_bounds(first)
    # The contract starts when the tenant was registered: no fees for the months before.
    under_contract = until > desk.tenancy.registered_at(tenant)
    desk.catch_up()
    db = desk.projector.db
    incidents = len(desk.work_log.openings(db, tenant, since, until))
    hours = {"dedicated": 0.0, "shared": 0.0, "specialist": 0.0}
    own_teams = set(view.teams)
    for _, minutes, team in desk.work_log.entries(db, tenant, since, until):
        hours[_bucket(desk, team, own_teams)] += minutes / 60
    resources = _dedicated_resources(desk, view.teams) if under_contract else 0
    model = ServiceModel(view.model)
    rate, fee = view.hourly_rate, view.monthly_fee
    if model == ServiceModel.DEDICATED:
        fixed, hourly = resources * fee, hours["specialist"] * rate
    elif model == ServiceModel.SHARED:
        fixed, hourly = 0.0, sum(hours.values()) * rate
    else:
        fixed, hourly = resources * fee, (hours["shared"] + hours["specialist"]) * rate
    return CostReport(
        tenant=tenant,
        month=f"{first:%Y-%m}",
        model=model.value,
        incidents=incidents,
        hours_dedicated=round(hours["dedicated"], 2),
        hours_shared=round(hours["shared"], 2),
        hours_specialist=round(hours["specialist"], 2),
        dedicated_resources=resources if model != ServiceModel.SHARED else 0,
        fixed_fees=round(fixed, 2),
        hourly_charges=round(hourly, 2),
        total=round(fixed + hourly, 2),
    )


def _bucket(desk: ServiceDesk, team: str | None, own_teams: set[str]) -> str:
    if team in own_teams:
        return "dedicated"
    if desk.tenancy.team_kind_of(team) == TeamKind.SPECIALIST:
        return "specialist"
    return "shared"


def _dedicated_resources(desk: ServiceDesk, teams: tuple[str, ...]) -> int:
    return len({a for team in teams for a in desk.tenancy.team(team).members})


def advise(
    desk: ServiceDesk, tenant: str, *, months: int = 6, until: str | date | None = None
) -> Advice:
    """Compare the last ``months`` months under each model and recommend one.

    Demand out of hours is demand opened when the tenant's calendar is closed.
    """
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 36:
        raise InvalidValueError("months", months, "a whole number of months, 1 to 36")
    view = desk.tenancy.tenant(tenant)
    registered = desk.tenancy.registered_at(tenant)
    first_month = date(registered.year, registered.month, 1)
    # Out of hours means out of the tenant's contract hours, else its dedicated team's.
    calendar_name = view.calendar or next(
        (desk.tenancy.team(team).calendar for team in view.teams), "24x7"
    )
    calendar = desk.sla.calendar(calendar_name)
    now = desk.clock.now()
    if until is None:
        last = date(now.year, now.month, 1)
    else:
        last = until if isinstance(until, date) else parse_month(until)
    desk.catch_up()
    db = desk.projector.db
    usage: list[MonthUsage] = []
    # Only the months since the tenant was registered: before, there was no demand to see.
    for month in [m for m in previous_months(last, months) if m >= first_month] or [last]:
        since, end = month_bounds(month)
        openings = desk.work_log.openings(db, tenant, since, end)
        work = desk.work_log.entries(db, tenant, since, end)
        usage.append(
            MonthUsage(
                month=f"{month:%Y-%m}",
                incidents=len(openings),
                out_of_hours=sum(1 for at in openings if not calendar.is_open(at)),
                hours=round(sum(m for _, m, _ in work) / 60, 2),
                hours_out_of_hours=round(
                    sum(m for at, m, _ in work if not calendar.is_open(at)) / 60, 2
                ),
            )
        )
    volumes = [u.incidents for u in usage]
    total_incidents = sum(volumes)
    average = total_incidents / len(usage)
    peak = max(volumes) / average if average else 0.0
    ooh_share = sum(u.out_of_hours for u in usage) / total_incidents if total_incidents else 0.0
    hours = sum(u.hours for u in usage) / len(usage)
    hours_ooh = sum(u.hours_out_of_hours for u in usage) / len(usage)
    busiest_in_hours = max((u.hours - u.hours_out_of_hours for u in usage), default=0.0)
    resources = max(1, math.ceil(busiest_in_hours / PRODUCTIVE_HOURS_PER_MONTH))
    rate, fee = view.hourly_rate, view.monthly_fee
    options = (
        ModelOption(
            model="dedicated",
            monthly_cost=round(resources * fee, 2),
            resources=resources,
            waiting_share=round(ooh_share, 3),
            note=f"{resources} dedicated resource(s); demand out of hours waits for the next shift",
        ),
        ModelOption(
            model="shared",
            monthly_cost=round(hours * rate, 2),
            resources=0,
            waiting_share=0.0,
            note=f"{hours:.1f} h a month at {rate:.2f} an hour, served round the clock by the pool",
        ),
        ModelOption(
            model="hybrid",
            monthly_cost=round(resources * fee + hours_ooh * rate, 2),
            resources=resources,
            waiting_share=0.0,
            note=f"{resources} dedicated resource(s) in hours, {hours_ooh:.1f} h a month "
            "from the pool out of hours",
        ),
    )
    by_model = {o.model: o for o in options}
    reasons: list[str] = [
        f"{average:.1f} incidents a month on average over {len(usage)} "
        f"month{'s' if len(usage) != 1 else ''}, "
        f"busiest month {peak:.1f}× the average, {ooh_share:.0%} opened out of hours"
    ]
    if average <= LOW_VOLUME or peak >= PEAK_RATIO:
        recommended = "shared"
        if average <= LOW_VOLUME:
            reasons.append(
                f"volume is low (at most about {LOW_VOLUME} a month): a dedicated team "
                "would stand idle; pay by the hour"
            )
        if peak >= PEAK_RATIO:
            reasons.append(
                "demand is seasonal: a pool absorbs the peaks without paying for "
                "dedicated resources all year"
            )
    elif ooh_share > OUT_OF_HOURS_LIMIT:
        recommended = "hybrid"
        reasons.append(
            f"{ooh_share:.0%} of demand arrives out of hours: a dedicated team alone would "
            "leave it waiting for the next shift, so the pool covers nights and weekends"
        )
    else:
        recommended = "dedicated"
        reasons.append(
            "volume is high and steady, and nearly all of it arrives in business hours: "
            "a dedicated team that knows the client serves it best"
        )
    reasons.append(
        f"estimated monthly cost: dedicated {by_model['dedicated'].monthly_cost:.2f}, "
        f"shared {by_model['shared'].monthly_cost:.2f}, "
        f"hybrid {by_model['hybrid'].monthly_cost:.2f}"
    )
    return Advice(
        tenant=tenant,
        current_model=view.model,
        months=tuple(usage),
        average_incidents=round(average, 1),
        peak_ratio=round(peak, 2),
        out_of_hours_share=round(ooh_share, 3),
        options=options,
        recommended=recommended,
        reasons=tuple(reasons),
    )
