"""A model of the incident lifecycle, built from TRANSITIONS, that predicts every outcome.

A command is a tuple: its name, then its arguments. ``Model.expect`` says which
error the command must raise (None if it must be accepted) and, when accepted,
applies it to the model.
"""

from __future__ import annotations

import attrs
from eventdesk.domain import (
    FINAL_STATES,
    OPEN_STATES,
    TRANSITIONS,
    HoldReason,
    PriorityMatrix,
    State,
)
from eventdesk.errors import (
    EventDeskError,
    IllegalTransitionError,
    IncidentClosedError,
    InvalidValueError,
    MajorIncidentError,
)

Command = tuple
MATRIX = PriorityMatrix.default()


@attrs.define
class Model:
    impact: int
    urgency: int
    state: State = State.NEW
    version: int = 1
    hold_reason: str | None = None
    reopen_count: int = 0
    reassignment_count: int = 0
    assignment_group: str | None = None
    assignee: str | None = None
    major: bool = False
    comments: int = 0

    @property
    def priority(self) -> int:
        return MATRIX.priority(self.impact, self.urgency)

    def expect(self, command: Command) -> type[EventDeskError] | None:
        name, *args = command
        if name in TRANSITIONS:
            return self._transition(name, *args)
        return getattr(self, f"_{name}")(*args)

    def _transition(self, name: str, *args: object) -> type[EventDeskError] | None:
        sources, target = TRANSITIONS[name]
        if self.state not in sources:
            return IllegalTransitionError
        if name == "hold" and args[0] not in {r.value for r in HoldReason}:
            return InvalidValueError
        self.state = target
        self.hold_reason = str(args[0]) if name == "hold" else None
        if name == "reopen":
            self.reopen_count += 1
        self.version += 1
        return None

    def _assign(self, group: str | None, assignee: str | None) -> type[EventDeskError] | None:
        if self.state not in OPEN_STATES:
            return IncidentClosedError
        if group is None and assignee is None:
            return InvalidValueError
        new_group = group if group is not None else self.assignment_group
        if (new_group, assignee) == (self.assignment_group, self.assignee):
            return None  # nothing changes, nothing is recorded
        # A hop counts: another group, or one agent to another; picking up does not.
        picked_up = self.assignee is None and new_group == self.assignment_group
        if (self.assignment_group is not None or self.assignee is not None) and not picked_up:
            self.reassignment_count += 1
        self.assignment_group, self.assignee = new_group, assignee
        self.version += 1
        return None

    def _comment(self, text: str, internal: bool) -> type[EventDeskError] | None:
        if self.state in FINAL_STATES:
            return IncidentClosedError
        if not text.strip():
            return InvalidValueError
        self.comments += 1
        self.version += 1
        return None

    def _reprioritise(self, impact: int, urgency: int) -> type[EventDeskError] | None:
        if self.state not in OPEN_STATES:
            return IncidentClosedError
        self.impact, self.urgency = impact, urgency
        if self.priority != 1:
            self.major = False
        self.version += 1
        return None

    def _declare_major(self) -> type[EventDeskError] | None:
        if self.state not in OPEN_STATES:
            return IncidentClosedError
        if self.priority != 1 or self.major:
            return MajorIncidentError
        self.major = True
        self.version += 1
        return None

    def observed(self) -> dict[str, object]:
        """What an incident in this model's state must show."""
        return {
            "state": self.state.value,
            "version": self.version,
            "hold_reason": self.hold_reason,
            "reopen_count": self.reopen_count,
            "reassignment_count": self.reassignment_count,
            "assignment_group": self.assignment_group,
            "assignee": self.assignee,
            "impact": self.impact,
            "urgency": self.urgency,
            "priority": self.priority,
            "major": self.major,
            "comments": self.comments,
        }
