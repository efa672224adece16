"""Each external status lands on the documented place in EventDesk's lifecycle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from eventdesk.domain.incident import Incident
from eventdesk.replay import bpi2013, servicenow
from eventdesk.replay.model import Move, Opening, SourceCase, SourceRow, Step
from eventdesk.replay.replayer import replay_case

START = datetime(2012, 4, 2, 9, 0, tzinfo=UTC)

# The mapping tables of docs/replay.md: status → (state, hold reason).
BPI_LIFECYCLE = {
    "Queued / Awaiting Assignment": ("in_progress", None),  # a queue: the state stays
    "Accepted / Assigned": ("in_progress", None),
    "Accepted / In Progress": ("in_progress", None),
    "Accepted / Wait": ("on_hold", "awaiting_vendor"),
    "Accepted / Wait - User": ("on_hold", "awaiting_caller"),
    "Accepted / Wait - Customer": ("on_hold", "awaiting_caller"),
    "Accepted / Wait - Vendor": ("on_hold", "awaiting_vendor"),
    "Accepted / Wait - Implementation": ("on_hold", "awaiting_change"),
    "Completed / Resolved": ("resolved", None),
    "Completed / In Call": ("resolved", None),
    "Completed / Closed": ("closed", None),
    "Completed / Cancelled": ("cancelled", None),
}
SERVICENOW_LIFECYCLE = {
    "New": ("new", None),
    "Active": ("in_progress", None),
    "Awaiting User Info": ("on_hold", "awaiting_caller"),
    "Awaiting Evidence": ("on_hold", "awaiting_caller"),
    "Awaiting Vendor": ("on_hold", "awaiting_vendor"),
    "Awaiting Problem": ("on_hold", "awaiting_problem"),
    "Resolved": ("resolved", None),
    "Closed": ("closed", None),
}


def row(number: int, status: str, step: Step | None, *, group: str = "V30", **kwargs) -> SourceRow:
    return SourceRow(
        number=number,
        at=START + timedelta(hours=number),
        status=status,
        step=step,
        actor=f"owner {number}",
        group=group,
        line=bpi2013.support_line(group),
        **kwargs,
    )


def case(*rows: SourceRow) -> SourceCase:
    opening = Opening(at=START, actor="opener", summary="SR", impact=2, urgency=2, priority=3)
    return SourceCase(source="test", case_id="1-1", opening=opening, rows=rows)


def replayed(*rows: SourceRow) -> tuple[Incident, list]:
    return replay_case(case(*rows), sequence=1)


@pytest.mark.parametrize("status", sorted(BPI_LIFECYCLE))
def test_every_bpi_status_after_work_started(status: str) -> None:
    started = row(1, "Accepted / In Progress", bpi2013.STEPS["Accepted / In Progress"])
    incident, rejected = replayed(started, row(2, status, bpi2013.STEPS[status]))
    assert rejected == []
    hold = incident.hold_reason.value if incident.hold_reason else None
    assert (incident.state.value, hold) == BPI_LIFECYCLE[status]


@pytest.mark.parametrize("status", sorted(SERVICENOW_LIFECYCLE))
def test_every_servicenow_state_from_new(status: str) -> None:
    opened = row(1, "New", servicenow.STEPS["New"], group="Group 1")
    step = servicenow.STEPS[status]
    incident, rejected = replayed(opened, row(2, status, step, group="Group 1"))
    assert rejected == []
    hold = incident.hold_reason.value if incident.hold_reason else None
    assert (incident.state.value, hold) == SERVICENOW_LIFECYCLE[status]


def test_the_tables_cover_every_status_of_the_readers() -> None:
    assert set(BPI_LIFECYCLE) | {"Unmatched / Unmatched"} == set(bpi2013.STEPS)
    assert set(SERVICENOW_LIFECYCLE) == set(servicenow.STEPS)


def test_events_keep_the_source_times_and_actors() -> None:
    incident, _ = replayed(
        row(1, "Accepted / In Progress", Step(Move.PROGRESS)),
        row(2, "Accepted / Wait - User", bpi2013.STEPS["Accepted / Wait - User"]),
    )
    events = incident.collect_events()
    assert [(e.timestamp, e.actor) for e in events] == [
        (START, "opener"),  # Opened
        (START + timedelta(hours=1), "owner 1"),  # Assigned to V30
        (START + timedelta(hours=1), "owner 1"),  # Started
        (START + timedelta(hours=2), "owner 2"),  # PutOnHold
    ]


def test_a_team_change_is_a_reassignment_and_a_line_change_a_functional_escalation() -> None:
    incident, _ = replayed(
        row(1, "Accepted / In Progress", Step(Move.PROGRESS), group="V30"),
        row(2, "Queued / Awaiting Assignment", Step(Move.KEEP), group="V31"),
        row(3, "Queued / Awaiting Assignment", Step(Move.KEEP), group="V5 2nd"),
        row(4, "Queued / Awaiting Assignment", Step(Move.KEEP), group="V30"),
    )
    kinds = [type(e).__name__ for e in incident.collect_events()]
    assert kinds == [
        "Opened",
        "Assigned",
        "Started",
        "Assigned",  # V30 → V31: same line
        "FunctionallyEscalated",  # line 1 → line 2
        "FunctionallyEscalated",  # line 2 → line 1
    ]
    assert incident.reassignment_count == 3


def test_a_row_that_changes_nothing_is_kept_as_a_work_note() -> None:
    incident, _ = replayed(
        row(1, "Accepted / In Progress", Step(Move.PROGRESS)),
        row(2, "Accepted / In Progress", Step(Move.PROGRESS)),
    )
    note = incident.comments[-1]
    assert (note.public, note.actor, note.at) == (False, "owner 2", START + timedelta(hours=2))
    assert "row 2: Accepted / In Progress at V30" in note.text


def test_a_close_the_log_goes_on_from_is_a_resolution_and_only_the_last_close_closes() -> None:
    close = bpi2013.STEPS["Completed / Closed"]
    incident, rejected = replayed(
        row(1, "Accepted / In Progress", Step(Move.PROGRESS)),
        row(2, "Completed / Closed", close),
        row(3, "Accepted / In Progress", Step(Move.PROGRESS)),
        row(4, "Completed / Closed", close),
    )
    assert rejected == []
    kinds = [type(e).__name__ for e in incident.collect_events()]
    assert kinds[-4:] == ["Resolved", "Reopened", "Resolved", "Closed"]
    assert incident.reopen_count == 1


def test_rows_that_do_not_fit_are_rejected_with_their_reason() -> None:
    incident, rejected = replayed(
        row(1, "Accepted / In Progress", Step(Move.PROGRESS)),
        row(2, "Unmatched / Unmatched", None),
        row(3, "Completed / Cancelled", Step(Move.CANCEL)),
        row(4, "Accepted / In Progress", Step(Move.PROGRESS)),
    )
    assert [(r.row, r.status, r.reason) for r in rejected] == [
        (
            2,
            "Unmatched / Unmatched",
            "status 'Unmatched / Unmatched' has no place in the lifecycle",
        ),
        (4, "Accepted / In Progress", "the incident is already cancelled (a final state)"),
    ]
    assert incident.state.value == "cancelled"


def test_no_way_back_to_new() -> None:
    _, rejected = replayed(
        row(1, "Active", servicenow.STEPS["Active"], group="Group 1"),
        row(2, "New", servicenow.STEPS["New"], group="Group 1"),
    )
    assert [r.reason for r in rejected] == ["no way back to new from in_progress"]


@pytest.mark.parametrize(
    ("team", "line"), [("V30", 1), ("J11 2nd", 2), ("V5 3rd", 3), ("V13 2nd 3rd", 3)]
)
def test_support_line_of_a_vinst_team(team: str, line: int) -> None:
    assert bpi2013.support_line(team) == line
