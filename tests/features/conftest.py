"""Step definitions shared by every feature in ``features/``.

Steps talk to the ``desk`` fixture (a ServiceDesk on each store in turn) and
move time only through the ``clock`` fixture. What one step hands to the next
travels in fixtures named by ``target_fixture``: ``incident`` (the incident the
scenario is about), ``parent`` and ``children``, ``attempt`` (a command the
desk may refuse), and for service levels ``counted``, ``measured`` and
``explained`` (calendar arithmetic), ``raised`` (what a timer pass raised) and
``replay`` (a what-if).
Then-steps read the incident again from the desk, so they check what was
stored, not what a command answered.

Calendars and policies are written as files to ``config_folder`` or stored in
the desk by name; later steps find them there by name.

Spanish steps share the English step functions: one decorator per language.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import eventdesk
import eventdesk.errors
import parse
import pytest
from eventdesk import (
    EventDeskError,
    IncidentNotFoundError,
    IncidentView,
    ManualClock,
    PriorityMatrix,
    ServiceDesk,
    State,
)
from eventdesk.calendars import BusinessCalendar, Explanation, calendar_from_mapping
from eventdesk.calendars import parse_duration as parse_business_duration
from eventdesk.calendars.model import WEEKDAYS
from eventdesk.sla.policy import load_policy, threshold_key
from eventdesk.sla.service import Attainment, RaisedMoment
from eventdesk.sla.status import SlaStatus
from eventdesk.views import HistoryEntry, IncidentSummary
from pytest_bdd import given, parsers, then, when

# --- step text types -----------------------------------------------------------------------


@parse.with_pattern(r"[A-Z][a-z]+")
def parse_actor(text: str) -> str:
    return text


@parse.with_pattern("|".join(state.value for state in State))
def parse_state(text: str) -> State:
    return State(text)


@parse.with_pattern(r"start|hold|resume|resolve|reopen|close|cancel")
def parse_transition(text: str) -> str:
    return text


@parse.with_pattern(r"[A-Z][A-Za-z]*Error")
def parse_error_name(text: str) -> type[EventDeskError]:
    error_class = getattr(eventdesk.errors, text, None)
    if not (isinstance(error_class, type) and issubclass(error_class, EventDeskError)):
        raise ValueError(f"{text} is not an EventDesk error")
    return error_class


@parse.with_pattern(r"[A-Z][A-Za-z]+")
def parse_event_type(text: str) -> str:
    return text


ORDINALS = {"first": 0, "second": 1, "third": 2, "last": -1}


@parse.with_pattern("|".join(ORDINALS))
def parse_ordinal(text: str) -> int:
    return ORDINALS[text]


@parse.with_pattern(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
def parse_moment(text: str) -> datetime:
    """A moment written ``2026-03-02 08:00``, always in UTC."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


@parse.with_pattern(r"\d+ (?:minutes?|hours?)")
def parse_duration(text: str) -> timedelta:
    amount, unit = text.split()
    return timedelta(**{unit.rstrip("s") + "s": int(amount)})


@parse.with_pattern(r"a public comment|an internal work note")
def parse_comment_kind(text: str) -> bool:
    """True for a public comment, False for an internal work note."""
    return text == "a public comment"


WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PLACES = {"Madrid": "Europe/Madrid", "UTC": "UTC"}


@parse.with_pattern("|".join(WEEKDAY_NAMES))
def parse_weekday(text: str) -> int:
    return WEEKDAY_NAMES.index(text)


@parse.with_pattern(rf"(?:{'|'.join(WEEKDAY_NAMES)}) \d{{4}}-\d\d-\d\d \d\d:\d\d(?::\d\d)?")
def parse_wall_time(text: str) -> datetime:
    """A wall-clock time written ``Friday 2026-03-06 14:30``; the step says where."""
    weekday, rest = text.split(" ", 1)
    moment = datetime.fromisoformat(rest)
    if WEEKDAY_NAMES[moment.weekday()] != weekday:
        raise ValueError(f"{rest} is a {WEEKDAY_NAMES[moment.weekday()]}, not a {weekday}")
    return moment


@parse.with_pattern(r"\d{2}:\d{2}")
def parse_time_of_day(text: str) -> time:
    return time.fromisoformat(text)


@parse.with_pattern("|".join(PLACES))
def parse_place(text: str) -> ZoneInfo:
    return ZoneInfo(PLACES[text])


@parse.with_pattern(r"(?:\d+[dhms])+")
def parse_business_time(text: str) -> str:
    """``90m``, ``4h``, ``1h30m``, ``3d``: kept as written, since only a calendar can judge days."""
    return text


@parse.with_pattern(r"response|resolution")
def parse_metric(text: str) -> str:
    return text


TYPES = {
    "Actor": parse_actor,
    "State": parse_state,
    "Transition": parse_transition,
    "Error": parse_error_name,
    "EventType": parse_event_type,
    "Ordinal": parse_ordinal,
    "Moment": parse_moment,
    "Duration": parse_duration,
    "CommentKind": parse_comment_kind,
    "Weekday": parse_weekday,
    "WallTime": parse_wall_time,
    "TimeOfDay": parse_time_of_day,
    "Place": parse_place,
    "BusinessTime": parse_business_time,
    "Metric": parse_metric,
}


def step(text: str) -> parsers.parse:
    """A step text with the typed fields above, matched case-sensitively."""
    return parsers.parse(text, extra_types=TYPES, case_sensitive=True)


# --- helpers -------------------------------------------------------------------------------

NONE = "(none)"
SUMMARY = "Service degraded for some users"

# The lifecycle commands, each with what it needs to be accepted when the state allows it.
COMMANDS: dict[str, Callable[[ServiceDesk, str, str], IncidentView]] = {
    "start": lambda desk, number, actor: desk.start(number, actor=actor),
    "hold": lambda desk, number, actor: desk.hold(number, "awaiting_caller", actor=actor),
    "resume": lambda desk, number, actor: desk.resume(number, actor=actor),
    "resolve": lambda desk, number, actor: desk.resolve(number, "fixed", actor=actor),
    "reopen": lambda desk, number, actor: desk.reopen(number, "not fixed", actor=actor),
    "close": lambda desk, number, actor: desk.close_incident(number, actor=actor),
    "cancel": lambda desk, number, actor: desk.cancel(number, "raised in error", actor=actor),
}

# How an incident reaches each state from new.
PATHS: dict[State, tuple[str, ...]] = {
    State.NEW: (),
    State.IN_PROGRESS: ("start",),
    State.ON_HOLD: ("start", "hold"),
    State.RESOLVED: ("start", "resolve"),
    State.CLOSED: ("start", "resolve", "close"),
    State.CANCELLED: ("cancel",),
}

ARRANGER = "Setup"
SERVICE_MANAGER = "Sofia"
OPEN_STATES = frozenset({State.NEW, State.IN_PROGRESS, State.ON_HOLD})


@dataclass(frozen=True)
class Attempt:
    """A command the desk may refuse: the incident before it, and the refusal if any."""

    before: IncidentView | None
    transition: str | None = None
    error: EventDeskError | None = None


def attempt(
    before: IncidentView | None, command: Callable[[], Any], transition: str | None = None
) -> Attempt:
    try:
        command()
    except EventDeskError as error:
        return Attempt(before, transition, error)
    return Attempt(before, transition)


def drive_to(desk: ServiceDesk, incident: IncidentView, state: State) -> IncidentView:
    for transition in PATHS[state]:
        incident = COMMANDS[transition](desk, incident.number, ARRANGER)
    assert incident.state == state
    return incident


def listed(desk: ServiceDesk, number: str) -> IncidentSummary:
    rows = [row for row in desk.list_incidents(limit=1000).items if row.number == number]
    assert rows, f"{number} is not in the incident list"
    return rows[0]


def refusal(attempt: Attempt, error_class: type[EventDeskError]) -> EventDeskError:
    assert attempt.error is not None, "the desk accepted it"
    assert isinstance(attempt.error, error_class), (
        f"refused with {type(attempt.error).__name__} ({attempt.error}), not {error_class.__name__}"
    )
    return attempt.error


def shown(value: Any) -> str:
    """A value as a feature file writes it."""
    if value is None:
        return NONE
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    return str(value)


def table(datatable: list[list[str]]) -> list[dict[str, str]]:
    header, *rows = datatable
    return [dict(zip(header, row, strict=True)) for row in rows]


def history_entry(
    desk: ServiceDesk, incident: IncidentView, event: str, ordinal: int
) -> HistoryEntry:
    entries = [entry for entry in desk.history(incident.number) if entry.type == event]
    assert len(entries) > max(ordinal, -ordinal - 1), f"too few {event} entries: {entries}"
    return entries[ordinal]


# --- fixtures and hooks --------------------------------------------------------------------

# A scenario tagged with one of these shows a defect of the engine: it is expected to fail
# (strictly, so that the fix is noticed) until the defect is fixed and the tag comes off.
DEFECTS: dict[str, str] = {}


def pytest_bdd_apply_tag(tag: str, function: Callable[..., Any]) -> bool | None:
    """Tags in DEFECTS become strict xfail marks; any other tag gets pytest-bdd's default."""
    if tag not in DEFECTS:
        return None
    pytest.mark.xfail(strict=True, reason=DEFECTS[tag])(function)
    return True


@pytest.fixture(autouse=True)
def every_store(desk: ServiceDesk) -> None:
    """Run each scenario on every store.

    Steps ask for ``desk`` only while the scenario runs, too late for pytest to
    parametrize the scenario over the stores: asking for it here is in time.
    """


# --- Given: the desk and its incidents -----------------------------------------------------


@given("the desk uses the default priority matrix")
@given("que la mesa de servicio usa la matriz de prioridad por defecto")
def default_priority_matrix(desk: ServiceDesk) -> None:
    assert desk.priority_matrix == PriorityMatrix.default()


@given(step("the desk clock reads {moment:Moment} UTC"))
def clock_reads(clock: ManualClock, moment: datetime) -> None:
    clock.set(moment)


@given(step("an incident that is {state:State}"), target_fixture="incident")
def incident_in_state(desk: ServiceDesk, state: State) -> IncidentView:
    incident = desk.open_incident(SUMMARY, impact=2, urgency=2, actor=ARRANGER)
    return drive_to(desk, incident, state)


@given(
    step("an incident with impact {impact:d} and urgency {urgency:d}"),
    target_fixture="incident",
)
def incident_with_priority(desk: ServiceDesk, impact: int, urgency: int) -> IncidentView:
    return desk.open_incident(SUMMARY, impact=impact, urgency=urgency, actor=ARRANGER)


@given("a major incident", target_fixture="incident")
def major_incident(desk: ServiceDesk) -> IncidentView:
    incident = desk.open_incident(SUMMARY, impact=1, urgency=1, actor=ARRANGER)
    return desk.declare_major(incident.number, actor=ARRANGER)


@given(
    step(
        '{actor:Actor} opened the incident "{summary}"'
        " with impact {impact:d} and urgency {urgency:d}"
    ),
    target_fixture="incident",
)
def opened_incident(
    desk: ServiceDesk, actor: str, summary: str, impact: int, urgency: int
) -> IncidentView:
    return desk.open_incident(summary, impact=impact, urgency=urgency, actor=actor)


@given(step('a parent incident "{summary}"'), target_fixture="parent")
def parent_incident(desk: ServiceDesk, summary: str) -> IncidentView:
    return desk.open_incident(summary, impact=1, urgency=2, actor=ARRANGER)


@given("these child incidents of it:", target_fixture="children")
def child_incidents(
    desk: ServiceDesk, parent: IncidentView, datatable: list[list[str]]
) -> tuple[IncidentView, ...]:
    children = []
    for row in table(datatable):
        child = desk.open_incident(
            row["summary"], impact=3, urgency=2, actor=ARRANGER, parent=parent.number
        )
        children.append(drive_to(desk, child, State(row["state"])))
    return tuple(children)


# --- When: the commands --------------------------------------------------------------------


@when(step("{duration:Duration} pass"))
@when(step("{duration:Duration} passes"))
def time_passes(clock: ManualClock, duration: timedelta) -> None:
    clock.advance(duration)


@when(
    step("{actor:Actor} opens an incident with impact {impact:d} and urgency {urgency:d}"),
    target_fixture="incident",
)
@when(
    step("{actor:Actor} registra un incidente con impacto {impact:d} y urgencia {urgency:d}"),
    target_fixture="incident",
)
def open_incident(desk: ServiceDesk, actor: str, impact: int, urgency: int) -> IncidentView:
    return desk.open_incident(SUMMARY, impact=impact, urgency=urgency, actor=actor)


@when(step("{actor:Actor} starts the incident"))
def start(desk: ServiceDesk, incident: IncidentView, actor: str) -> None:
    desk.start(incident.number, actor=actor)


@when(step('{actor:Actor} puts the incident on hold with reason "{reason}"'))
def hold(desk: ServiceDesk, incident: IncidentView, actor: str, reason: str) -> None:
    desk.hold(incident.number, reason, actor=actor)


@when(step("{actor:Actor} resumes the incident"))
def resume(desk: ServiceDesk, incident: IncidentView, actor: str) -> None:
    desk.resume(incident.number, actor=actor)


@when(step('{actor:Actor} resolves the incident with code "{code}"'))
def resolve(desk: ServiceDesk, incident: IncidentView, actor: str, code: str) -> None:
    desk.resolve(incident.number, code, actor=actor)


@when(step('{actor:Actor} resolves the parent incident with code "{code}"'))
def resolve_parent(desk: ServiceDesk, parent: IncidentView, actor: str, code: str) -> None:
    desk.resolve(parent.number, code, actor=actor)


@when(step('{actor:Actor} reopens the incident because "{reason}"'))
def reopen(desk: ServiceDesk, incident: IncidentView, actor: str, reason: str) -> None:
    desk.reopen(incident.number, reason, actor=actor)


@when(step('{actor:Actor} cancels the incident because "{reason}"'))
def cancel(desk: ServiceDesk, incident: IncidentView, actor: str, reason: str) -> None:
    desk.cancel(incident.number, reason, actor=actor)


@when(step('{actor:Actor} assigns the incident to the "{group}" group'))
def assign(desk: ServiceDesk, incident: IncidentView, actor: str, group: str) -> None:
    desk.assign(incident.number, group, actor=actor)


@when(step('{actor:Actor} comments "{text}"'))
def comment(desk: ServiceDesk, incident: IncidentView, actor: str, text: str) -> None:
    desk.comment(incident.number, text, actor=actor)


@when(step('{actor:Actor} adds the work note "{text}"'))
def work_note(desk: ServiceDesk, incident: IncidentView, actor: str, text: str) -> None:
    desk.comment(incident.number, text, internal=True, actor=actor)


@when(step("{actor:Actor} declares the incident a major incident"))
def declare_major(desk: ServiceDesk, incident: IncidentView, actor: str) -> None:
    desk.declare_major(incident.number, actor=actor)


@when(step("{actor:Actor} changes the impact to {impact:d} and the urgency to {urgency:d}"))
def reprioritise(
    desk: ServiceDesk, incident: IncidentView, actor: str, impact: int, urgency: int
) -> None:
    desk.reprioritise(incident.number, impact=impact, urgency=urgency, actor=actor)


@when("the desk is restarted", target_fixture="desk")
def restart_desk(
    desk: ServiceDesk, db: str, clock: ManualClock, store: str, request: pytest.FixtureRequest
) -> ServiceDesk:
    if store == "memory":
        pytest.skip("an in-memory desk keeps nothing across a restart")
    desk.close()
    restarted = ServiceDesk(db=db, clock=clock)
    request.addfinalizer(restarted.close)
    return restarted


# --- When: commands the desk may refuse ----------------------------------------------------


@when(
    step("{actor:Actor} asks the desk to {transition:Transition} the incident"),
    target_fixture="attempt",
)
def ask_for_transition(
    desk: ServiceDesk, incident: IncidentView, actor: str, transition: str
) -> Attempt:
    before = desk.get_incident(incident.number)
    return attempt(before, lambda: COMMANDS[transition](desk, incident.number, actor), transition)


@when(
    step('{actor:Actor} tries to put the incident on hold with reason "{reason}"'),
    target_fixture="attempt",
)
def try_hold(desk: ServiceDesk, incident: IncidentView, actor: str, reason: str) -> Attempt:
    before = desk.get_incident(incident.number)
    return attempt(before, lambda: desk.hold(incident.number, reason, actor=actor))


@when(step("{actor:Actor} tries to cancel the incident without a reason"), target_fixture="attempt")
def try_cancel_without_reason(desk: ServiceDesk, incident: IncidentView, actor: str) -> Attempt:
    before = desk.get_incident(incident.number)
    return attempt(before, lambda: desk.cancel(incident.number, "", actor=actor))


@when(
    step("{actor:Actor} tries to declare the incident a major incident"), target_fixture="attempt"
)
def try_declare_major(desk: ServiceDesk, incident: IncidentView, actor: str) -> Attempt:
    before = desk.get_incident(incident.number)
    return attempt(before, lambda: desk.declare_major(incident.number, actor=actor))


@when(
    step("{actor:Actor} tries to open an incident with impact {impact:d} and urgency {urgency:d}"),
    target_fixture="attempt",
)
@when(
    step(
        "{actor:Actor} intenta registrar un incidente con impacto {impact:d} y urgencia {urgency:d}"
    ),
    target_fixture="attempt",
)
def try_open(desk: ServiceDesk, actor: str, impact: int, urgency: int) -> Attempt:
    return attempt(
        None, lambda: desk.open_incident(SUMMARY, impact=impact, urgency=urgency, actor=actor)
    )


# --- Then: what the desk answered ----------------------------------------------------------


@then("the desk accepts it")
def accepted(attempt: Attempt) -> None:
    assert attempt.error is None, f"refused: {attempt.error!r}"


@then(step("the desk refuses it with {error:Error} naming the transition and the state"))
def refused_transition(attempt: Attempt, error: type[EventDeskError]) -> None:
    refused = refusal(attempt, error)
    assert attempt.before is not None
    state = attempt.before.state
    assert refused.details.get("transition") == attempt.transition
    assert refused.details.get("from_state") == state
    message = str(refused)
    assert attempt.before.number in message, message
    assert f"cannot {attempt.transition} " in message, message
    assert state in message, message


@then(step("the desk refuses it with {error:Error} for an invalid {field}"))
def refused_value(attempt: Attempt, error: type[EventDeskError], field: str) -> None:
    refused = refusal(attempt, error)
    assert refused.details.get("field") == field, refused.details
    assert field in str(refused), str(refused)


@then("la mesa lo rechaza por un impacto no válido")
def rechazo_impacto(attempt: Attempt) -> None:
    refused_value(attempt, eventdesk.InvalidValueError, "impact")


@then(step("the desk refuses it with {error:Error} because it is P{priority:d}"))
def refused_priority(attempt: Attempt, error: type[EventDeskError], priority: int) -> None:
    refused = refusal(attempt, error)
    assert attempt.before is not None and attempt.before.priority == priority
    assert f"P{priority}" in str(refused), str(refused)


@then("the incident is unchanged")
def unchanged(desk: ServiceDesk, attempt: Attempt) -> None:
    assert attempt.before is not None
    assert desk.get_incident(attempt.before.number) == attempt.before


@then("no incident has been opened")
@then("no se ha registrado ningún incidente")
def none_opened(desk: ServiceDesk) -> None:
    assert desk.list_incidents().total == 0
    with pytest.raises(IncidentNotFoundError):
        desk.get_incident(1)


# --- Then: the incident as stored ----------------------------------------------------------


@then(step("the incident is {state:State}"))
def incident_state(desk: ServiceDesk, incident: IncidentView, state: State) -> None:
    assert desk.get_incident(incident.number).state == state


@then(step("the parent incident is {state:State}"))
def parent_state(desk: ServiceDesk, parent: IncidentView, state: State) -> None:
    assert desk.get_incident(parent.number).state == state


@then(step("the incident list shows it as {state:State}"))
def listed_state(desk: ServiceDesk, incident: IncidentView, state: State) -> None:
    assert listed(desk, incident.number).state == state


@then(step("its priority is P{priority:d}"))
@then(step("su prioridad es P{priority:d}"))
def priority_is(desk: ServiceDesk, incident: IncidentView, priority: int) -> None:
    assert desk.get_incident(incident.number).priority == priority


@then(step("the incident list shows it as P{priority:d}"))
def listed_priority(desk: ServiceDesk, incident: IncidentView, priority: int) -> None:
    assert listed(desk, incident.number).priority == priority


@then(step('the hold reason is "{reason}"'))
def hold_reason_is(desk: ServiceDesk, incident: IncidentView, reason: str) -> None:
    assert desk.get_incident(incident.number).hold_reason == reason


@then(step('the incident list shows it on hold with reason "{reason}"'))
def listed_on_hold(desk: ServiceDesk, incident: IncidentView, reason: str) -> None:
    row = listed(desk, incident.number)
    assert (row.state, row.hold_reason) == (State.ON_HOLD, reason)


@then("the incident has no hold reason")
def no_hold_reason(desk: ServiceDesk, incident: IncidentView) -> None:
    assert desk.get_incident(incident.number).hold_reason is None


@then(step('the cancel reason is "{reason}"'))
def cancel_reason_is(desk: ServiceDesk, incident: IncidentView, reason: str) -> None:
    assert desk.get_incident(incident.number).cancel_reason == reason


@then("the incident has no resolution code")
def no_resolution_code(desk: ServiceDesk, incident: IncidentView) -> None:
    assert desk.get_incident(incident.number).resolution_code is None


@then(step("the reopen count is {count:d}"))
def reopen_count(desk: ServiceDesk, incident: IncidentView, count: int) -> None:
    assert desk.get_incident(incident.number).reopen_count == count


@then(step("the reassignment count is {count:d}"))
def reassignment_count(desk: ServiceDesk, incident: IncidentView, count: int) -> None:
    assert desk.get_incident(incident.number).reassignment_count == count


@then("the incident is a major incident")
def is_major(desk: ServiceDesk, incident: IncidentView) -> None:
    assert desk.get_incident(incident.number).major


@then("the incident is not a major incident")
def is_not_major(desk: ServiceDesk, incident: IncidentView) -> None:
    assert not desk.get_incident(incident.number).major


@then("the incident list marks it as major")
def listed_major(desk: ServiceDesk, incident: IncidentView) -> None:
    assert listed(desk, incident.number).major


@then("the child incidents are:")
def children_are(
    desk: ServiceDesk, children: tuple[IncidentView, ...], datatable: list[list[str]]
) -> None:
    stored = [desk.get_incident(child.number) for child in children]
    actual = [
        {
            "summary": child.summary,
            "state": child.state,
            "resolution code": shown(child.resolution_code),
        }
        for child in stored
    ]
    assert actual == table(datatable)


@then("the resolution notes of each child resolved with it name the parent incident")
def children_name_parent(
    desk: ServiceDesk, parent: IncidentView, children: tuple[IncidentView, ...]
) -> None:
    open_before = [child for child in children if child.state in OPEN_STATES]
    assert open_before, "no child was open when the parent was resolved"
    for child in open_before:
        stored = desk.get_incident(child.number)
        assert stored.state == State.RESOLVED, stored.state
        assert parent.number in (stored.resolution_notes or ""), stored.resolution_notes


# --- Then: the audit history ---------------------------------------------------------------


@then("the history lists, in order:")
def history_lists(desk: ServiceDesk, incident: IncidentView, datatable: list[list[str]]) -> None:
    actual = [
        {"event": entry.type, "at": shown(entry.at), "actor": entry.actor}
        for entry in desk.history(incident.number)
    ]
    assert actual == table(datatable)


@then(step("the {ordinal:Ordinal} {event:EventType} entry shows the changes:"))
def entry_changes(
    desk: ServiceDesk,
    incident: IncidentView,
    ordinal: int,
    event: str,
    datatable: list[list[str]],
) -> None:
    entry = history_entry(desk, incident, event, ordinal)
    actual = {
        field.replace("_", " "): (shown(before), shown(after))
        for field, (before, after) in entry.changes.items()
    }
    expected = {row["field"]: (row["before"], row["after"]) for row in table(datatable)}
    assert actual == expected


@then(step('the {ordinal:Ordinal} Commented entry records {public:CommentKind} "{text}"'))
def entry_comment(
    desk: ServiceDesk, incident: IncidentView, ordinal: int, public: bool, text: str
) -> None:
    entry = history_entry(desk, incident, "Commented", ordinal)
    assert (entry.data.get("text"), entry.data.get("public")) == (text, public)


@then("the incident's comments are:")
def comments_are(desk: ServiceDesk, incident: IncidentView, datatable: list[list[str]]) -> None:
    actual = [
        {
            "by": comment.actor,
            "visibility": "public" if comment.public else "internal",
            "text": comment.text,
        }
        for comment in desk.get_incident(incident.number).comments
    ]
    assert actual == table(datatable)


# --- Service levels: helpers ---------------------------------------------------------------


def wall_time(moment: datetime | None, zone: ZoneInfo) -> str:
    """A moment as a feature file writes it: ``Monday 2026-03-09 09:30`` on the zone's clock."""
    if moment is None:
        return NONE
    local = moment.astimezone(zone)
    text = f"{WEEKDAY_NAMES[local.weekday()]} {local:%Y-%m-%d %H:%M}"
    return f"{text}:{local:%S}" if local.second else text


def business_span(seconds: float) -> str:
    """Seconds as a feature file writes a duration: ``15h40m``, ``0m``, ``-30m``."""
    sign, rest = ("-" if seconds < 0 else ""), round(abs(seconds))
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes or not hours else "")
    return sign + text + (f"{secs}s" if secs else "")


def level_name(level: str | None) -> str:
    """``shift_manager`` as a lead says it: ``shift manager``."""
    return "" if level is None else level.replace("_", " ")


def days_of(text: str) -> list[int]:
    """``every day``, ``Monday to Thursday`` or ``Friday`` as weekday numbers."""
    if text == "every day":
        return list(range(7))
    first, _, last = text.partition(" to ")
    start = WEEKDAY_NAMES.index(first)
    return list(range(start, WEEKDAY_NAMES.index(last or first) + 1))


def column_zone(column: str) -> ZoneInfo | None:
    """The zone of a column such as ``due in Madrid``; None for other columns."""
    _, found, place = column.rpartition(" in ")
    return ZoneInfo(PLACES[place]) if found and place in PLACES else None


# What the columns of an SLA clocks table and of a timer table show (besides "due in <place>").
CLOCK_COLUMNS: dict[str, Callable[[SlaStatus], str]] = {
    "metric": lambda status: status.metric,
    "clock": lambda status: status.clock,
    "state": lambda status: status.state,
    "elapsed": lambda status: business_span(status.elapsed_seconds),
    "remaining": lambda status: business_span(status.remaining_seconds),
    "target": lambda status: business_span(status.target_seconds),
    "cycles met": lambda status: str(status.cycles_met),
    "cycles breached": lambda status: str(status.cycles_breached),
}
TIMER_COLUMNS: dict[str, Callable[[RaisedMoment], str]] = {
    "clock": lambda item: item.metric,
    "moment": lambda item: item.moment,
    "brought in": lambda item: level_name(item.escalated_to),
    "handed to": lambda item: item.reassigned_to or "",
    "because": lambda item: item.reason or "",
}


def table_row(
    item: Any, header: list[str], columns: dict[str, Callable[[Any], str]], due: datetime | None
) -> dict[str, str]:
    """The cells of ``item`` under ``header``; a column ``due in <place>`` shows ``due`` there."""
    row = {}
    for column in header:
        zone = column_zone(column)
        if column.startswith("due ") and zone is not None:
            row[column] = wall_time(due, zone)
        else:
            assert column in columns, f"no column {column!r}: use {', '.join(columns)} or due in"
            row[column] = columns[column](item)
    return row


def assert_clocks(statuses: list[SlaStatus], datatable: list[list[str]]) -> None:
    """The clocks the table names read as the table says, in the columns it shows."""
    expected = table(datatable)
    header = datatable[0]
    by_metric = {status.metric: status for status in statuses}
    shown = [by_metric[row["metric"]] for row in expected]
    actual = [table_row(status, header, CLOCK_COLUMNS, status.deadline) for status in shown]
    assert actual == expected


def with_line(text: str, section: str, line: str) -> str:
    """TOML text with ``line`` replacing the line that sets the same key in ``[section]``.

    If the section has no such key, the line is added at the end of the section.
    """
    key = line.split("=", 1)[0].strip()
    lines, current, placed = [], None, False
    for raw in [*text.splitlines(), "[end]"]:
        stripped = raw.strip()
        if stripped.startswith("["):
            if current == section and not placed:
                lines.append(line)
                placed = True
            current = stripped.strip("[]")
        elif current == section and stripped.split("=", 1)[0].strip() == key:
            raw, placed = line, True
        lines.append(raw)
    assert placed, f"no [{section}] table in the file"
    return "\n".join(lines[:-1]) + "\n"


def policy_toml(name: str, datatable: list[list[str]]) -> str:
    """A ``[policy]`` file from a table of targets: a priority per row, a column per metric
    (``response``, ``next_reply``... ``(none)`` where the priority has no target for it)
    and the calendar."""
    lines = ["[policy]", f'name = "{name}"']
    for row in table(datatable):
        lines.append(f"[policy.targets.{row['priority']}]")
        lines += [
            f'{column} = "{value}"'
            for column, value in row.items()
            if column != "priority" and value != NONE
        ]
    return "\n".join(lines) + "\n"


def event_count(desk: ServiceDesk) -> int:
    """How many events the desk has recorded, of every kind."""
    return desk.recorder.max_notification_id() or 0


@dataclass(frozen=True)
class Counted:
    """An amount of business time counted on a calendar from a start, and where it ends."""

    calendar: BusinessCalendar
    start: datetime
    duration: timedelta
    deadline: datetime


@dataclass(frozen=True)
class Replay:
    """Attainment per priority under the policy in use and under a draft, over one history."""

    in_use: str
    draft: str
    in_use_rows: list[Attainment]
    draft_rows: list[Attainment]
    events_before: int


def count_business_time(
    desk: ServiceDesk, duration: str, name: str, start: datetime, zone: ZoneInfo
) -> Counted:
    calendar = desk.sla.calendar(name)
    begin = start.replace(tzinfo=zone)
    amount = parse_business_duration(duration, calendar)
    return Counted(calendar, begin, amount, calendar.deadline(begin, amount))


@pytest.fixture
def config_folder(tmp_path: Path) -> Path:
    """Where the scenario's calendar and policy files are written."""
    folder = tmp_path / "config"
    folder.mkdir()
    return folder


# --- Given: calendars and policies ---------------------------------------------------------


@given(step('the calendar file "{file}", imported into the desk:'))
def calendar_file_imported(
    desk: ServiceDesk, config_folder: Path, file: str, docstring: str
) -> None:
    path = config_folder / file
    path.write_text(docstring + "\n", encoding="utf-8")
    desk.sla.import_calendar(path)


@given(step('the calendar "{name}", on {timezone} time, open at these hours:'))
def calendar_of_hours(
    desk: ServiceDesk, name: str, timezone: str, datatable: list[list[str]]
) -> None:
    hours: dict[str, list[str]] = {}
    for row in table(datatable):
        intervals = [] if row["hours"] == "closed" else row["hours"].split(", ")
        for day in days_of(row["days"]):
            hours[WEEKDAYS[day]] = intervals
    document = {"calendar": {"name": name, "timezone": timezone, "hours": hours}}
    desk.sla.import_calendar(calendar_from_mapping(document, source=f"calendar {name}"))


@given(step('"{name}" is closed on the public holidays of {country}, region {subdivision}'))
def closed_on_public_holidays(desk: ServiceDesk, name: str, country: str, subdivision: str) -> None:
    section = desk.sla.calendar(name).to_mapping()
    section["holidays"].update(country=country, subdivision=subdivision)
    desk.sla.import_calendar(calendar_from_mapping({"calendar": section}, source=name))


@given(step('the SLA policy "{name}" with these targets:'))
def stored_policy(
    desk: ServiceDesk, config_folder: Path, name: str, datatable: list[list[str]]
) -> None:
    path = config_folder / f"{name}.toml"
    path.write_text(policy_toml(name, datatable), encoding="utf-8")
    desk.sla.import_policy(path)


@given(step('a draft SLA policy "{name}" with these targets:'))
def draft_policy(config_folder: Path, name: str, datatable: list[list[str]]) -> None:
    (config_folder / f"{name}.toml").write_text(policy_toml(name, datatable), encoding="utf-8")


@given(step('"{name}" pauses the clocks while an incident is on hold {reasons}'))
def policy_pauses_on(desk: ServiceDesk, name: str, reasons: str) -> None:
    pause_on = {eventdesk.HoldReason(reason) for reason in reasons.split(" or ")}
    desk.sla.import_policy(attrs.evolve(desk.sla.policy(name), pause_on=pause_on))


@given(step('the escalation matrix of "{name}" is:'))
def escalation_matrix(desk: ServiceDesk, name: str, datatable: list[list[str]]) -> None:
    """Rows ``75 % of a target``, ``a breach`` and ``a major incident``, each with a level."""
    warnings, escalation, major_level = [], {}, None
    for row in table(datatable):
        level = row["brought in"].replace(" ", "_")
        if row["when"] == "a major incident":
            major_level = level
        elif row["when"] == "a breach":
            escalation["breach"] = level
        else:
            fraction = int(row["when"].removesuffix(" % of a target")) / 100
            warnings.append(fraction)
            escalation[threshold_key(fraction)] = level
    policy = attrs.evolve(
        desk.sla.policy(name), warnings=warnings, escalation=escalation, major_level=major_level
    )
    desk.sla.import_policy(policy)


@given(step('the desk uses the SLA policy "{name}"'))
def uses_policy(desk: ServiceDesk, name: str) -> None:
    desk.sla.use_policy(name)


@given(step('the tenant "{tenant}" has a contract that runs its service levels on "{name}"'))
def tenant_on_calendar(desk: ServiceDesk, tenant: str, name: str) -> None:
    desk.tenancy.register_tenant(
        tenant, model="shared", service_manager=SERVICE_MANAGER, calendar=name
    )


@given(step('the tenant "{tenant}" has a contract without a calendar of its own'))
def tenant_without_calendar(desk: ServiceDesk, tenant: str) -> None:
    desk.tenancy.register_tenant(tenant, model="shared", service_manager=SERVICE_MANAGER)


@given(step('a copy of "{original}" saved as "{copy}", with [{table_name}] spelt [{misspelt}]'))
def misspelt_copy(
    config_folder: Path, original: str, copy: str, table_name: str, misspelt: str
) -> None:
    text = (config_folder / original).read_text(encoding="utf-8")
    assert f"[{table_name}]" in text, f"no [{table_name}] table in {original}"
    (config_folder / copy).write_text(text.replace(f"[{table_name}]", f"[{misspelt}]"), "utf-8")


@given(step('a copy of "{original}" saved as "{copy}", with {line} in [{section}]'))
def broken_copy(config_folder: Path, original: str, copy: str, line: str, section: str) -> None:
    text = (config_folder / original).read_text(encoding="utf-8")
    (config_folder / copy).write_text(with_line(text, section, line), encoding="utf-8")


# --- Given/When: the time on the desk clock ------------------------------------------------


@given(step("it is {moment:WallTime} in {zone:Place}"))
@when(step("it is {moment:WallTime} in {zone:Place}"))
def it_is(clock: ManualClock, moment: datetime, zone: ZoneInfo) -> None:
    target = moment.replace(tzinfo=zone)
    assert target >= clock.now(), f"the desk clock only moves forward, it reads {clock.now()}"
    clock.set(target)


@given(step("it is {weekday:Weekday} {time_of_day:TimeOfDay} in {zone:Place}"))
@when(step("it is {weekday:Weekday} {time_of_day:TimeOfDay} in {zone:Place}"))
def it_is_next(clock: ManualClock, weekday: int, time_of_day: time, zone: ZoneInfo) -> None:
    """The next such moment on the zone's wall clock (today, if it is still to come)."""
    now = clock.now()
    day = now.astimezone(zone).date()
    moment = datetime.combine(day, time_of_day, tzinfo=zone)
    while moment.weekday() != weekday or moment < now:
        day += timedelta(days=1)
        moment = datetime.combine(day, time_of_day, tzinfo=zone)
    clock.set(moment)


# --- Given: incidents and their history ----------------------------------------------------


@given(
    step(
        "{actor:Actor} called the desk about an incident"
        " with impact {impact:d} and urgency {urgency:d}"
    ),
    target_fixture="incident",
)
def called_in(desk: ServiceDesk, actor: str, impact: int, urgency: int) -> IncidentView:
    return desk.open_incident(SUMMARY, impact=impact, urgency=urgency, caller=actor, actor=ARRANGER)


@given(step("the desk has worked this week, on {zone:Place} time, with the SLA timer running:"))
def worked_week(
    desk: ServiceDesk, clock: ManualClock, zone: ZoneInfo, datatable: list[list[str]]
) -> None:
    """Open, answer and resolve each incident of the table at its times, the timer in between."""
    rows = table(datatable)
    actions = sorted(
        (parse_wall_time(row[column]).replace(tzinfo=zone), index, column)
        for index, row in enumerate(rows)
        for column in ("opened", "answered", "resolved")
        if row[column] != NONE
    )
    numbers: dict[int, str] = {}
    for moment, index, action in actions:
        clock.set(moment)
        row = rows[index]
        if action == "opened":
            opened = desk.open_incident(
                SUMMARY,
                impact=int(row["impact"]),
                urgency=int(row["urgency"]),
                caller="Carla",
                actor=ARRANGER,
            )
            numbers[index] = opened.number
        elif action == "answered":
            desk.comment(numbers[index], "We are on it", actor="Bo")
        else:
            desk.resolve(numbers[index], "fixed", actor="Bo")
        desk.sla.tick()


# --- When: calendar arithmetic, the timer, a what-if ---------------------------------------


@when(
    step(
        '{duration:BusinessTime} of business time is counted on "{name}"'
        " from {start:WallTime} in {zone:Place}"
    ),
    target_fixture="counted",
)
def counted_on(
    desk: ServiceDesk, duration: str, name: str, start: datetime, zone: ZoneInfo
) -> Counted:
    return count_business_time(desk, duration, name, start, zone)


@when(
    step(
        'someone asks for the deadline of {duration:BusinessTime} on "{name}"'
        " from {start:WallTime} in {zone:Place}"
    ),
    target_fixture="attempt",
)
def ask_deadline(
    desk: ServiceDesk, duration: str, name: str, start: datetime, zone: ZoneInfo
) -> Attempt:
    return attempt(None, lambda: count_business_time(desk, duration, name, start, zone))


@when(
    step(
        'the business time on "{name}" is measured'
        " from {begin:WallTime} to {end:WallTime} in {zone:Place}"
    ),
    target_fixture="measured",
)
def measured_on(
    desk: ServiceDesk, name: str, begin: datetime, end: datetime, zone: ZoneInfo
) -> timedelta:
    calendar = desk.sla.calendar(name)
    return calendar.business_time_between(begin.replace(tzinfo=zone), end.replace(tzinfo=zone))


@when(
    step(
        'the desk explains {duration:BusinessTime} of business time on "{name}"'
        " from {start:WallTime} in {zone:Place}"
    ),
    target_fixture="explained",
)
def explains(
    desk: ServiceDesk, duration: str, name: str, start: datetime, zone: ZoneInfo
) -> Explanation:
    calendar = desk.sla.calendar(name)
    return calendar.explain(start.replace(tzinfo=zone), parse_business_duration(duration, calendar))


@when(
    step('an incident with impact {impact:d} and urgency {urgency:d} is opened for "{tenant}"'),
    target_fixture="incident",
)
def opened_for_tenant(desk: ServiceDesk, impact: int, urgency: int, tenant: str) -> IncidentView:
    return desk.open_incident(
        SUMMARY, impact=impact, urgency=urgency, tenant=tenant, actor=ARRANGER
    )


@when(step('the desk imports the calendar file "{file}"'), target_fixture="attempt")
def import_calendar_file(desk: ServiceDesk, config_folder: Path, file: str) -> Attempt:
    return attempt(None, lambda: desk.sla.import_calendar(config_folder / file))


@when(
    step('the desk imports the SLA policy "{name}" with these targets:'), target_fixture="attempt"
)
def import_policy_file(
    desk: ServiceDesk, config_folder: Path, name: str, datatable: list[list[str]]
) -> Attempt:
    path = config_folder / f"{name}.toml"
    path.write_text(policy_toml(name, datatable), encoding="utf-8")
    return attempt(None, lambda: desk.sla.import_policy(path))


@when("the SLA timer runs", target_fixture="raised")
def timer_runs(desk: ServiceDesk) -> list[RaisedMoment]:
    return desk.sla.tick()


@when(step('the desk replays its history under the draft policy "{name}"'), target_fixture="replay")
def replay_under(desk: ServiceDesk, config_folder: Path, name: str) -> Replay:
    return replay_since(desk, config_folder, None, name)


@when(
    step(
        "the desk replays its history since {since:WallTime} in {zone:Place}"
        ' under the draft policy "{name}"'
    ),
    target_fixture="replay",
)
def replay_under_since(
    desk: ServiceDesk, config_folder: Path, since: datetime, zone: ZoneInfo, name: str
) -> Replay:
    return replay_since(desk, config_folder, since.replace(tzinfo=zone), name)


def replay_since(
    desk: ServiceDesk, config_folder: Path, since: datetime | None, name: str
) -> Replay:
    events_before = event_count(desk)
    in_use = desk.sla.policy()
    draft = load_policy(config_folder / f"{name}.toml", calendars=desk.sla.calendar)
    return Replay(
        in_use=in_use.name,
        draft=draft.name,
        in_use_rows=desk.sla.attainment(in_use, since=since),
        draft_rows=desk.sla.attainment(draft, since=since),
        events_before=events_before,
    )


# --- Then: calendars -----------------------------------------------------------------------


@then(step("the deadline is {moment:WallTime} in {zone:Place}"))
def deadline_is(counted: Counted, moment: datetime, zone: ZoneInfo) -> None:
    assert wall_time(counted.deadline, zone) == wall_time(moment.replace(tzinfo=zone), zone)


@then(step("the business time from the start to the deadline is exactly {duration:BusinessTime}"))
def business_time_to_deadline(counted: Counted, duration: str) -> None:
    between = counted.calendar.business_time_between(counted.start, counted.deadline)
    assert between == counted.duration == parse_business_duration(duration)


@then(step("the business time measured is {duration:BusinessTime}"))
def business_time_measured(measured: timedelta, duration: str) -> None:
    assert business_span(measured.total_seconds()) == duration


@then(step('the refusal says "{text}"'))
def refusal_says(attempt: Attempt, text: str) -> None:
    assert attempt.error is not None, "the desk accepted it"
    assert text in str(attempt.error), str(attempt.error)


@then(
    step(
        'the desk refuses it with {error:Error}, naming the file "{file}",'
        ' the key {key} and what was expected: "{expected}"'
    )
)
def refused_config(
    attempt: Attempt, error: type[EventDeskError], file: str, key: str, expected: str
) -> None:
    refused = refusal(attempt, error)
    message = str(refused)
    assert Path(refused.details["file"]).name == file, message
    assert message.startswith(f"{refused.details['file']}: {key}: expected {expected}"), message


@then(step('the desk refuses it with {error:Error}, naming the file "{file}" and the key {key}'))
def refused_config_key(attempt: Attempt, error: type[EventDeskError], file: str, key: str) -> None:
    refused = refusal(attempt, error)
    message = str(refused)
    assert Path(refused.details["file"]).name == file, message
    assert message.startswith(f"{refused.details['file']}: {key}: "), message


@then(step('the calendar "{name}" in the desk is unchanged'))
def calendar_unchanged(desk: ServiceDesk, config_folder: Path, name: str) -> None:
    original = tomllib.loads((config_folder / f"{name}.toml").read_text(encoding="utf-8"))
    expected = calendar_from_mapping(original, source=name)
    assert desk.sla.calendar(name) == expected


@then(step("the business time is made up of these stretches, on {zone:Place} time:"))
def stretches_are(explained: Explanation, zone: ZoneInfo, datatable: list[list[str]]) -> None:
    actual = [
        {
            "from": wall_time(stretch.start, zone),
            "to": wall_time(stretch.end, zone),
            "length": business_span(stretch.length.total_seconds()),
            "running total": business_span(stretch.total.total_seconds()),
        }
        for stretch in explained.intervals
    ]
    assert actual == table(datatable)


@then("these days were skipped:")
def days_skipped(explained: Explanation, datatable: list[list[str]]) -> None:
    actual = [
        {
            "day": f"{WEEKDAY_NAMES[skipped.day.weekday()]} {skipped.day}",
            "because": f"{skipped.kind}: {skipped.why}",
        }
        for skipped in explained.skipped
    ]
    assert actual == table(datatable)


@then("no day was skipped")
def no_day_skipped(explained: Explanation) -> None:
    assert explained.skipped == ()


@then(step("the last stretch ends at the deadline, {moment:WallTime} in {zone:Place}"))
def last_stretch_ends_at_deadline(
    desk: ServiceDesk, explained: Explanation, moment: datetime, zone: ZoneInfo
) -> None:
    calendar = desk.sla.calendar(explained.calendar)
    assert explained.deadline == calendar.deadline(explained.start, explained.duration)
    assert explained.intervals[-1].end == explained.deadline
    assert wall_time(explained.deadline, zone) == wall_time(moment.replace(tzinfo=zone), zone)


# --- Then: clocks and timers ---------------------------------------------------------------


@then("the SLA clocks read:")
def clocks_read(desk: ServiceDesk, incident: IncidentView, datatable: list[list[str]]) -> None:
    assert_clocks(desk.sla.status(incident.number), datatable)


@then(step("at {moment:WallTime} in {zone:Place} the SLA clocks read:"))
def clocks_read_at(
    desk: ServiceDesk,
    incident: IncidentView,
    moment: datetime,
    zone: ZoneInfo,
    datatable: list[list[str]],
) -> None:
    assert_clocks(desk.sla.status(incident.number, at=moment.replace(tzinfo=zone)), datatable)


@then(step("the {metric:Metric} clock is due {moment:WallTime} in {zone:Place}"))
def clock_due(
    desk: ServiceDesk, incident: IncidentView, metric: str, moment: datetime, zone: ZoneInfo
) -> None:
    status = next(s for s in desk.sla.status(incident.number) if s.metric == metric)
    assert wall_time(status.deadline, zone) == wall_time(moment.replace(tzinfo=zone), zone)


@then("the timer raises nothing")
def raises_nothing(raised: list[RaisedMoment]) -> None:
    assert raised == []


@then("the timer raises:")
def timer_raises(raised: list[RaisedMoment], datatable: list[list[str]]) -> None:
    header = datatable[0]
    actual = [table_row(item, header, TIMER_COLUMNS, item.due_at) for item in raised]
    assert actual == table(datatable)


@then("the incident's service-level history is:")
def service_level_history(
    desk: ServiceDesk, incident: IncidentView, datatable: list[list[str]]
) -> None:
    """Every warning, breach and escalation recorded, in order (an escalation names its moment)."""
    actual = []
    for entry in desk.history(incident.number):
        if entry.type in ("SlaWarningRaised", "SlaBreached"):
            metric, level = entry.data["metric"], None
            moment = entry.data.get("threshold", "breach")
        elif entry.type == "Escalated":
            metric, moment = entry.data["reason"].split(" ", 1)
            level = entry.data["level"]
        else:
            continue
        actual.append(
            {
                "event": entry.type,
                "clock": metric,
                "moment": moment,
                "brought in": level_name(level),
            }
        )
    assert actual == table(datatable)


# --- Then: what-if -------------------------------------------------------------------------


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %"


@then("the attainment per priority reads, side by side:")
def attainment_side_by_side(replay: Replay, datatable: list[list[str]]) -> None:
    drafts = {row.priority: row for row in replay.draft_rows}
    assert sorted(drafts) == [row.priority for row in replay.in_use_rows]
    actual = []
    for row in replay.in_use_rows:
        draft = drafts[row.priority]
        assert draft.incidents == row.incidents
        actual.append(
            {
                "priority": f"P{row.priority}",
                "incidents": str(row.incidents),
                f"response {replay.in_use}": percent(row.response_percent),
                f"response {replay.draft}": percent(draft.response_percent),
                f"resolution {replay.in_use}": percent(row.resolution_percent),
                f"resolution {replay.draft}": percent(draft.resolution_percent),
            }
        )
    assert actual == table(datatable)


@then("the desk has recorded no new event")
def no_new_event(desk: ServiceDesk, replay: Replay) -> None:
    assert event_count(desk) == replay.events_before


@then(step('the desk still uses the SLA policy "{name}"'))
def still_uses(desk: ServiceDesk, name: str) -> None:
    assert desk.sla.policy().name == name


@then(step('the desk has not stored the draft policy "{name}"'))
@then(step('the desk has no SLA policy "{name}"'))
def draft_not_stored(desk: ServiceDesk, name: str) -> None:
    assert name not in desk.sla.policy_names()


@then(step('the {metric:Metric} target of P{priority:d} in "{name}" is {duration:Duration}'))
def policy_target(
    desk: ServiceDesk, metric: str, priority: int, name: str, duration: timedelta
) -> None:
    target = desk.sla.policy(name).target(priority)
    assert target is not None, f"{name} has no target for P{priority}"
    assert target.for_metric(metric) == duration
