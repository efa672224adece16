"""``eventdesk staffing``: agents needed for a queue, by Erlang C or Erlang A."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import click

from eventdesk.cli.output import emit_json, show_fields, show_rows
from eventdesk.errors import EventDeskError
from eventdesk.staffing import (
    QueueFigures,
    ServiceTarget,
    agents_needed,
    read_profile,
    staffing_plan,
)


class TargetParam(click.ParamType):
    name = "PERCENT/SECONDS"

    def convert(self, value: Any, param: Any, ctx: Any) -> ServiceTarget:
        if isinstance(value, ServiceTarget):
            return value
        try:
            return ServiceTarget.parse(value)
        except EventDeskError as error:
            self.fail(str(error), param, ctx)


def _percent(value: float) -> str:
    return f"{value * 100:.1f} %"


def _seconds(value: float) -> str:
    return "never (too few agents)" if math.isinf(value) else f"{value:.1f} s"


def _finite(seconds: float) -> float | None:
    return None if math.isinf(seconds) else round(seconds, 3)


def _rates(found: QueueFigures) -> dict[str, float]:
    return {"arrivals_per_hour": found.arrivals_per_hour, "aht_seconds": found.aht_seconds}


def _fields(found: QueueFigures) -> dict[str, Any]:
    return {
        "model": found.model,
        "agents": found.agents,
        "traffic_erlangs": round(found.traffic_erlangs, 4),
        "probability_of_waiting": round(found.probability_of_waiting, 6),
        "service_level": round(found.service_level, 6),
        "target_seconds": found.target_seconds,
        "average_speed_of_answer_seconds": _finite(found.average_speed_of_answer),
        "occupancy": round(found.occupancy, 6),
        "probability_of_abandoning": round(found.probability_of_abandoning, 6),
    }


@click.command()
@click.option("--arrivals-per-hour", type=float, metavar="R", help="Contacts offered per hour.")
@click.option(
    "--profile",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A day's arrivals: CSV start,arrivals_per_hour[,aht_seconds], one row per interval.",
)
@click.option("--aht", type=float, required=True, metavar="SECONDS", help="Average handling time.")
@click.option(
    "--target",
    type=TargetParam(),
    default="80/20",
    show_default=True,
    help="Share answered within so many seconds.",
)
@click.option(
    "--patience",
    type=float,
    metavar="SECONDS",
    help="Callers' mean patience: Erlang A, with abandonment (without it: Erlang C).",
)
@click.option("--max-occupancy", type=float, metavar="PERCENT", help="Keep occupancy at most.")
@click.option("--max-abandon", type=float, metavar="PERCENT", help="Keep abandonment at most.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def staffing(
    arrivals_per_hour: float | None,
    profile: Path | None,
    aht: float,
    target: ServiceTarget,
    patience: float | None,
    max_occupancy: float | None,
    max_abandon: float | None,
    as_json: bool,
) -> None:
    """Agents needed to answer TARGET of contacts in time (Erlang C; Erlang A with
    --patience), for one rate or for each interval of a day's --profile."""
    if (arrivals_per_hour is None) == (profile is None):
        raise click.UsageError("give one of --arrivals-per-hour and --profile")
    limits = {
        "patience_seconds": patience,
        "max_occupancy": None if max_occupancy is None else max_occupancy / 100,
        "max_abandonment": None if max_abandon is None else max_abandon / 100,
    }
    try:
        if arrivals_per_hour is not None:
            found = agents_needed(arrivals_per_hour, aht, target, **limits)
            _show_one(found, target, as_json)
        else:
            assert profile is not None
            plan = staffing_plan(read_profile(profile), aht, target, **limits)
            _show_plan(plan, target, as_json)
    except EventDeskError as error:
        raise click.ClickException(str(error)) from None


def _show_one(found: QueueFigures, target: ServiceTarget, as_json: bool) -> None:
    if as_json:
        emit_json({"target": str(target), **_rates(found), **_fields(found)})
        return
    click.echo(
        f"Staffing for {found.arrivals_per_hour:g} contacts an hour, "
        f"AHT {found.aht_seconds:g} s, target {target}:"
    )
    show_fields(
        "",
        [
            ("agents", found.agents),
            ("model", found.model.replace("_", " ").title()),
            ("traffic", f"{found.traffic_erlangs:.2f} Erlangs"),
            ("probability of waiting", _percent(found.probability_of_waiting)),
            (f"answered within {target.seconds:g} s", _percent(found.service_level)),
            ("average speed of answer", _seconds(found.average_speed_of_answer)),
            ("occupancy", _percent(found.occupancy)),
            ("abandoned", _percent(found.probability_of_abandoning)),
        ],
    )


def _show_plan(plan: list[Any], target: ServiceTarget, as_json: bool) -> None:
    agent_hours = sum(interval.hours * interval.figures.agents for interval in plan)
    if as_json:
        emit_json(
            {
                "target": str(target),
                "agent_hours": agent_hours,
                "intervals": [
                    {"start": i.start, "hours": i.hours, **_rates(i.figures), **_fields(i.figures)}
                    for i in plan
                ],
            }
        )
        return
    show_rows(
        f"Staffing plan, target {target}: {agent_hours:g} agent-hours",
        ["start", "hours", "arrivals/h", "agents", "in time", "ASA", "occupancy", "abandoned"],
        [
            (
                i.start,
                f"{i.hours:g}",
                f"{i.figures.arrivals_per_hour:g}",
                i.figures.agents,
                _percent(i.figures.service_level),
                _seconds(i.figures.average_speed_of_answer),
                _percent(i.figures.occupancy),
                _percent(i.figures.probability_of_abandoning),
            )
            for i in plan
        ],
    )
