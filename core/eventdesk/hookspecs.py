"""The hooks a plugin can implement. Each docstring says when it fires."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("eventdesk")
hookimpl = pluggy.HookimplMarker("eventdesk")


@hookspec
def hierarchical_escalation(
    desk: Any, incident: Any, level: str, reason: str, supervisor: str | None
) -> None:
    """An incident was escalated to a management level (shift_manager, team_manager, director).

    ``supervisor`` names who holds that level in the incident's assignment group,
    when the team names one (``None`` otherwise).
    """


@hookspec
def register_commands(cli: Any) -> None:
    """The ``eventdesk`` CLI is being built: add click commands or groups to ``cli``."""


@hookspec
def register_channels(register: Callable[[str, Any], None]) -> None:
    """The desk is collecting its channels: call ``register(name, channel_factory)`` for each."""


@hookspec
def register_escalation_targets(register: Callable[[str, Any], None]) -> None:
    """The desk is collecting where escalations can go: call ``register(name, target_factory)``
    for each (an ``eventdesk.escalation.EscalationTarget`` subclass, built with its settings)."""


@hookspec
def track_event(desk: Any, event: Any) -> None:
    """A desk has just saved ``event``, one of its domain events (once per event, in order)."""


@hookspec
def message_taken(desk: Any, message: Any, result: Any) -> None:
    """Intake has just taken ``message`` from a channel and saved what it did (``result``)."""


@hookspec
def wallboard_diverted(desk: Any, since: Any) -> list[dict[str, Any]] | None:
    """The wallboard asks for work diverted away from its queue since ``since`` (a UTC
    datetime): return dicts with at least ``tenant``, ``what`` (a call, a chat...),
    ``to`` and ``at`` (ISO 8601), or None."""
