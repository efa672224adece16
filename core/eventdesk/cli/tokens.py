"""``eventdesk token create|revoke|list``: API tokens for the HTTP API."""

from __future__ import annotations

import click

from eventdesk.cli.context import DeskContext, pass_desk
from eventdesk.cli.output import emit_json, show_rows
from eventdesk.tokens.model import SCOPES, WRITE
from eventdesk.tokens.views import TokenView

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


@click.group()
def token() -> None:
    """API tokens: each acts as one agent, tenant user or administrator (administrators
    manage them; only a digest of each token is stored)."""


def _describe(view: TokenView) -> str:
    scope = "" if view.scope == WRITE else f", {view.scope}-only"
    return f"API token {view.name} ({view.prefix}…) for {view.actor}{scope}"


@token.command(name="create")
@click.option("--name", required=True, help="A name to recognise the token by (ci, crm...).")
@click.option(
    "--actor",
    "acting_as",
    required=True,
    metavar="ACTOR",
    help="Whom the token acts as: agent:NAME, user:NAME/TENANT or admin:NAME.",
)
@click.option(
    "--scope",
    type=click.Choice(SCOPES),
    default=WRITE,
    show_default=True,
    help="write: whatever the actor may do; read: the actor's queries only.",
)
@json_option
@pass_desk
def create(ctx: DeskContext, name: str, acting_as: str, scope: str, as_json: bool) -> None:
    """Create a token and print it: it is shown this once and never again."""
    secret, view = ctx.desk.tokens.create(name, acting_as, actor=ctx.actor, scope=scope)
    if as_json:
        emit_json({"token": secret, **view.to_dict()})
        return
    click.echo(f"Created {_describe(view)}:")
    click.echo(secret)
    click.echo("Keep it now: it is not shown again.")


@token.command(name="revoke")
@click.argument("name_or_id", metavar="TOKEN")
@json_option
@pass_desk
def revoke(ctx: DeskContext, name_or_id: str, as_json: bool) -> None:
    """Revoke a token, by name or id: requests made with it are refused from now on."""
    view = ctx.desk.tokens.revoke(name_or_id, actor=ctx.actor)
    if as_json:
        emit_json(view)
    else:
        click.echo(f"Revoked {_describe(view)}.")


@token.command(name="list")
@json_option
@pass_desk
def list_(ctx: DeskContext, as_json: bool) -> None:
    """Every token, active and revoked (never the tokens themselves)."""
    views = ctx.desk.tokens.list(actor=ctx.actor)
    if as_json:
        emit_json(views)
        return
    show_rows(
        f"API tokens ({len(views)})",
        ("name", "token", "actor", "scope", "created (UTC)", "by", "state"),
        [
            (
                v.name,
                f"{v.prefix}…",
                v.actor,
                v.scope,
                v.created_at.strftime("%Y-%m-%d %H:%M"),
                v.created_by,
                "active"
                if v.active
                else f"revoked {v.revoked_at:%Y-%m-%d %H:%M} by {v.revoked_by}",
            )
            for v in views
        ],
    )
