"""The escalation target interface: what an escalation target plugin gives the desk.

An escalation target is where an incident can be handed when the agents who
hold it need someone else: a specialist group of the desk, a vendor reached by
email, a partner's system reached by webhook. A plugin registers a *factory*
under the target's name::

    @hookimpl
    def register_escalation_targets(register):
        register("pager", PagerTarget)

and the desk builds it as ``PagerTarget(settings)`` with the target's stored
settings (``desk.escalations.configure("pager", {...})``; a value written
``env:NAME`` is read from the environment variable ``NAME``). docs/escalation-targets.md
is the guide.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from eventdesk.views import IncidentView, to_jsonable

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk

__all__ = ["Escalation", "EscalationRequest", "EscalationTarget", "Sent", "briefing"]


@attrs.frozen
class EscalationRequest:
    """What was asked: to whom (``recipient``: a group, an address; the target's default
    when None), why, at which management ``level`` (an SLA step) and by whom. With
    ``send`` False a delivering target leaves the first attempt to the outbox worker."""

    target: str
    recipient: str | None = None
    reason: str = ""
    level: str | None = None
    actor: str = "system"
    send: bool = True


@attrs.frozen
class Escalation:
    """What an escalation did: ``routed`` (handed to a group of the desk), or a delivery
    that is ``pending``, ``delivered`` or ``failed`` (``delivery`` is its id)."""

    incident: str
    target: str
    recipient: str | None
    state: str
    delivery: str | None = None
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@attrs.frozen
class Sent:
    """What a target's ``send`` reports: the other side's id for the message and a short
    summary of its answer (``HTTP 200: {"ticket": "V-81"}``), both recorded as events."""

    provider_id: str | None = None
    response: str | None = None


class EscalationTarget:
    """Base class of escalation targets. Subclasses set ``name`` (and ``description``)
    and implement ``escalate``; a target that sends a message implements ``send`` too,
    and has ``escalate`` call ``desk.escalations.deliver(...)``, so that the message
    goes through the desk's outbox: every attempt recorded, failures retried.

    ``settings`` are the target's settings as configured on the desk (``env:``
    values already read from the environment).
    """

    name: ClassVar[str]
    description: ClassVar[str] = ""

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        self.settings: dict[str, Any] = dict(settings or {})

    def escalate(
        self, desk: ServiceDesk, incident: IncidentView, request: EscalationRequest
    ) -> Escalation:
        """Hand the incident over; raise an EventDeskError saying what is wrong if it cannot."""
        raise NotImplementedError

    def send(self, desk: ServiceDesk, message: Mapping[str, Any]) -> Sent | str | None:
        """Send one message ``escalate`` queued; raise DeliveryError(reason, retryable=...,
        response=...) when it did not go."""
        raise NotImplementedError(f"the escalation target {self.name} sends nothing")


def briefing(incident: IncidentView, request: EscalationRequest) -> str:
    """The text that tells an outside party what the incident is and why it is theirs.

    >>> from eventdesk import ServiceDesk
    >>> with ServiceDesk(db=":memory:") as desk:
    ...     view = desk.open_incident("VPN down", impact=1, urgency=2, description="Since 9:00")
    >>> print(briefing(view, EscalationRequest("vendor", reason="Firewall firmware bug")))
    INC0000001 (P2, new): VPN down
    <BLANKLINE>
    Escalated to you: Firewall firmware bug
    <BLANKLINE>
    Since 9:00
    <BLANKLINE>
    Please answer this message: your answer is added to INC0000001.
    """
    level = f" ({request.level.replace('_', ' ')})" if request.level else ""
    parts = [
        f"{incident.number} (P{incident.priority}, {incident.state}): {incident.summary}",
        f"Escalated to you{level}: {request.reason or 'please take over'}",
    ]
    if incident.description:
        parts.append(incident.description)
    parts.append(f"Please answer this message: your answer is added to {incident.number}.")
    return "\n\n".join(parts)
