"""eventdesk-specialists: the ``specialists`` escalation target.

It hands the incident to a specialist group of the desk — the recipient, or the
``group`` setting, or else the group the tenant's category map names — through
the desk's functional escalation (``desk.escalate``), so the incident goes back
into the routing queue for that group's agents.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from eventdesk.errors import InvalidValueError
from eventdesk.escalation import Escalation, EscalationRequest, EscalationTarget
from eventdesk.hookspecs import hookimpl
from eventdesk.views import IncidentView

__all__ = ["SpecialistGroupTarget"]


class SpecialistGroupTarget(EscalationTarget):
    """Route the incident to a specialist group of the desk."""

    name: ClassVar[str] = "specialists"
    description: ClassVar[str] = (
        "a specialist group of the desk (without a recipient: the tenant's category map)"
    )

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        unknown = sorted(set(self.settings) - {"group"})
        if unknown:
            raise InvalidValueError("specialists setting", unknown[0], "group")
        group = self.settings.get("group")
        if group is not None and (not isinstance(group, str) or not group.strip()):
            raise InvalidValueError("specialists group", group, "the name of a specialist group")

    def escalate(self, desk: Any, incident: IncidentView, request: EscalationRequest) -> Escalation:
        group = request.recipient or self.settings.get("group") or None
        view = desk.escalate(incident.number, group, reason=request.reason, actor=request.actor)
        return Escalation(
            incident=view.number,
            target=self.name,
            recipient=view.assignment_group,
            state="routed",
            detail=f"queued for the agents of {view.assignment_group}",
        )


@hookimpl
def register_escalation_targets(register: Any) -> None:
    register("specialists", SpecialistGroupTarget)
