"""Scenarios of features/personal_data.feature: forgetting a customer, and backups.

Customers write through the ``note`` channel (tests/conftest.py); forgetting goes
through ``desk.contacts.forget``; backups through the export and import functions
that the ``eventdesk export`` / ``import-events`` / ``keys`` commands call.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from eventdesk import ServiceDesk
from eventdesk.backup.events import StoreNotEmptyError, export_events, import_events
from eventdesk.backup.keys import export_keys, import_keys
from eventdesk.contacts.model import Contact
from eventdesk.privacy import ERASED
from eventdesk.privacy.forgetting import OpenIncidentsError
from eventdesk.reports.report import build_report
from pytest_bdd import given, parsers, scenarios, then, when

from .conftest import step

scenarios("personal_data.feature")

pytestmark = pytest.mark.usefixtures("note_channel")
DPO = "dpo"


def figures(desk: ServiceDesk) -> dict:
    return build_report(desk).to_dict()


def everything(desk: ServiceDesk) -> tuple:
    desk.catch_up()
    incidents = [(i.number, i.state, i.summary, i.caller) for i in desk.list_incidents().items]
    contacts = sorted((c.name, c.identities) for c in desk.contacts.list())
    return incidents, contacts, figures(desk)


@pytest.fixture
def written() -> dict[str, str]:
    """Incident number by customer address."""
    return {}


@pytest.fixture
def attempt() -> dict[str, object]:
    return {}


def write(desk, note_channel, clock, written, name, address, text) -> str:
    payload = note_channel.payload(f"m-{len(written)}-{address}", address, text, name=name)
    [result] = desk.intake.receive("note", payload)
    written[address] = result.incident
    clock.advance(timedelta(minutes=10))
    return result.incident


@given(step('"{name}" <{address}> wrote "{text}" and Bob fixed it'))
def wrote_and_fixed(desk, note_channel, clock, written, name, address, text):
    number = write(desk, note_channel, clock, written, name, address, text)
    desk.comment(number, "Fixed: your profile was replaced", actor="bob")
    desk.start(number, actor="bob")
    clock.advance(timedelta(minutes=30))
    desk.resolve(number, "fixed", actor="bob")
    desk.close_incident(number, actor="bob")


@given(step('"{name}" <{address}> wrote "{text}"'))
def wrote(desk, note_channel, clock, written, name, address, text):
    write(desk, note_channel, clock, written, name, address, text)


@when(step('the data protection officer forgets {address} because "{reason}"'))
def forgets(desk, written, attempt, address, reason):
    attempt["history"] = [e.type for e in desk.history(written[address])]
    attempt["figures"] = figures(desk)
    try:
        attempt["result"] = desk.contacts.forget(address, reason=reason, actor=DPO)
    except OpenIncidentsError as error:
        attempt["error"] = error


@when(step("the data protection officer forces forgetting {address}"))
def forces(desk, address):
    desk.contacts.forget(address, reason="forced", actor=DPO, force=True)


@then("her incident is still closed, with its whole history")
def still_closed(desk, written, attempt):
    number = written["ana@acme.example"]
    assert desk.get_incident(number).state == "closed"
    assert [e.type for e in desk.history(number)] == attempt["history"]


@then(parsers.parse('its summary, caller and every message read "{erased}"'))
def all_erased(desk, written, erased):
    number = written["ana@acme.example"]
    incident = desk.get_incident(number)
    assert (incident.summary, incident.caller, incident.description) == (erased,) * 3
    assert {m.text for m in desk.conversation(number)} == {erased}


@then("the desk's figures are the same as before she was forgotten")
def same_figures(desk, attempt):
    assert figures(desk) == attempt["figures"]
    desk.rebuild_projections()
    assert figures(desk) == attempt["figures"]


@then(step('the audit trail says the data protection officer forgot her because "{reason}"'))
def audited(desk, written, reason):
    contact_id = desk.get_incident(written["ana@acme.example"]).contact
    [*_, last] = desk.events.get(desk.contacts.get_aggregate(contact_id).id)
    assert isinstance(last, Contact.Forgotten)
    assert (last.actor, last.reason) == (DPO, reason)


@then(step("a new message from {address} comes from a new contact"))
def new_contact(desk, note_channel, clock, written, address):
    old = desk.get_incident(written[address]).contact
    number = write(desk, note_channel, clock, written, "Ana", address, "Hello again")
    assert desk.get_incident(number).contact not in (None, old)


@then("the desk refuses, naming her open incident")
def refused(desk, written, attempt):
    assert written["ana@acme.example"] in str(attempt["error"])
    assert desk.contacts.get("ana@acme.example").name == "Ana López"


@then(parsers.parse('her incident is still open and its messages read "{erased}"'))
def still_open(desk, written, erased):
    number = written["ana@acme.example"]
    assert desk.get_incident(number).state == "new"
    assert {m.text for m in desk.conversation(number)} == {erased}


@when(
    "the desk's events and keys are backed up and restored on a new database",
    target_fixture="restored",
)
def backed_up_and_restored(desk, clock, tmp_path, request):
    export_events(desk, tmp_path / "events.jsonl")
    export_keys(desk, tmp_path / "keys.jsonl")
    restored = ServiceDesk(db=str(tmp_path / "restored.db"), clock=clock)
    request.addfinalizer(restored.close)
    import_keys(restored, tmp_path / "keys.jsonl")
    import_events(restored, tmp_path / "events.jsonl")
    return restored


@then("the new desk shows the same incidents, contacts and figures")
def same_desk(desk, restored):
    assert everything(restored) == everything(desk)
    assert ERASED not in str(everything(restored)[1])


@then("restoring the same backup on the new desk again is refused")
def refused_again(restored, tmp_path):
    with pytest.raises(StoreNotEmptyError):
        import_events(restored, tmp_path / "events.jsonl")
