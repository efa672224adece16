"""Personal data sealed per contact, and forgetting a contact (crypto-shredding), on every
store: the events still load, incidents keep their history and metrics, and every personal
field reads as erased, in the aggregates and in read models built before or after."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from eventdesk import InvalidValueError, ServiceDesk
from eventdesk.channels import Identity
from eventdesk.contacts.model import (
    Contact,
    ContactForgottenError,
    IdentityClaim,
    identity_claim_id,
)
from eventdesk.contacts.service import IdentityTakenError
from eventdesk.intake.model import Delivery
from eventdesk.privacy import ERASED
from eventdesk.privacy.forgetting import OpenIncidentsError
from eventdesk.reports.report import build_report
from eventdesk.tenancy.access import AccessDeniedError, Actor
from eventsourcing.utils import get_topic

pytestmark = pytest.mark.usefixtures("note_channel")

ANA = "ana.lopez@acme.example"
DELIVERY_REQUESTED = get_topic(Delivery.Requested)


def receive(desk: ServiceDesk, kit, message_id: str, sender: str, text: str, **fields):
    [result] = desk.intake.receive("note", kit.payload(message_id, sender, text, **fields))
    return result


def ana_writes_and_is_helped(desk: ServiceDesk, kit, clock) -> str:
    """Ana reports a VPN problem with a log attached, is answered, and it is fixed."""
    opened = receive(
        desk,
        kit,
        "m-1",
        ANA,
        "The VPN drops every hour, call me on +34600123456",
        subject="VPN drops for Ana López",
        name="Ana López",
        attachments=[{"name": "ana-lopez-vpn.log", "content_type": "text/plain", "size": 512}],
    )
    clock.advance(timedelta(minutes=20))
    desk.comment(opened.incident, "Hello Ana, we are on it", actor="bob")
    clock.advance(timedelta(minutes=20))
    receive(desk, kit, "m-2", ANA, "Thanks, it dropped again at 10:15", references=["m-1"])
    desk.start(opened.incident, actor="bob")
    clock.advance(timedelta(hours=1))
    desk.resolve(opened.incident, "fixed", "Ana's VPN profile replaced", actor="bob")
    desk.close_incident(opened.incident, actor="bob")
    return opened.incident


def metrics_of(desk: ServiceDesk) -> dict:
    report = build_report(desk).to_dict()
    report.pop("generated_at", None)
    return report


def listed(desk: ServiceDesk) -> list[tuple]:
    page = desk.list_incidents(limit=100)
    return [(i.number, i.state, i.priority, i.summary, i.caller) for i in page.items]


def test_forgetting_a_contact_erases_them_and_keeps_the_incidents(desk, note_channel, clock):
    number = ana_writes_and_is_helped(desk, note_channel, clock)
    ana = desk.contacts.get(ANA)
    assert (ana.name, ana.identities) == ("Ana López", (f"email:{ANA}",))
    assert desk.get_incident(number).summary == "VPN drops for Ana López"
    history_before = [(e.type, e.actor) for e in desk.history(number)]
    metrics_before = metrics_of(desk)

    result = desk.contacts.forget(ANA, reason="erasure request 2026-114", actor="dpo")

    assert (result.contact, result.keys_destroyed, result.identities_released) == (ana.id, 1, 1)
    # The contact is still there, as a tombstone: no name, no way to reach them.
    forgotten = desk.contacts.get(ana.id)
    assert (forgotten.name, forgotten.identities, forgotten.incidents) == (ERASED, (), (number,))
    assert desk.contacts.find(ANA) is None
    # The incident loads, with its history and state; its personal fields read as erased.
    incident = desk.get_incident(number)
    assert (incident.state, incident.summary, incident.caller, incident.description) == (
        "closed",
        ERASED,
        ERASED,
        ERASED,
    )
    conversation = desk.conversation(number)
    assert [m.text for m in conversation] == [ERASED, ERASED, ERASED]
    assert [m.author_kind for m in conversation] == ["customer", "agent", "customer"]
    assert [(a.name, a.size) for a in conversation[0].attachments] == [(ERASED, 512)]
    assert conversation[0].actor == ERASED  # her address, as the author
    assert conversation[1].actor == "bob"  # the agent's name is not hers
    assert [e.type for e in desk.history(number)] == [kind for kind, _ in history_before]
    # Read models: already scrubbed, and the same when rebuilt from the events.
    assert listed(desk) == [(number, "closed", incident.priority, ERASED, ERASED)]
    assert desk.contacts.list(text="ana") == []
    assert metrics_of(desk) == metrics_before
    desk.rebuild_projections()
    assert listed(desk) == [(number, "closed", incident.priority, ERASED, ERASED)]
    assert metrics_of(desk) == metrics_before
    # The erasure is audited: who, when, why.
    [*_, audit] = desk.events.get(desk.contacts.get_aggregate(ana.id).id)
    assert isinstance(audit, Contact.Forgotten)
    assert (audit.actor, audit.reason, audit.incidents) == (
        "dpo",
        "erasure request 2026-114",
        [number],
    )
    assert audit.timestamp == clock.now()
    # Fail to change a forgotten contact.
    with pytest.raises(ContactForgottenError):
        desk.contacts.rename(ana.id, "Ana")
    print(f"\ncontacts forgotten: 1, incidents kept: 1, messages erased: {len(conversation)}")


def test_whoever_writes_from_a_forgotten_address_is_a_new_contact(desk, note_channel, clock):
    number = ana_writes_and_is_helped(desk, note_channel, clock)
    old = desk.contacts.get(ANA)
    desk.contacts.forget(ANA, reason="erasure request", actor="dpo")

    again = receive(desk, note_channel, "m-3", ANA, "Hello again", name="Ana")

    assert again.status == "opened" and again.incident != number
    new = desk.contacts.get(ANA)
    assert new.id != old.id and new.name == "Ana" and new.incidents == (again.incident,)
    assert desk.get_incident(again.incident).summary == "Hello again"


def test_a_contact_with_open_incidents_is_forgotten_only_when_forced(desk, note_channel):
    opened = receive(desk, note_channel, "m-1", ANA, "Printer jams", name="Ana López")

    # Fail to forget someone whose incident agents are still working on.
    with pytest.raises(OpenIncidentsError, match=opened.incident):
        desk.contacts.forget(ANA, reason="request", actor="dpo")
    assert desk.contacts.get(ANA).name == "Ana López"

    result = desk.contacts.forget(ANA, reason="request", actor="dpo", force=True)
    assert result.open_incidents == (opened.incident,)
    # The incident goes on; what is written on it now is stored already erased.
    desk.comment(opened.incident, "Closing: the caller asked to be forgotten", actor="bob")
    desk.cancel(opened.incident, "caller forgotten", actor="bob")
    assert [m.text for m in desk.conversation(opened.incident)] == [ERASED, ERASED]
    assert desk.get_incident(opened.incident).state == "cancelled"
    # Forgetting again is harmless.
    assert desk.contacts.forget(result.contact, reason="again", actor="dpo").already_forgotten


def test_merged_contacts_are_forgotten_together(desk, note_channel):
    first = receive(desk, note_channel, "m-1", ANA, "VPN", name="Ana López")
    second = receive(desk, note_channel, "m-2", "ana@home.example", "VPN again", name="Ana")
    for result in (first, second):
        desk.cancel(result.incident, "duplicate", actor="bob")
    desk.contacts.merge("ana@home.example", ANA)

    result = desk.contacts.forget(ANA, reason="request", actor="dpo")

    assert result.keys_destroyed == 2
    assert desk.get_incident(second.incident).caller == ERASED
    assert desk.contacts.find("ana@home.example") is None


@pytest.mark.parametrize("store", ["sqlite"])
def test_no_personal_field_is_stored_in_the_clear(desk, note_channel, clock, db):
    ana_writes_and_is_helped(desk, note_channel, clock)

    states = b"".join(
        row[0] for row in sqlite3.connect(db).execute("SELECT state FROM stored_events")
    )

    for personal in (b"Ana", b"ana.lopez", b"+34600123456", b"VPN", b"ana-lopez-vpn.log"):
        assert personal not in states, personal
    assert b"bob" in states  # what is not personal stays readable
    # The keys are in a file of their own, not in the event store.
    tables = {row[0] for row in sqlite3.connect(db).execute("SELECT name FROM sqlite_master")}
    assert not any(name.startswith("eventdesk_personal") for name in tables)
    keys = sqlite3.connect(f"{db}.keys").execute("SELECT COUNT(key) FROM eventdesk_personal_keys")
    assert keys.fetchone() == (1,)


def test_another_process_stops_reading_a_contact_forgotten_elsewhere(
    desk, note_channel, clock, another_desk
):
    number = ana_writes_and_is_helped(desk, note_channel, clock)
    other = another_desk()
    assert other.get_incident(number).caller == "Ana López"  # its key is now in other's cache

    desk.contacts.forget(ANA, reason="erasure request", actor="dpo")
    other.catch_up()  # the other process sees Contact.Forgotten go by

    assert other.get_incident(number).caller == ERASED
    assert [m.text for m in other.conversation(number)] == [ERASED, ERASED, ERASED]


def deliveries_of(desk: ServiceDesk) -> list:
    found = desk.recorder.select_notifications(start=1, limit=1000, topics=[DELIVERY_REQUESTED])
    return [desk.repository.get(n.originator_id) for n in found]


@pytest.mark.parametrize("store", ["sqlite"])
def test_a_reply_on_its_way_out_is_sealed_and_forgotten_too(desk, note_channel, db):
    opened = receive(desk, note_channel, "m-1", ANA, "Printer jams", name="Ana López")
    desk.reply(opened.incident, "Hello Ana López, a technician is on the way", actor="bob")
    [sent] = note_channel.sent
    assert (str(sent.to), sent.text) == (
        f"email:{ANA}",
        "Hello Ana López, a technician is on the way",
    )
    rows = sqlite3.connect(db).execute("SELECT state FROM stored_events")
    assert not any(b"Ana" in state or b"ana.lopez" in state for (state,) in rows)

    desk.cancel(opened.incident, "duplicate", actor="bob")
    desk.contacts.forget(ANA, reason="erasure request", actor="dpo")

    [delivery] = deliveries_of(desk)
    assert delivery.state == "delivered"
    assert (delivery.message["to"], delivery.message["text"]) == (f"email:{ERASED}", ERASED)
    assert delivery.message["message_id"] == sent.message_id  # threading ids are not personal


def test_contacts_of_stores_made_before_keyed_claims_are_still_found(desk, clock):
    # A contact saved as before: its claim's id an unkeyed UUIDv5 of the identity.
    old = Contact.create(
        identities=[Identity("email", "old@acme.example")],
        name="Olga",
        tenant=None,
        actor="system",
        at=clock.now(),
    )
    claim = IdentityClaim(
        identity="email:old@acme.example",
        contact=str(old.id),
        actor="system",
        timestamp=clock.now(),
    )
    assert claim.id == identity_claim_id("email:old@acme.example")
    desk.save(old, claim)

    assert desk.contacts.find("old@acme.example").name == "Olga"
    # Fail to give the address to someone else.
    with pytest.raises(IdentityTakenError):
        desk.contacts.create(["old@acme.example"])


def test_forgetting_needs_a_reason_and_an_administrator(desk, note_channel):
    receive(desk, note_channel, "m-1", ANA, "Printer jams", name="Ana López")
    # Fail to forget without saying why.
    with pytest.raises(InvalidValueError, match="reason"):
        desk.contacts.forget(ANA, reason="  ", actor="dpo", force=True)
    # Fail to forget as an agent.
    with pytest.raises(AccessDeniedError):
        desk.contacts.forget(ANA, reason="request", actor=Actor.agent("bob"), force=True)
    assert desk.contacts.get(ANA).name == "Ana López"
