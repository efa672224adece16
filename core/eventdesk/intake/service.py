"""The intake pipeline, the same for every channel: ``desk.intake``.

For each raw payload a channel delivers:

1. the channel checks its authenticity and reads it into messages; a payload
   it cannot read or authenticate becomes a *dead letter*, kept whole with the
   reason (``desk.dead_letters``), and nothing else happens;
2. a message already taken — the same (channel, message id) — is a duplicate
   and changes nothing (a retried webhook, an email fetched twice);
3. the sender is identified: the contact who owns the sender's identity, or a
   new contact, of the tenant the channel names, the sender's email domain
   belongs to, or the channel's default;
4. the message finds its incident: the incident it names (if it is the
   contact's), the incident of the earlier message it answers, the incident
   of its channel thread, or the contact's open incident for that tenant;
   otherwise a new incident is opened (and queued for routing);
5. the message is added to that incident's conversation, reopening a resolved
   incident and resuming one that was waiting for the customer;

and everything of one message is saved in one transaction, so that it is
taken exactly once even when two processes receive it at the same time.
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import attrs
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, PersistenceError

from eventdesk.channels.base import (
    AuthenticityError,
    Channel,
    DeliveryError,
    Identity,
    Ignored,
    InboundMessage,
    OutboundMessage,
    PayloadError,
    Receipt,
)
from eventdesk.clock import as_utc
from eventdesk.contacts.model import Contact
from eventdesk.domain.incident import (
    FINAL_STATES,
    SUMMARY_MAX,
    HoldReason,
    Incident,
    State,
)
from eventdesk.errors import (
    ConcurrencyConflictError,
    EventDeskError,
    InvalidValueError,
    StorageConfigError,
)
from eventdesk.escalation.replies import answered_escalation, take_escalation_reply
from eventdesk.intake.limits import clipped_headers, refused_headers
from eventdesk.intake.model import (
    DeadLetter,
    Delivery,
    MessageKey,
    ThreadKey,
    message_key_id,
    thread_key_id,
)
from eventdesk.intake.receipts import provider_records
from eventdesk.intake.receipts import record as record_receipt
from eventdesk.plugins import get_plugin_manager
from eventdesk.projections.incidents import read_time
from eventdesk.views import to_jsonable

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk

log = logging.getLogger(__name__)

INTAKE_ACTOR = "intake"
DELIVERY_ACTOR = "outbox"
MAX_PAYLOAD = 25 * 1024 * 1024  # bytes a channel payload may have (an email with attachments)
KEPT_OF_OVERSIZED = 64 * 1024  # bytes of an oversized payload kept in its dead letter
MESSAGE_MAX = 100_000  # characters of a message kept in the conversation
DEFAULT_IMPACT = 2
DEFAULT_URGENCY = 2
_ATTEMPTS = 20  # tries of one message against concurrent writers
_SECRET_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})
_NUMBER_IN_TEXT = re.compile(r"\bINC\d{7}\b", re.IGNORECASE)


@attrs.frozen
class IntakeResult:
    """What intake did with one message of a payload (or with the whole payload).

    ``status`` is ``opened``, ``appended``, ``reopened``, ``duplicate``,
    ``ignored``, ``receipt`` (a provider's word on a message the desk sent),
    ``dead_letter`` or ``unauthenticated``.
    """

    status: str
    channel: str
    message_id: str | None = None
    incident: str | None = None
    contact: str | None = None
    reason: str | None = None
    dead_letter: str | None = None

    @property
    def taken(self) -> bool:
        """True unless the payload went to the dead-letter store."""
        return self.status not in ("dead_letter", "unauthenticated")

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@attrs.frozen
class DeliverySummary:
    """A reply on its way out: where, its state, how many attempts, the last error."""

    id: str
    incident: str
    channel: str
    state: str  # pending | delivered | failed
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    requested_at: datetime
    receipt: str | None = None  # the provider's word: sent, delivered, read or failed

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


class _Conflict(Exception):
    """Another writer changed what this message needed: read everything again."""


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _summary(message: InboundMessage) -> str:
    subject = " ".join((message.subject or "").split())
    subject = re.sub(r"^(?:(?:re|fw|fwd|aw|sv)\s*:\s*)+", "", subject, flags=re.IGNORECASE)
    if subject:
        return _clip(subject, SUMMARY_MAX)
    first = next((line.strip() for line in message.text.splitlines() if line.strip()), "")
    return _clip(first or f"Message from {message.sender.value}", SUMMARY_MAX)


class IntakeService:
    """``desk.intake``: take in what channels receive; send what agents reply."""

    def __init__(self, desk: ServiceDesk) -> None:
        self.desk = desk
        self.max_payload = MAX_PAYLOAD

    # --- receiving -------------------------------------------------------------

    def receive(
        self,
        channel: str,
        payload: bytes,
        headers: Mapping[str, str] | None = None,
        *,
        actor: str = INTAKE_ACTOR,
    ) -> list[IntakeResult]:
        """Take in one raw payload a channel received; one result per message in it.

        Never raises for a bad payload (it becomes a dead letter); raises
        UnknownChannelError for a channel no plugin registers, and lets storage
        failures through (the sender should try again later).
        """
        return self.take(self.desk.channels.get(channel), payload, headers or {}, actor=actor)

    def take(
        self,
        channel: Channel,
        payload: bytes,
        headers: Mapping[str, str],
        *,
        actor: str = INTAKE_ACTOR,
        keep: bool = True,
    ) -> list[IntakeResult]:
        """``receive`` with the channel already built. With ``keep=False`` (a retry of a
        dead letter) a payload that fails again is not kept a second time."""
        self.desk.tenancy.guard(actor, "take in channel messages")
        headers = {str(k).lower(): str(v) for k, v in headers.items()}
        raw = bytes(payload) if not isinstance(payload, bytes) else payload
        if len(raw) > self.max_payload:
            reason = f"payload of {len(raw)} bytes is over the limit of {self.max_payload} bytes"
            return [self._dead(channel, "unparseable", reason, raw, headers, actor, keep)]
        refused = refused_headers(headers)  # too many or too long (intake/limits.py)
        if refused is not None:
            kept = clipped_headers(headers)
            return [self._dead(channel, "unparseable", refused, raw, kept, actor, keep)]
        try:
            channel.verify(raw, headers)
            parsed = list(channel.parse(raw, headers))
        except AuthenticityError as error:
            return [self._dead(channel, "unauthenticated", error.reason, raw, headers, actor, keep)]
        except PayloadError as error:
            return [self._dead(channel, "unparseable", error.reason, raw, headers, actor, keep)]
        except (PersistenceError, StorageConfigError):
            raise
        except Exception as error:  # a channel's own defect must not lose the payload
            log.exception("channel %s failed to read a payload", channel.name)
            reason = (
                f"the {channel.name} channel failed to read it: {type(error).__name__}: {error}"
            )
            return [self._dead(channel, "unparseable", reason, raw, headers, actor, keep)]
        results: list[IntakeResult] = []
        for item in parsed:
            try:
                results.append(self._take_item(channel, item, actor))
                self._announce(item, results[-1])
            except (PersistenceError, StorageConfigError):
                raise
            except EventDeskError as error:
                results.append(
                    self._dead(channel, "rejected", error.message, raw, headers, actor, keep)
                )
            except Exception as error:
                log.exception("intake failed on a %s message", channel.name)
                reason = f"intake failed: {type(error).__name__}: {error}"
                results.append(self._dead(channel, "rejected", reason, raw, headers, actor, keep))
        return results

    def _announce(self, item: InboundMessage | Ignored, result: IntakeResult) -> None:
        """Tell the plugins that implement ``message_taken`` (a bot, a chat channel's
        sessions) what was just taken; their failure never undoes it."""
        if result.status == "duplicate":
            return
        message_taken = get_plugin_manager().hook.message_taken
        if not message_taken.get_hookimpls():
            return
        try:
            message_taken(desk=self.desk, message=item, result=result)
        except (PersistenceError, StorageConfigError):
            raise
        except Exception:
            log.exception("a message_taken hook failed on a %s message", result.channel)

    def _dead(
        self,
        channel: Channel,
        kind: str,
        reason: str,
        raw: bytes,
        headers: Mapping[str, str],
        actor: str,
        keep: bool = True,
    ) -> IntakeResult:
        status = "unauthenticated" if kind == "unauthenticated" else "dead_letter"
        if not keep:
            return IntakeResult(status=status, channel=channel.name, reason=_clip(reason, 2000))
        kept = raw if len(raw) <= self.max_payload else raw[:KEPT_OF_OVERSIZED]
        letter = DeadLetter(
            channel=channel.name,
            kind=kind,
            reason=_clip(reason, 2000),
            payload=base64.b64encode(kept).decode("ascii"),
            size=len(raw),
            headers={k: v for k, v in headers.items() if k not in _SECRET_HEADERS},
            actor=actor,
            timestamp=self.desk.clock.now(),
        )
        self.desk.save(letter)
        return IntakeResult(
            status=status,
            channel=channel.name,
            reason=letter.reason,
            dead_letter=str(letter.id),
        )

    def _key(self, channel: str, message_id: str) -> MessageKey | None:
        try:
            return self.desk.repository.get(message_key_id(channel, message_id))
        except AggregateNotFoundError:
            return None

    def _take_item(
        self, channel: Channel, item: InboundMessage | Ignored, actor: str
    ) -> IntakeResult:
        if isinstance(item, Ignored):
            return self._ignore(channel, item, actor)
        if isinstance(item, Receipt):
            status, incident, reason = record_receipt(self.desk, channel.name, item, actor)
            return IntakeResult(
                status=status,
                channel=channel.name,
                message_id=item.provider_id,
                incident=incident,
                reason=reason,
            )
        if not isinstance(item, InboundMessage):
            raise InvalidValueError(
                "parsed message", type(item).__name__, "an InboundMessage, Ignored or Receipt"
            )
        message = attrs.evolve(item, channel=channel.name)
        if not message.message_id:
            raise InvalidValueError("message id", message.message_id, "the channel's message id")
        for _ in range(_ATTEMPTS):
            found = self._key(channel.name, message.message_id)
            if found is not None:
                return IntakeResult(
                    status="duplicate",
                    channel=channel.name,
                    message_id=message.message_id,
                    incident=found.incident,
                    contact=found.contact,
                    reason=found.ignored,
                )
            try:
                return self._take_message(channel, message, actor)
            except _Conflict:
                continue
        raise ConcurrencyConflictError(f"message {message.message_id}", None, None)

    def _ignore(self, channel: Channel, item: Ignored, actor: str) -> IntakeResult:
        result = IntakeResult(
            status="ignored", channel=channel.name, message_id=item.message_id, reason=item.reason
        )
        if not item.message_id:
            return result
        if self._key(channel.name, item.message_id) is not None:
            return attrs.evolve(result, status="duplicate")
        key = MessageKey(
            channel=channel.name,
            message_id=item.message_id,
            direction="inbound",
            incident=None,
            contact=None,
            ignored=_clip(item.reason, 500),
            actor=actor,
            timestamp=self.desk.clock.now(),
        )
        try:
            self.desk.save(key)
        except IntegrityError:
            return attrs.evolve(result, status="duplicate")
        return result

    # --- one message -------------------------------------------------------------

    def _tenant(
        self, message: InboundMessage, contact: Contact | None, channel: Channel
    ) -> str | None:
        tenancy = self.desk.tenancy
        named = message.tenant
        if named is not None:
            if not tenancy.has_tenant(named):
                raise InvalidValueError(
                    "tenant", named, "a tenant of this desk (the channel names it)"
                )
            return named
        if contact is not None and contact.tenant is not None:
            return contact.tenant
        for identity in (message.sender, *message.also_known_as):
            if identity.kind == "email":
                found = tenancy.tenant_for_domain(identity.value.rpartition("@")[2])
                if found is not None:
                    return found
        default = channel.settings.get("tenant")
        if default:
            if not tenancy.has_tenant(default):
                raise InvalidValueError(
                    "tenant", default, "a tenant of this desk (channel setting)"
                )
            return str(default)
        return None

    def _incident(self, number: str | None) -> Incident | None:
        if not number:
            return None
        try:
            return self.desk._get(number)
        except EventDeskError:
            return None

    def _find_incident(
        self, message: InboundMessage, contact: Contact, tenant: str | None
    ) -> Incident | None:
        """The incident the message belongs to, if it belongs to one already."""
        mine = set(contact.all_ids)

        def ours(incident: Incident | None, *, same_contact: bool) -> bool:
            if incident is None:
                return False
            if incident.contact in mine:
                return True
            # Someone else in the thread (a colleague on copy): the same tenant's only.
            return not same_contact and incident.tenant == tenant and tenant is not None

        # An incident named by number: a number is easy to guess, so only the contact's own.
        named = self._incident(message.incident)
        if ours(named, same_contact=True):
            return named
        for reference in reversed(message.references):
            key = self._key(message.channel, reference)
            found = self._incident(key.incident) if key is not None else None
            if ours(found, same_contact=False):
                return found
        if message.thread_key:
            try:
                thread = self.desk.repository.get(
                    thread_key_id(message.channel, message.thread_key)
                )
            except AggregateNotFoundError:
                thread = None
            found = self._incident(thread.incident) if thread is not None else None
            if ours(found, same_contact=False):
                return found
        for number in reversed(contact.incidents):
            found = self._incident(number)
            if found is not None and found.is_open and found.tenant == tenant:
                return found
        return None

    def _take_message(self, channel: Channel, message: InboundMessage, actor: str) -> IntakeResult:
        escalated = answered_escalation(self.desk, message)
        if escalated is not None:  # an outside party answers an escalation: not a customer
            try:
                take_escalation_reply(self.desk, message, escalated, actor)
            except IntegrityError:
                raise _Conflict from None
            return IntakeResult(
                status="appended",
                channel=channel.name,
                message_id=message.message_id,
                incident=escalated,
            )
        contacts = self.desk.contacts
        at = self.desk.clock.now()
        contact = contacts.lookup(message.sender)
        tenant = self._tenant(message, contact, channel)
        pending: list[Any] = []
        unclaimed = [i for i in message.also_known_as if contacts.claim_of(i) is None]
        if contact is None:
            pending = contacts._new(
                [message.sender, *unclaimed],
                name=message.sender_name,
                tenant=tenant,
                actor=actor,
                at=at,
            )
            contact = pending[0]
        else:
            for identity in unclaimed:
                pending.extend(contacts._extend(contact, identity, actor=actor, at=at))
        incident = self._find_incident(message, contact, tenant)
        follow_up_of = None
        if incident is not None and incident.state in FINAL_STATES:
            follow_up_of, incident = incident.number, None
        customer = message.sender.value

        def add_message(target: Incident, when: datetime) -> None:
            target.add_comment(
                _clip(message.text, MESSAGE_MAX),
                public=True,
                actor=customer,
                at=when,
                author_kind="customer",
                channel=channel.name,
                message_id=message.message_id,
                contact=str(contact.id),
                attachments=message.attachments,
            )

        def records(target: Incident, when: datetime) -> list[Any]:
            found: list[Any] = [
                MessageKey(
                    channel=channel.name,
                    message_id=message.message_id,
                    direction="inbound",
                    incident=target.number,
                    contact=str(contact.id),
                    ignored=None,
                    actor=actor,
                    timestamp=when,
                )
            ]
            if message.thread_key:
                try:
                    thread = self.desk.repository.get(
                        thread_key_id(channel.name, message.thread_key)
                    )
                    thread.relink(target.number, actor=actor, at=when)
                except AggregateNotFoundError:
                    thread = ThreadKey(
                        channel=channel.name,
                        key=message.thread_key,
                        incident=target.number,
                        actor=actor,
                        timestamp=when,
                    )
                if thread.pending_events:
                    found.append(thread)
            return found

        if incident is None:
            description = message.text
            if follow_up_of:
                description = f"Follow-up to {follow_up_of}.\n\n{description}"

            def build(incident: Incident, when: datetime) -> list[Any]:
                add_message(incident, when)
                contact.note_incident(incident.number, actor=actor, at=when)
                extra = [a for a in pending if a is not contact]
                return [contact, *extra, *records(incident, when)]

            try:
                opened = self.desk._open_for_intake(
                    summary=_summary(message),
                    description=_clip(description, 4000),
                    impact=int(channel.settings.get("impact", DEFAULT_IMPACT)),
                    urgency=int(channel.settings.get("urgency", DEFAULT_URGENCY)),
                    caller=contact.name,
                    contact=str(contact.id),
                    tenant=tenant,
                    channel=channel.name,
                    language=message.metadata.get("language"),
                    actor=customer,
                    also=build,
                )
            except IntegrityError:
                raise _Conflict from None
            return IntakeResult(
                status="opened",
                channel=channel.name,
                message_id=message.message_id,
                incident=opened.number,
                contact=str(contact.id),
            )

        action = "comment"
        if incident.state == State.RESOLVED:
            incident.reopen(f"{customer} wrote again by {channel.name}", actor=customer, at=at)
            action = "reopen"
        elif incident.state == State.ON_HOLD and incident.hold_reason == HoldReason.AWAITING_CALLER:
            incident.resume(actor=customer, at=at)
            action = "resume"
        add_message(incident, at)
        items = self.desk._work_items_after(incident, action, customer, at)
        changed = [incident, *items, *records(incident, at), *pending]
        if contact.pending_events and contact not in changed:
            changed.append(contact)
        try:
            self.desk.save(*changed)
        except IntegrityError:
            raise _Conflict from None
        return IntakeResult(
            status="reopened" if action == "reopen" else "appended",
            channel=channel.name,
            message_id=message.message_id,
            incident=incident.number,
            contact=str(contact.id),
        )

    # --- replying ---------------------------------------------------------------

    def _prepare_reply(
        self,
        incident: Incident,
        text: str,
        *,
        channel: str | None,
        actor: str,
        at: datetime,
        template: str | None = None,
        author_kind: str = "agent",
    ) -> tuple[list[Any], Delivery]:
        """Add an agent's (or a bot's) reply to the incident and make its delivery; saved by
        the caller."""
        if incident.contact is None:
            raise InvalidValueError(
                "reply", incident.number, "an incident opened by a contact (use a comment)"
            )
        contact = self.desk.contacts.load(incident.contact)
        name = channel or incident.last_customer_channel or incident.channel
        if not name:
            raise InvalidValueError("reply channel", None, "a channel to reply on")
        built = self.desk.channels.get(name)
        if built.replies_via:
            name, built = built.replies_via, self.desk.channels.get(built.replies_via)
        to = contact.identity(built.identity_kind)
        if to is None:
            raise InvalidValueError(
                "reply channel",
                name,
                f"a channel {contact.name} can be reached on ({', '.join(contact.identities)})",
            )
        earlier = [m for m in incident.comments if m.channel == name and m.message_id]
        inbound = [m for m in earlier if m.author_kind.value == "customer"]
        message = OutboundMessage(
            channel=name,
            incident=incident.number,
            to=to,
            to_name=contact.name,
            text=text,
            message_id=built.new_message_id(incident.number),
            subject=incident.summary,
            in_reply_to=(inbound or earlier)[-1].message_id if earlier else None,
            references=_references([m.message_id for m in earlier if m.message_id]),
            author=str(actor),
            template=template,
        )
        message = built.prepare_reply(
            message, last_inbound_at=max((m.at for m in inbound), default=None), now=at
        )
        incident.add_comment(
            text,
            public=True,
            actor=actor,
            at=at,
            author_kind=author_kind,
            channel=name,
            message_id=message.message_id,
            contact=str(contact.id),
        )
        key = MessageKey(
            channel=name,
            message_id=message.message_id,
            direction="outbound",
            incident=incident.number,
            contact=str(contact.id),
            ignored=None,
            actor=actor,
            timestamp=at,
        )
        delivery = Delivery(
            channel=name,
            incident=incident.number,
            message=_outbound_fields(message),
            actor=actor,
            timestamp=at,
        )
        return [key, delivery], delivery

    def deliver(self, delivery_id: UUID | str) -> str:
        """Try to send one delivery now; returns its state afterwards."""
        delivery = self.desk.repository.get(UUID(str(delivery_id)))
        if delivery.state != "pending":
            return delivery.state
        now = self.desk.clock.now()
        try:
            provider_id, response = self._send(delivery)
        except DeliveryError as error:
            delivery.record_attempt(
                ok=False,
                at=now,
                error=error.reason,
                retryable=error.retryable,
                actor=DELIVERY_ACTOR,
                response=error.details.get("response"),
            )
        except (PersistenceError, StorageConfigError):
            raise
        except Exception as error:  # a channel's defect: try again later, say what it was
            log.exception("channel %s failed to send", delivery.channel)
            delivery.record_attempt(
                ok=False, at=now, error=f"{type(error).__name__}: {error}", actor=DELIVERY_ACTOR
            )
        else:
            delivery.record_attempt(
                ok=True, at=now, provider_id=provider_id, actor=DELIVERY_ACTOR, response=response
            )
        try:
            self.desk.save(delivery, *provider_records(delivery, actor=DELIVERY_ACTOR, at=now))
        except IntegrityError:  # another worker sent it meanwhile
            return self.desk.repository.get(delivery.id).state
        return delivery.state

    def _send(self, delivery: Delivery) -> tuple[str | None, str | None]:
        """Hand a delivery to its escalation target, or else to its channel: the
        provider's id for it, and a summary of the answer if the sender gives one."""
        if delivery.target is not None:
            return self.desk.escalations.send(delivery)
        channel = self.desk.channels.get(delivery.channel)
        return channel.send(_outbound_from(delivery.message)), None

    def deliver_due(
        self, *, now: datetime | None = None, limit: int = 100, actor: str = "system"
    ) -> dict[str, int]:
        """Try every delivery whose next attempt is due; counts of the states they reach."""
        self.desk.tenancy.guard(actor, "run deliveries")
        self.desk.catch_up()
        moment = as_utc(now) if now is not None else self.desk.clock.now()
        counts: dict[str, int] = {}
        for delivery_id in self.desk.delivery_index.due(self.desk.projector.db, moment, limit):
            state = self.deliver(delivery_id)
            counts[state] = counts.get(state, 0) + 1
        self.desk.catch_up()
        return counts

    def deliveries(
        self,
        *,
        state: str | None = None,
        incident: str | None = None,
        limit: int = 100,
        actor: str = "system",
    ) -> list[DeliverySummary]:
        """Deliveries, oldest first, with their state, attempts and last error."""
        self.desk.tenancy.guard(actor, "read deliveries")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 10_000:
            raise InvalidValueError("limit", limit, "a whole number 1 to 10000")
        if incident is not None:
            incident = self.desk._get(incident).number
        self.desk.catch_up()
        rows = self.desk.delivery_index.query(
            self.desk.projector.db, state=state, incident=incident, limit=limit
        )
        return [
            DeliverySummary(
                id=row["id"],
                incident=row["incident"],
                channel=row["channel"],
                state=row["state"],
                attempts=int(row["attempts"]),
                next_attempt_at=read_time(row["next_attempt_at"])
                if row["next_attempt_at"]
                else None,
                last_error=row["last_error"],
                requested_at=read_time(row["requested_at"]),
                receipt=row.get("receipt"),
            )
            for row in rows
        ]


def _references(ids: list[str], keep: int = 20) -> tuple[str, ...]:
    """The conversation's ids for a References header: the first and the newest."""
    unique = list(dict.fromkeys(ids))
    if len(unique) > keep:
        unique = [unique[0], *unique[-(keep - 1) :]]
    return tuple(unique)


def _outbound_fields(message: OutboundMessage) -> dict[str, Any]:
    data = attrs.asdict(message, recurse=False)
    data["to"] = str(message.to)
    data["references"] = list(message.references)
    return data


def _outbound_from(data: Mapping[str, Any]) -> OutboundMessage:
    fields = dict(data)
    fields["to"] = Identity.parse(fields["to"])
    fields["references"] = tuple(fields.get("references") or ())
    known = {field.name for field in attrs.fields(OutboundMessage)}
    return OutboundMessage(**{k: v for k, v in fields.items() if k in known})


def incident_numbers_in(text: str) -> list[str]:
    """Incident numbers written in a text (a subject line, a form field).

    >>> incident_numbers_in("Re: [INC0000042] Printer")
    ['INC0000042']
    """
    return [match.upper() for match in _NUMBER_IN_TEXT.findall(text)]


Builder = Callable[[Incident, datetime], list[Any]]
