"""``eventdesk calendar ...`` and ``eventdesk sla ...``: business calendars and service levels."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from eventdesk.calendars.loading import load_calendar, parse_duration
from eventdesk.cli.context import DeskContext, pass_desk
from eventdesk.cli.output import console, emit_json, show_hops
from eventdesk.errors import EventDeskError
from eventdesk.sla.policy import METRICS, load_policy

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


class Instant(click.ParamType):
    """An ISO 8601 instant; without an offset it is taken as UTC."""

    name = "ISO-TIME"

    def convert(self, value: Any, param: Any, ctx: Any) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 time such as 2026-03-02T09:30Z", param, ctx)
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


INSTANT = Instant()


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def _one_line_errors(function: Any) -> Any:
    """For commands that need no desk: known failures become one-line errors."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except EventDeskError as error:
            raise click.ClickException(str(error)) from None

    wrapper.__name__ = function.__name__
    wrapper.__doc__ = function.__doc__
    return wrapper


@click.group()
def calendar() -> None:
    """Business calendars: opening hours, time zone, holidays."""


@calendar.command()
@click.option(
    "--calendar",
    "source",
    required=True,
    metavar="FILE.toml|24x7",
    help="A calendar file, or 24x7.",
)
@click.option("--start", required=True, type=INSTANT, help="ISO 8601 start (UTC if no offset).")
@click.option("--duration", required=True, help="90m, 4h, 1h30m; days (3d) only on 24x7.")
@json_option
@_one_line_errors
def deadline(source: str, start: datetime, duration: str, as_json: bool) -> None:
    """When DURATION of business time has passed since START."""
    cal = load_calendar(source)
    due = cal.deadline(start, parse_duration(duration, cal))
    local = due.astimezone(cal.zone)
    if as_json:
        emit_json(
            {
                "calendar": cal.name,
                "start": _iso(start),
                "duration": duration,
                "deadline_utc": _iso(due),
                "deadline_local": local.isoformat(),
            }
        )
    else:
        click.echo(f"{_iso(due)}  ({local.isoformat()} {cal.timezone})")


@calendar.command()
@click.argument("source", metavar="FILE.toml")
@json_option
@_one_line_errors
def check(source: str, as_json: bool) -> None:
    """Validate a calendar file."""
    cal = load_calendar(source)
    if as_json:
        emit_json({"valid": True, **cal.to_mapping()})
    else:
        click.echo(
            f"{source}: calendar {cal.name!r} is valid "
            f"({cal.timezone}, {cal.weekly_open_time.total_seconds() / 3600:g} h a week)"
        )


@calendar.command(name="import")
@click.argument("source", type=click.Path(dir_okay=False), metavar="FILE.toml")
@json_option
@pass_desk
def import_calendar(ctx: DeskContext, source: str, as_json: bool) -> None:
    """Store a calendar in the desk (a second import revises it)."""
    cal = ctx.desk.sla.import_calendar(Path(source), actor=ctx.actor)
    if as_json:
        emit_json(cal.to_mapping())
    else:
        click.echo(f"Calendar {cal.name!r} stored.")


@calendar.command(name="list")
@json_option
@pass_desk
def list_calendars(ctx: DeskContext, as_json: bool) -> None:
    """The calendars the desk has."""
    names = ctx.desk.sla.calendar_names()
    if as_json:
        emit_json(names)
    else:
        click.echo("\n".join(names))


@click.group()
def sla() -> None:
    """Service levels: policies, timers, what-if."""


@sla.group()
def policy() -> None:
    """SLA policies."""


retroactive_option = click.option(
    "--retroactive",
    is_flag=True,
    help="Open incidents are measured under it from their opening, not from now.",
)


@policy.command(name="import")
@click.argument("source", type=click.Path(dir_okay=False), metavar="FILE.toml")
@click.option("--use", is_flag=True, help="Also make it the policy the desk uses.")
@retroactive_option
@json_option
@pass_desk
def import_policy(
    ctx: DeskContext, source: str, use: bool, retroactive: bool, as_json: bool
) -> None:
    """Store a policy (its calendars must be imported first)."""
    stored = ctx.desk.sla.import_policy(
        Path(source), actor=ctx.actor, use=use, retroactive=retroactive
    )
    if as_json:
        emit_json(stored.to_mapping())
    else:
        since = " from the opening of open incidents" if retroactive else ""
        click.echo(f"SLA policy {stored.name!r} stored{' and in use' if use else ''}{since}.")


@policy.command(name="use")
@click.argument("name")
@retroactive_option
@pass_desk
def use_policy(ctx: DeskContext, name: str, retroactive: bool) -> None:
    """Make a stored policy the one every incident is measured against."""
    ctx.desk.sla.use_policy(name, actor=ctx.actor, retroactive=retroactive)
    since = " from the opening of open incidents" if retroactive else ""
    click.echo(f"SLA policy {name!r} in use{since}.")


@policy.command(name="show")
@click.argument("name", required=False)
@json_option
@pass_desk
def show_policy(ctx: DeskContext, name: str | None, as_json: bool) -> None:
    """A policy (default: the one in use)."""
    shown = ctx.desk.sla.policy(name)
    if as_json:
        emit_json(shown.to_mapping())
        return
    table = Table(title=f"SLA policy {shown.name}", title_justify="left")
    for column in ("priority", *shown.metrics, "calendar"):
        table.add_column(column)
    for priority, target in sorted(shown.targets.items()):
        durations = [target.for_metric(metric) for metric in shown.metrics]
        table.add_row(
            f"P{priority}", *(str(d) if d is not None else "—" for d in durations), target.calendar
        )
    console().print(table)
    click.echo("pauses on: " + ", ".join(sorted(r.value for r in shown.pause_on)))
    click.echo(
        "escalation: "
        + ", ".join(f"{k} → {v}" for k, v in shown.escalation.items())
        + f"; major → {shown.major_level}"
    )
    for kind, hops in (("OLA", shown.ola), ("UC", shown.underpinning)):
        for group, hop in sorted(hops.items()):
            calendar = hop.calendar or "the incident's calendar"
            click.echo(f"{kind} {group}: {hop.target} on {calendar}")
    if shown.waiting is not None:
        click.echo(f"waiting conversations: {shown.waiting.describe()}")


@policy.command(name="list")
@json_option
@pass_desk
def list_policies(ctx: DeskContext, as_json: bool) -> None:
    """The policies the desk has; the one in use is marked."""
    in_use = ctx.desk.sla.policy().name
    names = ctx.desk.sla.policy_names()
    if as_json:
        emit_json([{"name": n, "in_use": n == in_use} for n in names])
    else:
        click.echo("\n".join(f"{n}{' (in use)' if n == in_use else ''}" for n in names))


@sla.command()
@click.option("--now", type=INSTANT, help="The instant of the pass (default: the clock).")
@json_option
@pass_desk
def tick(ctx: DeskContext, now: datetime | None, as_json: bool) -> None:
    """One timer pass: raise the warnings and breaches due by now, exactly once."""
    raised = ctx.desk.sla.tick(now, actor=ctx.actor)
    if as_json:
        emit_json(raised)
        return
    for item in raised:
        who = f" ({item.supervisor})" if item.supervisor else ""
        escalated = f", escalated to {item.escalated_to}{who}" if item.escalated_to else ""
        if item.reassigned_to:
            escalated = f", reassigned to {item.reassigned_to}"
        why = f": {item.reason}" if item.reason else ""
        click.echo(
            f"{item.incident} {item.metric} {item.moment} (due {_iso(item.due_at)}){escalated}{why}"
        )
    click.echo(f"{len(raised)} raised.")


@sla.command()
@click.argument("ref", metavar="INCIDENT")
@click.option("--at", type=INSTANT, help="As they stood then (ISO 8601).")
@json_option
@pass_desk
def hops(ctx: DeskContext, ref: str, at: datetime | None, as_json: bool) -> None:
    """The groups that held an incident: one hop each, its business time and its OLA or UC."""
    found = ctx.desk.sla.hops(ref, at=at, actor=ctx.actor)
    if as_json:
        emit_json(found)
    else:
        show_hops(found)


@sla.command()
@click.option(
    "--interval", type=float, default=5.0, show_default=True, help="Seconds between passes."
)
@click.option(
    "--passes",
    type=click.IntRange(min=1),
    default=None,
    help="Stop after this many passes (default: run until interrupted).",
)
@pass_desk
def run(ctx: DeskContext, interval: float, passes: int | None) -> None:
    """Run timer passes until interrupted (Ctrl-C)."""
    stop = threading.Event()
    count = 0

    def report(item: Any) -> None:
        click.echo(json.dumps(item.to_dict()), nl=True)

    try:
        while not stop.is_set():
            for item in ctx.desk.sla.tick(actor=ctx.actor):
                report(item)
            count += 1
            if passes is not None and count >= passes:
                break
            stop.wait(interval)
    except KeyboardInterrupt:
        pass


@sla.command()
@click.option(
    "--policy",
    "other",
    required=True,
    type=click.Path(dir_okay=False),
    metavar="OTHER.toml",
    help="The policy to compare with the one in use.",
)
@click.option("--since", type=INSTANT, help="Only incidents opened since then.")
@json_option
@pass_desk
def replay(ctx: DeskContext, other: str, since: datetime | None, as_json: bool) -> None:
    """What attainment would have been under another policy (read-only)."""
    service = ctx.desk.sla
    current = service.policy()
    alternative = load_policy(other, calendars=service.calendar)
    rows = {
        current.name: service.attainment(current, since=since, actor=ctx.actor),
        alternative.name
        + (" (other)" if alternative.name == current.name else ""): service.attainment(
            alternative, since=since, actor=ctx.actor
        ),
    }
    if as_json:
        emit_json({name: [row.to_dict() for row in result] for name, result in rows.items()})
        return
    (name_a, result_a), (name_b, result_b) = rows.items()
    by_priority_b = {row.priority: row for row in result_b}
    # Response and resolution, and any other metric either policy measures.
    metrics = [
        m
        for m in METRICS
        if m in {*current.metrics, *alternative.metrics}
        or m
        in (
            "response",
            "resolution",
        )
    ]
    table = Table(title="SLA attainment, in use vs other", title_justify="left")
    for column in ("priority", "incidents"):
        table.add_column(column)
    for metric in metrics:
        table.add_column(f"{metric} {name_a}")
        table.add_column(f"{metric} {name_b}")

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value:.1f} %"

    for row in result_a:
        other_row = by_priority_b.get(row.priority)
        cells = [f"P{row.priority}", str(row.incidents)]
        for metric in metrics:
            cells.append(pct(row.percent_of(metric)))
            cells.append(pct(other_row.percent_of(metric) if other_row else None))
        table.add_row(*cells)
    console().print(table)
