"""``desk.contacts``: find, create, extend and merge the people who write to the desk."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from eventdesk.channels.base import Identity
from eventdesk.contacts.model import Contact, IdentityClaim, identity_claim_id
from eventdesk.errors import ConcurrencyConflictError, EventDeskError, InvalidValueError
from eventdesk.privacy.mapper import remember_identities
from eventdesk.projections.contacts import ContactIndex
from eventdesk.views import to_jsonable

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk
    from eventdesk.privacy.forgetting import Forgetting

_MAX_HOPS = 10  # merges followed from a contact to the one it lives on in


class ContactNotFoundError(EventDeskError):
    """No contact has that id or identity."""

    def __init__(self, reference: object) -> None:
        super().__init__(f"contact {reference} not found", reference=str(reference))


class IdentityTakenError(EventDeskError):
    """An identity already belongs to another contact (merge the two instead)."""

    def __init__(self, identity: str, contact: str) -> None:
        super().__init__(
            f"{identity} already belongs to contact {contact}; merge the two contacts instead",
            identity=identity,
            contact=contact,
        )


@attrs.frozen
class ContactView:
    id: str
    name: str
    tenant: str | None
    identities: tuple[str, ...]
    incidents: tuple[str, ...]
    merged_into: str | None
    merged: tuple[str, ...]
    version: int

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


def as_identity(value: Identity | str) -> Identity:
    """An Identity from ``kind:value``, or from a bare email address or E.164 number."""
    if isinstance(value, Identity):
        return value
    text = str(value).strip()
    kind = text.partition(":")[0].lower()
    if kind in ("email", "phone", "whatsapp", "chat"):
        return Identity.parse(text)
    if "@" in text:
        return Identity("email", text)
    if text.startswith("+"):
        return Identity("phone", text)
    raise InvalidValueError(
        "identity", value, "kind:value (email:…, phone:+…, whatsapp:…, chat:…) or an address"
    )


def view_of(contact: Contact) -> ContactView:
    return ContactView(
        id=str(contact.id),
        name=contact.name,
        tenant=contact.tenant,
        identities=contact.identities,
        incidents=contact.incidents,
        merged_into=contact.merged_into,
        merged=contact.absorbed,
        version=contact.version,
    )


class ContactService:
    def __init__(self, desk: ServiceDesk) -> None:
        self.desk = desk
        self.index = ContactIndex()

    # --- engine-facing (intake and the application use these) ----------------

    def _claim_record(self, identity: Identity) -> IdentityClaim | None:
        """The claim on an identity, live or released (keyed id first, then the old one)."""
        keyed = self.desk.personal_keys.identity_id(str(identity))
        for claim_id in (keyed, identity_claim_id(identity)):
            try:
                return self.desk.repository.get(claim_id)
            except AggregateNotFoundError:
                continue
        return None

    def claim_of(self, identity: Identity) -> IdentityClaim | None:
        """The live claim on an identity: None if nobody has it (or its owner was forgotten)."""
        claim = self._claim_record(identity)
        return claim if claim is not None and claim.contact is not None else None

    def _claim(self, text: str, contact: str, *, actor: str, at: datetime) -> IdentityClaim:
        """A claim on an identity for a contact: a new one, or a released one taken again."""
        remember_identities(self.desk.personal_keys, contact, [text])
        released = self._claim_record(Identity.parse(text))
        if released is not None and released.contact is None:
            released.reclaim(contact=contact, actor=actor, timestamp=at)
            return released
        claim_id = self.desk.personal_keys.identity_id(text)
        return IdentityClaim.claim(claim_id, text, contact, actor=actor, at=at)

    def load(self, contact_id: str | uuid.UUID) -> Contact:
        """The contact, following merges to the one it lives on in."""
        ref = contact_id
        for _ in range(_MAX_HOPS):
            try:
                contact = self.desk.repository.get(uuid.UUID(str(ref)))
            except (AggregateNotFoundError, ValueError):
                raise ContactNotFoundError(contact_id) from None
            if not isinstance(contact, Contact):
                raise ContactNotFoundError(contact_id)
            if contact.merged_into is None:
                return contact
            ref = contact.merged_into
        raise ContactNotFoundError(contact_id)  # pragma: no cover - merges never cycle

    def lookup(self, identity: Identity) -> Contact | None:
        claim = self.claim_of(identity)
        return self.load(claim.contact) if claim is not None else None

    def _new(
        self,
        identities: Iterable[Identity],
        *,
        name: str | None,
        tenant: str | None,
        actor: str,
        at: datetime,
    ) -> list[Any]:
        """A new contact and the claims of its identities, to be saved together
        (the store refuses the save if another contact claimed one meanwhile)."""
        contact = Contact.create(
            identities=identities, name=name, tenant=tenant, actor=actor, at=at
        )
        claims = [
            self._claim(text, str(contact.id), actor=actor, at=at) for text in contact.identities
        ]
        return [contact, *claims]

    def _extend(
        self, contact: Contact, identity: Identity, *, actor: str, at: datetime
    ) -> list[Any]:
        """Add an identity nobody has claimed to the contact; the aggregates to save."""
        if not contact.add_identity(identity, actor=actor, at=at):
            return []
        return [self._claim(str(identity), str(contact.id), actor=actor, at=at)]

    # --- commands ------------------------------------------------------------

    def create(
        self,
        identities: Iterable[Identity | str],
        *,
        name: str | None = None,
        tenant: str | None = None,
        actor: str = "system",
    ) -> ContactView:
        """Register a contact with the identities they write from."""
        if tenant is not None and not self.desk.tenancy.has_tenant(tenant):
            from eventdesk.tenancy.service import UnknownNameError

            raise UnknownNameError("tenant", tenant)
        self.desk.tenancy.guard(actor, "register a contact", tenant=tenant, agents=True)
        found = [as_identity(i) for i in identities]
        for identity in found:
            claim = self.claim_of(identity)
            if claim is not None:
                raise IdentityTakenError(str(identity), claim.contact)
        aggregates = self._new(
            found, name=name, tenant=tenant, actor=actor, at=self.desk.clock.now()
        )
        self._save(aggregates, found)
        return view_of(aggregates[0])

    def add_identity(
        self, ref: str, identity: Identity | str, *, actor: str = "system"
    ) -> ContactView:
        """Give a contact another way to reach them (another address, a phone)."""
        contact = self.get_aggregate(ref)
        self.desk.tenancy.guard(actor, "change a contact", tenant=contact.tenant, agents=True)
        found = as_identity(identity)
        claim = self.claim_of(found)
        if claim is not None:
            owner = self.load(claim.contact)
            if owner.id == contact.id:
                return view_of(contact)
            raise IdentityTakenError(str(found), str(owner.id))
        self._save(
            [contact, *self._extend(contact, found, actor=actor, at=self.desk.clock.now())], [found]
        )
        return view_of(contact)

    def rename(self, ref: str, name: str, *, actor: str = "system") -> ContactView:
        contact = self.get_aggregate(ref)
        self.desk.tenancy.guard(actor, "change a contact", tenant=contact.tenant, agents=True)
        if contact.rename(name, actor=actor, at=self.desk.clock.now()):
            self._save([contact], [])
        return view_of(contact)

    def merge(self, source: str, into: str, *, actor: str = "system") -> ContactView:
        """Merge ``source`` into ``into``: one person, found by any identity of either,
        whose incidents are all the incidents of both."""
        target, merged = self.get_aggregate(into), self.get_aggregate(source)
        for contact in (target, merged):
            self.desk.tenancy.guard(actor, "merge contacts", tenant=contact.tenant, agents=True)
        at = self.desk.clock.now()
        target.absorb(merged, actor=actor, at=at)
        claims = []
        for text in merged.identities:
            claim = self.claim_of(Identity.parse(text))
            if claim is not None and claim.contact != str(target.id):
                claim.move(contact=str(target.id), actor=actor, timestamp=at)
                claims.append(claim)
        self._save([target, merged, *claims], [])
        return view_of(target)

    def _save(self, aggregates: list[Any], identities: list[Identity]) -> None:
        try:
            self.desk.save(*aggregates)
        except IntegrityError:
            for identity in identities:
                claim = self.claim_of(identity)
                if claim is not None:
                    raise IdentityTakenError(str(identity), claim.contact) from None
            raise ConcurrencyConflictError("a contact", None, None) from None

    # --- queries -------------------------------------------------------------

    def get_aggregate(self, ref: str) -> Contact:
        """A contact by id or by one of its identities (``email:ana@…``, ``ana@…``, ``+34…``)."""
        text = str(ref).strip()
        try:
            return self.load(uuid.UUID(text))
        except (ValueError, ContactNotFoundError):
            pass
        try:
            contact = self.lookup(as_identity(text))
        except InvalidValueError:
            contact = None
        if contact is None:
            raise ContactNotFoundError(ref)
        return contact

    def get(self, ref: str, *, actor: str = "system") -> ContactView:
        contact = self.get_aggregate(ref)
        self.desk.tenancy.guard(
            actor, "read a contact", tenant=contact.tenant, agents=True, tenant_users=True
        )
        return view_of(contact)

    def find(self, identity: Identity | str, *, actor: str = "system") -> ContactView | None:
        """The contact an identity belongs to, or None."""
        contact = self.lookup(as_identity(identity))
        if contact is None:
            return None
        self.desk.tenancy.guard(
            actor, "read a contact", tenant=contact.tenant, agents=True, tenant_users=True
        )
        return view_of(contact)

    def list(
        self,
        *,
        tenant: str | None = None,
        text: str | None = None,
        limit: int = 100,
        actor: str = "system",
    ) -> list[ContactView]:
        """Contacts (not merged away), by name; an agent or tenant user sees only its tenants'."""
        self.desk.tenancy.guard(
            actor, "list contacts", tenant=tenant, agents=True, tenant_users=True
        )
        if limit < 1 or limit > 1000:
            raise InvalidValueError("limit", limit, "1 to 1000")
        self.desk.projector.catch_up()
        visible = self.desk.tenancy.visible_tenants(actor)
        ids = self.index.search(
            self.desk.projector.db, tenant=tenant, text=text, tenants=visible, limit=limit
        )
        return [view_of(self.load(contact_id)) for contact_id in ids]

    def forget(
        self, ref: str, *, reason: str, actor: Any = "system", force: bool = False
    ) -> Forgetting:
        """Erase a person: destroy the key their personal data is sealed with
        (see ``eventdesk.privacy.forgetting``). Administrators only."""
        from eventdesk.privacy.forgetting import forget_contact

        return forget_contact(self.desk, ref, reason=reason, actor=actor, force=force)
