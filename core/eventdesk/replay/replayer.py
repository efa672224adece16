"""Drive an incident through the rows of an external case, at the rows' own times.

The aggregate's commands take the time and the actor from the caller, so a
replay gives each event the source row's time and actor: the desk's clock is
not involved. The rules that hold for every source:

- each accepted row writes at least one event; a row that changes nothing
  EventDesk models (a repeated status, an update of a field the desk does not
  keep) is kept as an internal work note naming the row, so the history keeps
  every row and its time;
- a change of support team is a reassignment; a change of support line (1st,
  2nd, 3rd) is a functional escalation; both need an open incident, so a
  resolved incident that moves to another team is reopened first;
- ``closed`` is final in EventDesk: a close that the log later goes on from is
  replayed as a resolution (code ``closed``), and only a case's last close closes;
- a row whose status has no place in the lifecycle, or that follows a final
  state, is rejected with its reason and writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import attrs

from eventdesk.domain.incident import FINAL_STATES, Incident, State
from eventdesk.errors import EventDeskError
from eventdesk.replay.model import Move, Rejection, SourceCase, SourceRow, Step

CLOSED_THEN_CONTINUED = "closed"
NO_RESOLUTION = "closed without resolution"


def replay_case(case: SourceCase, sequence: int) -> tuple[Incident, list[Rejection]]:
    """The incident number ``sequence`` with every event of ``case`` pending (not saved)."""
    opening = case.opening
    incident = Incident.open(
        sequence=sequence,
        summary=opening.summary,
        description=opening.description,
        impact=opening.impact,
        urgency=opening.urgency,
        priority=opening.priority,
        category=opening.category,
        subcategory=opening.subcategory,
        configuration_item=opening.configuration_item,
        caller=opening.caller,
        channel=opening.channel,
        actor=opening.actor,
        at=opening.at,
    )
    rejected: list[Rejection] = []
    replay = Replay(incident, case.source)
    for row in final_closes_only(case.rows):
        reason = replay.row(row)
        if reason is not None:
            rejected.append(Rejection(case.case_id, row.number, row.status, reason))
    return incident, rejected


def final_closes_only(rows: Sequence[SourceRow]) -> list[SourceRow]:
    """The rows, with every close that later rows go on from made a resolution."""
    last_close = max(
        (i for i, row in enumerate(rows) if row.step and row.step.move == Move.CLOSE), default=-1
    )
    return [
        attrs.evolve(row, step=Step(Move.RESOLVE, code=CLOSED_THEN_CONTINUED))
        if row.step and row.step.move == Move.CLOSE and i < last_close
        else row
        for i, row in enumerate(rows)
    ]


class Replay:
    """One incident being driven through its case's rows (remembers the support line)."""

    def __init__(self, incident: Incident, source: str) -> None:
        self.incident = incident
        self.source = source
        self.line: int | None = None  # the support line of the current group

    def row(self, row: SourceRow) -> str | None:
        """Apply one row; returns the reason it was rejected, or None."""
        incident = self.incident
        if row.step is None:
            return f"status {row.status!r} has no place in the lifecycle"
        if incident.state in FINAL_STATES:
            return f"the incident is already {incident.state.value} (a final state)"
        if row.step.move == Move.NEW and incident.state != State.NEW:
            return f"no way back to new from {incident.state.value}"
        before = len(incident.pending_events)
        try:
            self._apply(row, row.step)
        except EventDeskError as error:  # a combination the mapping did not foresee
            return str(error)
        if len(incident.pending_events) == before:
            incident.add_comment(_note(row, self.source), public=False, actor=row.actor, at=row.at)
        return None

    def _apply(self, row: SourceRow, step: Step) -> None:
        incident, at, actor = self.incident, row.at, row.actor
        moves_team = row.group is not None and (
            row.group != incident.assignment_group or row.assignee != incident.assignee
        )
        if incident.state == State.RESOLVED and (
            moves_team or step.move in (Move.PROGRESS, Move.HOLD)
        ):
            incident.reopen(f"{row.status} after resolution", actor=actor, at=at)
        if moves_team:
            self._move_team(row)
        if row.priority is not None and incident.is_open:
            impact, urgency, priority = row.priority
            if (impact, urgency, priority) != (
                incident.impact,
                incident.urgency,
                incident.priority,
            ):
                incident.reprioritise(
                    impact=impact, urgency=urgency, priority=priority, actor=actor, at=at
                )
        _move_state(incident, step, actor=actor, at=at)

    def _move_team(self, row: SourceRow) -> None:
        incident, group = self.incident, row.group
        assert group is not None
        previous = self.line if incident.assignment_group is not None else None
        if previous is not None and row.line is not None and row.line != previous:
            reason = f"line {previous} to line {row.line}"
            incident.escalate_to(group, reason, actor=row.actor, at=row.at)
            if row.assignee is not None:
                incident.assign(group, row.assignee, actor=row.actor, at=row.at)
        else:
            incident.assign(group, row.assignee, actor=row.actor, at=row.at)
        self.line = row.line


def _move_state(incident: Incident, step: Step, *, actor: str, at: datetime) -> None:
    state = incident.state
    move = step.move
    kwargs: dict[str, Any] = {"actor": actor, "at": at}
    if move == Move.PROGRESS:
        if state == State.NEW:
            incident.start(**kwargs)
        elif state == State.ON_HOLD:
            incident.resume(**kwargs)
    elif move == Move.HOLD:
        assert step.hold_reason is not None
        if state == State.ON_HOLD and incident.hold_reason == step.hold_reason:
            return
        if state == State.ON_HOLD:
            incident.resume(**kwargs)
        elif state == State.NEW:
            incident.start(**kwargs)
        incident.hold(step.hold_reason.value, **kwargs)
    elif move == Move.RESOLVE:
        if state != State.RESOLVED:
            incident.resolve(step.code or "resolved", **kwargs)
    elif move == Move.CLOSE:
        if state != State.RESOLVED:
            incident.resolve(step.code or NO_RESOLUTION, **kwargs)
        incident.close(**kwargs)
    elif move == Move.CANCEL:
        if state == State.RESOLVED:
            incident.reopen("cancelled after resolution", **kwargs)
        incident.cancel("cancelled in the source log", **kwargs)


def _note(row: SourceRow, source: str) -> str:
    team = f" at {row.group}" if row.group else ""
    return f"{source} row {row.number}: {row.status}{team} by {row.actor}"
