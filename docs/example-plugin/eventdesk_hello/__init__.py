"""eventdesk-hello: an example EventDesk plugin.

It adds an ``eventdesk hello`` command and counts the domain events desks save.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import click
from eventdesk.hookspecs import hookimpl

counted: Counter[str] = Counter()
"""How many events of each type the desks of this process have saved (``Incident.Opened``...)."""


@hookimpl
def register_commands(cli: click.Group) -> None:
    @cli.command()
    @click.option("--name", default="world", help="Whom to greet.")
    def hello(name: str) -> None:
        """Say hello from a plugin."""
        click.echo(f"Hello, {name}, from the eventdesk-hello plugin!")


@hookimpl
def track_event(desk: Any, event: Any) -> None:
    counted[type(event).__qualname__] += 1
