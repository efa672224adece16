"""Receipts: what a provider says became of a message the desk sent (sent, delivered,
read, failed), recorded on the message's :class:`~eventdesk.intake.model.Delivery`.

A provider names a message by its own id (a WhatsApp ``wamid``), which the desk
learns only when the message is accepted. :class:`ProviderMessage` remembers,
per (channel, provider id), which delivery it was: it is saved with the delivery
the moment a channel returns the id, and its own id is derived from the pair, so
finding it is one read, with no read model to wait for.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import IntegrityError

from eventdesk.channels.base import Receipt
from eventdesk.errors import ConcurrencyConflictError
from eventdesk.intake.model import NAMESPACE, Delivery

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk

_ATTEMPTS = 5  # tries of one receipt against concurrent writers


def provider_message_id(channel: str, provider_id: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"provider:{channel}:{provider_id}")


class ProviderMessage(Aggregate):
    """A provider's id for a message the desk sent, and the delivery that sent it."""

    @staticmethod
    def create_id(channel: str, provider_id: str) -> uuid.UUID:
        return provider_message_id(channel, provider_id)

    @event("Accepted")
    def __init__(
        self, channel: str, provider_id: str, delivery: str, actor: str, timestamp: datetime
    ) -> None:
        self.channel = channel
        self.provider_id = provider_id
        self.delivery = delivery


def provider_records(delivery: Delivery, *, actor: str, at: datetime) -> list[Any]:
    """What to save with a delivery the channel has just accepted (its provider id)."""
    if delivery.state != "delivered" or not delivery.provider_id:
        return []
    return [
        ProviderMessage(
            channel=delivery.channel,
            provider_id=str(delivery.provider_id),
            delivery=str(delivery.id),
            actor=actor,
            timestamp=at,
        )
    ]


def find_delivery(desk: ServiceDesk, channel: str, provider_id: str) -> Delivery | None:
    """The delivery the provider's id names on that channel, if the desk sent it."""
    try:
        sent = desk.repository.get(provider_message_id(channel, provider_id))
    except AggregateNotFoundError:
        return None
    return desk.repository.get(uuid.UUID(sent.delivery))


def record(
    desk: ServiceDesk, channel: str, receipt: Receipt, actor: str
) -> tuple[str, str | None, str]:
    """Record a receipt on its delivery: ``(status, incident, reason)`` for the intake
    result; status ``receipt`` when the message is the desk's, ``ignored`` when not."""
    for _ in range(_ATTEMPTS):
        delivery = find_delivery(desk, channel, receipt.provider_id)
        if delivery is None:
            return (
                "ignored",
                None,
                (
                    f"a {receipt.status} receipt for {receipt.provider_id}, "
                    "which is no message this desk sent"
                ),
            )
        if not delivery.record_receipt(
            receipt.status, at=desk.clock.now(), actor=actor, detail=receipt.detail
        ):
            return "receipt", delivery.incident, f"already {delivery.receipt}"
        try:
            desk.save(delivery)
        except IntegrityError:  # another receipt for it at the same time: read it again
            continue
        return "receipt", delivery.incident, receipt.status
    raise ConcurrencyConflictError(f"receipt for {receipt.provider_id}", None, None)
