"""``eventdesk email``: take in mail from a Maildir or an mbox, or receive it by SMTP.

Thin over the desk: every message goes to ``desk.intake.receive("email", ...)``,
which decides what becomes of it; these commands only find the messages and
report what intake answered.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any

import click

from eventdesk_email.listener import start_listener
from eventdesk_email.mailboxes import fetch_maildir, fetch_mbox

__all__ = ["email_commands"]

# The order statuses are reported in: what happened to the desk's incidents first.
STATUSES = (
    "opened",
    "appended",
    "reopened",
    "duplicate",
    "ignored",
    "dead_letter",
    "unauthenticated",
)


def _counted(statuses: Counter[str]) -> list[tuple[str, int]]:
    known = [(status, statuses[status]) for status in STATUSES if statuses[status]]
    return known + sorted((s, n) for s, n in statuses.items() if s not in STATUSES and n)


def email_commands() -> click.Group:
    """The ``eventdesk email`` group.

    It is built when the command line asks for it (the ``register_commands``
    hook) rather than when this module is imported: the command line's helpers
    live in ``eventdesk.cli``, whose import runs that very hook, so importing
    them at the top of this module would go round in a circle.
    """
    from eventdesk.cli.context import DeskContext, pass_desk
    from eventdesk.cli.output import emit_json

    @click.group()
    def email() -> None:
        """Email: fetch mail from a Maildir or an mbox, or receive it by SMTP."""

    @email.command()
    @click.option(
        "--maildir",
        metavar="PATH",
        help="A Maildir folder: its new messages, marked seen once taken.",
    )
    @click.option(
        "--mbox", metavar="PATH", help="An mbox file: all its messages (repeats are skipped)."
    )
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @pass_desk
    def fetch(ctx: DeskContext, maildir: str | None, mbox: str | None, as_json: bool) -> None:
        """Take in the mail of a Maildir or an mbox and count what became of it."""
        if (maildir is None) == (mbox is None):
            raise click.UsageError("give one of --maildir PATH or --mbox PATH")
        source = maildir if maildir is not None else str(mbox)
        messages: Iterable[tuple[Any, bytes]] = (
            fetch_maildir(source) if maildir is not None else fetch_mbox(source)
        )
        statuses: Counter[str] = Counter()
        results: list[dict[str, Any]] = []
        fetched = 0
        for key, raw in messages:
            fetched += 1
            for result in ctx.desk.intake.receive("email", raw):
                statuses[result.status] += 1
                results.append({"key": str(key), **result.to_dict()})
        counted = _counted(statuses)
        if as_json:
            emit_json(
                {
                    "source": source,
                    "messages": fetched,
                    "statuses": dict(counted),
                    "results": results,
                }
            )
            return
        line = f"Fetched {fetched} message{'' if fetched == 1 else 's'} from {source}"
        if counted:
            line += ": " + ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in counted)
        click.echo(line)

    @email.command()
    @click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
    @click.option(
        "--port", default=8025, show_default=True, type=click.IntRange(1, 65535), help="SMTP port."
    )
    @pass_desk
    def listen(ctx: DeskContext, host: str, port: int) -> None:
        """Receive mail by SMTP and take each message in, until interrupted (Ctrl-C)."""
        try:
            listener = start_listener(ctx.desk, host, port)
        except OSError as error:
            raise click.ClickException(f"cannot listen on {host}:{port}: {error}") from None
        click.echo(f"Listening for email on {host}:{port}; Ctrl-C stops.")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            listener.stop()
        click.echo("Stopped.")

    return email
