"""``eventdesk projections ...``: how far the read models are, and rebuilding them."""

from __future__ import annotations

from eventdesk import ServiceDesk

from .conftest import json_of, succeeded


def open_some(eventdesk, count: int) -> None:
    for n in range(count):
        succeeded(eventdesk("incident", "open", "-s", f"Issue {n}", "-i", "3", "-u", "3"))


def test_status_shows_each_read_model_behind_then_caught_up(eventdesk):
    open_some(eventdesk, 3)
    succeeded(eventdesk("incident", "start", "2"))

    before = json_of(eventdesk("projections", "status", "--json"))
    assert {row["projection"] for row in before} == {
        "definitions",
        "incident_list",
        "sla_timers",
        "work_log",
        "contacts",
        "dead_letters",
        "deliveries",
        "knowledge",
        "api_tokens",
        "metrics",
    }
    assert all(row["head"] == 4 for row in before)
    assert all(row["position"] + row["behind"] == row["head"] for row in before)

    succeeded(eventdesk("incident", "list"))
    after = json_of(eventdesk("projections", "status", "--json"))
    assert [(row["position"], row["behind"]) for row in after] == [(4, 0)] * len(after)

    human = succeeded(eventdesk("projections", "status")).stdout
    assert "incident_list: at 4 of 4 (0 behind)" in human


def test_rebuild_applies_every_event_again_and_gives_the_same_list(eventdesk, db_path):
    open_some(eventdesk, 5)
    succeeded(eventdesk("incident", "start", "3"))
    listed = json_of(eventdesk("incident", "list", "--json"))

    rebuilt = json_of(eventdesk("projections", "rebuild", "--json"))

    assert rebuilt == {"events_applied": 6}
    assert json_of(eventdesk("incident", "list", "--json")) == listed
    status = json_of(eventdesk("projections", "status", "--json"))
    assert [row["position"] for row in status] == [6] * len(status)
    assert (
        "Rebuilt read models from 6 events."
        in succeeded(eventdesk("projections", "rebuild")).stdout
    )
    with ServiceDesk(db=db_path) as desk:
        assert desk.list_incidents().total == 5
