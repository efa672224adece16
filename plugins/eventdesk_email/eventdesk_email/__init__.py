"""eventdesk-email: the email channel of EventDesk, a plugin like any other.

It registers the ``email`` channel (:class:`EmailChannel`: parsing RFC 5322 /
MIME mail, replies by SMTP) and the ``eventdesk email`` commands (fetching
from a Maildir or an mbox, an SMTP listener). docs/email.md is its guide.
"""

from __future__ import annotations

from typing import Any

from eventdesk.hookspecs import hookimpl

from eventdesk_email.channel import EmailChannel
from eventdesk_email.cli import email_commands
from eventdesk_email.settings import EmailSettings

__all__ = ["EmailChannel", "EmailSettings"]


@hookimpl
def register_channels(register: Any) -> None:
    register("email", EmailChannel)


@hookimpl
def register_commands(cli: Any) -> None:
    cli.add_command(email_commands())
