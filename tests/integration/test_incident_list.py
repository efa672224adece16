"""The incident list: queues filtered and paged from the read model."""

from __future__ import annotations

import pytest
from eventdesk import IncidentSummary, InvalidValueError, State


@pytest.fixture
def queue(desk):
    """Five incidents in different hands and states; returns their numbers by name."""
    vpn = desk.open_incident(
        "VPN drops every hour",
        impact=2,
        urgency=2,
        caller="alice",
        assignment_group="network",
        assignee="bob",
    ).number
    printer = desk.open_incident(
        "Printer jam on floor 3", impact=3, urgency=3, caller="carol", assignment_group="desktop"
    ).number
    mail = desk.open_incident(
        "Mail server down",
        impact=1,
        urgency=1,
        caller="alice",
        assignment_group="servers",
        assignee="dave",
    ).number
    client = desk.open_incident(
        "vpn client crashes on login",
        impact=2,
        urgency=1,
        caller="erin",
        assignment_group="network",
    ).number
    laptop = desk.open_incident("Laptop stolen", impact=3, urgency=2, caller="carol").number
    desk.start(vpn)
    desk.start(mail)
    desk.hold(mail, "awaiting_vendor")
    desk.declare_major(mail)
    desk.resolve(client, "fixed")
    desk.cancel(laptop, "reported to security instead")
    return {"vpn": vpn, "printer": printer, "mail": mail, "client": client, "laptop": laptop}


def numbers(page) -> list[str]:
    return [item.number for item in page.items]


FILTERS = {
    "one state": ({"state": "new"}, ["printer"]),
    "a state given as the enum": ({"state": State.CANCELLED}, ["laptop"]),
    "several states": ({"state": ["in_progress", "on_hold"]}, ["vpn", "mail"]),
    "one priority": ({"priority": 1}, ["mail"]),
    "several priorities": ({"priority": [2, 3]}, ["vpn", "client"]),
    "assignment group": ({"assignment_group": "network"}, ["vpn", "client"]),
    "assignee": ({"assignee": "bob"}, ["vpn"]),
    "caller": ({"caller": "alice"}, ["vpn", "mail"]),
    "text in any case": ({"text": "VPN"}, ["vpn", "client"]),
    "text in lower case": ({"text": "server"}, ["mail"]),
    "group and state together": ({"assignment_group": "network", "state": "resolved"}, ["client"]),
    "caller and text together": ({"caller": "carol", "text": "jam"}, ["printer"]),
    "nothing matches": ({"assignee": "nobody"}, []),
    "no filter": ({}, ["vpn", "printer", "mail", "client", "laptop"]),
}


@pytest.mark.parametrize("case", FILTERS)
def test_the_list_filters(desk, queue, case):
    filters, expected = FILTERS[case]

    page = desk.list_incidents(**filters)

    assert numbers(page) == [queue[name] for name in expected]
    assert page.total == len(expected)
    assert page.has_more is False


def test_each_row_agrees_with_the_incident_itself(desk, queue):
    for item in desk.list_incidents().items:
        assert isinstance(item, IncidentSummary)
        view = desk.get_incident(item.number)
        assert item.id == view.id
        assert (item.state, item.priority, item.impact, item.urgency) == (
            view.state,
            view.priority,
            view.impact,
            view.urgency,
        )
        assert (item.summary, item.caller) == (view.summary, view.caller)
        assert (item.assignment_group, item.assignee) == (view.assignment_group, view.assignee)
        assert (item.hold_reason, item.major) == (view.hold_reason, view.major)
        assert (item.opened_at, item.updated_at) == (view.opened_at, view.updated_at)


def test_the_list_follows_changes_at_once(desk, queue, clock):
    clock.advance(minutes=10)
    desk.assign(queue["printer"], "network", "bob")
    desk.resume(queue["mail"])

    assert numbers(desk.list_incidents(assignee="bob")) == [queue["vpn"], queue["printer"]]
    (mail,) = desk.list_incidents(state="in_progress", priority=1).items
    assert (mail.hold_reason, mail.major) == (None, True)
    assert desk.list_incidents(assignee="bob").items[1].updated_at == clock.now()


def test_paging_through_a_long_queue(desk):
    for n in range(1, 26):
        desk.open_incident(f"Issue {n}", impact=3, urgency=3)

    pages = [desk.list_incidents(offset=offset, limit=10) for offset in (0, 10, 20)]

    assert [len(page.items) for page in pages] == [10, 10, 5]
    assert [page.total for page in pages] == [25, 25, 25]
    assert [page.has_more for page in pages] == [True, True, False]
    assert [n for page in pages for n in numbers(page)] == [f"INC{n:07d}" for n in range(1, 26)]
    beyond = desk.list_incidents(offset=30, limit=10)
    assert (beyond.items, beyond.total, beyond.has_more) == ((), 25, False)
    exact = desk.list_incidents(offset=15, limit=10)
    assert (len(exact.items), exact.has_more) == (10, False)


@pytest.mark.parametrize(("offset", "limit"), [(0, 0), (0, 1001), (-1, 10)])
def test_paging_limits(desk, offset, limit):
    # Fail to ask for an empty, a huge, or a negative page.
    with pytest.raises(InvalidValueError):
        desk.list_incidents(offset=offset, limit=limit)


def test_text_search_is_case_insensitive_beyond_ascii(desk):
    number = desk.open_incident("Écran noir au guichet", impact=2, urgency=2).number

    assert numbers(desk.list_incidents(text="écran")) == [number]
    assert numbers(desk.list_incidents(text="ÉCRAN NOIR")) == [number]


def test_text_search_takes_percent_and_underscore_literally(desk):
    desk.open_incident("Error 500 on the portal", impact=2, urgency=2)
    desk.open_incident("Disk at 50% on db-01", impact=2, urgency=2)
    desk.open_incident("Service user_sync fails", impact=2, urgency=2)
    desk.open_incident("Service user-sync fails", impact=2, urgency=2)

    assert numbers(desk.list_incidents(text="50%")) == ["INC0000002"]
    assert numbers(desk.list_incidents(text="user_sync")) == ["INC0000003"]
