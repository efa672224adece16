"""Random command sequences against the Incident and the ServiceDesk, checked against a model.

The same state machine drives three subjects: the pure Incident aggregate (many
examples, fast), and a ServiceDesk in memory and on SQLite (fewer examples).
After every step the subject must agree with the model built from TRANSITIONS.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eventdesk import ManualClock, ServiceDesk
from eventdesk.domain import FINAL_STATES, HoldReason, Incident, State
from eventdesk.errors import EventDeskError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from .lifecycle_model import MATRIX, Command, Model

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
ACTOR = "agent"
LEVELS = st.integers(min_value=1, max_value=3)
HOLD_REASONS = st.sampled_from([*(r.value for r in HoldReason), "lunch"])
GROUPS = st.sampled_from(["network", "servers", None])
AGENTS = st.sampled_from(["bob", "dave", None])
TEXTS = st.sampled_from(["Looking into it", "Vendor called back", "   "])


def on_incident(incident: Incident, command: Command, at: datetime) -> None:
    """Carry out a command on the pure aggregate."""
    name, *args = command
    actions: dict[str, Callable[..., Any]] = {
        "start": lambda: incident.start(actor=ACTOR, at=at),
        "hold": lambda reason: incident.hold(reason, actor=ACTOR, at=at),
        "resume": lambda: incident.resume(actor=ACTOR, at=at),
        "resolve": lambda code: incident.resolve(code, actor=ACTOR, at=at),
        "reopen": lambda: incident.reopen("not fixed", actor=ACTOR, at=at),
        "close": lambda: incident.close(actor=ACTOR, at=at),
        "cancel": lambda reason: incident.cancel(reason, actor=ACTOR, at=at),
        "assign": lambda group, agent: incident.assign(group, agent, actor=ACTOR, at=at),
        "comment": lambda text, internal: incident.add_comment(
            text, public=not internal, actor=ACTOR, at=at
        ),
        "reprioritise": lambda impact, urgency: incident.reprioritise(
            impact=impact,
            urgency=urgency,
            priority=MATRIX.priority(impact, urgency),
            actor=ACTOR,
            at=at,
        ),
        "declare_major": lambda: incident.declare_major(actor=ACTOR, at=at),
    }
    actions[name](*args)


def on_desk(desk: ServiceDesk, number: str, command: Command) -> None:
    """Carry out a command through the ServiceDesk's public API."""
    name, *args = command
    actions: dict[str, Callable[..., Any]] = {
        "start": lambda: desk.start(number, actor=ACTOR),
        "hold": lambda reason: desk.hold(number, reason, actor=ACTOR),
        "resume": lambda: desk.resume(number, actor=ACTOR),
        "resolve": lambda code: desk.resolve(number, code, actor=ACTOR),
        "reopen": lambda: desk.reopen(number, "not fixed", actor=ACTOR),
        "close": lambda: desk.close_incident(number, actor=ACTOR),
        "cancel": lambda reason: desk.cancel(number, reason, actor=ACTOR),
        "assign": lambda group, agent: desk.assign(number, group, agent, actor=ACTOR),
        "comment": lambda text, internal: desk.comment(
            number, text, internal=internal, actor=ACTOR
        ),
        "reprioritise": lambda impact, urgency: desk.reprioritise(
            number, impact=impact, urgency=urgency, actor=ACTOR
        ),
        "declare_major": lambda: desk.declare_major(number, actor=ACTOR),
    }
    actions[name](*args)


def observed(incident: Incident) -> dict[str, object]:
    return {
        "state": incident.state.value,
        "version": incident.version,
        "hold_reason": incident.hold_reason.value if incident.hold_reason else None,
        "reopen_count": incident.reopen_count,
        "reassignment_count": incident.reassignment_count,
        "assignment_group": incident.assignment_group,
        "assignee": incident.assignee,
        "impact": incident.impact,
        "urgency": incident.urgency,
        "priority": incident.priority,
        "major": incident.major,
        "comments": len(incident.comments),
    }


class IncidentLifecycle(RuleBasedStateMachine):
    """The rules and invariants; subclasses say what the subject is."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = ManualClock(START)
        self.accepted_reopens = 0
        self.final: tuple[State, int] | None = None

    # --- the subject ------------------------------------------------------------------------

    def open(self, impact: int, urgency: int) -> None:
        raise NotImplementedError

    def perform(self, command: Command) -> None:
        raise NotImplementedError

    def current(self) -> Incident:
        """The subject's incident as it stands now."""
        raise NotImplementedError

    def replayed(self) -> Incident:
        """The subject's incident rebuilt from its recorded events."""
        raise NotImplementedError

    def history_length(self) -> int:
        raise NotImplementedError

    # --- driving ------------------------------------------------------------------------------

    @initialize(impact=LEVELS, urgency=LEVELS)
    def open_incident(self, impact: int, urgency: int) -> None:
        self.model = Model(impact=impact, urgency=urgency)
        self.open(impact, urgency)

    def run(self, command: Command) -> None:
        self.clock.advance(minutes=7)
        version_before = self.current().version
        expected = self.model.expect(command)
        try:
            self.perform(command)
        except EventDeskError as error:
            assert expected is not None, f"{command} was refused: {error!r}"
            assert type(error) is expected, f"{command}: {error!r}, expected {expected.__name__}"
            assert self.current().version == version_before, f"{command} changed the incident"
        else:
            assert expected is None, f"{command} should have raised {expected.__name__}"
            if command[0] == "reopen":
                self.accepted_reopens += 1

    @rule()
    def start(self) -> None:
        self.run(("start",))

    @rule(reason=HOLD_REASONS)
    def hold(self, reason: str) -> None:
        self.run(("hold", reason))

    @rule()
    def resume(self) -> None:
        self.run(("resume",))

    @rule(code=st.sampled_from(["fixed", "workaround"]))
    def resolve(self, code: str) -> None:
        self.run(("resolve", code))

    @rule()
    def reopen(self) -> None:
        self.run(("reopen",))

    @rule()
    def close(self) -> None:
        self.run(("close",))

    @rule(reason=st.sampled_from(["duplicate", "raised in error"]))
    def cancel(self, reason: str) -> None:
        self.run(("cancel", reason))

    @rule(group=GROUPS, agent=AGENTS)
    def assign(self, group: str | None, agent: str | None) -> None:
        self.run(("assign", group, agent))

    @rule(text=TEXTS, internal=st.booleans())
    def comment(self, text: str, internal: bool) -> None:
        self.run(("comment", text, internal))

    @rule(impact=LEVELS, urgency=LEVELS)
    def reprioritise(self, impact: int, urgency: int) -> None:
        self.run(("reprioritise", impact, urgency))

    @rule()
    def declare_major(self) -> None:
        self.run(("declare_major",))

    # --- invariants --------------------------------------------------------------------------

    @invariant()
    def agrees_with_the_model(self) -> None:
        assert observed(self.current()) == self.model.observed()

    @invariant()
    def on_hold_always_and_only_with_a_reason(self) -> None:
        incident = self.current()
        assert (incident.hold_reason is not None) == (incident.state is State.ON_HOLD)

    @invariant()
    def reopenings_are_counted(self) -> None:
        assert self.current().reopen_count == self.accepted_reopens

    @invariant()
    def final_states_are_absorbing(self) -> None:
        incident = self.current()
        if self.final is not None:
            assert (incident.state, incident.version) == self.final
        elif incident.state in FINAL_STATES:
            self.final = (incident.state, incident.version)

    @invariant()
    def replaying_the_events_gives_the_same_incident(self) -> None:
        assert self.replayed() == self.current()

    @invariant()
    def one_history_entry_per_version(self) -> None:
        assert self.history_length() == self.current().version


class PureIncidentLifecycle(IncidentLifecycle):
    """The aggregate alone: its events are collected as a repository would."""

    def open(self, impact: int, urgency: int) -> None:
        self.incident = Incident.open(
            sequence=1,
            summary="Mail server down",
            impact=impact,
            urgency=urgency,
            priority=MATRIX.priority(impact, urgency),
            actor=ACTOR,
            at=self.clock.now(),
        )
        self.events = self.incident.collect_events()

    def perform(self, command: Command) -> None:
        try:
            on_incident(self.incident, command, self.clock.now())
        finally:
            self.events.extend(self.incident.collect_events())

    def current(self) -> Incident:
        return self.incident

    def replayed(self) -> Incident:
        aggregate = None
        for domain_event in self.events:
            aggregate = domain_event.mutate(aggregate)
        return aggregate

    def history_length(self) -> int:
        return len(self.events)


class DeskLifecycle(IncidentLifecycle):
    """A ServiceDesk, checked against a pure aggregate given the same commands at the same times.

    ``current`` is what the store replays (``repository.get``); ``replayed`` is the
    shadow aggregate that never touched a database, so their equality says that
    storing and replaying the events loses nothing.
    """

    db: str

    def open(self, impact: int, urgency: int) -> None:
        self.desk = ServiceDesk(db=self.db, clock=self.clock)
        view = self.desk.open_incident(
            "Mail server down", impact=impact, urgency=urgency, actor=ACTOR
        )
        self.number, self.incident_id = view.number, view.id
        self.shadow = Incident.open(
            sequence=1,
            summary="Mail server down",
            impact=impact,
            urgency=urgency,
            priority=MATRIX.priority(impact, urgency),
            actor=ACTOR,
            at=self.clock.now(),
        )
        self.shadow.collect_events()

    def perform(self, command: Command) -> None:
        shadow_error: EventDeskError | None = None
        try:
            on_incident(self.shadow, command, self.clock.now())
        except EventDeskError as error:
            shadow_error = error
        self.shadow.collect_events()
        try:
            on_desk(self.desk, self.number, command)
        except EventDeskError as error:
            assert type(error) is type(shadow_error)
            raise
        assert shadow_error is None

    def current(self) -> Incident:
        return self.desk.repository.get(self.incident_id)

    def replayed(self) -> Incident:
        return self.shadow

    def history_length(self) -> int:
        return len(self.desk.history(self.number))

    @invariant()
    def the_incident_list_agrees(self) -> None:
        (row,) = self.desk.list_incidents().items
        view = self.desk.get_incident(self.number)
        assert (row.state, row.priority, row.hold_reason, row.major, row.assignee) == (
            view.state,
            view.priority,
            view.hold_reason,
            view.major,
            view.assignee,
        )

    def teardown(self) -> None:
        desk = getattr(self, "desk", None)
        if desk is not None:
            desk.close()


class MemoryDeskLifecycle(DeskLifecycle):
    db = ":memory:"


class SqliteDeskLifecycle(DeskLifecycle):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="eventdesk-property-"))
        self.db = str(self.folder / "eventdesk.db")

    def teardown(self) -> None:
        super().teardown()
        shutil.rmtree(self.folder, ignore_errors=True)


COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}

TestPureIncident = PureIncidentLifecycle.TestCase
TestPureIncident.settings = settings(max_examples=300, stateful_step_count=40, **COMMON)

TestMemoryDesk = MemoryDeskLifecycle.TestCase
TestMemoryDesk.settings = settings(max_examples=40, stateful_step_count=25, **COMMON)

TestSqliteDesk = SqliteDeskLifecycle.TestCase
TestSqliteDesk.settings = settings(max_examples=25, stateful_step_count=20, **COMMON)
