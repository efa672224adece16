"""The vendor-email target through a real SMTP server (aiosmtpd on loopback), with the
vendor's answer fed back through the email channel's intake; and the specialists target,
which routes to a specialist group of the desk."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from eventdesk import ManualClock, ServiceDesk
from eventdesk.channels import Identity
from eventdesk.errors import InvalidValueError
from eventdesk.escalation import UnknownEscalationTargetError
from eventdesk_email.threads import message_ids

CUSTOMER = "Peter O'Neill <peter@acme.example>"
VENDOR = "support@netvendor.example"


def email(sender: str, subject: str, text: str, message_id: str, **headers: str) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = "support@desk.example"
    mail["Subject"] = subject
    mail["Message-ID"] = f"<{message_id}>"
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(text)
    return mail.as_bytes()


@pytest.fixture
def desk(clock: ManualClock, smtp_server: Any) -> Iterator[ServiceDesk]:
    with ServiceDesk(db=":memory:", clock=clock) as service_desk:
        service_desk.channels.configure("email", smtp_server.settings())
        yield service_desk


@pytest.fixture
def number(desk: ServiceDesk) -> str:
    """INC0000001, opened by the customer's email and on hold for the vendor."""
    raw = email(CUSTOMER, "VPN drops every hour", "Since this morning.", "m1@acme.example")
    [taken] = desk.intake.receive("email", raw)
    desk.start(taken.incident, actor="ana")
    desk.hold(taken.incident, "awaiting_vendor", actor="ana")
    return taken.incident


def test_the_vendor_is_emailed_and_its_answer_lands_on_the_incident(
    desk: ServiceDesk, number: str, smtp_server: Any
) -> None:
    outcome = desk.escalations.escalate(
        number, "vendor-email", recipient=VENDOR, reason="Concentrator firmware", actor="ana"
    )
    assert (outcome.state, outcome.recipient, outcome.target) == (
        "delivered",
        VENDOR,
        "vendor-email",
    )
    [sent] = smtp_server.deliveries
    mail = sent.message
    assert sent.rcpt_tos == (VENDOR,)
    assert mail["From"] == "support@desk.example"
    assert mail["Subject"] == f"Re: [{number}] Escalation: VPN drops every hour"
    assert "Escalated to you: Concentrator firmware" in mail.get_content()
    [attempt] = desk.escalations.attempts(outcome.delivery)
    assert attempt.response == f"the mail server accepted it for {VENDOR}"

    # The vendor answers the desk's email: it threads back onto the incident.
    answer = email(
        f"NetVendor Support <{VENDOR}>",
        mail["Subject"],
        "Please apply firmware 4.2.1.",
        "v1@netvendor.example",
        In_Reply_To=mail["Message-ID"],
        References=mail["Message-ID"],
    )
    [result] = desk.intake.receive("email", answer)
    assert (result.status, result.incident, result.contact) == ("appended", number, None)
    view = desk.get_incident(number)
    assert view.state == "in_progress"  # it was waiting for the vendor
    note = view.comments[-1]
    assert (note.actor, note.public, note.channel, note.text.strip()) == (
        VENDOR,
        False,
        "email",
        "Please apply firmware 4.2.1.",
    )
    assert desk.contacts.lookup(Identity("email", VENDOR)) is None
    assert [i.number for i in desk.list_incidents().items] == [number]

    # The agent's next reply to the customer does not thread the vendor's emails.
    desk.reply(number, "A fix is on its way.", actor="ana")
    to_customer = smtp_server.deliveries[-1].message
    assert to_customer["To"] == "Peter O'Neill <peter@acme.example>"
    assert message_ids(to_customer["References"]) == ["m1@acme.example"]


def test_the_vendor_may_write_again_under_the_incident_number_but_nobody_else(
    desk: ServiceDesk, number: str
) -> None:
    desk.escalations.escalate(number, "vendor-email", recipient=VENDOR, actor="ana")
    fresh = email(VENDOR, f"[{number}] patch released", "4.2.1 is out.", "v2@netvendor.example")
    [result] = desk.intake.receive("email", fresh)
    assert (result.status, result.incident) == ("appended", number)
    assert desk.get_incident(number).comments[-1].public is False

    # Someone the incident was not escalated to opens an incident of their own.
    guess = email("eve@elsewhere.example", f"[{number}] logs?", "Send logs.", "e1@else.example")
    [other] = desk.intake.receive("email", guess)
    assert other.status == "opened" and other.incident != number


def test_a_vendor_email_needs_an_address(desk: ServiceDesk, number: str) -> None:
    # Fail to escalate by email without an address, or to something that is not one.
    with pytest.raises(InvalidValueError, match="recipient"):
        desk.escalations.escalate(number, "vendor-email")
    with pytest.raises(InvalidValueError, match="email address"):
        desk.escalations.escalate(number, "vendor-email", recipient="NetVendor")
    desk.escalations.configure("vendor-email", {"to": VENDOR})
    assert desk.escalations.escalate(number, "vendor-email").recipient == VENDOR
    # Fail to configure a setting the target does not have; to escalate to no target.
    with pytest.raises(InvalidValueError, match="vendor-email setting"):
        desk.escalations.configure("vendor-email", {"cc": VENDOR})
    with pytest.raises(UnknownEscalationTargetError, match="known: specialists"):
        desk.escalations.escalate(number, "carrier-pigeon")


def test_a_mail_server_that_refuses_the_vendor_for_now_is_tried_again(
    desk: ServiceDesk, number: str, smtp_server: Any, clock: ManualClock
) -> None:
    smtp_server.refuse(VENDOR, "451 4.3.0 try again later")
    outcome = desk.escalations.escalate(number, "vendor-email", recipient=VENDOR)
    assert outcome.state == "pending"
    del smtp_server.handler.refusals[VENDOR]
    clock.advance(desk.escalations.attempts(outcome.delivery)[0].next_attempt_at - clock.now())
    assert desk.intake.deliver_due() == {"delivered": 1}
    assert [a.outcome for a in desk.escalations.attempts(outcome.delivery)] == [
        "failed",
        "delivered",
    ]


# --- the specialists target ------------------------------------------------------------------


def test_the_specialists_target_routes_to_the_group(clock: ManualClock) -> None:
    with ServiceDesk(db=":memory:", clock=clock) as desk:
        desk.tenancy.register_tenant(
            "acme", model="shared", service_manager="sofia", category_groups={"network": "network"}
        )
        desk.tenancy.form_team("service-desk", kind="shared")
        desk.tenancy.form_team("network", kind="specialist", skill_area="network")
        desk.tenancy.form_team("servers", kind="specialist", skill_area="servers")
        number = desk.open_incident(
            "Switch down", impact=2, urgency=2, tenant="acme", category="network"
        ).number

        # Named: to that group. Unnamed: the tenant's category map chooses.
        outcome = desk.escalations.escalate(
            number, "specialists", recipient="network", reason="Layer 2 loop", actor="ana"
        )
        assert (outcome.state, outcome.recipient, outcome.delivery) == (
            "routed",
            "network",
            None,
        )
        view = desk.get_incident(number)
        assert view.assignment_group == "network"
        assert desk.tenancy.work_item(number).group == "network"  # the specialists' queue
        assert desk.history(number)[-1].data["reason"] == "Layer 2 loop"

        desk.escalations.escalate(number, "specialists", recipient="servers")
        # Without a recipient the tenant's category map chooses: back to network.
        assert desk.escalations.escalate(number, "specialists").recipient == "network"
        assert desk.get_incident(number).reassignment_count == 2  # network → servers → network

        # The target's own default group, when the escalation names none.
        desk.escalations.configure("specialists", {"group": "servers"})
        assert desk.escalations.escalate(number, "specialists").recipient == "servers"
        # Fail to configure a setting it does not have.
        with pytest.raises(InvalidValueError, match="specialists setting"):
            desk.escalations.configure("specialists", {"queue": "servers"})

        # Fail to hand it to a team that is not a specialist group.
        with pytest.raises(InvalidValueError, match="specialist group"):
            desk.escalations.escalate(number, "specialists", recipient="service-desk")
