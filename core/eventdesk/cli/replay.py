"""``eventdesk import``: replay another tool's incident history into the desk."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from eventdesk.cli.context import DeskContext, pass_desk
from eventdesk.cli.output import emit_json
from eventdesk.replay.bpi2013 import SOURCE as BPI2013
from eventdesk.replay.bpi2013 import read_bpi2013
from eventdesk.replay.figures import case_figures, incident_trails
from eventdesk.replay.importer import import_log, imported_numbers
from eventdesk.replay.model import ImportReport
from eventdesk.replay.reading import SourceLog
from eventdesk.replay.servicenow import SOURCE as SERVICENOW
from eventdesk.replay.servicenow import read_servicenow

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group(name="import")
def import_group() -> None:
    """Replay the history of another tool (original times and actors kept; once per case)."""


@import_group.command()
@click.argument("file", type=FILE)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_desk
def bpi2013(ctx: DeskContext, file: Path, as_json: bool) -> None:
    """Import the BPI Challenge 2013 (Volvo IT VINST) log: XES or CSV, gzipped or not."""
    _run_import(ctx, file, read_bpi2013, as_json)


@import_group.command(name="servicenow-log")
@click.argument("file", type=FILE)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_desk
def servicenow_log(ctx: DeskContext, file: Path, as_json: bool) -> None:
    """Import a ServiceNow incident event log (CSV, one row per update)."""
    _run_import(ctx, file, read_servicenow, as_json)


@import_group.command()
@click.option(
    "--source",
    type=click.Choice([BPI2013, SERVICENOW]),
    default=BPI2013,
    show_default=True,
    help="Whose imported cases to count.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_desk
def stats(ctx: DeskContext, source: str, as_json: bool) -> None:
    """Figures over the imported cases: durations, 1st line only, ping-pong."""
    desk = ctx.desk
    desk.tenancy.guard(ctx.actor, "read imported figures")
    figures = case_figures(incident_trails(desk, imported_numbers(desk, source)).values())
    if as_json:
        emit_json({"source": source, **figures.to_mapping()})
        return
    click.echo(f"{source}: {figures.cases} cases")
    click.echo(
        f"duration (first to last event): mean {figures.mean_days:.2f} d, "
        f"median {figures.median_days:.2f} d, p90 {figures.p90_days:.2f} d"
    )
    click.echo(
        f"handled only by the 1st line: {figures.first_line_only} "
        f"({figures.first_line_only_share:.1%})"
    )
    click.echo(
        f"ping-pong (back to a team it left): {figures.ping_pong} ({figures.ping_pong_share:.1%})"
    )


def _run_import(
    ctx: DeskContext, file: Path, read: Callable[[Path], SourceLog], as_json: bool
) -> None:
    desk = ctx.desk
    desk.tenancy.guard(ctx.actor, "import a log")
    try:
        log = read(file)
    except (ET.ParseError, UnicodeDecodeError, OSError, EOFError) as error:
        raise click.ClickException(f"cannot read {file}: {error}") from None
    console = Console(stderr=True)
    with Progress(
        TextColumn("importing {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task(file.name, total=len(log.cases))
        report = import_log(
            desk,
            log,
            file=str(file),
            progress=lambda done: progress.advance(task, done),
            catch_up=False,
        )
        progress.update(task, description=f"{file.name}: updating the read models")
        desk.catch_up()
    if as_json:
        emit_json(report.to_mapping())
    else:
        _show(report)


def _show(report: ImportReport) -> None:
    click.echo(
        f"Imported {report.cases_imported} cases ({report.events_written} events) from "
        f"{report.rows_read} rows of {report.file}; {report.cases_skipped} imported before."
    )
    if not report.rejected:
        click.echo("No row rejected.")
        return
    click.echo(f"{len(report.rejected)} rows rejected:")
    for rejection in report.rejected:
        click.echo(
            f"  case {rejection.case_id}, row {rejection.row} ({rejection.status}): "
            f"{rejection.reason}"
        )
