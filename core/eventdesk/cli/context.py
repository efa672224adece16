"""What every command shares: the desk it works on, the actor, error handling."""

from __future__ import annotations

import functools
import getpass
import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

from eventdesk.application import ServiceDesk
from eventdesk.clock import Clock
from eventdesk.errors import EventDeskError
from eventdesk.tenancy.access import Actor

F = TypeVar("F", bound=Callable[..., Any])


class DeskContext:
    """Opens the desk on first use and closes it when the command ends."""

    def __init__(self, db: str | None, actor: str | None) -> None:
        self.db = db
        self.actor = parse_actor(actor or os.environ.get("EVENTDESK_ACTOR") or _login_name())
        self._desk: ServiceDesk | None = None

    @property
    def desk(self) -> ServiceDesk:
        if self._desk is None:
            self._desk = ServiceDesk(db=self.db)
        return self._desk

    def open_desk(self, clock: Clock) -> ServiceDesk:
        """Open the desk on a given clock (the demo plays on virtual time)."""
        self.close()
        self._desk = ServiceDesk(db=self.db, clock=clock)
        return self._desk

    def close(self) -> None:
        if self._desk is not None:
            self._desk.close()
            self._desk = None


def parse_actor(text: str) -> str:
    """``agent:NAME``, ``user:NAME/TENANT`` or ``admin:NAME`` as an :class:`Actor`.

    A bare name stays a plain string: the administrator at the command line,
    trusted with everything, as before tenancy.
    """
    if isinstance(text, Actor):
        return text
    return Actor.parse(text) if ":" in text else text.strip()


class ActorParam(click.ParamType):
    """The ``--actor`` option: a bare name, or a kind and a name (see parse_actor)."""

    name = "ACTOR"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        try:
            return parse_actor(value)
        except EventDeskError as error:
            self.fail(str(error), param, ctx)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def one_line(message: str) -> str:
    r"""An error message on one line: line breaks and other control characters (which may
    come from what the user typed) escaped.

    >>> print(one_line("incident \x1e not found\n"))
    incident \x1e not found\n
    """
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in message)


def pass_desk(command: F) -> F:
    """Give the command the DeskContext; turn known failures into one-line errors."""

    @click.pass_obj
    @functools.wraps(command)
    def wrapper(ctx: DeskContext, *args: Any, **kwargs: Any) -> Any:
        try:
            return command(ctx, *args, **kwargs)
        except EventDeskError as error:
            raise click.ClickException(one_line(str(error))) from None
        finally:
            ctx.close()

    return wrapper  # type: ignore[return-value]
