"""``eventdesk``: administer a desk from the command line."""

from __future__ import annotations

import sys
from typing import Any

import click

from eventdesk import __version__
from eventdesk.cli.backup import export_command, import_command, keys
from eventdesk.cli.benchmark import benchmark_command
from eventdesk.cli.context import ActorParam, DeskContext, pass_desk
from eventdesk.cli.contingency import contingency
from eventdesk.cli.drill import drill
from eventdesk.cli.escalation import escalation
from eventdesk.cli.incident import incident
from eventdesk.cli.intake import channel, contact, dead_letters, deliveries, intake
from eventdesk.cli.knowledge import kb
from eventdesk.cli.output import (
    emit_json,
    show_conversation,
    show_history,
    show_list,
    show_sla,
)
from eventdesk.cli.plugins import plugins
from eventdesk.cli.replay import import_group
from eventdesk.cli.report import report
from eventdesk.cli.serve import serve
from eventdesk.cli.sla import calendar, sla
from eventdesk.cli.staffing import staffing
from eventdesk.cli.tenancy import access, agent, route, team, tenant
from eventdesk.cli.tokens import token
from eventdesk.clock import ManualClock
from eventdesk.demo import MORNING, run_demo
from eventdesk.plugins import get_plugin_manager


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    envvar="EVENTDESK_DB",
    default=None,
    metavar="DB",
    help="SQLite path (default ./eventdesk.db), :memory: or a postgresql:// URL. "
    "Also EVENTDESK_DB.",
)
@click.option(
    "--actor",
    envvar="EVENTDESK_ACTOR",
    default=None,
    type=ActorParam(),
    help="Who is acting, recorded on every event: agent:NAME, user:NAME/TENANT, admin:NAME, "
    "or a bare NAME, an administrator (default: your login name). Also EVENTDESK_ACTOR.",
)
@click.version_option(__version__, prog_name="eventdesk")
@click.pass_context
def cli(ctx: click.Context, db: str | None, actor: str | None) -> None:
    """EventDesk: an event-sourced IT service desk."""
    ctx.obj = DeskContext(db, actor)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_desk
def init(ctx: DeskContext, as_json: bool) -> None:
    """Create the database (events and read models) if it does not exist."""
    desk = ctx.desk
    result = {"db": desk.store.location, "store": desk.store.kind, "events": desk.projector.head()}
    if as_json:
        emit_json(result)
    else:
        click.echo(
            f"EventDesk database ready: {result['db']} ({result['store']}, "
            f"{result['events']} events)"
        )


@cli.group()
def projections() -> None:
    """Read models kept from the events."""


@projections.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_desk
def rebuild(ctx: DeskContext, as_json: bool) -> None:
    """Empty every read model and rebuild it from all the events."""
    applied = ctx.desk.rebuild_projections(actor=ctx.actor)
    if as_json:
        emit_json({"events_applied": applied})
    else:
        click.echo(f"Rebuilt read models from {applied} events.")


@projections.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_desk
def status(ctx: DeskContext, as_json: bool) -> None:
    """How far each read model has got through the events."""
    projector = ctx.desk.projector
    head = projector.head()
    rows: list[dict[str, Any]] = [
        {
            "projection": p.name,
            "position": projector.position(p),
            "head": head,
            "behind": head - projector.position(p),
        }
        for p in projector.projections
    ]
    if as_json:
        emit_json(rows)
    else:
        for row in rows:
            click.echo(
                f"{row['projection']}: at {row['position']} of {head} ({row['behind']} behind)"
            )


@cli.command()
@pass_desk
def demo(ctx: DeskContext) -> None:
    """Play a realistic morning of incidents into an empty database, then show the queue."""
    desk = ctx.open_desk(ManualClock(MORNING))
    existing = desk.projector.head()
    if existing:
        raise click.ClickException(
            f"{desk.store.location} already holds {existing} events; "
            "the demo needs an empty database"
        )
    click.echo(f"Playing the morning of {MORNING:%A %d %B %Y} into {desk.store.location}")
    morning = run_demo(desk, desk.clock, click.echo)  # type: ignore[arg-type]
    click.echo()
    show_list(desk.list_incidents(limit=100))
    vpn = morning.opened["vpn"].number
    show_history(vpn, desk.history(vpn))
    show_sla(desk.sla.status(vpn))
    if morning.omnichannel:
        show_conversation(morning.omnichannel, desk.conversation(morning.omnichannel))
    db = desk.store.location
    click.echo(f"Try: eventdesk --db {db} incident show {vpn}")
    if morning.omnichannel:
        click.echo(f"     eventdesk --db {db} incident conversation {morning.omnichannel}")
        click.echo(f"     eventdesk --db {db} dead-letters list")
        click.echo(f"     eventdesk --db {db} serve   # the API, the web form and the outbox")
    # The wallboard, as lea (the shift manager of acme-desk) sees it: docs/wallboard.md.
    token, _ = desk.tokens.create("demo-wallboard", "agent:lea")
    click.echo(f"The wallboard: run eventdesk --db {db} serve, then open in a browser")
    click.echo(f"     http://127.0.0.1:8080/wallboard#token={token}")
    click.echo("     (lea's view: she supervises acme-desk; the token is for this demo database)")


cli.add_command(incident)
cli.add_command(calendar)
cli.add_command(sla)
for group in (tenant, team, agent, route, access):
    cli.add_command(group)
cli.add_command(plugins)
for group in (channel, intake, contact, dead_letters, deliveries):
    cli.add_command(group)
cli.add_command(kb)
cli.add_command(escalation)
cli.add_command(token)
cli.add_command(serve)
cli.add_command(staffing)
cli.add_command(contingency)
cli.add_command(report)
cli.add_command(benchmark_command)
cli.add_command(import_group)
cli.add_command(drill)
for command in (export_command, import_command, keys):
    cli.add_command(command)
get_plugin_manager().hook.register_commands(cli=cli)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``eventdesk`` script."""
    cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="eventdesk")
