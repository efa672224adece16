"""Scenarios of features/escalation_targets.feature: the specialists, vendor-email and webhook
escalation targets, and SLA steps notifying through them.

Email goes out through a real SMTP server on loopback (``smtp_server``) and the vendor's
answer comes back through the email channel's intake; the partner's webhook is a real
endpoint served by uvicorn on loopback (``webhook_receiver``), which checks signatures
with its own code. Time moves only on the injected clock.
"""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from eventdesk import IncidentView, ManualClock, ServiceDesk
from eventdesk.channels import Identity
from eventdesk.escalation import Escalation
from eventdesk.sla.policy import SlaPolicy, Target
from pytest_bdd import given, parsers, scenarios, then, when

from .conftest import step, table

scenarios("escalation_targets.feature")

PARTNER_SECRET = "the-secret-we-share-with-the-partner"


@pytest.fixture
def escalation() -> dict[str, Escalation]:
    """The escalation the scenario made, under ``"last"``."""
    return {}


# --- given ------------------------------------------------------------------------------------


@given(step('the tenant "{tenant}" whose network incidents go to the specialist group "{group}"'))
def tenant_with_specialists(desk: ServiceDesk, tenant: str, group: str) -> None:
    desk.tenancy.register_tenant(
        tenant, model="shared", service_manager="omar", category_groups={"network": group}
    )
    desk.tenancy.form_team(group, kind="specialist", skill_area="network")


@given(step('Acme\'s first line is the team "{team}", whose team manager is "{manager}"'))
def first_line(desk: ServiceDesk, team: str, manager: str) -> None:
    desk.tenancy.form_team(team, kind="shared", supervisors={"team_manager": manager})


@given(
    parsers.parse(
        "Acme's contract: respond within {minutes:d} minutes, and a breach brings in the "
        "team manager"
    )
)
def contract(desk: ServiceDesk, minutes: int) -> None:
    desk.sla.import_policy(
        SlaPolicy(
            name="acme-contract",
            targets={
                p: Target(timedelta(minutes=minutes), timedelta(hours=8)) for p in range(1, 6)
            },
            escalation={"breach": "team_manager"},
        )
    )
    desk.tenancy.update_tenant("acme", sla_policy="acme-contract")


@given(
    step('Peter of Acme reported "{summary}" in the category "{category}"'),
    target_fixture="incident",
)
def reported(desk: ServiceDesk, summary: str, category: str) -> IncidentView:
    return desk.open_incident(
        summary,
        impact=2,
        urgency=2,
        caller="Peter",
        tenant="acme",
        category=category,
        assignment_group="service-desk",
        actor="ana",
    )


@given(step('the desk sends email through the mail server from "{address}"'))
def mail(desk: ServiceDesk, smtp_server: Any, address: str) -> None:
    desk.channels.configure("email", smtp_server.settings(address))


@given("Ana put the incident on hold awaiting the vendor")
def on_hold(desk: ServiceDesk, incident: IncidentView) -> None:
    desk.start(incident.number, actor="ana")
    desk.hold(incident.number, "awaiting_vendor", actor="ana")


@given(parsers.parse("the partner's webhook answers {first:d}, {second:d} and then {third:d}"))
def partner_answers(
    desk: ServiceDesk, webhook_receiver: Any, first: int, second: int, third: int
) -> None:
    configure_webhook(desk, webhook_receiver)
    webhook_receiver.statuses = [first, second, third]


@given("team managers are notified through the partner's webhook")
def managers_by_webhook(desk: ServiceDesk, webhook_receiver: Any) -> None:
    configure_webhook(desk, webhook_receiver)
    desk.escalations.set_rule("team_manager", "webhook")


def configure_webhook(desk: ServiceDesk, receiver: Any) -> None:
    desk.escalations.configure("webhook", {"url": receiver.url, "secret": PARTNER_SECRET})


# --- when -------------------------------------------------------------------------------------


@when(step('Ana escalates the incident to the network specialists because "{reason}"'))
def to_specialists(
    desk: ServiceDesk, incident: IncidentView, escalation: dict, reason: str
) -> None:
    escalation["last"] = desk.escalations.escalate(
        incident.number, "specialists", recipient="network", reason=reason, actor="ana"
    )


@when(step('Ana escalates the incident to "{address}" by email because "{reason}"'))
def to_vendor(
    desk: ServiceDesk, incident: IncidentView, escalation: dict, address: str, reason: str
) -> None:
    escalation["last"] = desk.escalations.escalate(
        incident.number, "vendor-email", recipient=address, reason=reason, actor="ana"
    )


@when("Ana escalates the incident to the partner's webhook")
def to_webhook(desk: ServiceDesk, incident: IncidentView, escalation: dict) -> None:
    escalation["last"] = desk.escalations.escalate(
        incident.number, "webhook", recipient="partner-noc", actor="ana"
    )


@when("the outbox tries again a minute later, and again five minutes after that")
def outbox_retries(desk: ServiceDesk, clock: ManualClock) -> None:
    for wait in (timedelta(minutes=1), timedelta(minutes=5)):
        clock.advance(wait)
        desk.intake.deliver_due()


@when(step('the vendor answers that email saying "{text}"'))
def vendor_answers(desk: ServiceDesk, smtp_server: Any, text: str) -> None:
    sent = smtp_server.deliveries[-1].message
    answer = EmailMessage()
    answer["From"] = f"NetVendor Support <{sent['To'].addresses[0].addr_spec}>"
    answer["To"] = sent["From"]
    answer["Subject"] = f"RE: {sent['Subject']}"
    answer["Message-ID"] = "<answer-1@netvendor.example>"
    answer["In-Reply-To"] = sent["Message-ID"]
    answer["References"] = sent["Message-ID"]
    answer.set_content(text)
    [result] = desk.intake.receive("email", answer.as_bytes())
    assert result.status == "appended", result


@when(parsers.parse("{minutes:d} minutes pass without a response to the incident"))
def minutes_pass(desk: ServiceDesk, clock: ManualClock, minutes: int) -> None:
    clock.advance(timedelta(minutes=minutes))
    desk.sla.tick()


@when("the outbox runs")
def outbox_runs(desk: ServiceDesk) -> None:
    desk.intake.deliver_due()


# --- then -------------------------------------------------------------------------------------


@then(step('the incident is with the group "{group}"'))
def with_group(desk: ServiceDesk, incident: IncidentView, group: str) -> None:
    assert desk.get_incident(incident.number).assignment_group == group


@then(step('it waits in the queue of the group "{group}"'))
def in_queue(desk: ServiceDesk, incident: IncidentView, group: str) -> None:
    item = desk.tenancy.work_item(incident.number)
    assert (item.group, item.agent) == (group, None)


@then(step('the mail server is sent an email to "{address}" about the incident'))
def emailed(smtp_server: Any, incident: IncidentView, address: str) -> None:
    sent = smtp_server.deliveries[-1]
    assert sent.rcpt_tos == (address,)
    assert f"[{incident.number}]" in sent.message["Subject"]
    assert incident.summary in sent.message.get_content()


@then(step("the incident is {state:State}"))
def incident_state(desk: ServiceDesk, incident: IncidentView, state: Any) -> None:
    assert desk.get_incident(incident.number).state == state


@then(step('its last work note is by "{author}" and says "{text}"'))
def last_note(desk: ServiceDesk, incident: IncidentView, author: str, text: str) -> None:
    note = desk.conversation(incident.number)[-1]
    assert (note.public, note.actor, note.text.strip()) == (False, author, text)


@then("the vendor has not become a contact of the desk")
def not_a_contact(desk: ServiceDesk) -> None:
    assert desk.contacts.lookup(Identity("email", "support@netvendor.example")) is None


@then("the partner took the escalation exactly once, signed with the shared secret")
def taken_once(webhook_receiver: Any, incident: IncidentView) -> None:
    assert all(post["verified"] for post in webhook_receiver.posts)
    [taken] = webhook_receiver.taken.values()
    assert taken["incident"] == incident.number


@then("the delivery of the escalation shows these attempts:")
def attempts_shown(desk: ServiceDesk, escalation: dict, datatable: list[list[str]]) -> None:
    attempts = desk.escalations.attempts(escalation["last"].delivery)
    shown = [
        {"attempt": str(a.attempt), "outcome": a.outcome, "answer": a.response or ""}
        for a in attempts
    ]
    assert shown == table(datatable)
    [delivery] = desk.intake.deliveries()
    assert (delivery.state, delivery.attempts) == ("delivered", 3)


@then(
    step(
        "the partner's webhook was told that the incident was escalated to the team manager "
        '"{manager}"'
    )
)
def manager_told(webhook_receiver: Any, incident: IncidentView, manager: str) -> None:
    [notice] = webhook_receiver.taken.values()
    assert (notice["incident"], notice["to"], notice["level"]) == (
        incident.number,
        manager,
        "team_manager",
    )


@then(step('the incident has a work note "{text}"'))
def has_note(desk: ServiceDesk, incident: IncidentView, text: str) -> None:
    notes = [c.text for c in desk.conversation(incident.number) if not c.public]
    assert text in notes, notes
