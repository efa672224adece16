"""The discrete-event simulation of a drill, on virtual time, through the real desk.

Contacts arrive (Poisson, by thinning the stream's busiest rate), open incidents on
the scratch desk, and wait in the real routing queue; ``desk.tenancy.route()`` gives
them agents; a contact whose patience runs out first hangs up (its incident is
cancelled); an answered one is resolved when its handling time is over. Timed events
change the desk as an administrator would: presence, contingency mode, the tenant's
overflow wait to the shared pool.

Random numbers come from streams named by the seed, the tenant, the channel and the
contact's place in its stream, so the baseline (the same seed without the events) sees
the very same contacts: the difference between the runs is the events' doing.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs

from eventdesk.drills.record import IvrSelfService
from eventdesk.drills.scenario import (
    PRIORITY_INPUTS,
    Arrivals,
    DrillEvent,
    Scenario,
    ScenarioError,
)
from eventdesk.tenancy.routing import OTHER

if TYPE_CHECKING:
    from eventdesk.application import ServiceDesk

ARRIVE, CHANGE, FINISH, ABANDON, TICK = range(5)
TICK_SECONDS = 60  # while contacts wait, a routing pass at least this often (overflow, shifts)
LOGNORMAL_SIGMA = 0.8
ACTOR = "drill"


@attrs.define
class Contact:
    tenant: str
    channel: str
    priority: int
    arrived: datetime
    handle_seconds: float
    patience_seconds: float | None
    self_service_draw: float
    number: str | None = None
    answered_at: datetime | None = None
    outcome: str = "waiting"  # waiting | answered | abandoned | deflected
    diverted: bool = False

    @property
    def waited_seconds(self) -> float | None:
        if self.answered_at is None:
            return None
        return (self.answered_at - self.arrived).total_seconds()


def _offsets(rng: random.Random, rate: Callable[[float], float], peak: float, span: float):
    """Poisson arrival offsets (seconds) over [0, span) with a rate per hour ``rate(t)``
    that never exceeds ``peak``: thinning of a stream at the peak rate."""
    if peak <= 0:
        return
    t = 0.0
    while True:
        t += rng.expovariate(peak / 3600)
        if t >= span:
            return
        if rng.random() * peak < rate(t):
            yield t


class Simulation:
    """One run of a scenario on a configured scratch desk."""

    def __init__(
        self,
        scenario: Scenario,
        desk: ServiceDesk,
        *,
        seed: int,
        with_events: bool = True,
        sites: dict[str, list[str]] | None = None,
    ) -> None:
        self.scenario = scenario
        self.sites = sites or {}
        self.desk = desk
        self.seed = seed
        self.events = scenario.events if with_events else ()
        self.contacts: list[Contact] = []
        self.waiting: dict[str, Contact] = {}
        self._heap: list[tuple[datetime, int, int, Any]] = []
        self._order = itertools.count()
        self._tick_at: datetime | None = None
        self._capacity: dict[str, float] = {}
        self.capacity_seconds: dict[str, float] = defaultdict(float)
        self._capacity_since = scenario.start
        self._overflow_waits: dict[str, int] = {}

    # --- building the day ---------------------------------------------------------

    def _push(self, moment: datetime, kind: int, payload: Any) -> None:
        heapq.heappush(self._heap, (moment, kind, next(self._order), payload))

    def _contacts_of(self, arrivals: Arrivals, stream: str, rate_factor: Callable) -> Iterator:
        start, span = self.scenario.start, self.scenario.hours * 3600

        def rate(t: float) -> float:
            return arrivals.rate(start + timedelta(seconds=t)) * rate_factor(t)

        peak = arrivals.peak * max((rate_factor(t) for t in range(0, int(span) + 1, 60)), default=0)
        rng = random.Random(f"{self.seed}/{stream}")
        for index, offset in enumerate(_offsets(rng, rate, peak, span)):
            yield self._contact(arrivals, f"{stream}/{index}", start + timedelta(seconds=offset))

    def _contact(self, arrivals: Arrivals, key: str, at: datetime) -> Contact:
        rng = random.Random(f"{self.seed}/{key}")
        levels, weights = zip(*arrivals.priorities, strict=True)
        priority = rng.choices(levels, weights)[0]
        handling = self.scenario.handling_for(arrivals.channel)
        mean = handling.mean_for(priority)
        if handling.distribution == "fixed":
            handle = mean
        elif handling.distribution == "lognormal":
            handle = rng.lognormvariate(math.log(mean) - LOGNORMAL_SIGMA**2 / 2, LOGNORMAL_SIGMA)
        else:
            handle = rng.expovariate(1 / mean)
        patience = self.scenario.patience.get(arrivals.channel)
        return Contact(
            tenant=arrivals.tenant,
            channel=arrivals.channel,
            priority=priority,
            arrived=at,
            handle_seconds=handle,
            patience_seconds=rng.expovariate(1 / patience) if patience else None,
            self_service_draw=rng.random(),
        )

    def _schedule_arrivals(self) -> None:
        start = self.scenario.start
        for arrivals in self.scenario.arrivals:
            stream = f"{arrivals.tenant}/{arrivals.channel}"
            for contact in self._contacts_of(arrivals, stream, lambda t: 1.0):
                self._push(contact.arrived, ARRIVE, contact)
            for number, event in enumerate(self.events):
                if event.kind != "surge" or event.channel != arrivals.channel:
                    continue
                if event.tenant not in (None, arrivals.tenant):
                    continue

                def extra(t: float, event: DrillEvent = event) -> float:
                    return event.factor - 1 if event.active(start + timedelta(seconds=t)) else 0.0

                for contact in self._contacts_of(arrivals, f"{stream}/surge{number}", extra):
                    self._push(contact.arrived, ARRIVE, contact)

    # --- running it ------------------------------------------------------------------

    def run(self) -> Simulation:
        scenario, clock = self.scenario, self.desk.clock
        for agent in self.desk.tenancy.agents():
            self.desk.tenancy.set_presence(agent.name, "available", actor=ACTOR)
        self._schedule_arrivals()
        for event in self.events:
            self._push(event.at, CHANGE, (event, True))
            if event.until is not None:
                self._push(event.until, CHANGE, (event, False))
        self._measure_capacity(scenario.start)
        while self._heap and self._heap[0][0] < scenario.end:
            moment = self._heap[0][0]
            clock.set(moment)
            route = False
            while self._heap and self._heap[0][0] == moment:
                _, kind, _, payload = heapq.heappop(self._heap)
                route = self._handle(kind, payload, moment) or route
            if route and self.waiting:
                self._route(moment)
            if self.waiting and self._tick_at is None:
                self._tick_at = moment + timedelta(seconds=TICK_SECONDS)
                self._push(self._tick_at, TICK, None)
        clock.set(scenario.end)
        self._measure_capacity(scenario.end)
        return self

    def _handle(self, kind: int, payload: Any, moment: datetime) -> bool:
        """Apply one happening; whether a routing pass should follow."""
        if kind == ARRIVE:
            return self._arrive(payload)
        if kind == FINISH:
            self.desk.resolve(payload.number, "solved", actor=ACTOR)
            return True
        if kind == ABANDON:
            if payload.outcome == "waiting":
                self.waiting.pop(payload.number)
                payload.outcome = "abandoned"
                self.desk.cancel(payload.number, "the customer hung up", actor=ACTOR)
            return False
        if kind == TICK:
            self._tick_at = None
            return True
        event, on = payload
        self._measure_capacity(moment)
        self._change(event, on)
        self._capacity = self._current_capacity()
        return True

    def _arrive(self, contact: Contact) -> bool:
        self.contacts.append(contact)
        for event in self.events:
            if (
                event.kind == "self_service"
                and event.channel == contact.channel
                and event.tenant in (None, contact.tenant)
                and event.active(contact.arrived)
                and contact.self_service_draw < event.share
            ):
                contact.outcome = "deflected"
                self.desk.save(
                    IvrSelfService(
                        tenant=contact.tenant, channel=contact.channel, timestamp=contact.arrived
                    )
                )
                return False
        impact, urgency = PRIORITY_INPUTS[contact.priority]
        contact.number = self.desk.open_incident(
            f"{contact.channel} contact",
            impact=impact,
            urgency=urgency,
            tenant=contact.tenant,
            channel=contact.channel,
            actor=ACTOR,
        ).number
        self.waiting[contact.number] = contact
        if contact.patience_seconds is not None:
            self._push(
                contact.arrived + timedelta(seconds=contact.patience_seconds), ABANDON, contact
            )
        return True

    def _route(self, moment: datetime) -> None:
        for decision in self.desk.tenancy.route(now=moment):
            if decision.agent is None:
                continue
            contact = self.waiting.pop(decision.incident, None)
            if contact is None:
                continue
            contact.outcome, contact.answered_at = "answered", moment
            contact.diverted = decision.overflowed
            self._push(moment + timedelta(seconds=contact.handle_seconds), FINISH, contact)

    # --- timed events ------------------------------------------------------------------

    def _site_agents(self, site: str) -> list[str]:
        try:
            return self.sites[site]
        except KeyError:
            raise ScenarioError(self.scenario.name, "events.site", f"no site {site!r}") from None

    def _site_tenants(self, site: str) -> list[str | None]:
        agents = set(self._site_agents(site))
        tenants = {
            team.tenant
            for team in self.desk.tenancy.teams()
            if team.kind == "dedicated" and team.tenant and agents & set(team.members)
        }
        return sorted(tenants) or [None]

    def _change(self, event: DrillEvent, on: bool) -> None:
        desk, reason = self.desk, f"drill: {event.describe()}"
        if event.kind == "outage" and event.mode == "offline":
            for agent in self._site_agents(event.site or ""):
                desk.tenancy.set_presence(agent, "offline" if on else "available", actor=ACTOR)
        elif event.kind in ("outage", "contingency"):
            if event.kind == "outage":
                for agent in self._site_agents(event.site or ""):
                    location = "remote" if on else "on_site"
                    desk.tenancy.update_agent(agent, location=location, actor=ACTOR)
            scopes = [event.tenant] if event.kind == "contingency" else None
            for tenant in scopes or self._site_tenants(event.site or ""):
                if on:
                    desk.contingency.on(tenant, reason=reason, capacity_factor=event.factor)
                else:
                    desk.contingency.off(tenant, reason=f"end of {reason}")
        elif event.kind == "diversion" and event.tenant:
            if on:
                self._overflow_waits[event.tenant] = desk.tenancy.tenant(
                    event.tenant
                ).overflow_wait_minutes
                minutes = event.after_minutes
            else:
                minutes = self._overflow_waits.pop(event.tenant)
            desk.tenancy.update_tenant(event.tenant, overflow_wait_minutes=minutes)

    # --- occupancy's denominator ---------------------------------------------------------

    def _current_capacity(self) -> dict[str, float]:
        """Items the signed-in agents can hold at once, per channel, now."""
        capacity: dict[str, float] = defaultdict(float)
        channels = {a.channel for a in self.scenario.arrivals}
        for agent in self.desk.tenancy.agents():
            if agent.presence == "offline":
                continue
            own = self.desk.contingency.capacity_of(agent.name)
            for channel in channels:
                capacity[channel] += own.get(channel, own.get(OTHER, 0))
        return capacity

    def _measure_capacity(self, moment: datetime) -> None:
        if not self._capacity:
            self._capacity = self._current_capacity()
        seconds = (moment - self._capacity_since).total_seconds()
        for channel, items in self._capacity.items():
            self.capacity_seconds[channel] += items * seconds
        self._capacity_since = moment
