"""An outside party's answer to an escalation, back onto the incident it was about.

A message answers an escalation when it quotes the id of the message the desk
sent (an email's In-Reply-To or References, a webhook callback's ``in_reply_to``):
those ids are random, so quoting one proves having received it. An email that
only names the incident number counts when it comes from the address the
incident was escalated to on that channel (a number alone is easy to guess).

The answer is added to the incident as a work note by its sender (the customer
does not see the vendor's side of the conversation), and an incident on hold
``awaiting_vendor`` resumes. The sender does not become a contact: a vendor is
not a customer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventsourcing.application import AggregateNotFoundError

from eventdesk.channels.base import InboundMessage
from eventdesk.domain.incident import HoldReason, State
from eventdesk.errors import InvalidValueError
from eventdesk.intake.model import Delivery, MessageKey, message_key_id

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk

__all__ = ["answered_escalation", "take_escalation_reply"]


def _outbound_key(desk: ServiceDesk, channel: str, message_id: str) -> MessageKey | None:
    try:
        key = desk.repository.get(message_key_id(channel, message_id))
    except AggregateNotFoundError:
        return None
    return key if key.direction == "outbound" else None


def _escalated_to(desk: ServiceDesk, number: str, channel: str, sender: str) -> bool:
    """Whether the incident was escalated to ``sender`` on ``channel``."""
    desk.catch_up()
    rows = desk.delivery_index.query(desk.projector.db, state=None, incident=number, limit=1000)
    for row in rows:
        if row["channel"] != channel:
            continue
        delivery = desk.repository.get(row["id"])
        if (
            isinstance(delivery, Delivery)
            and delivery.kind == "escalation"
            and str(delivery.message.get("to", "")).lower() == sender.lower()
        ):
            return True
    return False


def answered_escalation(desk: ServiceDesk, message: InboundMessage) -> str | None:
    """The number of the incident whose escalation ``message`` answers, if it answers one."""
    for reference in reversed(message.references):
        key = _outbound_key(desk, message.channel, reference)
        if key is not None and key.contact is None and key.incident:
            return key.incident
    # By number: only from the address it was escalated to. A vendor is never a contact, so
    # a contact's message (a customer quoting the number) is not looked for at all.
    if (
        message.incident
        and desk.contacts.claim_of(message.sender) is None
        and _escalated_to(desk, message.incident, message.channel, message.sender.value)
    ):
        return message.incident
    if message.metadata.get("answers_escalation"):
        raise InvalidValueError(
            "escalation reply",
            ", ".join(message.references) or None,
            "the id of an escalation message the desk sent on this channel",
        )
    return None


def take_escalation_reply(
    desk: ServiceDesk, message: InboundMessage, number: str, actor: str
) -> None:
    """Add the answer to the incident (and resume it if it waited for the vendor); the
    caller turns a conflict (IntegrityError) into a retry."""
    incident = desk._get(number)
    at = desk.clock.now()
    sender = message.sender.value
    if incident.state == State.ON_HOLD and incident.hold_reason == HoldReason.AWAITING_VENDOR:
        incident.resume(actor=sender, at=at)
    incident.add_comment(
        message.text,
        public=False,
        actor=sender,
        at=at,
        author_kind="agent",
        channel=message.channel,
        attachments=message.attachments,
    )
    key = MessageKey(
        channel=message.channel,
        message_id=message.message_id,
        direction="inbound",
        incident=incident.number,
        contact=None,
        ignored=None,
        actor=actor,
        timestamp=at,
    )
    desk.save(incident, key)
