"""Forgetting a contact: the right to erasure, by destroying the contact's key.

``desk.contacts.forget(ref, reason=...)`` records ``Contact.Forgotten`` (who,
when, why, which incidents), releases the claims on the contact's identities
(whoever writes from them next is a new contact) and then destroys the keys of
the contact and of every contact merged into it. From then on every personal
field sealed with those keys reads as ``[erased]``, in the aggregates and in
read models rebuilt from the events; the read models already built are
scrubbed by the ``Contact.Forgotten`` event itself.

A contact with open incidents is refused unless ``force=True``: the agents
working on them would lose the conversation mid-way. Forgetting twice is
harmless (it destroys any key left, which mends a crash between the two steps).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from eventdesk.channels.base import Identity
from eventdesk.errors import EventDeskError
from eventdesk.views import to_jsonable

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk


class OpenIncidentsError(EventDeskError):
    """A contact with open incidents is forgotten only when forced."""

    def __init__(self, contact: str, numbers: list[str]) -> None:
        super().__init__(
            f"contact {contact} has open incidents ({', '.join(numbers)}): resolve them "
            "first, or force forgetting",
            contact=contact,
            incidents=numbers,
        )


@attrs.frozen
class Forgetting:
    """What forgetting a contact did."""

    contact: str
    keys_destroyed: int
    identities_released: int
    incidents: tuple[str, ...]
    open_incidents: tuple[str, ...]
    already_forgotten: bool

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


def forget_contact(
    desk: ServiceDesk, ref: str, *, reason: str, actor: Any, force: bool = False
) -> Forgetting:
    contacts = desk.contacts
    contact = contacts.get_aggregate(ref)
    desk.tenancy.guard(actor, "forget a contact", tenant=contact.tenant)
    ids = list(contact.all_ids)
    if contact.forgotten:  # a second time: make sure no key survived
        destroyed = desk.personal_keys.forget(ids)
        return Forgetting(
            contact=str(contact.id),
            keys_destroyed=destroyed,
            identities_released=0,
            incidents=contact.incidents,
            open_incidents=(),
            already_forgotten=True,
        )
    # The incidents its keys seal, and those it remembers (opened before sealing, say).
    incident_ids = sorted(
        {
            *desk.personal_keys.aggregates_of(ids),
            *(str(desk.resolve_id(n)) for n in contact.incidents),
        }
    )
    open_numbers = [number for i in incident_ids if (number := _open_number(desk, i))]
    if open_numbers and not force:
        raise OpenIncidentsError(str(contact.id), open_numbers)
    at = desk.clock.now()
    claims = []
    for text in contact.identities:
        claim = contacts.claim_of(Identity.parse(text))
        if claim is not None and claim.contact in ids:
            claim.release(actor=str(actor), timestamp=at)
            claims.append(claim)
    contact.forget(reason, incident_ids=incident_ids, actor=str(actor), at=at)
    contacts._save([contact, *claims], [])
    destroyed = desk.personal_keys.forget(ids)
    return Forgetting(
        contact=str(contact.id),
        keys_destroyed=destroyed,
        identities_released=len(claims),
        incidents=contact.incidents,
        open_incidents=tuple(open_numbers),
        already_forgotten=False,
    )


def _open_number(desk: ServiceDesk, incident_id: str) -> str | None:
    """The incident's number if it is open, else None."""
    try:
        incident = desk._get(incident_id)
    except EventDeskError:
        return None
    return incident.number if incident.is_open else None
