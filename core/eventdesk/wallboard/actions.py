"""What a supervisor does from the wallboard, through the desk's own commands.

Each action is the application command the command line runs, with the
supervisor as its actor: the same access checks apply (and record their
refusals), and the events it saves name the supervisor.
"""

from __future__ import annotations

from typing import Any

from eventdesk.application import ServiceDesk
from eventdesk.contingency.service import ContingencyView
from eventdesk.errors import InvalidValueError
from eventdesk.tenancy.service import AgentView
from eventdesk.views import IncidentView


def reassign(desk: ServiceDesk, actor: str, fields: dict[str, Any]) -> IncidentView:
    """Reassign an incident to a group and/or an agent (``incident assign``)."""
    if not fields.get("group") and not fields.get("assignee"):
        raise InvalidValueError("assignee", None, "a group or an agent to reassign to")
    return desk.assign(fields["incident"], fields.get("group"), fields.get("assignee"), actor=actor)


def move_agent(desk: ServiceDesk, actor: str, fields: dict[str, Any]) -> AgentView:
    """Move an agent from one team to another for the shift (``agent move``)."""
    return desk.tenancy.move_agent(fields["agent"], fields["from"], fields["to"], actor=actor)


def switch_contingency(desk: ServiceDesk, actor: str, fields: dict[str, Any]) -> ContingencyView:
    """Switch a tenant's contingency mode ``on`` (a reason is required) or ``off``."""
    mode = fields["mode"]
    if mode == "on":
        if not fields.get("reason"):
            raise InvalidValueError("reason", None, "why contingency mode goes on (required)")
        return desk.contingency.on(fields["tenant"], reason=fields["reason"], actor=actor)
    if mode == "off":
        return desk.contingency.off(fields["tenant"], reason=fields.get("reason"), actor=actor)
    raise InvalidValueError("mode", mode, "on or off")
