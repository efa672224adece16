"""What the intake pipeline records beside incidents and contacts.

- :class:`MessageKey`: one per (channel, message id), in or out. Its id is
  derived from the pair, so the store itself refuses a second copy: that is
  what makes intake idempotent, even between processes. It also says which
  incident the message joined, so a later email that answers it (by
  In-Reply-To or References) finds its incident.
- :class:`ThreadKey`: a channel's own conversation key (a chat session) and the
  incident it belongs to now.
- :class:`DeadLetter`: a payload that could not be read or authenticated, kept
  whole with the reason, until it is retried successfully or discarded.
- :class:`Delivery`: a reply (or an escalation, ``kind="escalation"``) on its way out,
  with every attempt to send it and what the other side answered.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from eventsourcing.domain import Aggregate, event

from eventdesk.errors import DomainError, InvalidValueError

NAMESPACE = uuid.UUID("9d4e2b1a-6c3f-5e8d-a1b2-7f0c3e5d9a42")

# When a failed delivery is tried again: after each failed attempt, in order.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)

# What a provider says became of a sent message, in the order they go further; failed is final.
RECEIPTS = ("sent", "delivered", "read", "failed")


def message_key_id(channel: str, message_id: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"message:{channel}:{message_id}")


def thread_key_id(channel: str, key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"thread:{channel}:{key}")


class DeadLetterStateError(DomainError):
    """A dead letter was retried or discarded after it was already settled."""


class MessageKey(Aggregate):
    """A channel message the desk has taken in (or sent), and where it went."""

    @staticmethod
    def create_id(channel: str, message_id: str) -> uuid.UUID:
        return message_key_id(channel, message_id)

    @event("Taken")
    def __init__(
        self,
        channel: str,
        message_id: str,
        direction: str,  # "inbound" or "outbound"
        incident: str | None,
        contact: str | None,
        ignored: str | None,  # why an inbound message was deliberately left alone
        actor: str,
        timestamp: datetime,
    ) -> None:
        self.channel = channel
        self.message_id = message_id
        self.direction = direction
        self.incident = incident
        self.contact = contact
        self.ignored = ignored


class ThreadKey(Aggregate):
    """A channel's conversation key, and the incident its messages join now."""

    @staticmethod
    def create_id(channel: str, key: str) -> uuid.UUID:
        return thread_key_id(channel, key)

    @event("Linked")
    def __init__(
        self, channel: str, key: str, incident: str, actor: str, timestamp: datetime
    ) -> None:
        self.channel = channel
        self.key = key
        self.incident = incident

    def relink(self, incident: str, *, actor: str, at: datetime) -> None:
        if incident != self.incident:
            self._relinked(incident=incident, actor=actor, timestamp=at)

    @event("Relinked")
    def _relinked(self, incident: str, actor: str, timestamp: datetime) -> None:
        self.incident = incident


class DeadLetter(Aggregate):
    """A payload intake could not take, kept whole with the reason."""

    @event("Recorded")
    def __init__(
        self,
        channel: str,
        kind: str,  # "unparseable", "unauthenticated" or "rejected"
        reason: str,
        payload: str,  # base64 of the raw bytes, as received (truncated if oversized)
        size: int,  # the size received, in bytes
        headers: dict[str, str],
        actor: str,
        timestamp: datetime,
    ) -> None:
        self.channel = channel
        self.kind = kind
        self.reason = reason
        self.payload = payload
        self.size = size
        self.headers = dict(headers)
        self.state = "open"  # open | resolved | discarded
        self.attempts: tuple[tuple[datetime, str, str], ...] = ()  # (at, outcome, detail)

    def check_open(self, action: str) -> None:
        if self.state != "open":
            raise DeadLetterStateError(
                f"dead letter {self.id} is {self.state}: cannot {action} it",
                dead_letter=str(self.id),
                state=self.state,
            )

    def record_retry(
        self,
        *,
        taken: bool,
        detail: str,
        incidents: list[str],
        actor: str,
        at: datetime,
    ) -> None:
        """Record a retry: taken (the letter is settled) or failed again (with the reason)."""
        self.check_open("retry")
        if taken:
            self._retry_succeeded(outcome=detail, incidents=incidents, actor=actor, timestamp=at)
        else:
            self._retry_failed(reason=detail, actor=actor, timestamp=at)

    @event("RetrySucceeded")
    def _retry_succeeded(
        self, outcome: str, incidents: list[str], actor: str, timestamp: datetime
    ) -> None:
        self.state = "resolved"
        self.attempts = (*self.attempts, (timestamp, "taken", outcome))

    @event("RetryFailed")
    def _retry_failed(self, reason: str, actor: str, timestamp: datetime) -> None:
        self.reason = reason
        self.attempts = (*self.attempts, (timestamp, "failed", reason))

    def discard(self, reason: str, *, actor: str, at: datetime) -> None:
        self.check_open("discard")
        self._discarded(reason=reason, actor=actor, timestamp=at)

    @event("Discarded")
    def _discarded(self, reason: str, actor: str, timestamp: datetime) -> None:
        self.state = "discarded"
        self.attempts = (*self.attempts, (timestamp, "discarded", reason))


class Delivery(Aggregate):
    """A message on its way out through a channel, and every attempt to send it."""

    @event("Requested")
    def __init__(
        self,
        channel: str,
        incident: str,
        message: dict[str, Any],  # the OutboundMessage's fields, primitives only
        actor: str,
        timestamp: datetime,
        kind: str = "reply",  # "reply", or "escalation" (sent by an escalation target)
        target: str | None = None,  # the escalation target that sends it
    ) -> None:
        self.channel = channel
        self.incident = incident
        self.message = dict(message)
        self.kind = kind
        self.target = target
        self.state = "pending"  # pending | delivered | failed
        self.attempts = 0
        self.next_attempt_at: datetime | None = timestamp
        self.last_error: str | None = None
        self.provider_id: str | None = None
        self.last_response: str | None = None

    def record_attempt(
        self,
        *,
        ok: bool,
        at: datetime,
        provider_id: str | None = None,
        error: str | None = None,
        retryable: bool = True,
        actor: str,
        response: str | None = None,  # what the other side answered (an HTTP status, say)
    ) -> None:
        attempt = self.attempts + 1
        if ok:
            self._delivered(
                attempt=attempt,
                provider_id=provider_id,
                actor=actor,
                timestamp=at,
                response=response,
            )
            return
        gives_up = not retryable or attempt > len(RETRY_DELAYS)
        self._attempt_failed(
            attempt=attempt,
            error=error or "unknown error",
            retryable=retryable,
            next_attempt_at=None if gives_up else at + RETRY_DELAYS[attempt - 1],
            actor=actor,
            timestamp=at,
            response=response,
        )

    @event("Delivered")
    def _delivered(
        self,
        attempt: int,
        provider_id: str | None,
        actor: str,
        timestamp: datetime,
        response: str | None = None,
    ) -> None:
        self.attempts = attempt
        self.state = "delivered"
        self.provider_id = provider_id
        self.next_attempt_at = None
        self.last_response = response

    @event("AttemptFailed")
    def _attempt_failed(
        self,
        attempt: int,
        error: str,
        retryable: bool,
        next_attempt_at: datetime | None,
        actor: str,
        timestamp: datetime,
        response: str | None = None,
    ) -> None:
        self.attempts = attempt
        self.last_error = error
        self.last_response = response
        self.next_attempt_at = next_attempt_at
        self.state = "pending" if next_attempt_at is not None else "failed"

    # --- receipts: what the provider says became of a delivered message ------------------

    receipt: str | None = None  # sent | delivered | read | failed (None: no word yet)
    receipt_detail: str | None = None

    def record_receipt(
        self, status: str, *, at: datetime, actor: str, detail: str | None = None
    ) -> bool:
        """Record the provider's word on the message; True if it told something new.

        Receipts arrive out of order and more than once, so the furthest status is
        kept (sent < delivered < read) and ``failed`` is final."""
        if status not in RECEIPTS:
            raise InvalidValueError("receipt status", status, "one of " + ", ".join(RECEIPTS))
        if self.receipt is not None and RECEIPTS.index(status) <= RECEIPTS.index(self.receipt):
            return False
        self._receipt_recorded(status=status, detail=detail, actor=actor, timestamp=at)
        return True

    @event("ReceiptRecorded")
    def _receipt_recorded(
        self, status: str, detail: str | None, actor: str, timestamp: datetime
    ) -> None:
        self.receipt = status
        self.receipt_detail = detail
