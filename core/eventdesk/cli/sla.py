"""``eventdesk calendar ...`` and ``eventdesk sla ...``: business calendars and service levels."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from eventdesk.calendars.explanation import Explanation
from eventdesk.calendars.loading import BUILT_IN, load_calendar, parse_duration
from eventdesk.calendars.model import BusinessCalendar
from eventdesk.cli.context import DeskContext, pass_desk
from eventdesk.cli.output import _span, console, emit_json, show_hops
from eventdesk.errors import ConfigFileError, EventDeskError, InvalidValueError
from eventdesk.sla.policy import METRICS, load_policy
from eventdesk.sla.service import UnknownDefinitionError

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def parse_instant(text: str, field: str = "time") -> datetime:
    """An ISO 8601 instant as UTC; without an offset it is taken as UTC."""
    try:
        moment = datetime.fromisoformat(str(text).strip())
    except ValueError:
        raise InvalidValueError(field, text, "an ISO 8601 time such as 2026-03-02T09:30Z") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Instant(click.ParamType):
    """An ISO 8601 instant; without an offset it is taken as UTC."""

    name = "ISO-TIME"

    def convert(self, value: Any, param: Any, ctx: Any) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_instant(value)
        except InvalidValueError:
            self.fail(f"{value!r} is not an ISO 8601 time such as 2026-03-02T09:30Z", param, ctx)


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


def calendar_from(ctx: DeskContext, source: str) -> BusinessCalendar:
    """A calendar file, the built-in 24x7, or the name of a calendar stored in the desk.

    The desk is opened only for a stored calendar: a file needs no database.
    """
    if source in BUILT_IN or source.endswith(".toml") or Path(source).is_file():
        return load_calendar(source)
    try:
        return ctx.desk.sla.calendar(source)
    except UnknownDefinitionError:
        raise ConfigFileError(
            source, "(file)", "a calendar file, 24x7 or the name of a calendar in the desk"
        ) from None


def _deadline_line(due: datetime, cal: BusinessCalendar) -> str:
    return f"{_iso(due)}  ({due.astimezone(cal.zone).isoformat()} {cal.timezone})"


@calendar.command()
@click.option(
    "--calendar",
    "source",
    required=True,
    metavar="FILE.toml|24x7|NAME",
    help="A calendar file, 24x7, or the name of a calendar imported into the desk.",
)
@click.option("--start", required=True, type=INSTANT, help="ISO 8601 start (UTC if no offset).")
@click.option("--duration", required=True, help="90m, 4h, 1h30m; days (3d) only on 24x7.")
@json_option
@pass_desk
def deadline(ctx: DeskContext, source: str, start: datetime, duration: str, as_json: bool) -> None:
    """When DURATION of business time has passed since START."""
    cal = calendar_from(ctx, source)
    due = cal.deadline(start, parse_duration(duration, cal))
    if as_json:
        emit_json(
            {
                "calendar": cal.name,
                "start": _iso(start),
                "duration": duration,
                "deadline_utc": _iso(due),
                "deadline_local": due.astimezone(cal.zone).isoformat(),
            }
        )
    else:
        click.echo(_deadline_line(due, cal))


@calendar.command()
@click.argument("source", metavar="FILE.toml|24x7|NAME")
@click.option("--start", required=True, help="ISO 8601 start (UTC if no offset).")
@click.option("--duration", required=True, help="90m, 4h, 1h30m; days (3d) only on 24x7.")
@json_option
@pass_desk
def explain(ctx: DeskContext, source: str, start: str, duration: str, as_json: bool) -> None:
    """The business intervals that add up to DURATION from START, and the deadline.

    SOURCE is a calendar file, 24x7, or the name of a calendar imported into the desk.
    """
    cal = calendar_from(ctx, source)
    explained = cal.explain(parse_instant(start, "start"), parse_duration(duration, cal))
    if as_json:
        emit_json({**explained.to_dict(), "duration": duration})
    else:
        show_explanation(explained, cal, duration)


def _length(seconds: float) -> str:
    """``7h00m``, as the SLA tables write it, with the seconds when there are any."""
    rest = int(seconds) % 60
    return _span(seconds) + (f"{rest:02d}s" if rest else "")


def _clock(moment: datetime, weekday: bool = True) -> str:
    """``Wed 2026-12-23 23:00`` (seconds only when there are some)."""
    text = moment.strftime(f"{'%a ' if weekday else ''}%Y-%m-%d %H:%M")
    return text + (f":{moment:%S}" if moment.second or moment.microsecond else "")


def show_explanation(explained: Explanation, cal: BusinessCalendar, duration: str) -> None:
    """A table a person can add up: each stretch on both clocks, its length, the running total."""
    since = f"{_clock(explained.start.astimezone(cal.zone))} {cal.timezone}"
    table = Table(
        title=f"{duration} of business time on {cal.name} from {since}", title_justify="left"
    )
    for column in ("#", f"from ({cal.timezone})", f"to ({cal.timezone})", "from (UTC)", "to (UTC)"):
        table.add_column(column)
    table.add_column("length", justify="right")
    table.add_column("total", justify="right")
    for number, stretch in enumerate(explained.intervals, start=1):
        table.add_row(
            str(number),
            _clock(stretch.local_start),
            _clock(stretch.local_end),
            _clock(stretch.start, weekday=False),
            _clock(stretch.end, weekday=False),
            _length(stretch.length.total_seconds()),
            _length(stretch.total.total_seconds()),
        )
    console().print(table)
    for skipped in explained.skipped:
        click.echo(f"skipped {skipped.day:%a %Y-%m-%d}: {skipped.kind} ({skipped.why})")
    click.echo(f"deadline {_deadline_line(explained.deadline, cal)}")


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
