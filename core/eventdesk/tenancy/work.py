"""Work items waiting for an agent, and the record of refused access."""

from __future__ import annotations

import uuid
from datetime import datetime

from eventsourcing.domain import Aggregate, event

from eventdesk.tenancy.model import NAMESPACE


def work_item_id(kind: str, ref: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"work:{kind}:{ref}")


class WorkItem(Aggregate):
    """One piece of work to be given to an agent: an incident, a chat, a call.

    Every routing decision about it is an event with its reason.
    """

    @staticmethod
    def create_id(kind: str, ref: str) -> uuid.UUID:
        return work_item_id(kind, ref)

    @event("Queued")
    def __init__(
        self,
        kind: str,
        ref: str,
        tenant: str,
        channel: str,
        priority: int,
        skill: str | None,
        language: str | None,
        group: str | None,
        actor: str,
        timestamp: datetime,
    ) -> None:
        self.kind = kind
        self.ref = ref
        self.tenant = tenant
        self.channel = channel
        self.priority = priority
        self.skill = skill
        self.language = language
        self.group = group
        self.enqueued_at = timestamp
        self.agent: str | None = None
        self.team: str | None = None
        self.overflowed = False
        self.waiting_reason: str | None = None
        self.released = False

    @event("Waiting")
    def wait(self, reason: str, actor: str, timestamp: datetime) -> None:
        self.waiting_reason = reason

    @event("Overflowed")
    def overflow(self, reason: str, actor: str, timestamp: datetime) -> None:
        self.overflowed = True

    @event("Routed")
    def route(
        self, agent: str, team: str | None, reason: str, actor: str, timestamp: datetime
    ) -> None:
        self.agent = agent
        self.team = team
        self.waiting_reason = None

    @event("Requeued")
    def requeue(
        self, group: str | None, priority: int, reason: str, actor: str, timestamp: datetime
    ) -> None:
        self.group = group
        self.priority = priority
        self.agent = None
        self.team = None
        self.enqueued_at = timestamp
        self.overflowed = False
        self.released = False

    @event("Reprioritised")
    def reprioritise(self, priority: int, actor: str, timestamp: datetime) -> None:
        self.priority = priority

    @event("Released")
    def release(self, reason: str, actor: str, timestamp: datetime) -> None:
        self.released = True


class AccessRefused(Aggregate):
    """A refused access: who tried what on which incident, and why it was refused."""

    @event("Recorded")
    def __init__(
        self,
        actor: str,
        actor_kind: str,
        actor_tenant: str | None,
        action: str,
        incident: str | None,
        tenant: str | None,
        reason: str,
        timestamp: datetime,
    ) -> None:
        self.actor = actor
        self.actor_kind = actor_kind
        self.actor_tenant = actor_tenant
        self.action = action
        self.incident = incident
        self.tenant = tenant
        self.reason = reason
