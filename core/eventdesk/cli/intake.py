"""``eventdesk channel|intake|contact|dead-letters|deliveries ...``: how messages come and go."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from eventdesk.cli.context import DeskContext, pass_desk
from eventdesk.cli.output import emit_json, show_fields, show_rows
from eventdesk.contacts.service import ContactView
from eventdesk.intake.dead_letters import STATES
from eventdesk.intake.service import IntakeResult

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def _setting(text: str) -> tuple[str, Any]:
    """``KEY=VALUE``; a VALUE that reads as JSON (a number, true, a list) is taken as such."""
    key, equals, value = text.partition("=")
    if not equals or not key.strip():
        raise click.UsageError(f"{text!r} is not KEY=VALUE")
    try:
        parsed: Any = json.loads(value)
    except ValueError:
        parsed = value
    return key.strip(), parsed


def show_results(results: list[IntakeResult], as_json: bool) -> None:
    if as_json:
        emit_json(results)
        return
    if not results:
        click.echo("Nothing to take in.")
    for result in results:
        where = f" {result.incident}" if result.incident else ""
        why = f": {result.reason}" if result.reason else ""
        letter = f" (dead letter {result.dead_letter})" if result.dead_letter else ""
        click.echo(f"{result.status}{where}{why}{letter}")


# --- channels --------------------------------------------------------------------


@click.group()
def channel() -> None:
    """Channels: what plugins provide, and their settings on this desk."""


@channel.command(name="list")
@json_option
@pass_desk
def list_channels(ctx: DeskContext, as_json: bool) -> None:
    """The channels the loaded plugins register."""
    names = ctx.desk.channels.names()
    if as_json:
        emit_json(names)
    elif names:
        click.echo("\n".join(names))
    else:
        click.echo("No channels: install a channel plugin (see docs/plugins.md).")


@channel.command(name="show")
@click.argument("name")
@json_option
@pass_desk
def show_channel(ctx: DeskContext, name: str, as_json: bool) -> None:
    """A channel's settings (env: values as written: the secrets stay in the environment)."""
    settings = ctx.desk.channels.settings(name, actor=ctx.actor)
    if as_json:
        emit_json(settings)
    else:
        show_fields(f"Channel {name}", sorted(settings.items()) or [("settings", None)])


@channel.command(name="configure")
@click.argument("name")
@click.option(
    "--set",
    "pairs",
    multiple=True,
    metavar="KEY=VALUE",
    help="A setting (repeatable); VALUE may be JSON. Use env:NAME for a secret.",
)
@click.option(
    "--file",
    "file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A TOML file of settings (its table [channel] or the whole file).",
)
@click.option("--replace", is_flag=True, help="Replace every setting instead of merging.")
@json_option
@pass_desk
def configure_channel(
    ctx: DeskContext,
    name: str,
    pairs: tuple[str, ...],
    file: Path | None,
    replace: bool,
    as_json: bool,
) -> None:
    """Store a channel's settings (checked by the channel before they are stored)."""
    import tomllib

    settings = {} if replace else ctx.desk.channels.settings(name, actor=ctx.actor)
    if file is not None:
        try:
            document = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise click.ClickException(f"{file}: not TOML: {error}") from None
        settings.update(document.get("channel", document))
    settings.update(_setting(pair) for pair in pairs)
    stored = ctx.desk.channels.configure(name, settings, actor=ctx.actor)
    if as_json:
        emit_json(stored)
    else:
        click.echo(f"Channel {name} configured: {', '.join(sorted(stored)) or 'no settings'}.")


# --- intake ------------------------------------------------------------------------


@click.group()
def intake() -> None:
    """Take in payloads by hand (as a channel would deliver them)."""


@intake.command(name="receive")
@click.argument("channel_name", metavar="CHANNEL")
@click.argument("source", metavar="FILE", type=click.Path(allow_dash=True, dir_okay=False))
@click.option(
    "--header", "headers", multiple=True, metavar="NAME=VALUE", help="A header (repeatable)."
)
@json_option
@pass_desk
def receive(
    ctx: DeskContext, channel_name: str, source: str, headers: tuple[str, ...], as_json: bool
) -> None:
    """Take in one raw payload from FILE (- for standard input) through CHANNEL."""
    if source == "-":
        payload = sys.stdin.buffer.read()
    else:
        try:
            payload = Path(source).read_bytes()
        except OSError as error:
            raise click.ClickException(f"cannot read {source}: {error.strerror}") from None
    given = dict(_header(h) for h in headers)
    show_results(ctx.desk.intake.receive(channel_name, payload, given, actor=ctx.actor), as_json)


def _header(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise click.UsageError(f"{text!r} is not NAME=VALUE")
    return name.strip(), value


# --- contacts ----------------------------------------------------------------------


@click.group()
def contact() -> None:
    """Contacts: one person across every channel. CONTACT is an id or an identity
    (email:ana@acme.example, ana@acme.example, +34600123456, whatsapp:346...)."""


def _contact_answer(view: ContactView, as_json: bool) -> None:
    if as_json:
        emit_json(view)
        return
    show_fields(
        f"Contact {view.name}",
        [
            ("id", view.id),
            ("tenant", view.tenant),
            ("identities", view.identities),
            ("incidents", view.incidents),
            ("merged", view.merged),
        ],
    )


@contact.command(name="add")
@click.argument("identities", nargs=-1, required=True, metavar="IDENTITY...")
@click.option("--name", help="How to address them (default: their first identity).")
@click.option("--tenant", help="The client company they belong to.")
@json_option
@pass_desk
def add_contact(
    ctx: DeskContext,
    identities: tuple[str, ...],
    name: str | None,
    tenant: str | None,
    as_json: bool,
) -> None:
    """Register a contact with the identities they write from."""
    view = ctx.desk.contacts.create(list(identities), name=name, tenant=tenant, actor=ctx.actor)
    _contact_answer(view, as_json)


@contact.command(name="show")
@click.argument("ref", metavar="CONTACT")
@json_option
@pass_desk
def show_contact(ctx: DeskContext, ref: str, as_json: bool) -> None:
    """One contact: identities, tenant, incidents, contacts merged into it."""
    _contact_answer(ctx.desk.contacts.get(ref, actor=ctx.actor), as_json)


@contact.command(name="list")
@click.option("--tenant", help="Only this tenant's.")
@click.option("--search", "text", help="Part of a name or an identity.")
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True)
@json_option
@pass_desk
def list_contacts(
    ctx: DeskContext, tenant: str | None, text: str | None, limit: int, as_json: bool
) -> None:
    """Contacts by name (merged ones are found through the contact they were merged into)."""
    views = ctx.desk.contacts.list(tenant=tenant, text=text, limit=limit, actor=ctx.actor)
    if as_json:
        emit_json(views)
        return
    show_rows(
        f"Contacts ({len(views)})",
        ("name", "tenant", "identities", "incidents", "id"),
        [(v.name, v.tenant, v.identities, len(v.incidents), v.id) for v in views],
    )


@contact.command(name="add-identity")
@click.argument("ref", metavar="CONTACT")
@click.argument("identity")
@json_option
@pass_desk
def add_identity(ctx: DeskContext, ref: str, identity: str, as_json: bool) -> None:
    """Give a contact another way to reach them."""
    _contact_answer(ctx.desk.contacts.add_identity(ref, identity, actor=ctx.actor), as_json)


@contact.command(name="rename")
@click.argument("ref", metavar="CONTACT")
@click.argument("name")
@json_option
@pass_desk
def rename_contact(ctx: DeskContext, ref: str, name: str, as_json: bool) -> None:
    """Change how a contact is addressed."""
    _contact_answer(ctx.desk.contacts.rename(ref, name, actor=ctx.actor), as_json)


@contact.command(name="merge")
@click.argument("source", metavar="CONTACT")
@click.option("--into", "target", required=True, metavar="CONTACT", help="The one to keep.")
@json_option
@pass_desk
def merge_contacts(ctx: DeskContext, source: str, target: str, as_json: bool) -> None:
    """Merge CONTACT into another: one person, found by any identity of either."""
    _contact_answer(ctx.desk.contacts.merge(source, target, actor=ctx.actor), as_json)


# --- dead letters ------------------------------------------------------------------


@click.group(name="dead-letters")
def dead_letters() -> None:
    """Payloads intake could not read or authenticate, kept whole with the reason."""


@dead_letters.command(name="list")
@click.option(
    "--state",
    type=click.Choice([*STATES, "all"]),
    default="open",
    show_default=True,
    help="Which letters.",
)
@click.option("--channel", "channel_name", help="Only this channel's.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@json_option
@pass_desk
def list_dead_letters(
    ctx: DeskContext, state: str, channel_name: str | None, limit: int, as_json: bool
) -> None:
    """Dead letters, oldest first."""
    letters = ctx.desk.dead_letters.list(
        state=None if state == "all" else state,
        channel=channel_name,
        limit=limit,
        actor=ctx.actor,
    )
    if as_json:
        emit_json(letters)
        return
    show_rows(
        f"Dead letters ({len(letters)})",
        ("id", "received", "channel", "kind", "state", "bytes", "reason"),
        [(d.id, d.received_at, d.channel, d.kind, d.state, d.size, d.reason) for d in letters],
    )


@dead_letters.command(name="show")
@click.argument("ref", metavar="ID")
@click.option("--raw", is_flag=True, help="Write the payload's bytes, as received, to stdout.")
@json_option
@pass_desk
def show_dead_letter(ctx: DeskContext, ref: str, raw: bool, as_json: bool) -> None:
    """One dead letter: reason, headers, history and (a preview of) the payload."""
    letter = ctx.desk.dead_letters.show(ref, actor=ctx.actor)
    if raw:
        sys.stdout.buffer.write(letter.payload)
        sys.stdout.buffer.flush()
        return
    if as_json:
        emit_json(letter.to_dict())
        return
    preview = letter.payload[:2000].decode("utf-8", errors="replace")
    show_fields(
        f"Dead letter {letter.id}",
        [
            ("channel", letter.channel),
            ("kind", letter.kind),
            ("state", letter.state),
            ("received", letter.received_at),
            ("reason", letter.reason),
            ("bytes", f"{letter.size}{' (kept truncated)' if letter.truncated else ''}"),
            ("headers", letter.headers),
            *[
                (f"{outcome} at {at:%Y-%m-%d %H:%M}", detail)
                for at, outcome, detail in letter.history
            ],
        ],
    )
    click.echo(preview + ("\n…" if len(letter.payload) > 2000 else ""))


@dead_letters.command(name="retry")
@click.argument("ref", metavar="ID")
@json_option
@pass_desk
def retry_dead_letter(ctx: DeskContext, ref: str, as_json: bool) -> None:
    """Run the payload through intake again, with the channel as configured now."""
    show_results(ctx.desk.dead_letters.retry(ref, actor=ctx.actor), as_json)


@dead_letters.command(name="discard")
@click.argument("ref", metavar="ID")
@click.option("--reason", default="", help="Why nobody needs it.")
@json_option
@pass_desk
def discard_dead_letter(ctx: DeskContext, ref: str, reason: str, as_json: bool) -> None:
    """Settle a dead letter without taking it in (it stays in the history)."""
    letter = ctx.desk.dead_letters.discard(ref, reason=reason, actor=ctx.actor)
    if as_json:
        emit_json(letter)
    else:
        click.echo(f"Dead letter {letter.id} discarded.")


# --- deliveries --------------------------------------------------------------------


@click.group()
def deliveries() -> None:
    """Replies on their way out, and every attempt to send them."""


@deliveries.command(name="list")
@click.option("--state", type=click.Choice(["pending", "delivered", "failed"]), help="Only these.")
@click.option("--incident", "incident_number", metavar="INCIDENT", help="Only this incident's.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@json_option
@pass_desk
def list_deliveries(
    ctx: DeskContext, state: str | None, incident_number: str | None, limit: int, as_json: bool
) -> None:
    """Deliveries, oldest first."""
    rows = ctx.desk.intake.deliveries(
        state=state, incident=incident_number, limit=limit, actor=ctx.actor
    )
    if as_json:
        emit_json(rows)
        return
    columns = [
        "requested",
        "incident",
        "channel",
        "state",
        "attempts",
        "next attempt",
        "last error",
    ]
    # Only channels that report on their messages (WhatsApp) give receipts.
    receipts = any(d.receipt for d in rows)
    show_rows(
        f"Deliveries ({len(rows)})",
        [*columns, "receipt"] if receipts else columns,
        [
            (
                d.requested_at,
                d.incident,
                d.channel,
                d.state,
                d.attempts,
                d.next_attempt_at,
                d.last_error,
                *((d.receipt,) if receipts else ()),
            )
            for d in rows
        ],
    )


@deliveries.command(name="run")
@json_option
@pass_desk
def run_deliveries(ctx: DeskContext, as_json: bool) -> None:
    """Try every delivery whose next attempt is due, once."""
    counts = ctx.desk.intake.deliver_due(actor=ctx.actor)
    if as_json:
        emit_json(counts)
    else:
        done = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
        click.echo(f"Deliveries tried: {done or 'none due'}.")
