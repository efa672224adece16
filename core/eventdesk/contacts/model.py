"""Contacts: one person across every channel.

A :class:`Contact` is a person who writes to the desk, belonging to a tenant
(or to none, on a desk without tenancy), with the identities they write from:
an email address, an E.164 phone number, a WhatsApp id, a chat user. Each
identity is claimed by exactly one contact through an :class:`IdentityClaim`,
whose id is derived from the identity itself (a keyed hash: see
``eventdesk.privacy.keys``), so looking a sender up is one read and two
processes can never give one address to two people. Merging two
contacts moves the identities and the incidents of one onto the other.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from eventdesk.channels.base import Identity
from eventdesk.errors import DomainError, InvalidValueError
from eventdesk.privacy import ERASED

NAMESPACE = uuid.UUID("2f7d6c52-9a43-5b1e-8f0e-0c4d8e8b5a31")
NAME_MAX = 200
RECENT_INCIDENTS = 50  # incidents a contact remembers, newest last


def identity_claim_id(identity: Identity | str) -> uuid.UUID:
    """The unkeyed claim id of stores made before claims were keyed (still looked up)."""
    return uuid.uuid5(NAMESPACE, f"identity:{identity}")


class ContactMergeError(DomainError):
    """Two contacts cannot be merged (the same one, already merged, another tenant's)."""


def _name(value: Any, fallback: str) -> str:
    if value is None:
        return fallback
    if not isinstance(value, str):
        raise InvalidValueError("contact name", value, "text")
    text = " ".join(value.split())
    return (text[: NAME_MAX - 1] + "…" if len(text) > NAME_MAX else text) or fallback


class Contact(Aggregate):
    """A person who contacts the desk, on any channel."""

    @classmethod
    def create(
        cls,
        *,
        identities: Iterable[Identity],
        name: str | None,
        tenant: str | None,
        actor: str,
        at: datetime,
    ) -> Contact:
        found = list(dict.fromkeys(identities))
        if not found:
            raise InvalidValueError("contact", None, "at least one identity to reach them by")
        return cls(
            name=_name(name, found[0].value),
            tenant=tenant,
            identities=[str(i) for i in found],
            actor=actor,
            timestamp=at,
        )

    @event("Created")
    def __init__(
        self, name: str, tenant: str | None, identities: list[str], actor: str, timestamp: datetime
    ) -> None:
        self.name = name
        self.tenant = tenant
        self.identities: tuple[str, ...] = tuple(identities)
        self.incidents: tuple[str, ...] = ()
        self.merged_into: str | None = None
        self.absorbed: tuple[str, ...] = ()  # ids of contacts merged into this one
        self.forgotten = False

    @property
    def reference(self) -> str:
        return str(self.id)

    @property
    def all_ids(self) -> tuple[str, ...]:
        """This contact's id and the ids of every contact merged into it."""
        return (str(self.id), *self.absorbed)

    def identity(self, kind: str) -> Identity | None:
        """The newest identity of a kind (a reply by email goes to the last address added)."""
        for text in reversed(self.identities):
            found = Identity.parse(text)
            if found.kind == kind:
                return found
        return None

    def check_active(self, action: str) -> None:
        if getattr(self, "forgotten", False):
            raise ContactForgottenError(
                f"contact {self.id} was forgotten: cannot {action} it", contact=str(self.id)
            )
        if self.merged_into is not None:
            raise ContactMergeError(
                f"contact {self.id} was merged into {self.merged_into}: {action} that one",
                contact=str(self.id),
                merged_into=self.merged_into,
            )

    def add_identity(self, identity: Identity, *, actor: str, at: datetime) -> bool:
        self.check_active("add identities to")
        if str(identity) in self.identities:
            return False
        self._identity_added(identity=str(identity), actor=actor, timestamp=at)
        return True

    @event("IdentityAdded")
    def _identity_added(self, identity: str, actor: str, timestamp: datetime) -> None:
        self.identities = (*self.identities, identity)

    def rename(self, name: str, *, actor: str, at: datetime) -> bool:
        self.check_active("rename")
        new = _name(name, self.name)
        if new == self.name:
            return False
        self._renamed(name=new, actor=actor, timestamp=at)
        return True

    @event("Renamed")
    def _renamed(self, name: str, actor: str, timestamp: datetime) -> None:
        self.name = name

    def note_incident(self, number: str, *, actor: str, at: datetime) -> None:
        """Remember an incident opened for this contact (only the newest are kept)."""
        if number not in self.incidents:
            self._incident_noted(incident=number, actor=actor, timestamp=at)

    @event("IncidentNoted")
    def _incident_noted(self, incident: str, actor: str, timestamp: datetime) -> None:
        self.incidents = (*self.incidents, incident)[-RECENT_INCIDENTS:]

    def check_merge(self, other: Contact) -> None:
        if other.id == self.id:
            raise ContactMergeError("a contact cannot be merged into itself", contact=str(self.id))
        self.check_active("merge")
        other.check_active("merge")
        if self.tenant and other.tenant and self.tenant != other.tenant:
            raise ContactMergeError(
                f"contacts of two tenants ({other.tenant}, {self.tenant}) are never merged",
                contact=str(self.id),
                other=str(other.id),
            )

    def absorb(self, other: Contact, *, actor: str, at: datetime) -> None:
        """Merge ``other`` into this contact: its identities and incidents become this one's."""
        self.check_merge(other)
        self._absorbed(
            contact=str(other.id),
            identities=[i for i in other.identities if i not in self.identities],
            incidents=[n for n in other.incidents if n not in self.incidents],
            merged=list(other.absorbed),
            tenant=self.tenant or other.tenant,
            actor=actor,
            timestamp=at,
        )
        other._merged_into(target=str(self.id), actor=actor, timestamp=at)

    @event("Absorbed")
    def _absorbed(
        self,
        contact: str,
        identities: list[str],
        incidents: list[str],
        merged: list[str],
        tenant: str | None,
        actor: str,
        timestamp: datetime,
    ) -> None:
        self.identities = (*self.identities, *identities)
        numbers = sorted({*self.incidents, *incidents}, key=lambda n: (len(n), n))  # number order
        self.incidents = tuple(numbers)[-RECENT_INCIDENTS:]
        self.absorbed = (*self.absorbed, contact, *merged)
        self.tenant = tenant

    @event("MergedInto")
    def _merged_into(self, target: str, actor: str, timestamp: datetime) -> None:
        self.merged_into = target

    def forget(self, reason: str, *, incident_ids: Iterable[str], actor: str, at: datetime) -> None:
        """Record that this person's personal data is destroyed (their key goes next);
        ``incident_ids``: every incident whose personal fields their keys sealed."""
        self.check_active("forget")
        why = " ".join(str(reason or "").split())[:500]
        if not why:
            raise InvalidValueError(
                "reason", reason, "why the contact is forgotten (for the audit)"
            )
        self._forgotten(
            reason=why,
            incidents=list(self.incidents),
            incident_ids=list(incident_ids),
            actor=actor,
            timestamp=at,
        )

    @event("Forgotten")
    def _forgotten(
        self,
        reason: str,
        incidents: list[str],
        incident_ids: list[str],
        actor: str,
        timestamp: datetime,
    ) -> None:
        self.name = ERASED
        self.identities = ()
        self.forgotten = True


class ContactForgottenError(DomainError):
    """A forgotten contact takes no more changes: its personal data is gone."""


class IdentityClaim(Aggregate):
    """Which contact an identity belongs to; one per identity, by construction."""

    @staticmethod
    def create_id(identity: str) -> uuid.UUID:
        return identity_claim_id(identity)

    @classmethod
    def claim(
        cls, claim_id: uuid.UUID, identity: str, contact: str, *, actor: str, at: datetime
    ) -> IdentityClaim:
        """A claim under a given id (the keyed hash of the identity)."""
        return cls._create(
            cls.Claimed, id=claim_id, identity=identity, contact=contact, actor=actor, timestamp=at
        )

    @event("Claimed")
    def __init__(self, identity: str, contact: str, actor: str, timestamp: datetime) -> None:
        self.identity = identity
        self.contact: str | None = contact

    @event("Moved")
    def move(self, contact: str, actor: str, timestamp: datetime) -> None:
        self.contact = contact

    @event("Released")
    def release(self, actor: str, timestamp: datetime) -> None:
        """The contact was forgotten: the identity is free for whoever writes from it next."""
        self.contact = None

    @event("Reclaimed")
    def reclaim(self, contact: str, actor: str, timestamp: datetime) -> None:
        self.contact = contact
