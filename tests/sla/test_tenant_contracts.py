"""A tenant's contract names its SLA policy and its calendar; its incidents' clocks follow them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from eventdesk import ManualClock, ServiceDesk
from eventdesk.calendars import BusinessCalendar
from eventdesk.sla.policy import SlaPolicy, Target

EVENING = datetime(2026, 3, 2, 20, 30, tzinfo=UTC)  # Monday, 21:30 in Paris
HOUR = timedelta(hours=1)


def deadlines(desk: ServiceDesk, number: str) -> dict[str, datetime | None]:
    return {status.metric: status.deadline for status in desk.sla.status(number)}


def with_tenants(desk: ServiceDesk) -> None:
    desk.sla.import_calendar(
        BusinessCalendar.weekdays("paris-office", "Europe/Paris", "08:00", "18:00")
    )
    desk.sla.import_policy(
        SlaPolicy(
            name="gold",
            targets={p: Target(timedelta(minutes=30), 4 * HOUR) for p in range(1, 6)},
        )
    )
    desk.tenancy.register_tenant(
        "acme", model="dedicated", service_manager="sofia", calendar="paris-office"
    )
    desk.tenancy.register_tenant("globex", model="shared", service_manager="sofia")
    desk.tenancy.register_tenant(
        "initech", model="shared", service_manager="omar", sla_policy="gold"
    )


def test_a_dedicated_tenants_clock_runs_on_its_contract_calendar(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    with_tenants(desk)
    clock.set(EVENING)
    acme = desk.open_incident("Terminal frozen", impact=2, urgency=2, tenant="acme").number
    house = desk.open_incident("Terminal frozen", impact=2, urgency=2).number
    globex = desk.open_incident("Terminal frozen", impact=2, urgency=2, tenant="globex").number

    # P3 under the desk's default policy: response within 1 h, resolution within 24 h.
    # Acme's hours start again on Tuesday at 08:00 in Paris (07:00 UTC).
    assert deadlines(desk, acme) == {
        "response": datetime(2026, 3, 3, 8, 0, tzinfo=UTC),
        "resolution": datetime(2026, 3, 5, 11, 0, tzinfo=UTC),  # 10 h Tue, 10 h Wed, 4 h Thu
    }
    # Without a contract calendar, the policy's own (24x7) calendar.
    assert deadlines(desk, house) == {
        "response": EVENING + HOUR,
        "resolution": EVENING + 24 * HOUR,
    }
    assert deadlines(desk, globex) == deadlines(desk, house)


def test_a_tenants_own_policy_sets_its_targets_and_its_timers(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    with_tenants(desk)
    clock.set(EVENING)
    gold = desk.open_incident("Mail down", impact=2, urgency=2, tenant="initech").number
    plain = desk.open_incident("Mail down", impact=2, urgency=2, tenant="globex").number

    assert deadlines(desk, gold)["response"] == EVENING + timedelta(minutes=30)
    # The timer pass raises the breach of the gold response at 30 minutes, not the plain one.
    breached = desk.sla.tick(EVENING + timedelta(minutes=31))
    assert [(r.incident, r.metric, r.moment) for r in breached if r.moment == "breach"] == [
        (gold, "response", "breach")
    ]
    assert deadlines(desk, plain)["response"] == EVENING + HOUR


def test_changing_a_contract_moves_the_clocks_of_open_incidents(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    with_tenants(desk)
    clock.set(EVENING)
    number = desk.open_incident("Mail down", impact=2, urgency=2, tenant="globex").number
    assert desk.sla.tick(EVENING + timedelta(minutes=40)) == []

    desk.tenancy.update_tenant("globex", sla_policy="gold")

    assert deadlines(desk, number)["response"] == EVENING + timedelta(minutes=30)
    raised = desk.sla.tick(EVENING + timedelta(minutes=41))
    assert (number, "response", "breach") in [(r.incident, r.metric, r.moment) for r in raised]


def test_a_contract_naming_an_unknown_policy_or_calendar_is_refused(desk: ServiceDesk) -> None:
    import pytest
    from eventdesk.sla.service import UnknownDefinitionError

    # Fail to sign a contract on a policy or a calendar the desk does not have.
    with pytest.raises(UnknownDefinitionError):
        desk.tenancy.register_tenant("x", model="shared", service_manager="y", sla_policy="nope")
    with pytest.raises(UnknownDefinitionError):
        desk.tenancy.register_tenant("x", model="shared", service_manager="y", calendar="nope")
    assert desk.tenancy.tenants() == []


def test_a_hierarchical_escalation_names_the_supervisor_of_the_incidents_team(
    desk: ServiceDesk, clock: ManualClock
) -> None:
    with_tenants(desk)
    desk.tenancy.form_team(
        "globex-desk",
        kind="dedicated",
        tenant="globex",
        supervisors={"shift_manager": "lea", "team_manager": "sofia"},
    )
    clock.set(EVENING)
    number = desk.open_incident("Tills down", impact=1, urgency=1, tenant="globex").number
    desk.assign(number, "globex-desk")
    house = desk.open_incident("Tills down", impact=1, urgency=1).number

    # P1: response within 15 minutes; the 75 % warning brings in the shift manager.
    raised = desk.sla.tick(EVENING + timedelta(minutes=12))
    assert sorted((r.incident, r.escalated_to, r.supervisor) for r in raised) == [
        (number, "shift_manager", "lea"),
        (house, "shift_manager", None),  # no team, nobody named
    ]
    escalated = [e for e in desk.history(number) if e.type == "Escalated"]
    assert escalated[-1].data["supervisor"] == "lea"
