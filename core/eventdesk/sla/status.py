"""The SLA state of an incident, as a fold over its events.

Nothing about a clock is stored: given the incident's events, the policy and
the calendars, the state at any instant is recomputed exactly, which is what
lets the desk answer "what did the clock say at 14:05 last Tuesday?" and replay
history under another policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import attrs
from eventdesk.calendars.model import BusinessCalendar
from eventdesk.clock import as_utc
from eventdesk.domain.incident import HoldReason, Incident, answers_customer
from eventdesk.sla.policy import METRICS, SlaPolicy, threshold_key
from eventdesk.views import to_jsonable

BREACH = "breach"


@attrs.frozen
class SlaStatus:
    """One metric's clock at one instant."""

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

    @property
    def percent(self) -> float:
        return 100.0 * self.elapsed_seconds / self.target_seconds if self.target_seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


@attrs.frozen
class DueTimer:
    """The next moment a warning or breach of one metric falls due."""

    metric: str
    due_at: datetime
    kind: str  # "75%", "90%", ... or "breach"


class _MetricClock:
    """One metric's clock: business time spent in closed segments plus the open one.

    A stopped clock (met or cancelled) keeps the priority it stopped at: a later
    change of priority does not judge it again against another target. A
    priority without a target for the metric has no clock: its time does not
    count, nothing falls due, and no status is shown.
    """

    def __init__(self, metric: str, fold: SlaFold) -> None:
        self.metric = metric
        self.fold = fold
        self.elapsed = timedelta(0)
        self.running_since: datetime | None = None
        self.outcome: str | None = None  # "met" or "cancelled" once stopped
        self.stopped_at: datetime | None = None
        self.stopped_priority = 0
        self.crossed: dict[str, datetime] = {}  # moment -> when its threshold was crossed
        self.raised: list[str] = []

    @property
    def priority(self) -> int:
        return self.stopped_priority if self.outcome is not None else self.fold.priority

    @property
    def target(self) -> timedelta:
        target = self.fold.policy.target(self.priority)
        return target.for_metric(self.metric) if target else timedelta(0)

    @property
    def has_target(self) -> bool:
        return self.target > timedelta(0)

    @property
    def calendar(self) -> BusinessCalendar:
        return self.fold.calendar(self.priority)

    def moments(self) -> list[tuple[str, timedelta]]:
        """(moment, business time at which it falls) under the current target."""
        target = self.target
        if not self.has_target:
            return []
        found = [(threshold_key(f), target * f) for f in self.fold.policy.warnings]
        found.append((BREACH, target))
        return found

    def start(self, at: datetime) -> None:
        if self.outcome is None and self.running_since is None:
            self.running_since = at
            # A priority change can put the clock past a threshold at once.
            for moment, threshold in self.moments():
                if moment not in self.crossed and threshold <= self.elapsed:
                    self.crossed[moment] = at

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

    def pause(self, at: datetime) -> None:
        if self.running_since is not None:
            if self.has_target:
                self.crossed.update(self._crossings(self.running_since, at))
                self.elapsed += self.calendar.business_time_between(self.running_since, at)
            self.running_since = None

    def stop(self, at: datetime, outcome: str) -> None:
        if self.outcome is None:
            self.pause(at)
            self.stopped_priority = self.fold.priority
            self.stopped_at = at
            self.outcome = outcome

    def restart(self, at: datetime) -> None:
        self.outcome = None
        self.stopped_at = None
        self.start(at)

    def crossed_by(self, at: datetime) -> dict[str, datetime]:
        """Every threshold crossed by ``at``, with when."""
        crossed = dict(self.crossed)
        if self.running_since is not None:
            crossed.update(self._crossings(self.running_since, at))
        return crossed

    def status(self, at: datetime) -> SlaStatus | None:
        """The clock at ``at``; None if its priority has no target for the metric."""
        if not self.has_target:
            return None
        target = self.target
        elapsed = self.elapsed
        deadline = None
        crossed = self.crossed_by(at)
        breached_at = crossed.get(BREACH)
        if self.running_since is not None:
            elapsed += self.calendar.business_time_between(self.running_since, at)
            if breached_at is not None:
                deadline = breached_at
            else:
                deadline = self.calendar.deadline(self.running_since, target - self.elapsed)
        if breached_at is not None:
            state = "breached"
        elif self.outcome is not None:
            state = self.outcome
        elif self.running_since is not None:
            state = "running"
        else:
            state = "paused"
        return SlaStatus(
            metric=self.metric,
            state=state,
            deadline=deadline if self.outcome is None else None,
            elapsed_seconds=elapsed.total_seconds(),
            remaining_seconds=(target - elapsed).total_seconds(),
            target_seconds=target.total_seconds(),
            calendar=self.calendar.name,
            breached_at=breached_at,
            raised=tuple(self.raised),
            stopped_at=self.stopped_at,
        )

    def due(self, at: datetime) -> list[tuple[str, datetime]]:
        """Moments crossed by ``at`` and not yet raised, in order.

        Warnings matter only while the clock runs; a breach is always recorded.
        """
        if not self.has_target:
            return []
        crossed = self.crossed_by(at)
        return sorted(
            (
                (moment, when)
                for moment, when in crossed.items()
                if moment not in self.raised and (moment == BREACH or self.outcome is None)
            ),
            key=lambda item: item[1],
        )

    def next_timer(self) -> DueTimer | None:
        if not self.has_target:
            return None
        pending = [
            (when, moment)
            for moment, when in self.crossed.items()
            if moment not in self.raised and (moment == BREACH or self.outcome is None)
        ]
        if self.running_since is not None:
            pending.extend(
                (when, moment)
                for moment, when in self._crossings(self.running_since, None).items()
                if moment not in self.raised
            )
        if not pending:
            return None
        when, moment = min(pending)
        return DueTimer(metric=self.metric, due_at=when, kind=moment)


class SlaFold:
    """Folds an incident's events into its SLA clocks under one policy."""

    def __init__(self, policy: SlaPolicy, calendars: Mapping[str, BusinessCalendar]) -> None:
        self.policy = policy
        self.calendars = calendars
        self.priority = 0
        self.caller: str | None = None
        self.clocks = {metric: _MetricClock(metric, self) for metric in METRICS}
        self.last_at: datetime | None = None

    def calendar(self, priority: int | None = None) -> BusinessCalendar:
        """The calendar of ``priority`` (by default the incident's) under the policy."""
        target = self.policy.target(self.priority if priority is None else priority)
        name = target.calendar if target else "24x7"
        if name not in self.calendars:
            return BusinessCalendar.always_open(name)
        return self.calendars[name]

    def apply(self, event: Any) -> None:
        at = as_utc(event.timestamp)
        self.last_at = at
        response, resolution = self.clocks["response"], self.clocks["resolution"]
        if isinstance(event, Incident.Opened):
            self.priority = event.priority
            self.caller = event.caller
            for clock in self.clocks.values():
                clock.start(at)
        elif isinstance(event, Incident.Reprioritised):
            # Close the running segments on the old target and calendar.
            running = [c for c in self.clocks.values() if c.running_since is not None]
            for clock in running:
                clock.pause(at)
            self.priority = event.priority
            for clock in running:
                clock.start(at)
        elif isinstance(event, Incident.PutOnHold):
            if HoldReason(event.reason) in self.policy.pause_on:
                for clock in self.clocks.values():
                    clock.pause(at)
        elif isinstance(event, Incident.Resumed):
            for clock in self.clocks.values():
                clock.start(at)
        elif isinstance(event, Incident.Commented):
            if answers_customer(event, self.caller):
                response.stop(at, "met")
        elif isinstance(event, Incident.Resolved):
            response.stop(at, "met")
            resolution.stop(at, "met")
        elif isinstance(event, Incident.Reopened):
            resolution.restart(at)
        elif isinstance(event, Incident.Cancelled):
            for clock in self.clocks.values():
                clock.stop(at, "cancelled")
        elif isinstance(event, Incident.SlaWarningRaised | Incident.SlaBreached):
            kind = BREACH if isinstance(event, Incident.SlaBreached) else event.threshold
            self.clocks[event.metric].raised.append(kind)

    def status(self, at: datetime) -> list[SlaStatus]:
        """The clocks at ``at``, leaving out a metric the priority has no target for."""
        return [s for clock in self.clocks.values() if (s := clock.status(at)) is not None]

    def next_timer(self) -> DueTimer | None:
        timers = [t for c in self.clocks.values() if (t := c.next_timer()) is not None]
        return min(timers, key=lambda t: t.due_at) if timers else None


def fold_events(
    events: Iterable[Any],
    policy: SlaPolicy,
    calendars: Mapping[str, BusinessCalendar],
    *,
    until: datetime | None = None,
) -> SlaFold:
    """Fold the events that happened up to ``until`` (all of them if None)."""
    fold = SlaFold(policy, calendars)
    limit = as_utc(until) if until is not None else None
    for event in events:
        if limit is not None and as_utc(event.timestamp) > limit:
            break
        fold.apply(event)
    return fold
