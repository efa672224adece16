"""``eventdesk incident ...``: an agent's day on the command line."""

from __future__ import annotations

import re

import pytest
from eventdesk import ServiceDesk
from eventdesk.cli import cli

from .conftest import json_of, succeeded

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def open_incident(eventdesk, summary="Mail server down", impact="2", urgency="2", *extra):
    return json_of(
        eventdesk(
            "incident",
            "open",
            "--summary",
            summary,
            "--impact",
            impact,
            "--urgency",
            urgency,
            *extra,
            "--json",
        )
    )


def test_init_creates_the_database(eventdesk, db_path):
    answer = json_of(eventdesk("init", "--json"))
    assert answer == {"db": db_path, "store": "sqlite", "events": 0}

    text = succeeded(eventdesk("init")).stdout
    assert text.startswith(f"EventDesk database ready: {db_path} (sqlite, 0 events)")


def test_opening_an_incident_prints_it_as_json(eventdesk):
    answer = open_incident(eventdesk, "VPN drops every hour", "1", "2")

    assert answer["number"] == "INC0000001"
    assert answer["state"] == "new"
    assert (answer["priority"], answer["impact"], answer["urgency"]) == (2, 1, 2)
    assert answer["summary"] == "VPN drops every hour"
    assert answer["opened_by"] == "ana"
    assert re.fullmatch(r"[0-9a-f-]{36}", answer["id"])
    assert ISO_UTC.match(answer["opened_at"])


def test_opening_with_every_field(eventdesk):
    open_incident(eventdesk, "Site outage", "1", "1")
    answer = open_incident(
        eventdesk,
        "CRM down",
        "2",
        "1",
        "--description",
        "Since 9:00",
        "--category",
        "apps",
        "--subcategory",
        "crm",
        "--ci",
        "crm-01",
        "--caller",
        "alice",
        "--group",
        "apps",
        "--assignee",
        "bob",
        "--parent",
        "INC0000001",
    )
    assert answer["description"] == "Since 9:00"
    assert (answer["category"], answer["subcategory"], answer["configuration_item"]) == (
        "apps",
        "crm",
        "crm-01",
    )
    assert (answer["caller"], answer["assignment_group"], answer["assignee"]) == (
        "alice",
        "apps",
        "bob",
    )
    assert answer["parent"] == "INC0000001"


def test_opening_without_json_prints_one_line(eventdesk):
    result = succeeded(
        eventdesk("incident", "open", "-s", "Printer jam", "-i", "3", "-u", "3", "--group", "desk")
    )
    assert result.stdout.strip() == "INC0000001 new P5 · desk · Printer jam"


def test_show_prints_the_whole_view_and_its_sla_clocks(eventdesk):
    opened = open_incident(eventdesk, "Mail server down", "1", "1", "--caller", "alice")

    for ref in ("INC0000001", "1", "inc1", opened["id"]):
        shown = json_of(eventdesk("incident", "show", ref, "--json"))
        assert {key: shown[key] for key in opened} == opened
        for field in (
            "description",
            "category",
            "hold_reason",
            "resolution_code",
            "major",
            "children",
            "reassignment_count",
            "reopen_count",
            "comments",
            "version",
            "updated_at",
        ):
            assert field in shown
        assert shown["caller"] == "alice"
        assert isinstance(shown["sla"], list)

    human = succeeded(eventdesk("incident", "show", "1")).stdout
    assert "INC0000001" in human
    assert "Mail server down" in human


def test_every_lifecycle_verb(eventdesk):
    number = open_incident(eventdesk)["number"]

    def verb(*args: str) -> dict:
        return json_of(eventdesk("incident", *args, "--json"))

    assigned = verb("assign", number, "--group", "servers", "--assignee", "dave")
    assert (assigned["assignment_group"], assigned["assignee"]) == ("servers", "dave")
    assert verb("start", number)["state"] == "in_progress"
    held = verb("hold", number, "--reason", "awaiting_vendor", "--note", "RMA 7731")
    assert (held["state"], held["hold_reason"]) == ("on_hold", "awaiting_vendor")
    assert verb("resume", number)["hold_reason"] is None
    commented = verb("comment", number, "Disk 3 is failing", "--internal")
    assert commented["comments"][0]["text"] == "Disk 3 is failing"
    assert commented["comments"][0]["public"] is False
    resolved = verb("resolve", number, "--code", "fixed", "--notes", "new disk")
    assert (resolved["state"], resolved["resolution_code"], resolved["resolution_notes"]) == (
        "resolved",
        "fixed",
        "new disk",
    )
    reopened = verb("reopen", number, "--reason", "bounces again")
    assert (reopened["state"], reopened["reopen_count"]) == ("in_progress", 1)
    verb("resolve", number, "--code", "fixed")
    closed = verb("close", number)
    assert closed["state"] == "closed"
    assert closed["closed_at"] is not None

    other = open_incident(eventdesk, "Duplicate mail report")["number"]
    cancelled = verb("cancel", other, "--reason", "duplicate of INC0000001")
    assert (cancelled["state"], cancelled["cancel_reason"]) == (
        "cancelled",
        "duplicate of INC0000001",
    )


def test_the_other_incident_verbs(eventdesk):
    parent = open_incident(eventdesk, "Site outage", "2", "1")["number"]
    child = open_incident(eventdesk, "CRM down")["number"]

    def verb(*args: str) -> dict:
        return json_of(eventdesk("incident", *args, "--json"))

    assert verb("reprioritise", parent, "-i", "1", "-u", "1")["priority"] == 1
    assert verb("major", parent)["major"] is True
    categorised = verb("categorise", child, "--category", "apps", "--ci", "crm-01")
    assert (categorised["category"], categorised["configuration_item"]) == ("apps", "crm-01")
    assert verb("link", child, "--parent", parent)["parent"] == parent
    assert verb("problem", parent, "--problem", "PRB0000012")["problem"] == "PRB0000012"
    assert json_of(eventdesk("incident", "show", parent, "--json"))["children"] == [child]


def test_history_is_a_list_of_events_with_time_and_actor(eventdesk):
    number = open_incident(eventdesk)["number"]
    succeeded(eventdesk("incident", "start", number, actor="bob"))
    succeeded(eventdesk("incident", "hold", number, "--reason", "awaiting_caller", actor="bob"))

    trail = json_of(eventdesk("incident", "history", number, "--json"))

    assert [entry["type"] for entry in trail] == ["Opened", "Started", "PutOnHold"]
    assert [entry["actor"] for entry in trail] == ["ana", "bob", "bob"]
    assert [entry["version"] for entry in trail] == [1, 2, 3]
    assert all(ISO_UTC.match(entry["at"]) for entry in trail)
    assert trail[1]["changes"] == {"state": ["new", "in_progress"]}
    assert trail[2]["data"] == {"reason": "awaiting_caller", "note": ""}

    human = succeeded(eventdesk("incident", "history", number)).stdout
    assert "History of INC0000001" in human
    assert "PutOnHold" in human


def test_the_actor_comes_from_the_option_or_the_environment(runner, db_path):
    succeeded(
        runner.invoke(
            cli,
            ["--db", db_path, "incident", "open", "-s", "Mail down", "-i", "2", "-u", "2"],
            env={"EVENTDESK_ACTOR": "night-shift"},
        )
    )
    succeeded(runner.invoke(cli, ["--db", db_path, "--actor", "carl", "incident", "start", "1"]))

    with ServiceDesk(db=db_path) as desk:
        assert [entry.actor for entry in desk.history(1)] == ["night-shift", "carl"]


def test_the_database_comes_from_eventdesk_db_when_not_given(runner, tmp_path):
    db_path = str(tmp_path / "from-env.db")
    env = {"EVENTDESK_DB": db_path}
    succeeded(runner.invoke(cli, ["incident", "open", "-s", "Mail", "-i", "2", "-u", "2"], env=env))

    listed = json_of(runner.invoke(cli, ["incident", "list", "--json"], env=env))
    assert [item["summary"] for item in listed["items"]] == ["Mail"]
    with ServiceDesk(db=db_path) as desk:
        assert desk.get_incident(1).summary == "Mail"


@pytest.fixture
def queue(eventdesk):
    open_incident(eventdesk, "VPN drops", "2", "2", "--group", "network", "--caller", "alice")
    open_incident(eventdesk, "Printer jam", "3", "3", "--group", "desktop", "--caller", "carol")
    open_incident(eventdesk, "Mail server down", "1", "1", "--assignee", "dave")
    open_incident(eventdesk, "vpn client crash", "2", "1", "--group", "network")
    succeeded(eventdesk("incident", "start", "1"))
    succeeded(eventdesk("incident", "start", "3"))
    succeeded(eventdesk("incident", "hold", "3", "--reason", "awaiting_vendor"))


LIST_FILTERS = {
    "everything": ([], [1, 2, 3, 4]),
    "one state": (["--state", "new"], [2, 4]),
    "several states": (["--state", "in_progress", "--state", "on_hold"], [1, 3]),
    "priorities": (["--priority", "1", "--priority", "2"], [3, 4]),
    "group": (["--group", "network"], [1, 4]),
    "assignee": (["--assignee", "dave"], [3]),
    "caller": (["--caller", "carol"], [2]),
    "text in any case": (["--text", "VPN"], [1, 4]),
    "group and state": (["--group", "network", "--state", "new"], [4]),
}


@pytest.mark.parametrize("case", LIST_FILTERS)
def test_list_filters(eventdesk, queue, case):
    options, expected = LIST_FILTERS[case]

    page = json_of(eventdesk("incident", "list", *options, "--json"))

    assert [item["number"] for item in page["items"]] == [f"INC{n:07d}" for n in expected]
    assert page["total"] == len(expected)


def test_list_pages(eventdesk, queue):
    second = json_of(eventdesk("incident", "list", "--page", "2", "--page-size", "3", "--json"))
    assert [item["number"] for item in second["items"]] == ["INC0000004"]
    assert (second["total"], second["offset"], second["limit"]) == (4, 3, 3)
    on_hold = json_of(eventdesk("incident", "list", "--state", "on_hold", "--json"))["items"][0]
    assert (on_hold["hold_reason"], on_hold["priority"]) == ("awaiting_vendor", 1)


def test_list_for_people_is_a_table(eventdesk, queue):
    table = succeeded(eventdesk("incident", "list", "--state", "on_hold")).stdout
    assert "INC0000003" in table
    assert "on_hold (awaiting_vendor)" in table
    assert "INC0000001" not in table
