"""``eventdesk demo`` (what ``make demo`` runs) plays a whole day into an empty database."""

from __future__ import annotations

from eventdesk import ServiceDesk

from .conftest import succeeded


def test_the_demo_plays_a_morning_and_an_evening_of_three_tenants(eventdesk, db_path):
    output = succeeded(eventdesk("demo")).stdout

    assert "08:02 INC0000001 opened (P1): Email not delivered for the whole Madrid office" in output
    # One tenant of each model, and an out-of-hours incident of each.
    assert "acme-bank (dedicated) covered by lea, marc" in output
    assert "globex-retail (hybrid) covered by nuria" in output
    assert "initech (shared) covered by omar, pia" in output
    assert (
        "Mon 21:30 INC0000012 waits: out of hours: waits for the dedicated team's next shift"
        in output
    )
    assert "Mon 21:30 INC0000013 → omar (pool): out of the dedicated team's hours" in output
    assert "Mon 21:30 INC0000014 → pia (pool): the shared pool serves this tenant" in output
    assert "INC0000013 escalated by category to network-ops" in output
    assert "Tue 07:05 INC0000012 → lea (acme-desk): the dedicated team is on shift" in output
    assert "globex-retail cost for 2026-03 (hybrid): 3965.00" in output
    # The next morning, one customer on two channels, and an email nobody can read.
    assert "Tue 09:00 email from marta@globex.example opened INC0000015 for globex-retail" in output
    assert "Tue 09:12 web form from marta@globex.example: appended INC0000015" in output
    assert "Tue 09:12 web form from marta@globex.example: duplicate INC0000015" in output
    assert "Tue 09:14 an email nobody can read: dead_letter" in output
    # It ends by telling how to open the wallboard, with a token of lea, a shift manager.
    wallboard = output.strip().splitlines()[-2].strip()
    assert wallboard.startswith("http://127.0.0.1:8080/wallboard#token=edk_"), output
    token = wallboard.partition("#token=")[2]

    # What it printed is what it stored.
    with ServiceDesk(db=db_path) as desk:
        acme = desk.get_incident("INC0000012")
        assert (acme.tenant, acme.assignee, acme.assignment_group) == (
            "acme-bank",
            "lea",
            "acme-desk",
        )
        assert desk.get_incident("INC0000013").reassignment_count == 1
        conversation = desk.conversation("INC0000015")
        assert [(m.channel, m.author_kind) for m in conversation] == [
            ("email", "customer"),
            ("web", "customer"),
            ("email", "agent"),
        ]
        assert [d.state for d in desk.intake.deliveries()] == ["pending"]
        assert len(desk.dead_letters.list()) == 1
        assert desk.tokens.authenticate(token).spec() == "agent:lea"


def test_the_demo_refuses_a_database_that_is_not_empty(eventdesk):
    succeeded(
        eventdesk("incident", "open", "--summary", "Something", "--impact", "2", "--urgency", "2")
    )
    result = eventdesk("demo")
    assert result.exit_code == 1
    assert "the demo needs an empty database" in result.stderr
