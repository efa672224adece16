"""``eventdesk contingency on|off|status``: contingency mode, per tenant or for the desk."""

from __future__ import annotations

from typing import Any

import click

from eventdesk.cli.context import DeskContext, pass_desk
from eventdesk.cli.output import emit_json, show_rows
from eventdesk.contingency import ContingencyView

tenant_option = click.option("--tenant", help="The tenant it is for (default: the whole desk).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def one_line(view: ContingencyView) -> str:
    """``Contingency mode on for tenant acme since 2026-03-02 09:01 UTC: site outage``."""
    where = f"tenant {view.tenant}" if view.tenant else "the desk"
    state = "on" if view.on else "off"
    line = f"Contingency mode {state} for {where}"
    if view.since is not None:
        line += f" since {view.since:%Y-%m-%d %H:%M} UTC"
    if view.reason:
        line += f": {view.reason}"
    adjusted = []
    if view.capacity_factor is not None:
        adjusted.append(f"capacity × {view.capacity_factor:g}")
    adjusted.extend(f"{channel} {places}" for channel, places in view.capacity.items())
    if view.on and adjusted:
        line += f" ({', '.join(adjusted)})"
    return line


def _capacity(values: tuple[str, ...]) -> dict[str, Any]:
    capacity: dict[str, Any] = {}
    for value in values:
        channel, separator, places = value.partition("=")
        if not separator:
            raise click.UsageError(f"--capacity {value!r}: write CHANNEL=N, such as chat=2")
        capacity[channel.strip()] = places.strip()
    return capacity


@click.group()
def contingency() -> None:
    """Contingency mode: agents work remotely with adjusted capacity, the phone plays its
    contingency menu and diverts calls by its contingency rules."""


@contingency.command(name="on")
@tenant_option
@click.option("--reason", required=True, help="Why: a site outage, a storm, a strike...")
@click.option(
    "--capacity-factor", type=float, help="Agents' capacity times this (0 to 1), at least 1."
)
@click.option(
    "--capacity",
    "capacities",
    multiple=True,
    metavar="CHANNEL=N",
    help="An agent's capacity on one channel while on (repeatable): chat=2.",
)
@json_option
@pass_desk
def switch_on(
    ctx: DeskContext,
    tenant: str | None,
    reason: str,
    capacity_factor: float | None,
    capacities: tuple[str, ...],
    as_json: bool,
) -> None:
    """Switch contingency mode on."""
    view = ctx.desk.contingency.on(
        tenant,
        reason=reason,
        capacity_factor=capacity_factor,
        capacity=_capacity(capacities),
        actor=ctx.actor,
    )
    emit_json(view) if as_json else click.echo(one_line(view))


@contingency.command(name="off")
@tenant_option
@click.option("--reason", help="Why it is over.")
@json_option
@pass_desk
def switch_off(ctx: DeskContext, tenant: str | None, reason: str | None, as_json: bool) -> None:
    """Switch contingency mode off: back to normal capacity and rules."""
    view = ctx.desk.contingency.off(tenant, reason=reason, actor=ctx.actor)
    emit_json(view) if as_json else click.echo(one_line(view))


@contingency.command()
@tenant_option
@click.option("--history", is_flag=True, help="Also list every switch, oldest first.")
@json_option
@pass_desk
def status(ctx: DeskContext, tenant: str | None, history: bool, as_json: bool) -> None:
    """Whether contingency mode is on, since when and why."""
    view = ctx.desk.contingency.status(tenant, actor=ctx.actor)
    if as_json:
        emit_json(view)
        return
    click.echo(one_line(view))
    if history and view.history:
        show_rows(
            "Switches",
            ["at (UTC)", "switch", "by", "reason"],
            [
                (f"{s.at:%Y-%m-%d %H:%M}", "on" if s.on else "off", s.actor, s.reason)
                for s in view.history
            ],
        )
