"""Encrypting contacts' personal fields inside the events, one key per contact.

:class:`PersonalDataMapper` is the ``eventsourcing`` mapper of the desk. On the
way to the store it replaces each personal field of an event (a contact's name
and identities, an incident's summary, description, caller and conversation,
a customer's address used as the actor) by an envelope::

    {"__personal__": "<contact id>", "sealed": "<base64 nonce+AES-GCM>", "erased": "[erased]"}

sealed with that contact's key (the field's name and the event's aggregate id
are the associated data, so a sealed value cannot be moved to another event).
On the way back it opens the envelope; once the contact was forgotten the key
is gone and the field reads as its ``erased`` form: ``"[erased]"`` for a text,
an empty list of identities, attachments without their names. Everything else
in the event (states, times, priorities, teams) stays in the clear, so
histories, SLA clocks and metrics survive forgetting.
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Mapper, StoredEvent

from eventdesk.contacts.model import Contact, IdentityClaim
from eventdesk.domain.incident import Incident
from eventdesk.domain.numbering import incident_id, parse_number
from eventdesk.intake.model import Delivery
from eventdesk.privacy.keys import KeyStore

ERASED = "[erased]"
ENVELOPE = "__personal__"
NONCE_BYTES = 12

# Personal fields of each event class; the contact they belong to is found by
# the rules in PersonalDataMapper._contact_of.
PERSONAL_FIELDS: dict[type, tuple[str, ...]] = {
    Contact.Created: ("name", "identities"),
    Contact.IdentityAdded: ("identity",),
    Contact.Renamed: ("name",),
    Contact.Absorbed: ("identities",),
    IdentityClaim.Claimed: ("identity",),
    Incident.Opened: ("summary", "description", "caller"),
    Incident.Commented: ("text", "attachments"),
    Incident.Reopened: ("reason",),
    Incident.PutOnHold: ("note",),
    Incident.Resolved: ("notes",),
    Incident.Cancelled: ("reason",),
    # A reply on its way out: to whom, and what it says ("message.to": a key of "message").
    Delivery.Requested: ("message.to", "message.to_name", "message.text", "message.subject"),
}
# An escalation goes to another party, whose address is not the contact's.
_ESCALATION_FIELDS = ("message.text", "message.subject")
# Events that give a contact identities: their values, used as actors, are personal too.
_IDENTITY_FIELDS = {
    Contact.Created: "identities",
    Contact.IdentityAdded: "identity",
    Contact.Absorbed: "identities",
}


def erased_form(value: Any, field: str = "") -> Any:
    """What a personal value reads as once its contact is forgotten."""
    if field == "message.to":  # an identity: keep its kind, so it still parses
        return f"{str(value).partition(':')[0]}:{ERASED}"
    if isinstance(value, list):
        if all(isinstance(item, dict) for item in value) and value:
            return [{**item, "name": ERASED} for item in value]  # attachments keep type, size
        return []
    return ERASED


def _actor_subject(keys: KeyStore, value: str) -> str:
    return "actor:" + keys.digest(value).hex()


def remember_identities(keys: KeyStore, contact: str, identities: list[str]) -> None:
    """Note that these identities' values (``ana@…``), when they are an event's actor,
    are the contact's personal data. Intake calls it before saving a new contact, as the
    incident's events may reach the mapper before the contact's."""
    for identity in identities:
        value = str(identity).partition(":")[2] or str(identity)
        keys.link(_actor_subject(keys, value), contact)


class PersonalDataMapper(Mapper[Any]):
    """A mapper that seals personal fields with the key of the contact they belong to."""

    keys: KeyStore

    @classmethod
    def build(cls, mapper: Mapper[Any], keys: KeyStore) -> PersonalDataMapper:
        built = cls(mapper.transcoder, compressor=mapper.compressor, cipher=mapper.cipher)
        built.keys = keys
        return built

    # --- to the store --------------------------------------------------------

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        kind = type(domain_event)
        fields = PERSONAL_FIELDS.get(kind, ())
        if kind is Delivery.Requested and getattr(domain_event, "kind", "reply") != "reply":
            fields = _ESCALATION_FIELDS
        if not fields and not isinstance(domain_event, Incident.Event):
            return super().to_stored_event(domain_event)
        contact = self._contact_of(domain_event)
        if contact is None:
            return super().to_stored_event(domain_event)
        state = dict(vars(domain_event))
        self._remember_identities(kind, state, contact)
        subject = str(domain_event.originator_id)
        key = self.keys.key_for(contact, create=True)
        for field in fields:
            parent, _, child = field.rpartition(".")
            holder = state
            if parent:  # a key of a mapping field: seal it in a copy of the mapping
                holder = state[parent] = dict(state.get(parent) or {})
            if holder.get(child) is not None:
                holder[child] = self._seal(key, contact, subject, field, holder[child])
        actor = state.get("actor")
        if (
            isinstance(domain_event, Incident.Event)
            and isinstance(actor, str)
            and self.keys.contact_of(_actor_subject(self.keys, actor)) == contact
        ):
            state["actor"] = self._seal(key, contact, subject, "actor", actor)
        sealed = object.__new__(kind)
        object.__setattr__(sealed, "__dict__", state)
        return super().to_stored_event(sealed)

    def _contact_of(self, event: Any) -> str | None:
        if isinstance(event, Contact.Event):
            return str(event.originator_id)
        if isinstance(event, IdentityClaim.Claimed):
            return str(event.contact)
        if isinstance(event, Incident.Opened):
            contact = getattr(event, "contact", None)
            if contact:
                self.keys.link(str(event.originator_id), contact)
            return contact
        if isinstance(event, Incident.Event):
            return self.keys.contact_of(str(event.originator_id), settled=True)
        if isinstance(event, Delivery.Requested):
            sequence = parse_number(event.incident)
            if sequence is None:
                return None
            return self.keys.contact_of(str(incident_id(sequence)), settled=True)
        return None

    def _remember_identities(self, kind: type, state: dict[str, Any], contact: str) -> None:
        field = _IDENTITY_FIELDS.get(kind)
        if field is None or state.get(field) is None:
            return
        found = state[field] if isinstance(state[field], list) else [state[field]]
        remember_identities(self.keys, contact, found)

    def _seal(self, key: bytes | None, contact: str, subject: str, field: str, value: Any) -> Any:
        envelope: dict[str, Any] = {ENVELOPE: contact, "erased": erased_form(value, field)}
        if key is not None:  # a forgotten contact's new data is stored already erased
            nonce = os.urandom(NONCE_BYTES)
            plain = json.dumps(value, ensure_ascii=False).encode()
            sealed = AESGCM(key).encrypt(nonce, plain, f"{subject}:{field}".encode())
            envelope["sealed"] = base64.b64encode(nonce + sealed).decode()
        return envelope

    # --- from the store ------------------------------------------------------

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        domain_event = super().to_domain_event(stored_event)
        state = domain_event.__dict__
        subject = str(stored_event.originator_id)
        for field, value in state.items():
            if not isinstance(value, dict):
                continue
            if ENVELOPE in value:
                state[field] = self._open(subject, field, value)
                continue
            for key, inner in value.items():  # a sealed key of a mapping field
                if isinstance(inner, dict) and ENVELOPE in inner:
                    value[key] = self._open(subject, f"{field}.{key}", inner)
        if isinstance(domain_event, Contact.Forgotten):
            self.keys.drop_cached_keys()  # forgotten by another process: stop using its key
        return domain_event

    def _open(self, subject: str, field: str, envelope: dict[str, Any]) -> Any:
        key = self.keys.key_for(str(envelope[ENVELOPE]), create=False)
        sealed = envelope.get("sealed")
        if key is None or sealed is None:
            return envelope["erased"]
        raw = base64.b64decode(sealed)
        try:
            plain = AESGCM(key).decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], f"{subject}:{field}".encode()
            )
        except InvalidTag:
            return envelope["erased"]  # a key restored from the wrong backup reads as erased
        return json.loads(plain)


class SealsPersonalData:
    """Mixed into an ``eventsourcing`` Application: its mapper seals personal fields with
    the keys of ``self.personal_keys`` (which must be set before the application starts)."""

    personal_keys: KeyStore

    def construct_mapper(self) -> Mapper[Any]:
        return PersonalDataMapper.build(super().construct_mapper(), self.personal_keys)  # type: ignore[misc]
