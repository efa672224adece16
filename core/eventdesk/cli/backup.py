"""``eventdesk export``, ``eventdesk import-events``, ``eventdesk keys ...`` and
``eventdesk contact forget``: backups, and the personal data they protect."""

from __future__ import annotations

from pathlib import Path

import click

from eventdesk.backup.events import export_events, import_events
from eventdesk.backup.keys import export_keys, import_keys
from eventdesk.cli.context import DeskContext, pass_desk
from eventdesk.cli.intake import contact, json_option
from eventdesk.cli.output import emit_json, show_fields
from eventdesk.privacy.at_rest import new_cipher_key

FILE = click.Path(dir_okay=False, path_type=Path)


@click.command(name="export")
@click.argument("file", type=FILE)
@pass_desk
def export_command(ctx: DeskContext, file: Path) -> None:
    """Write every event to FILE as JSON lines, with a checksum line at the end.
    Personal fields stay sealed: back up the keys apart (eventdesk keys export)."""
    done = export_events(ctx.desk, file)
    click.echo(f"exported {done.events} events to {done.path}")


@click.command(name="import-events")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@pass_desk
def import_command(ctx: DeskContext, file: Path) -> None:
    """Load an export into an EMPTY store (after its keys: eventdesk keys import),
    checking its checksum first, then bring the read models up to date."""
    done = import_events(ctx.desk, file)
    click.echo(
        f"imported {done.events} events from {done.path}"
        + (f" ({done.forgotten} forgotten contacts kept forgotten)" if done.forgotten else "")
    )


@click.group()
def keys() -> None:
    """The personal key store: one key per contact, kept apart from the events."""


@keys.command(name="export")
@click.argument("file", type=FILE)
@pass_desk
def export_keys_command(ctx: DeskContext, file: Path) -> None:
    """Write the key store to FILE (keep it apart from the event backups)."""
    done = export_keys(ctx.desk, file)
    click.echo(f"exported {done.events} key store rows to {done.path}")


@keys.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@pass_desk
def import_keys_command(ctx: DeskContext, file: Path) -> None:
    """Load a key store backup into a new desk's empty key store."""
    done = import_keys(ctx.desk, file)
    click.echo(f"imported {done.events} key store rows from {done.path}")


@keys.command(name="status")
@json_option
@pass_desk
def keys_status(ctx: DeskContext, as_json: bool) -> None:
    """How many contacts' keys are live, and how many were destroyed (forgotten)."""
    counts = ctx.desk.personal_keys.counts()
    if as_json:
        emit_json(counts)
    else:
        click.echo(f"{counts['live']} live keys, {counts['forgotten']} forgotten contacts")


@keys.command(name="new-cipher-key")
def new_cipher_key_command() -> None:
    """Print a new key for EVENTDESK_CIPHER_KEY (encryption at rest of the whole store)."""
    click.echo(new_cipher_key())


@contact.command(name="forget")
@click.argument("ref", metavar="CONTACT")
@click.option("--reason", required=True, help="Why (kept in the audit trail).")
@click.option("--force", is_flag=True, help="Even with open incidents.")
@json_option
@pass_desk
def forget_contact(ctx: DeskContext, ref: str, reason: str, force: bool, as_json: bool) -> None:
    """Erase a person: destroy the key of their personal data (crypto-shredding).
    Their incidents stay, with history and metrics; names, addresses and messages
    read as [erased]. Refused while they have open incidents, unless --force."""
    done = ctx.desk.contacts.forget(ref, reason=reason, actor=ctx.actor, force=force)
    if as_json:
        emit_json(done)
        return
    show_fields(
        f"Contact {done.contact} forgotten",
        [
            ("keys destroyed", done.keys_destroyed),
            ("identities released", done.identities_released),
            ("incidents kept", done.incidents),
            ("still open", done.open_incidents),
        ],
    )
