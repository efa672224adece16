"""``eventdesk drill``: run a contingency drill on virtual time, and list the drills run."""

from __future__ import annotations

from pathlib import Path

import click

from eventdesk.cli.context import DeskContext, pass_desk
from eventdesk.cli.output import emit_json, show_rows, write_file
from eventdesk.drills import Scenario, drill_history, record_drill, run_drill
from eventdesk.drills.html import label, render_drill_html, show
from eventdesk.drills.results import COMPARED
from eventdesk.drills.service import DrillResult


@click.group()
def drill() -> None:
    """Contingency drills: a day of traffic through the real engine, on virtual time."""


@drill.command("run")
@click.argument(
    "scenario_file", metavar="SCENARIO", type=click.Path(dir_okay=False, path_type=Path)
)
@click.option("--seed", type=int, default=1, show_default=True, help="The random seed.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the results with charts to this self-contained HTML file.",
)
@click.option(
    "--scratch",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Run the drill on this new SQLite file (default: in memory); never the live desk.",
)
@click.option("--no-record", is_flag=True, help="Do not record the drill on the desk.")
@pass_desk
def run(
    ctx: DeskContext,
    scenario_file: Path,
    seed: int,
    as_json: bool,
    html_file: Path | None,
    scratch: Path | None,
    no_record: bool,
) -> None:
    """Run SCENARIO (TOML) and its baseline (the same seed without the events)."""
    scenario = Scenario.load(scenario_file)
    if scratch is not None and (scratch.exists() or str(scratch) == str(ctx.db)):
        raise click.ClickException(f"the scratch store {scratch} exists: give a new file")
    live = ctx.desk if scenario.desk.get("copy") == "live" or not no_record else None
    result = run_drill(
        scenario, seed=seed, live=live, scratch=str(scratch) if scratch else ":memory:"
    )
    if not no_record and live is not None:
        record_drill(live, result, scenario, actor=ctx.actor)
    if html_file is not None:
        write_file(html_file, render_drill_html(result))
    if as_json:
        emit_json(result.to_dict())
        return
    show_result(result)
    if html_file is not None:
        click.echo(f"Wrote {html_file}")


def show_result(result: DrillResult) -> None:
    click.echo(
        f"Drill {result.name!r}, seed {result.seed}: {result.contacts} contacts over "
        f"{result.hours:g} h from {result.to_dict()['start'][:16]} UTC"
    )
    for event in result.events:
        click.echo(f"  {event}")
    show_rows(
        "Drill against baseline (same seed, no events)",
        ["tenant", "channel", "figure", "drill", "baseline"],
        [
            [
                row["tenant"],
                row["channel"],
                label(name),
                show(name, row[name]),
                show(name, row["baseline"][name]),
            ]
            for row in result.rows
            for name in COMPARED
        ],
    )


@drill.command("history")
@click.option("--json", "as_json", is_flag=True, help="Print the drills as JSON.")
@pass_desk
def history(ctx: DeskContext, as_json: bool) -> None:
    """The drills recorded on this desk, oldest first."""
    found = drill_history(ctx.desk)
    if as_json:
        emit_json([summary.to_dict() for summary in found])
        return
    if not found:
        click.echo("No drills recorded.")
        return
    show_rows(
        "Drills",
        ["recorded", "by", "drill", "seed", "day", "contacts", "events"],
        [
            [
                f"{s.recorded_at:%Y-%m-%d %H:%M}",
                s.actor,
                s.name,
                s.seed,
                s.drill_start[:16],
                s.contacts,
                len(s.events),
            ]
            for s in found
        ],
    )
