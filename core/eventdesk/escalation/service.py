"""``desk.escalations``: the escalation targets plugins provide, configured for this desk.

A target's settings are stored as a definition (kind ``escalation_target``), like a
channel's, so every process on the database uses the same ones; a setting written
``env:NAME`` is read from the environment when the target is built. The rules that
say whom the SLA engine's hierarchical steps notify are a definition too.

A target that sends a message (an email, a webhook) does it through the desk's
outbox: :meth:`EscalationService.deliver` saves a :class:`~eventdesk.intake.model.Delivery`
of kind ``escalation`` with the incident's work note, and ``desk.intake.deliver``
hands it to the target's ``send``; every attempt and the answer to it are events,
and a failed attempt is tried again by ``desk.intake.deliver_due()``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import attrs

from eventdesk.channels.registry import resolve_settings, store_settings
from eventdesk.definitions import definition_content, store_definition
from eventdesk.errors import EventDeskError, InvalidValueError
from eventdesk.escalation.rules import EscalationRule, rules_for
from eventdesk.escalation.target import Escalation, EscalationRequest, EscalationTarget, Sent
from eventdesk.intake.model import Delivery, MessageKey
from eventdesk.plugins import get_escalation_targets
from eventdesk.views import IncidentView, to_jsonable

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk

log = logging.getLogger(__name__)

TARGET = "escalation_target"
RULES = ("escalation_rules", "levels")
SLA_ACTOR = "sla"


class UnknownEscalationTargetError(EventDeskError):
    """No plugin registers an escalation target of that name."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(
            f"no escalation target named {name!r} (known: {', '.join(known) or 'none'})",
            target=name,
            known=known,
        )


@attrs.frozen
class TargetInfo:
    """A registered target: its name, what it does, and the settings stored for it."""

    name: str
    description: str
    settings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@attrs.frozen
class DeliveryAttempt:
    """One attempt to send a delivery: when, how it went, and what the other side said."""

    attempt: int
    at: datetime
    outcome: str  # delivered | failed
    response: str | None
    error: str | None
    next_attempt_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


class EscalationService:
    """``desk.escalations``: hand incidents to the escalation targets plugins provide."""

    def __init__(self, desk: ServiceDesk) -> None:
        self.desk = desk

    # --- the targets ------------------------------------------------------------

    def names(self) -> list[str]:
        """Every escalation target a loaded plugin registers."""
        return sorted(get_escalation_targets())

    def _factory(self, name: str) -> Any:
        factories = get_escalation_targets()
        if name not in factories:
            raise UnknownEscalationTargetError(name, sorted(factories))
        return factories[name]

    def targets(self, *, actor: str = "system") -> list[TargetInfo]:
        """Each registered target, with the names of its stored settings."""
        return [
            TargetInfo(
                name,
                getattr(factory, "description", "") or "",
                tuple(sorted(self.settings(name, actor=actor))),
            )
            for name, factory in sorted(get_escalation_targets().items())
        ]

    def settings(self, name: str, *, actor: str = "system") -> dict[str, Any]:
        """The target's stored settings (``env:`` values as written, not resolved)."""
        self.desk.tenancy.guard(actor, "read escalation target settings")
        self._factory(name)
        return dict(definition_content(self.desk, TARGET, name) or {})

    def configure(
        self, name: str, settings: Mapping[str, Any], *, actor: str = "system"
    ) -> dict[str, Any]:
        """Store a target's settings, after checking the target accepts them."""
        self.desk.tenancy.guard(actor, "configure an escalation target")
        return store_settings(self.desk, TARGET, name, self._factory(name), settings, actor=actor)

    def get(self, name: str) -> EscalationTarget:
        """The target, built with its current settings."""
        factory = self._factory(name)
        target = factory(resolve_settings(definition_content(self.desk, TARGET, name) or {}))
        if getattr(target, "name", name) != name:
            target.name = name  # registered under another name: that name is the target's
        return target

    # --- escalating -------------------------------------------------------------

    def escalate(
        self,
        ref: Any,
        target: str,
        *,
        recipient: str | None = None,
        reason: str = "",
        level: str | None = None,
        actor: str = "system",
        send: bool = True,
    ) -> Escalation:
        """Hand the incident to ``target`` (to ``recipient`` there, or the target's default)."""
        incident = self.desk._load(ref, None, actor=actor, action="escalate")
        built = self.get(target)
        request = EscalationRequest(
            target=target,
            recipient=_stripped(recipient) or None,
            reason=_stripped(reason),
            level=level,
            actor=actor,
            send=send,
        )
        return built.escalate(self.desk, self.desk.view_of(incident), request)

    def deliver(
        self,
        incident: IncidentView,
        request: EscalationRequest,
        *,
        channel: str,
        recipient: str,
        message: Mapping[str, Any],
    ) -> Escalation:
        """Queue a target's message through the outbox, and try it at once if asked.

        ``message`` is what the target's ``send`` gets back (primitives only) and must
        have a ``message_id``: an answer that quotes it (an email's In-Reply-To, a
        callback's ``in_reply_to``) on ``channel`` comes back onto this incident.
        The incident gets a work note saying who it went to and why.
        """
        message_id = message.get("message_id")
        if not isinstance(message_id, str) or not message_id:
            raise InvalidValueError("escalation message", message_id, "a message_id")
        live = self.desk._load(incident.number, None, actor=request.actor, action="escalate")
        at = self.desk.clock.now()
        why = f": {request.reason}" if request.reason else ""
        live.add_comment(
            f"Escalated to {recipient} through {request.target}{why}",
            public=False,
            actor=request.actor,
            at=at,
            channel=channel,
        )
        key = MessageKey(
            channel=channel,
            message_id=message_id,
            direction="outbound",
            incident=incident.number,
            contact=None,  # an outside party, not a contact: its answers are escalation replies
            ignored=None,
            actor=request.actor,
            timestamp=at,
        )
        delivery = Delivery(
            channel=channel,
            incident=incident.number,
            message=dict(message),
            actor=request.actor,
            timestamp=at,
            kind="escalation",
            target=request.target,
        )
        self.desk._save(live, key, delivery)
        state = self.desk.intake.deliver(delivery.id) if request.send else delivery.state
        return Escalation(
            incident=incident.number,
            target=request.target,
            recipient=recipient,
            state=state,
            delivery=str(delivery.id),
        )

    def send(self, delivery: Delivery) -> tuple[str | None, str | None]:
        """Send an escalation delivery through its target: (provider id, response)."""
        sent = self.get(str(delivery.target)).send(self.desk, delivery.message)
        if isinstance(sent, Sent):
            return sent.provider_id, sent.response
        return sent, None

    def attempts(self, delivery_id: UUID | str, *, actor: str = "system") -> list[DeliveryAttempt]:
        """Every attempt to send a delivery (an escalation's or a reply's), in order."""
        self.desk.tenancy.guard(actor, "read deliveries")
        try:
            events = list(self.desk.repository.event_store.get(UUID(str(delivery_id))))
        except ValueError:
            raise InvalidValueError("delivery id", delivery_id, "a delivery's id") from None
        if not events or not isinstance(events[0], Delivery.Requested):
            raise InvalidValueError("delivery id", str(delivery_id), "a delivery's id")
        found: list[DeliveryAttempt] = []
        for event in events:
            delivered = isinstance(event, Delivery.Delivered)
            if delivered or isinstance(event, Delivery.AttemptFailed):
                found.append(
                    DeliveryAttempt(
                        attempt=event.attempt,
                        at=event.timestamp,
                        outcome="delivered" if delivered else "failed",
                        response=getattr(event, "response", None),
                        error=None if delivered else event.error,
                        next_attempt_at=None if delivered else event.next_attempt_at,
                    )
                )
        return found

    # --- hierarchical steps -------------------------------------------------------

    def rules(self) -> list[EscalationRule]:
        """The rules the SLA engine's hierarchical steps follow."""
        content = definition_content(self.desk, *RULES) or {}
        return [EscalationRule.from_mapping(rule) for rule in content.get("rules", [])]

    def set_rule(
        self,
        level: str,
        target: str,
        *,
        recipient: str | None = None,
        tenant: str | None = None,
        actor: str = "system",
    ) -> EscalationRule:
        """Notify ``recipient`` (or the team's supervisor) through ``target`` at ``level``
        (for ``tenant``'s incidents only, if given); replaces the rule for that level and
        tenant."""
        self.desk.tenancy.guard(actor, "configure escalation rules")
        rule = EscalationRule(level=level, target=target, recipient=recipient, tenant=tenant)
        self._factory(rule.target)
        if rule.tenant is not None and not self.desk.tenancy.has_tenant(rule.tenant):
            raise InvalidValueError("tenant", rule.tenant, "a tenant of this desk")
        kept = [r for r in self.rules() if (r.level, r.tenant) != (rule.level, rule.tenant)]
        rules = sorted([*kept, rule], key=lambda r: (r.level, r.tenant or ""))
        store_definition(self.desk, *RULES, {"rules": [r.to_dict() for r in rules]}, actor=actor)
        return rule

    def notify_level(
        self, incident: IncidentView, level: str, reason: str, supervisor: str | None
    ) -> list[Escalation]:
        """Notify whom the rules name for an SLA step (the rule's recipient, or else the
        team's supervisor at that level: nobody if neither names anyone); queued for the
        outbox, never raising (a rule that cannot be followed is logged)."""
        done: list[Escalation] = []
        for rule in rules_for(self.rules(), level, incident.tenant):
            recipient = rule.recipient or supervisor
            if recipient is None:
                log.info("%s: nobody named for the %s: not notified", incident.number, level)
                continue
            try:
                done.append(
                    self.escalate(
                        incident.number,
                        rule.target,
                        recipient=recipient,
                        reason=f"{level.replace('_', ' ')} notified: {reason}",
                        level=level,
                        actor=SLA_ACTOR,
                        send=False,
                    )
                )
            except EventDeskError as error:
                log.warning(
                    "%s: cannot notify the %s through %s: %s",
                    incident.number,
                    level,
                    rule.target,
                    error,
                )
        return done


def _stripped(text: Any) -> str:
    return text.strip() if isinstance(text, str) else ""
