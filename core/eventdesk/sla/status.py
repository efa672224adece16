"""The SLA state of an incident, as a fold over its events.

Nothing about a clock is stored: given the incident's events, the schedule of
policies in force and the calendars, the state at any instant is recomputed
exactly, which is what lets the desk answer "what did the clock say at 14:05
last Tuesday?", explain every step of a clock, and replay history under
another policy.

An incident has these clocks (each one only where the policy in force gives it
a target, except the hop clocks, which always count so that the time of an
incident is attributed to the groups that held it):

- ``response``: from opening to the first public message of a human agent (or
  the resolution);
- ``next_reply#n``: each customer message, once the first response was given,
  starts a cycle that the next public human-agent message stops;
- ``periodic_update#n``: from one public human-agent message to the next;
- ``requester_wait``: while the customer waits on the desk (paused only while
  the desk waits on the customer);
- ``agent_work``: while the incident is new or in progress (paused on any hold);
- ``resolution``: from opening to resolution (a reopen resumes it);
- ``ola:<group>#n`` / ``uc:<vendor>#n``: one per hop, while a group holds it;
- ``waiting#n``: from the oldest customer message not yet answered, against the
  policy's waiting limit.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import attrs
from eventdesk.calendars.model import BusinessCalendar
from eventdesk.clock import as_utc
from eventdesk.domain.incident import (
    AuthorKind,
    HoldReason,
    Incident,
    State,
    answers_customer,
    author_kind_of,
)
from eventdesk.sla.policy import (
    CYCLIC_METRICS,
    DEFAULT_PAUSE_ON,
    METRICS,
    SlaPolicy,
    threshold_key,
)
from eventdesk.sla.schedule import PolicyChange, PolicySchedule
from eventdesk.views import to_jsonable

BREACH = "breach"
LIMIT = "limit"  # the one moment of a waiting clock: the customer has waited too long
OLA, UC, WAITING = "ola", "uc", "waiting"
HOP_KINDS = frozenset({OLA, UC})
# The metrics that start with the incident and follow it to the end.
_WHOLE_LIFE = ("response", "requester_wait", "agent_work", "resolution")
# Resolution does not end these for good: a reopen restarts them, keeping their time.
_RESTARTED = ("requester_wait", "agent_work", "resolution")
_ZERO = timedelta(0)

# A calendar open round the clock, by name (a name a policy gives but the desk lacks).
_always_open = functools.lru_cache(maxsize=64)(BusinessCalendar.always_open)

# A clock's terms: its target (None: no target), its calendar, its warning fractions.
Terms = tuple[timedelta | None, BusinessCalendar, tuple[float, ...]]


@attrs.frozen
class SlaStatus:
    """One metric's clock at one instant (for a cyclic metric, its current or last
    cycle, with how many cycles were met and breached so far)."""

    metric: str
    state: str  # running | paused | met | breached | cancelled
    deadline: datetime | None  # None while paused or once stopped
    elapsed_seconds: float
    remaining_seconds: float
    target_seconds: float
    calendar: str
    breached_at: datetime | None
    raised: tuple[str, ...]  # warnings and breach already raised as events
    stopped_at: datetime | None = None  # when it was met or cancelled
    clock: str = attrs.field(default=attrs.Factory(lambda self: self.metric, takes_self=True))
    cycle: int | None = None  # the cycle shown, for next_reply and periodic_update
    cycles_met: int = 0
    cycles_breached: int = 0

    @property
    def percent(self) -> float:
        return 100.0 * self.elapsed_seconds / self.target_seconds if self.target_seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@attrs.frozen
class HopStatus:
    """The time one group held an incident (one hop), against its OLA or UC if any."""

    hop: int
    clock: str  # "ola:network#2"
    group: str
    kind: str  # ola | uc
    state: str  # running | paused | met | breached | cancelled | ended (no target)
    started_at: datetime
    ended_at: datetime | None
    business_seconds: float
    target_seconds: float | None
    calendar: str
    deadline: datetime | None
    breached_at: datetime | None
    raised: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@attrs.frozen
class TimelineEntry:
    """One step of a clock: what happened, why, and where the clock stood then."""

    at: datetime
    step: str  # start | pause | resume | stop:met | stop:cancelled | restart | warning:75% |
    # breach | limit | target-change | policy-change
    cause: str  # "PutOnHold v4 (awaiting_vendor)", "tenant acme contract v3", ...
    calendar_seconds: float  # since the clock first started
    business_seconds: float  # business time used so far
    target_seconds: float | None  # the target then (None: none)

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@attrs.frozen
class ClockTimeline:
    """Every step of one clock, in order."""

    clock: str
    metric: str  # a metric of METRICS, or ola, uc, waiting
    entries: tuple[TimelineEntry, ...]

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@attrs.frozen
class DueTimer:
    """The next moment a warning or breach of one clock falls due."""

    metric: str  # the clock: "response", "next_reply#2", "ola:network#3", "waiting#1"
    due_at: datetime
    kind: str  # "75%", "90%", ... "breach", or "limit"


def describe(event: Any, caller: str | None = None) -> str:
    """An event as a timeline names its cause: ``PutOnHold v4 (awaiting_vendor)``."""
    detail: str | None = None
    if isinstance(event, Incident.Opened | Incident.Reprioritised):
        detail = f"P{event.priority}"
    elif isinstance(event, Incident.PutOnHold):
        detail = event.reason
    elif isinstance(event, Incident.Assigned | Incident.FunctionallyEscalated):
        detail = event.group or getattr(event, "assignee", None)
    elif isinstance(event, Incident.Commented):
        kind = author_kind_of(event, caller).value
        detail = kind if event.public else f"{kind}, internal"
    elif isinstance(event, Incident.SlaWarningRaised):
        detail = f"{event.metric} {event.threshold}"
    elif isinstance(event, Incident.SlaBreached | Incident.WaitingLimitReached):
        detail = event.metric
    text = f"{type(event).__name__} v{event.originator_version}"
    return f"{text} ({detail})" if detail else text


class Clock:
    """One clock: business time spent in closed segments plus the open one.

    A stopped clock (met or cancelled) keeps the target and calendar it stopped
    with: a later change of priority or policy does not judge it again. Without a
    target an SLA clock does not count (its time is not held against a later
    target) and nothing falls due; a hop clock counts all the same.
    """

    __slots__ = (
        "_moments",
        "active",
        "calendar",
        "crossed",
        "crossed_at",
        "elapsed",
        "entries",
        "ever_targeted",
        "fold",
        "fresh",
        "group",
        "metric",
        "name",
        "number",
        "outcome",
        "raised",
        "raised_by",
        "running_since",
        "started_at",
        "stopped_at",
        "target",
        "warnings",
    )

    def __init__(
        self,
        name: str,
        metric: str,
        fold: SlaFold,
        *,
        number: int | None = None,
        group: str | None = None,
    ) -> None:
        self.name = name
        self.metric = metric
        self.fold = fold
        self.number = number  # the cycle or hop number
        self.group = group
        self.elapsed = _ZERO
        self.running_since: datetime | None = None
        self.started_at: datetime | None = None
        self.active = False  # started and not stopped
        self.outcome: str | None = None  # "met" or "cancelled" once stopped
        self.stopped_at: datetime | None = None
        self.target: timedelta | None = None
        self.calendar = _always_open("24x7")
        self.warnings: tuple[float, ...] = ()
        self._moments: list[tuple[str, timedelta]] = []
        self.ever_targeted = False
        self.fresh = False  # just started: the fold has not yet decided whether it runs
        self.crossed: dict[str, datetime] = {}  # moment -> when its threshold was crossed
        self.crossed_at: dict[str, tuple[timedelta, timedelta]] = {}  # (business, target)
        self.raised: list[str] = []
        self.raised_by: dict[str, str] = {}  # moment -> the event that raised it
        self.entries: list[TimelineEntry] = []

    # --- terms -------------------------------------------------------------------------

    @property
    def counts(self) -> bool:
        return self.target is not None or self.metric in HOP_KINDS

    @property
    def has_target(self) -> bool:
        return self.target is not None

    def terms_key(self) -> tuple[Any, ...]:
        return (self.target, self.calendar.name, self.warnings)

    def moments(self) -> list[tuple[str, timedelta]]:
        """(moment, business time at which it falls) under the current target."""
        return self._moments

    def _set_terms(self, terms: Terms) -> None:
        self.target, self.calendar, self.warnings = terms
        target = self.target
        if target is None:
            self._moments = []
        elif self.metric == WAITING:
            self._moments = [(LIMIT, target)]
        else:
            self._moments = [(threshold_key(f), target * f) for f in self.warnings]
            self._moments.append((BREACH, target))
        if self.target is not None:
            self.ever_targeted = True
        else:
            # Without a target nothing more falls due: what was not raised is cleared.
            for moment in [m for m in self.crossed if m not in self.raised]:
                del self.crossed[moment]
                self.crossed_at.pop(moment, None)

    # --- segments ----------------------------------------------------------------------

    def _crossings(self, since: datetime, until: datetime | None) -> dict[str, datetime]:
        """Thresholds the running segment crosses by ``until`` (None: ever)."""
        found = {}
        for moment, threshold in self.moments():
            if moment in self.crossed or threshold <= self.elapsed:
                continue
            when = self.calendar.deadline(since, threshold - self.elapsed)
            if until is None or when <= until:
                found[moment] = when
        return found

    def _cross(self, crossings: Mapping[str, datetime]) -> None:
        assert self.target is not None
        thresholds = dict(self.moments())
        for moment, when in crossings.items():
            self.crossed[moment] = when
            self.crossed_at[moment] = (thresholds[moment], self.target)

    def _close(self, at: datetime) -> None:
        if self.running_since is None:
            return
        if self.counts:
            if self.target is not None:
                self._cross(self._crossings(self.running_since, at))
            self.elapsed += self.calendar.business_time_between(self.running_since, at)
        self.running_since = None

    def _open(self, at: datetime) -> None:
        self.running_since = at
        # A change of target can put the clock past a threshold at once.
        for moment, threshold in self.moments():
            if moment not in self.crossed and threshold <= self.elapsed:
                self.crossed[moment] = at
                assert self.target is not None
                self.crossed_at[moment] = (self.elapsed, self.target)

    def business_time(self, at: datetime) -> timedelta:
        """Business time used by ``at``."""
        if self.running_since is None or not self.counts:
            return self.elapsed
        return self.elapsed + self.calendar.business_time_between(self.running_since, at)

    def note(self, at: datetime, step: str, cause: str) -> None:
        if not self.fold.recording:
            return
        started = self.started_at or at
        self.entries.append(
            TimelineEntry(
                at=at,
                step=step,
                cause=cause,
                calendar_seconds=(at - started).total_seconds(),
                business_seconds=self.business_time(at).total_seconds(),
                target_seconds=self.target.total_seconds() if self.target is not None else None,
            )
        )

    # --- what the fold does to a clock -------------------------------------------------

    def start(self, at: datetime, cause: str) -> None:
        """Start (or restart, after a resolution) the clock; the fold decides whether it
        runs."""
        if self.active:
            return
        step = "start" if self.started_at is None else "restart"
        if self.started_at is None:
            self.started_at = at
        self.active = True
        self.fold.active[self.name] = self
        self.fresh = True
        self.outcome = None
        self.stopped_at = None
        self._set_terms(self.fold.terms(self))
        self.note(at, step, cause)

    def stop(self, at: datetime, outcome: str, cause: str) -> None:
        if not self.active:
            return
        self._close(at)
        self.active = False
        del self.fold.active[self.name]
        self.outcome = outcome
        self.stopped_at = at
        self.note(at, f"stop:{outcome}", cause)

    def pause(self, at: datetime, cause: str) -> None:
        self._close(at)
        self.note(at, "pause", cause)

    def resume(self, at: datetime, cause: str, *, quietly: bool = False) -> None:
        self._open(at)
        if not quietly:
            self.note(at, "resume", cause)

    def retarget(self, at: datetime, terms: Terms, step: str, cause: str) -> None:
        """Close the running segment on the old terms and go on under the new ones."""
        running = self.running_since is not None
        self._close(at)
        self._set_terms(terms)
        if running:
            self._open(at)
        self.note(at, step, cause)

    # --- reading -----------------------------------------------------------------------

    def crossed_by(self, at: datetime) -> dict[str, datetime]:
        """Every threshold crossed by ``at``, with when."""
        crossed = dict(self.crossed)
        if self.running_since is not None and self.target is not None:
            crossed.update(self._crossings(self.running_since, at))
        return crossed

    def _pending(self, moment: str) -> bool:
        """Whether a crossed moment is still to be raised: warnings and waiting limits
        only while the clock runs; a breach always."""
        if moment in self.raised:
            return False
        if self.metric == WAITING:
            return self.active
        return moment == BREACH or self.outcome is None

    def state(self, at: datetime) -> str:
        return self._state(self.crossed_by(at))

    def _state(self, crossed: Mapping[str, datetime]) -> str:
        if BREACH in crossed:
            return "breached"
        if self.outcome is not None:
            return self.outcome
        return "running" if self.running_since is not None else "paused"

    def deadline(self, at: datetime) -> datetime | None:
        return self._deadline(self.crossed_by(at))

    def _deadline(self, crossed: Mapping[str, datetime]) -> datetime | None:
        if self.running_since is None or self.target is None or self.outcome is not None:
            return None
        breached_at = crossed.get(BREACH)
        if breached_at is not None:
            return breached_at
        return self.calendar.deadline(self.running_since, self.target - self.elapsed)

    def status(self, at: datetime) -> SlaStatus | None:
        """The clock at ``at``; None if it has no target."""
        if self.target is None:
            return None
        elapsed = self.business_time(at)
        crossed = self.crossed_by(at)  # once: each threshold is a walk over the calendar
        return SlaStatus(
            metric=self.metric,
            state=self._state(crossed),
            deadline=self._deadline(crossed),
            elapsed_seconds=elapsed.total_seconds(),
            remaining_seconds=(self.target - elapsed).total_seconds(),
            target_seconds=self.target.total_seconds(),
            calendar=self.calendar.name,
            breached_at=crossed.get(BREACH),
            raised=tuple(self.raised),
            stopped_at=self.stopped_at,
            clock=self.name,
            cycle=self.number if self.metric in CYCLIC_METRICS else None,
        )

    def hop_status(self, at: datetime) -> HopStatus:
        state = self.state(at)
        if self.target is None and state == "met":
            state = "ended"
        assert self.started_at is not None and self.group is not None
        return HopStatus(
            hop=self.number or 0,
            clock=self.name,
            group=self.group,
            kind=self.metric,
            state=state,
            started_at=self.started_at,
            ended_at=self.stopped_at,
            business_seconds=self.business_time(at).total_seconds(),
            target_seconds=self.target.total_seconds() if self.target is not None else None,
            calendar=self.calendar.name,
            deadline=self.deadline(at),
            breached_at=self.crossed_by(at).get(BREACH),
            raised=tuple(self.raised),
        )

    def due(self, at: datetime) -> list[tuple[str, datetime]]:
        """Moments crossed by ``at`` and not yet raised, in order."""
        if self.target is None:
            return []
        crossed = self.crossed_by(at)
        return sorted(
            ((m, when) for m, when in crossed.items() if self._pending(m)),
            key=lambda item: item[1],
        )

    def next_timer(self) -> DueTimer | None:
        if self.target is None:
            return None
        pending = [(when, m) for m, when in self.crossed.items() if self._pending(m)]
        if self.running_since is not None:
            pending.extend(
                (when, m)
                for m, when in self._crossings(self.running_since, None).items()
                if self._pending(m)
            )
        if not pending:
            return None
        when, moment = min(pending)
        return DueTimer(metric=self.name, due_at=when, kind=moment)

    def timeline(self, at: datetime) -> ClockTimeline:
        """The recorded steps, with the warnings and breaches crossed by ``at``."""
        steps = [(entry.at, 0, index, entry) for index, entry in enumerate(self.entries)]
        crossed = self.crossed_by(at)
        thresholds = dict(self.moments())
        started = self.started_at or at
        for index, (moment, when) in enumerate(sorted(crossed.items(), key=lambda i: i[1])):
            business, target = self.crossed_at.get(
                moment, (thresholds.get(moment, _ZERO), self.target or _ZERO)
            )
            step = moment if moment in (BREACH, LIMIT) else f"warning:{moment}"
            cause = self.raised_by.get(moment) or (
                "due, not raised yet" if self._pending(moment) else "not raised: it had stopped"
            )
            entry = TimelineEntry(
                at=when,
                step=step,
                cause=cause,
                calendar_seconds=(when - started).total_seconds(),
                business_seconds=business.total_seconds(),
                target_seconds=target.total_seconds(),
            )
            steps.append((when, 1, index, entry))
        steps.sort(key=lambda item: item[:3])
        return ClockTimeline(self.name, self.metric, tuple(item[3] for item in steps))


class SlaFold:
    """Folds an incident's events into its clocks under a schedule of policies."""

    def __init__(self, schedule: PolicySchedule, *, timeline: bool = False) -> None:
        self.schedule = schedule
        self.recording = timeline
        first = schedule.changes[0]
        self.policy: SlaPolicy | None = first.policy
        self.calendars: Mapping[str, BusinessCalendar] = first.calendars
        self.pending_changes: list[PolicyChange] = []
        self.priority = 0
        self.caller: str | None = None
        self.state: State | None = None
        self.hold_reason: HoldReason | None = None
        self.group: str | None = None
        self.responded = False  # a first public answer (or the resolution) was given
        self.clocks: dict[str, Clock] = {
            metric: Clock(metric, metric, self) for metric in _WHOLE_LIFE
        }
        self.cycles: dict[str, list[Clock]] = {metric: [] for metric in CYCLIC_METRICS}
        self.hops: list[Clock] = []
        self.waits: list[Clock] = []
        self.by_name: dict[str, Clock] = dict(self.clocks)
        self.active: dict[str, Clock] = {}  # the clocks started and not stopped
        self.last_at: datetime | None = None
        self._horizon: datetime | None = None
        self._terms: dict[tuple[str, str | None, int], Terms] = {}

    # --- policy and terms --------------------------------------------------------------

    def plan(self, opened_at: datetime, horizon: datetime | None) -> None:
        """Take the policy in force at the opening, and the later changes to apply."""
        initial, self.pending_changes = self.schedule.for_incident(opened_at, horizon)
        self.policy, self.calendars = initial.policy, initial.calendars
        self._terms = {}
        self._horizon = horizon

    def _calendar_named(self, name: str) -> BusinessCalendar:
        found = self.calendars.get(name)
        return found if found is not None else _always_open(name)

    def calendar(self, priority: int | None = None) -> BusinessCalendar:
        """The calendar of ``priority`` (by default the incident's) under the policy."""
        target = (
            self.policy.target(self.priority if priority is None else priority)
            if (self.policy is not None)
            else None
        )
        return self._calendar_named(target.calendar if target else "24x7")

    def terms(self, clock: Clock) -> Terms:
        """The target, calendar and warnings ``clock`` runs under now (the same for every
        clock of a metric, or of a group, until the priority or the policy changes)."""
        key = (clock.metric, clock.group, self.priority)
        found = self._terms.get(key)
        if found is None:
            found = self._terms[key] = self._terms_of(clock)
        return found

    def _terms_of(self, clock: Clock) -> Terms:
        policy = self.policy
        if policy is None:
            return None, self.calendar(), ()
        if clock.metric in HOP_KINDS:
            hops = policy.underpinning if clock.metric == UC else policy.ola
            agreement = hops.get(clock.group or "")
            if agreement is None:
                return None, self.calendar(), ()
            calendar = (
                self._calendar_named(agreement.calendar) if agreement.calendar else self.calendar()
            )
            return agreement.target, calendar, policy.warnings
        if clock.metric == WAITING:
            limit = policy.waiting.limit if policy.waiting is not None else None
            return limit, self.calendar(), ()
        target = policy.target(self.priority)
        return (
            target.for_metric(clock.metric) if target else None,
            self.calendar(),
            policy.warnings,
        )

    def should_run(self, clock: Clock) -> bool:
        """Whether an active clock runs in the incident's present state."""
        if not clock.active:
            return False
        if self.state != State.ON_HOLD:
            return True
        reason = self.hold_reason
        if clock.metric == "agent_work":
            return False  # agents work on what is new or in progress only
        if clock.metric == "requester_wait":
            return reason != HoldReason.AWAITING_CALLER  # the desk waits on the customer
        pause_on = self.policy.pause_on if self.policy is not None else DEFAULT_PAUSE_ON
        if clock.metric == UC:
            pause_on = pause_on - {HoldReason.AWAITING_VENDOR}  # that is the vendor's time
        return reason not in pause_on

    def _settle(self, at: datetime, cause: str, step: str | None = None) -> None:
        """Bring every active clock in line with the incident's state and, after a change
        of priority or of policy (``step``), with its terms."""
        for clock in list(self.active.values()):
            if step is not None:
                terms = self.terms(clock)
                if (terms[0], terms[1].name, terms[2]) != clock.terms_key():
                    clock.retarget(at, terms, step, cause)
            fresh, clock.fresh = clock.fresh, False
            wanted = self.should_run(clock)
            if wanted and clock.running_since is None:
                clock.resume(at, cause, quietly=fresh)
            elif not wanted and clock.running_since is not None:
                clock.pause(at, cause)
            elif not wanted and fresh:
                clock.note(at, "pause", f"on hold ({self.hold_reason})")

    def _apply_changes(self, until: datetime | None) -> None:
        while self.pending_changes and (until is None or self.pending_changes[0].at <= until):
            change = self.pending_changes.pop(0)
            if self.state is None or self.state in (State.CLOSED, State.CANCELLED):
                continue
            if change.retroactive:
                # Already in force since the opening: the timeline says when it was decided.
                for clock in self.active.values():
                    clock.note(change.at, "policy-change", f"{change.cause} (from opening)")
                continue
            self.policy, self.calendars = change.policy, change.calendars
            self._terms = {}
            self._settle(change.at, change.cause, "policy-change")

    def advance(self, until: datetime | None) -> None:
        """Apply the policy changes up to ``until`` that came after the last event."""
        horizon = self._horizon
        if until is None or (horizon is not None and horizon < until):
            until = horizon
        self._apply_changes(until)

    # --- clocks that come and go -------------------------------------------------------

    def _new_clock(self, name: str, metric: str, **where: Any) -> Clock:
        clock = Clock(name, metric, self, **where)
        self.by_name[name] = clock
        return clock

    def _start_cycle(self, metric: str, at: datetime, cause: str) -> None:
        cycles = self.cycles[metric]
        number = len(cycles) + 1
        clock = self._new_clock(f"{metric}#{number}", metric, number=number)
        cycles.append(clock)
        clock.start(at, cause)

    def _start_wait(self, at: datetime, cause: str) -> None:
        number = len(self.waits) + 1
        clock = self._new_clock(f"{WAITING}#{number}", WAITING, number=number)
        self.waits.append(clock)
        clock.start(at, cause)

    def _start_hop(self, at: datetime, cause: str) -> None:
        assert self.group is not None
        number = len(self.hops) + 1
        kind = self.policy.hop_agreement(self.group)[0] if self.policy is not None else OLA
        clock = self._new_clock(
            f"{kind}:{self.group}#{number}", kind, number=number, group=self.group
        )
        self.hops.append(clock)
        clock.start(at, cause)

    @property
    def is_open(self) -> bool:
        return self.state in (State.NEW, State.IN_PROGRESS, State.ON_HOLD)

    def _current(self, clocks: list[Clock]) -> Clock | None:
        return clocks[-1] if clocks and clocks[-1].active else None

    def _stop_all(self, at: datetime, outcome: str, cause: str) -> None:
        for clock in list(self.active.values()):
            clock.stop(at, outcome, cause)

    # --- the fold ----------------------------------------------------------------------

    def apply(self, event: Any) -> None:
        at = as_utc(event.timestamp)
        self._apply_changes(at)
        self.last_at = at
        # What caused each step, for a timeline (not worth a string otherwise).
        if isinstance(event, Incident.Opened):
            self.caller = event.caller
        cause = describe(event, self.caller) if self.recording else ""
        step = None  # terms change only with the priority (or the policy: see above)
        if isinstance(event, Incident.Opened):
            self.priority = event.priority
            self.state = State.NEW
            for metric in _WHOLE_LIFE:
                self.clocks[metric].start(at, cause)
            self._start_wait(at, cause)  # the opening is the customer's first message
        elif isinstance(event, Incident.Reprioritised):
            self.priority = event.priority
            step = "target-change"
        elif isinstance(event, Incident.Started):
            self.state = State.IN_PROGRESS
        elif isinstance(event, Incident.PutOnHold):
            self.state, self.hold_reason = State.ON_HOLD, HoldReason(event.reason)
        elif isinstance(event, Incident.Resumed):
            self.state, self.hold_reason = State.IN_PROGRESS, None
        elif isinstance(event, Incident.Assigned | Incident.FunctionallyEscalated):
            if event.group != self.group:
                if self.hops:
                    self.hops[-1].stop(at, "met", cause)
                self.group = event.group
                if self.group is not None and self.is_open:
                    self._start_hop(at, cause)
        elif isinstance(event, Incident.Commented):
            self._commented(event, at, cause)
        elif isinstance(event, Incident.Resolved):
            self.responded = True
            self.state, self.hold_reason = State.RESOLVED, None
            self._stop_all(at, "met", cause)
        elif isinstance(event, Incident.Reopened):
            self.state = State.IN_PROGRESS
            for metric in _RESTARTED:
                self.clocks[metric].start(at, cause)
            if self.group is not None:
                self._start_hop(at, cause)
        elif isinstance(event, Incident.Closed):
            self.state = State.CLOSED
        elif isinstance(event, Incident.Cancelled):
            self.state, self.hold_reason = State.CANCELLED, None
            self._stop_all(at, "cancelled", cause)
        elif isinstance(event, Incident.SlaWarningRaised | Incident.SlaBreached):
            kind = BREACH if isinstance(event, Incident.SlaBreached) else event.threshold
            self._raised(event.metric, kind, cause)
        elif isinstance(event, Incident.WaitingLimitReached):
            self._raised(event.metric, LIMIT, cause)
        self._settle(at, cause, step)

    def _raised(self, name: str, moment: str, cause: str) -> None:
        clock = self.by_name.get(name)
        if clock is not None:  # (a clock another policy would not have, in a what-if)
            clock.raised.append(moment)
            clock.raised_by[moment] = cause

    def _commented(self, event: Any, at: datetime, cause: str) -> None:
        if answers_customer(event, self.caller):
            self.responded = True
            self.clocks["response"].stop(at, "met", cause)
            for clocks in (self.cycles["next_reply"], self.waits):
                if (current := self._current(clocks)) is not None:
                    current.stop(at, "met", cause)
            updates = self.cycles["periodic_update"]
            if (current := self._current(updates)) is not None:
                current.stop(at, "met", cause)
            if self.is_open:
                self._start_cycle("periodic_update", at, cause)
        elif event.public and author_kind_of(event, self.caller) == AuthorKind.CUSTOMER:
            if not self.is_open:
                return
            if self.responded and self._current(self.cycles["next_reply"]) is None:
                self._start_cycle("next_reply", at, cause)
            if self._current(self.waits) is None:
                self._start_wait(at, cause)

    # --- reading -----------------------------------------------------------------------

    def status(self, at: datetime) -> list[SlaStatus]:
        """The SLA clocks at ``at``, in the order of METRICS, leaving out a metric without
        a target; a cyclic metric shows its last cycle and counts its cycles."""
        found = []
        for metric in METRICS:
            if metric not in CYCLIC_METRICS:
                status = self.clocks[metric].status(at)
                if status is not None:
                    found.append(status)
                continue
            cycles = [s for clock in self.cycles[metric] if (s := clock.status(at)) is not None]
            if cycles:
                found.append(
                    attrs.evolve(
                        cycles[-1],
                        cycles_met=sum(1 for s in cycles if s.state == "met"),
                        cycles_breached=sum(1 for s in cycles if s.state == "breached"),
                    )
                )
        return found

    def sla_clocks(self) -> list[Clock]:
        """Every clock of an SLA metric (each cycle on its own)."""
        return [c for c in self.by_name.values() if c.metric in METRICS]

    def hop_status(self, at: datetime) -> list[HopStatus]:
        return [clock.hop_status(at) for clock in self.hops]

    def timeline(self, at: datetime) -> list[ClockTimeline]:
        """Each clock that had a target (and every hop), with its steps up to ``at``."""
        shown = [
            clock
            for clock in self.by_name.values()
            if clock.ever_targeted or clock.metric in HOP_KINDS
        ]
        return [clock.timeline(at) for clock in sorted(shown, key=_display_order)]

    def timers(self) -> list[DueTimer]:
        """The next due moment of each clock that has one."""
        return [t for clock in self.by_name.values() if (t := clock.next_timer()) is not None]

    def next_timer(self) -> DueTimer | None:
        timers = self.timers()
        return min(timers, key=lambda t: t.due_at) if timers else None


def _display_order(clock: Clock) -> tuple[int, int, int]:
    """Service levels in the order of METRICS (cycles in turn), then waits, then hops."""
    if clock.metric in METRICS:
        return (0, METRICS.index(clock.metric), clock.number or 0)
    return (1 if clock.metric == WAITING else 2, 0, clock.number or 0)


def fold_events(
    events: Iterable[Any],
    schedule: PolicySchedule | SlaPolicy | None,
    calendars: Mapping[str, BusinessCalendar] | None = None,
    *,
    until: datetime | None = None,
    timeline: bool = False,
) -> SlaFold:
    """Fold the events that happened up to ``until`` (all of them if None), under a
    schedule of policies (or one policy on ``calendars`` for all time)."""
    if not isinstance(schedule, PolicySchedule):
        schedule = PolicySchedule.fixed(schedule, calendars or {})
    found = list(events)
    fold = SlaFold(schedule, timeline=timeline)
    if not found:
        return fold
    limit = as_utc(until) if until is not None else None
    settled = next(
        (as_utc(e.timestamp) for e in found if isinstance(e, Incident.Closed | Incident.Cancelled)),
        None,
    )
    horizon = limit if settled is None else (settled if limit is None else min(limit, settled))
    fold.plan(as_utc(found[0].timestamp), horizon)
    for event in found:
        if limit is not None and as_utc(event.timestamp) > limit:
            break
        fold.apply(event)
    fold.advance(limit)
    return fold
