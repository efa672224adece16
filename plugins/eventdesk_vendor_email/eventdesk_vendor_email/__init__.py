"""eventdesk-vendor-email: the ``vendor-email`` escalation target.

It emails the incident's briefing to an external party (the recipient, or the
``to`` setting) from the email channel's address, through its SMTP server
(``channel`` setting: which email channel, ``email`` by default), by way of the
desk's outbox: the attempt is recorded, and a failure tried again later. The
email carries a Message-ID of the desk's and the incident number in its
subject, so the vendor's answer threads back onto the incident.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from eventdesk.channels import Identity, OutboundMessage
from eventdesk.errors import InvalidValueError
from eventdesk.escalation import (
    Escalation,
    EscalationRequest,
    EscalationTarget,
    Sent,
    briefing,
)
from eventdesk.hookspecs import hookimpl
from eventdesk.views import IncidentView

__all__ = ["VendorEmailTarget"]

SETTINGS = ("to", "channel")


class VendorEmailTarget(EscalationTarget):
    """Email an external party; their answer comes back through the email channel."""

    name: ClassVar[str] = "vendor-email"
    description: ClassVar[str] = "an external party (a vendor) by email; answers come back"

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        super().__init__(settings)
        unknown = sorted(set(self.settings) - set(SETTINGS))
        if unknown:
            raise InvalidValueError(
                "vendor-email setting", unknown[0], "one of " + ", ".join(SETTINGS)
            )
        self.to = Identity("email", self.settings["to"]).value if "to" in self.settings else None
        self.channel = str(self.settings.get("channel", "email"))

    def escalate(self, desk: Any, incident: IncidentView, request: EscalationRequest) -> Escalation:
        if request.recipient is None and self.to is None:
            raise InvalidValueError(
                "recipient", None, "the vendor's email address (or the target's 'to' setting)"
            )
        to = Identity("email", request.recipient or self.to).value
        message = {
            "to": to,
            "subject": f"Escalation: {incident.summary}",
            "text": briefing(incident, request),
            "message_id": desk.channels.get(self.channel).new_message_id(incident.number),
            "incident": incident.number,
            "author": request.actor,
        }
        return desk.escalations.deliver(
            incident, request, channel=self.channel, recipient=to, message=message
        )

    def send(self, desk: Any, message: Mapping[str, Any]) -> Sent:
        outbound = OutboundMessage(
            channel=self.channel,
            incident=message["incident"],
            to=Identity("email", message["to"]),
            text=message["text"],
            message_id=message["message_id"],
            subject=message["subject"],
            author=message.get("author"),
        )
        provider_id = desk.channels.get(self.channel).send(outbound)
        return Sent(
            provider_id=provider_id, response=f"the mail server accepted it for {outbound.to.value}"
        )


@hookimpl
def register_escalation_targets(register: Any) -> None:
    register("vendor-email", VendorEmailTarget)
