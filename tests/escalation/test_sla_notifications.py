"""Hierarchical escalation steps of the SLA engine notify the people the escalation rules
name, through escalation targets: the clock breaches on virtual time, the notification
waits in the outbox, and the outbox worker delivers it to a real webhook endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from eventdesk import ManualClock, ServiceDesk
from eventdesk.errors import InvalidValueError
from eventdesk.escalation import EscalationRule, UnknownEscalationTargetError

from ..conftest import WEBHOOK_SECRET

MINUTE = timedelta(minutes=1)


@pytest.fixture
def desk(clock: ManualClock, webhook_receiver: Any) -> Iterator[ServiceDesk]:
    with ServiceDesk(db=":memory:", clock=clock) as service_desk:
        service_desk.escalations.configure(
            "webhook", {"url": webhook_receiver.url, "secret": WEBHOOK_SECRET}
        )
        service_desk.tenancy.register_tenant("globex", model="dedicated", service_manager="omar")
        service_desk.tenancy.form_team(
            "globex-desk",
            kind="dedicated",
            tenant="globex",
            supervisors={"shift_manager": "lea", "team_manager": "sofia"},
        )
        yield service_desk


def p1(desk: ServiceDesk, tenant: str | None = "globex") -> str:
    view = desk.open_incident("Tills down", impact=1, urgency=1, tenant=tenant)
    if tenant:
        desk.assign(view.number, "globex-desk")
    return view.number


def test_each_step_notifies_whom_the_rules_name_once_the_outbox_runs(
    desk: ServiceDesk, clock: ManualClock, webhook_receiver: Any
) -> None:
    desk.escalations.set_rule("team_manager", "webhook")  # the team's own team manager
    desk.escalations.set_rule("director", "webhook", recipient="duty-director", tenant="globex")
    start = clock.now()
    number, house = p1(desk), p1(desk, tenant=None)

    # P1: respond within 15 minutes. 75 % brings in the shift manager: no rule, nobody told.
    desk.sla.tick(start + 12 * MINUTE)
    assert desk.intake.deliveries() == []
    # 90 %: the team manager. Queued by the timer pass, sent by the outbox.
    clock.set(start + 14 * MINUTE)
    desk.sla.tick()
    [queued] = desk.intake.deliveries(state="pending")
    assert (queued.incident, queued.attempts) == (number, 0)
    assert webhook_receiver.posts == []
    assert desk.intake.deliver_due() == {"delivered": 1}
    [notice] = webhook_receiver.taken.values()
    assert (notice["incident"], notice["to"], notice["level"]) == (number, "sofia", "team_manager")
    assert notice["reason"] == "team manager notified: response 90%"
    assert notice["actor"] == "sla"

    # The breach: the director, as Globex's own rule says; the house incident has no rule.
    clock.set(start + 16 * MINUTE)
    desk.sla.tick()
    assert desk.intake.deliver_due() == {"delivered": 1}
    assert [(n["incident"], n["to"], n["level"]) for n in webhook_receiver.taken.values()] == [
        (number, "sofia", "team_manager"),
        (number, "duty-director", "director"),
    ]
    assert all(post["verified"] for post in webhook_receiver.posts)
    assert house not in {d.incident for d in desk.intake.deliveries()}
    notes = [c.text for c in desk.conversation(number) if not c.public]
    assert notes == [
        "Escalated to sofia through webhook: team manager notified: response 90%",
        "Escalated to duty-director through webhook: director notified: response breach",
    ]


def test_a_rule_that_cannot_be_followed_does_not_stop_the_timer_pass(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    # Email to the shift manager, but the team names a person, not an address.
    desk.escalations.set_rule("shift_manager", "vendor-email")
    start = clock.now()
    number = p1(desk)
    raised = desk.sla.tick(start + 12 * MINUTE)
    assert [(r.incident, r.escalated_to) for r in raised] == [(number, "shift_manager")]
    assert desk.intake.deliveries() == []


def test_rules_are_checked_and_replaced_per_level_and_tenant(desk: ServiceDesk) -> None:
    desk.escalations.set_rule("director", "webhook", recipient="dana")
    desk.escalations.set_rule("director", "specialists", recipient="major-incidents")
    desk.escalations.set_rule("director", "webhook", tenant="globex")
    assert desk.escalations.rules() == [
        EscalationRule("director", "specialists", "major-incidents"),
        EscalationRule("director", "webhook", None, "globex"),
    ]
    # Fail to set a rule for an unknown level, target or tenant.
    with pytest.raises(InvalidValueError, match="escalation level"):
        desk.escalations.set_rule("ceo", "webhook")
    with pytest.raises(UnknownEscalationTargetError):
        desk.escalations.set_rule("director", "fax")
    with pytest.raises(InvalidValueError, match="tenant"):
        desk.escalations.set_rule("director", "webhook", tenant="initech")
