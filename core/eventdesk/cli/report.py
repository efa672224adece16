"""``eventdesk report``: the figures of support operations over a period."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from eventdesk.cli.context import DeskContext, pass_desk
from eventdesk.cli.output import emit_json, show_fields, show_rows, write_file
from eventdesk.reports.html import as_hours, as_percent, render_html, summary_rows
from eventdesk.reports.query import PERIODS
from eventdesk.reports.report import Report, build_report, parse_moment


@click.command()
@click.option("--tenant", default=None, help="Only this tenant's incidents (default: all).")
@click.option("--since", default=None, metavar="ISO", help="Incidents opened from (inclusive).")
@click.option(
    "--until", default=None, metavar="ISO", help="Incidents opened before (default: now)."
)
@click.option(
    "--period",
    type=click.Choice(PERIODS),
    default="week",
    show_default=True,
    help="The period of the figures over time.",
)
@click.option("--json", "as_json", is_flag=True, help="Print every figure as JSON.")
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the report with its charts to this self-contained HTML file.",
)
@pass_desk
def report(
    ctx: DeskContext,
    tenant: str | None,
    since: str | None,
    until: str | None,
    period: str,
    as_json: bool,
    html_file: Path | None,
) -> None:
    """Volume, response and resolution times, SLA attainment, backlog, agents and cost."""
    built = build_report(
        ctx.desk,
        tenant=tenant,
        since=parse_moment(since, "since") if since else None,
        until=parse_moment(until, "until") if until else None,
        period=period,
        actor=ctx.actor,
    )
    if html_file is not None:
        write_file(html_file, render_html(built))
    if as_json:
        emit_json(built.to_dict())
        return
    show_report(built)
    show_imported(built)
    if html_file is not None:
        click.echo(f"Wrote {html_file}")


def _times(entry: dict[str, Any]) -> list[str]:
    cells = []
    for name in ("first_response", "resolution"):
        cells += [as_hours(entry[name]["median_seconds"]), as_hours(entry[name]["p90_seconds"])]
    return cells


def show_report(built: Report) -> None:
    data = built.to_dict()
    scope = built.tenant or "all tenants"
    since = f"from {data['since'][:16]}" if data["since"] else "from the start"
    click.echo(f"Report — {scope}: incidents opened {since} to {data['until'][:16]} UTC")
    show_fields("Summary", summary_rows(built))
    columns = ["incidents", "FCR", "reopen", "reassign/inc", "resp median", "resp p90"]
    columns += ["resol median", "resol p90"]
    for dimension, entries in (
        ("priority", built.by_priority),
        ("channel", built.by_channel),
        ("team", built.by_team),
        (built.period, built.by_period),
    ):
        show_rows(
            f"By {dimension}",
            [dimension, *columns],
            [
                [
                    e[dimension],
                    e["incidents"],
                    as_percent(e["first_contact_resolution_rate"]),
                    as_percent(e["reopen_rate"]),
                    e["reassignments_per_incident"],
                    *_times(e),
                ]
                for e in entries
            ],
        )
    show_rows(
        "SLA attainment",
        ["priority", "metric", "met", "breached", "attainment"],
        [
            [f"P{s['priority']}", s["metric"], s["met"], s["breached"], as_percent(s["attainment"])]
            for s in built.sla
        ],
    )
    # Agents and cost: (title, entries, (heading, key) per column; ratios as percentages).
    for title, entries, columns in (
        (
            "Agents",
            built.agents,
            (
                ("agent", "agent"),
                ("logged in h", "logged_in_hours"),
                ("ready h", "ready_hours"),
                ("handling h", "handling_hours"),
                ("utilisation", "utilisation"),
                ("occupancy", "occupancy"),
            ),
        ),
        (
            "Cost under the service model",
            built.cost,
            (
                ("tenant", "tenant"),
                ("month", "month"),
                ("model", "model"),
                ("fixed", "fixed_fees"),
                ("hourly", "hourly_charges"),
                ("total", "total"),
            ),
        ),
    ):
        if entries:
            show_rows(
                title,
                [heading for heading, _ in columns],
                [[_shown(key, entry[key]) for _, key in columns] for entry in entries],
            )


def show_imported(built: Report) -> None:
    """Each source's imported cases, with the figures its publications give."""
    if built.imported:
        show_rows(
            "Imported history (first to last event)",
            ["source", "cases", "mean d", "median d", "p90 d", "1st line only", "ping-pong"],
            [
                [
                    i["source"],
                    i["cases"],
                    f"{i['mean_days']:.2f}",
                    f"{i['median_days']:.2f}",
                    f"{i['p90_days']:.2f}",
                    as_percent(i["first_line_only_share"]),
                    as_percent(i["ping_pong_share"]),
                ]
                for i in built.imported
            ],
        )


def _shown(key: str, value: Any) -> Any:
    return as_percent(value) if key in ("utilisation", "occupancy") else value
