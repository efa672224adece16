"""An incident's history written step by step on the aggregate, then folded.

The SLA fold is a pure function of an incident's events and the policies in
force; these stories build real events with the real Incident aggregate (no
store needed) so that each rule of a clock can be told in a few lines::

    story = Story(policy).after(minutes=10).do("start").after(minutes=5)
    story.clock("response").elapsed_seconds
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from eventdesk.calendars import BusinessCalendar
from eventdesk.domain import Incident
from eventdesk.sla.policy import SlaPolicy
from eventdesk.sla.schedule import PolicySchedule
from eventdesk.sla.status import ClockTimeline, HopStatus, SlaFold, SlaStatus, fold_events

MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)
PRIORITY = {1: (1, 1), 2: (1, 2), 3: (2, 2), 4: (2, 3), 5: (3, 3)}


class Story:
    """One incident's history under a policy (or a schedule of policies)."""

    def __init__(
        self,
        policy: SlaPolicy | PolicySchedule | None,
        *,
        calendars: Mapping[str, BusinessCalendar] | None = None,
        priority: int = 3,
        at: datetime = MONDAY_9,
        caller: str = "carla",
        group: str | None = None,
    ) -> None:
        self.at = at
        if isinstance(policy, PolicySchedule):
            self.schedule = policy
        else:
            self.schedule = PolicySchedule.fixed(policy, calendars or {})
        impact, urgency = PRIORITY[priority]
        self.incident = Incident.open(
            sequence=1,
            summary="VPN drops every few minutes",
            impact=impact,
            urgency=urgency,
            priority=priority,
            actor="ana",
            at=at,
            caller=caller,
        )
        self.events: list[Any] = list(self.incident.collect_events())
        if group is not None:
            self.do("assign", group, None)

    def after(self, **delta: float) -> Story:
        self.at += timedelta(**delta)
        return self

    def do(self, command: str, *args: Any, actor: str = "ana", **options: Any) -> Story:
        """Carry out a command of the aggregate now (``hold``, ``resolve``...)."""
        getattr(self.incident, command)(*args, actor=actor, at=self.at, **options)
        self.events.extend(self.incident.collect_events())
        return self

    def agent_says(self, text: str = "We are on it", *, actor: str = "ana") -> Story:
        return self.do("add_comment", text, public=True, actor=actor, author_kind="agent")

    def customer_says(self, text: str = "Any news?") -> Story:
        return self.do("add_comment", text, public=True, actor="carla", author_kind="customer")

    def bot_says(self, text: str = "Have you tried restarting?") -> Story:
        return self.do("add_comment", text, public=True, actor="helpbot", author_kind="bot")

    def system_says(self, text: str = "We have received your message") -> Story:
        return self.do("add_comment", text, public=True, actor="desk", author_kind="system")

    def notes(self, text: str = "Looks like the concentrator") -> Story:
        return self.do("add_comment", text, public=False, actor="ana")

    def raised(self, metric: str, moment: str) -> Story:
        """Record a warning or breach as the timer would."""
        if moment == "breach":
            return self.do("record_sla_breach", metric, due_at=self.at, actor="sla")
        return self.do("raise_sla_warning", metric, moment, due_at=self.at, actor="sla")

    def fold(self, at: datetime | None = None, *, timeline: bool = False) -> SlaFold:
        return fold_events(self.events, self.schedule, until=at or self.at, timeline=timeline)

    def clocks(self, at: datetime | None = None) -> dict[str, SlaStatus]:
        moment = at or self.at
        return {status.metric: status for status in self.fold(moment).status(moment)}

    def clock(self, metric: str, at: datetime | None = None) -> SlaStatus:
        return self.clocks(at)[metric]

    def hops(self, at: datetime | None = None) -> list[HopStatus]:
        moment = at or self.at
        return self.fold(moment).hop_status(moment)

    def timeline(self, at: datetime | None = None) -> dict[str, ClockTimeline]:
        moment = at or self.at
        return {t.clock: t for t in self.fold(moment, timeline=True).timeline(moment)}

    def timers(self) -> dict[str, tuple[datetime, str]]:
        return {t.metric: (t.due_at, t.kind) for t in self.fold(self.at).timers()}
