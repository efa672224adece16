"""``eventdesk escalation ...`` and ``eventdesk deliveries attempts``: escalation targets,
the rules the SLA engine's hierarchical steps follow, and every attempt of a delivery."""

from __future__ import annotations

import click

from eventdesk.cli.context import DeskContext, pass_desk
from eventdesk.cli.intake import _setting, deliveries, json_option
from eventdesk.cli.output import emit_json
from eventdesk.escalation import Escalation, EscalationRule
from eventdesk.sla.policy import LEVELS


def show_escalation(outcome: Escalation, as_json: bool) -> None:
    """``INC0000042 escalated to noc@vendor.example through vendor-email: delivered``."""
    if as_json:
        emit_json(outcome)
        return
    where = f" (delivery {outcome.delivery})" if outcome.delivery else ""
    click.echo(
        f"{outcome.incident} escalated to {outcome.recipient} through {outcome.target}: "
        f"{outcome.state}{where}"
    )


@click.group()
def escalation() -> None:
    """Escalation targets (plugins), and whom the SLA engine's steps notify through them."""


@escalation.command(name="targets")
@json_option
@pass_desk
def list_targets(ctx: DeskContext, as_json: bool) -> None:
    """The escalation targets the loaded plugins register."""
    targets = ctx.desk.escalations.targets(actor=ctx.actor)
    if as_json:
        emit_json(targets)
        return
    if not targets:
        click.echo("No escalation targets: install one (see docs/escalation-targets.md).")
    for target in targets:
        configured = f" [settings: {', '.join(target.settings)}]" if target.settings else ""
        click.echo(f"{target.name}: {target.description}{configured}")


@escalation.command(name="show")
@click.argument("name")
@json_option
@pass_desk
def show_target(ctx: DeskContext, name: str, as_json: bool) -> None:
    """A target's settings (env: values as written: the secrets stay in the environment)."""
    settings = ctx.desk.escalations.settings(name, actor=ctx.actor)
    if as_json:
        emit_json(settings)
    else:
        for key, value in sorted(settings.items()):
            click.echo(f"{key} = {value}")


@escalation.command(name="configure")
@click.argument("name")
@click.option(
    "--set",
    "pairs",
    multiple=True,
    metavar="KEY=VALUE",
    help="A setting (repeatable); VALUE may be JSON. Use env:NAME for a secret.",
)
@click.option("--replace", is_flag=True, help="Replace every setting instead of merging.")
@json_option
@pass_desk
def configure_target(
    ctx: DeskContext, name: str, pairs: tuple[str, ...], replace: bool, as_json: bool
) -> None:
    """Store a target's settings (checked by the target before they are stored)."""
    settings = {} if replace else ctx.desk.escalations.settings(name, actor=ctx.actor)
    settings.update(_setting(pair) for pair in pairs)
    stored = ctx.desk.escalations.configure(name, settings, actor=ctx.actor)
    if as_json:
        emit_json(stored)
    else:
        click.echo(f"Escalation target {name} configured: {', '.join(sorted(stored)) or 'none'}.")


@escalation.command(name="rule")
@click.argument("level", type=click.Choice(LEVELS))
@click.option("--target", required=True, help="The escalation target that notifies.")
@click.option("--recipient", help="Whom it notifies (default: the team's supervisor).")
@click.option("--tenant", help="Only for this tenant's incidents.")
@json_option
@pass_desk
def set_rule(
    ctx: DeskContext,
    level: str,
    target: str,
    recipient: str | None,
    tenant: str | None,
    as_json: bool,
) -> None:
    """Notify someone through a target when the SLA engine escalates to LEVEL."""
    rule = ctx.desk.escalations.set_rule(
        level, target, recipient=recipient, tenant=tenant, actor=ctx.actor
    )
    if as_json:
        emit_json(rule)
    else:
        click.echo(_rule_line(rule))


@escalation.command(name="rules")
@json_option
@pass_desk
def list_rules(ctx: DeskContext, as_json: bool) -> None:
    """Whom each level of hierarchical escalation notifies, and through which target."""
    rules = ctx.desk.escalations.rules()
    if as_json:
        emit_json(rules)
        return
    if not rules:
        click.echo("No escalation rules: the SLA engine's steps notify nobody outside the desk.")
    for rule in rules:
        click.echo(_rule_line(rule))


def _rule_line(rule: EscalationRule) -> str:
    scope = f" (tenant {rule.tenant})" if rule.tenant else ""
    who = rule.recipient or "the team's supervisor"
    return f"{rule.level}{scope}: {who} through {rule.target}"


@deliveries.command(name="attempts")
@click.argument("delivery_id", metavar="ID")
@json_option
@pass_desk
def list_attempts(ctx: DeskContext, delivery_id: str, as_json: bool) -> None:
    """Every attempt to send a delivery (a reply or an escalation), and the answer to it."""
    attempts = ctx.desk.escalations.attempts(delivery_id, actor=ctx.actor)
    if as_json:
        emit_json(attempts)
        return
    if not attempts:
        click.echo("No attempt yet.")
    for attempt in attempts:
        answer = f": {attempt.response}" if attempt.response else ""
        error = f" ({attempt.error})" if attempt.error and not attempt.response else ""
        again = (
            f"; next attempt {attempt.next_attempt_at:%Y-%m-%d %H:%M}"
            if attempt.next_attempt_at
            else ""
        )
        when = f"{attempt.at:%Y-%m-%d %H:%M}"
        click.echo(f"{attempt.attempt}. {when} {attempt.outcome}{answer}{error}{again}")


__all__ = ["escalation", "show_escalation"]
