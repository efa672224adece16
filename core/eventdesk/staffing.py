"""Staffing: how many agents a queue needs, by Erlang C and Erlang A.

A queue is described by its arrivals per hour, the average handling time (AHT) of a
contact and, for Erlang A, the customers' average patience before they hang up. A
service target such as ``80/20`` asks that 80 % of offered contacts be answered within
20 seconds. :func:`agents_needed` finds the fewest agents that meet it.

>>> figures = erlang_c(agents=14, arrivals_per_hour=200, aht_seconds=180, target_seconds=20)
>>> round(figures.traffic_erlangs, 2), round(figures.probability_of_waiting, 3)
(10.0, 0.174)
>>> round(figures.service_level, 3), round(figures.average_speed_of_answer, 1)
(0.888, 7.8)
>>> agents_needed(200, 180, ServiceTarget.parse("80/20")).agents
14

Erlang C assumes nobody hangs up; Erlang A (Palm's M/M/N+M) lets customers abandon
after an exponentially distributed wait with the given mean patience, which is closer to
a real phone queue and never needs more agents than Erlang C:

>>> patient = agents_needed(200, 180, ServiceTarget.parse("80/20"), patience_seconds=120)
>>> patient.agents, patient.model, round(patient.probability_of_abandoning, 3)
(12, 'erlang_a', 0.062)

The formulas are the textbook ones: Erlang C by the Erlang B recursion, its service
level ``1 − C·e^(−(N−A)·t/AHT)`` and speed of answer ``C·AHT/(N−A)``; Erlang A from the
birth-death chain of the M/M/N+M queue (states summed in log space, so hundreds of agents
do not overflow), the service level of each waiting position by uniformisation.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from eventdesk.errors import InvalidValueError

__all__ = [
    "IntervalPlan",
    "QueueFigures",
    "ServiceTarget",
    "agents_needed",
    "erlang_a",
    "erlang_c",
    "read_profile",
    "staffing_plan",
]

MAX_AGENTS = 100_000  # far beyond any queue; stops a search that could not end
_NEGLIGIBLE = 40.0  # a state this many e-folds below the largest is left out of the sums


@attrs.frozen
class ServiceTarget:
    """A share of contacts answered within some seconds: ``80/20`` is 80 % within 20 s."""

    share: float
    seconds: float

    def __attrs_post_init__(self) -> None:
        if not 0 < self.share <= 1:
            raise InvalidValueError("service target share", self.share, "above 0 and at most 1")
        if not self.seconds >= 0 or math.isinf(self.seconds):
            raise InvalidValueError("service target seconds", self.seconds, "0 or more")

    @classmethod
    def parse(cls, text: str) -> ServiceTarget:
        """``80/20`` (percent / seconds).

        >>> ServiceTarget.parse("90/15")
        ServiceTarget(share=0.9, seconds=15.0)
        """
        percent, slash, seconds = str(text).partition("/")
        try:
            if not slash:
                raise ValueError(text)
            return cls(float(percent) / 100, float(seconds))
        except ValueError:
            raise InvalidValueError(
                "service target", text, "PERCENT/SECONDS, such as 80/20"
            ) from None

    def __str__(self) -> str:
        return f"{self.share * 100:g}/{self.seconds:g}"


@attrs.frozen
class QueueFigures:
    """What a queue with ``agents`` agents gives.

    ``service_level`` is the share of offered contacts answered within the target's
    seconds; ``average_speed_of_answer`` the mean wait of answered contacts (those answered
    at once count as 0); ``occupancy`` the share of agents' time spent handling contacts;
    ``probability_of_abandoning`` is 0 under Erlang C, where nobody hangs up.
    """

    model: str  # erlang_c | erlang_a
    agents: int
    arrivals_per_hour: float
    aht_seconds: float
    traffic_erlangs: float
    probability_of_waiting: float
    average_speed_of_answer: float
    service_level: float
    occupancy: float
    probability_of_abandoning: float
    target_seconds: float
    patience_seconds: float | None = None

    @property
    def stable(self) -> bool:
        """Whether the queue stays finite: Erlang C needs more agents than the traffic."""
        return not math.isinf(self.average_speed_of_answer)


def _check(arrivals_per_hour: float, aht_seconds: float, target_seconds: float) -> None:
    if not arrivals_per_hour >= 0 or math.isinf(arrivals_per_hour):
        raise InvalidValueError("arrivals per hour", arrivals_per_hour, "0 or more")
    if not aht_seconds > 0 or math.isinf(aht_seconds):
        raise InvalidValueError("average handling time", aht_seconds, "seconds above 0")
    if not target_seconds >= 0 or math.isinf(target_seconds):
        raise InvalidValueError("target seconds", target_seconds, "0 or more")


def _check_agents(agents: int) -> None:
    if not isinstance(agents, int) or isinstance(agents, bool) or agents < 0:
        raise InvalidValueError("agents", agents, "a whole number, 0 or more")


def _idle(model: str, agents: int, aht: float, target: float, patience: float | None):
    """No arrivals: nobody waits."""
    return QueueFigures(model, agents, 0.0, aht, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, target, patience)


def erlang_b(agents: int, traffic: float) -> float:
    """Erlang B: the probability that all ``agents`` are busy in a loss system.

    >>> round(erlang_b(10, 10.0), 4)
    0.2146
    """
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return blocking


def erlang_c(
    agents: int, arrivals_per_hour: float, aht_seconds: float, target_seconds: float = 20.0
) -> QueueFigures:
    """The figures of an M/M/N queue where nobody abandons (Erlang C)."""
    _check(arrivals_per_hour, aht_seconds, target_seconds)
    _check_agents(agents)
    if arrivals_per_hour == 0:
        return _idle("erlang_c", agents, aht_seconds, target_seconds, None)
    traffic = arrivals_per_hour * aht_seconds / 3600
    if agents <= traffic:  # the queue grows without end
        return QueueFigures(
            "erlang_c", agents, arrivals_per_hour, aht_seconds, traffic,
            1.0, math.inf, 0.0, 1.0, 0.0, target_seconds,
        )  # fmt: skip
    blocking = erlang_b(agents, traffic)
    waiting = agents * blocking / (agents - traffic * (1 - blocking))
    spare = agents - traffic
    return QueueFigures(
        model="erlang_c",
        agents=agents,
        arrivals_per_hour=arrivals_per_hour,
        aht_seconds=aht_seconds,
        traffic_erlangs=traffic,
        probability_of_waiting=waiting,
        average_speed_of_answer=waiting * aht_seconds / spare,
        service_level=max(0.0, 1 - waiting * math.exp(-spare * target_seconds / aht_seconds)),
        occupancy=traffic / agents,
        probability_of_abandoning=0.0,
        target_seconds=target_seconds,
    )


def _logsumexp(values: Sequence[float]) -> float:
    top = max(values)
    return top + math.log(math.fsum(math.exp(v - top) for v in values))


def _queue_states(agents: int, traffic: float, rate_in: float, serve: float, leave: float):
    """Log of the unnormalised stationary weights of states agents, agents+1, ... of the
    M/M/N+M chain, until they are negligible, and the log weight of states below N."""
    log_traffic = math.log(traffic)
    below = [k * log_traffic - math.lgamma(k + 1) for k in range(agents)]
    weight = agents * log_traffic - math.lgamma(agents + 1)
    queue = [weight]
    j = 0
    while True:
        j += 1
        weight += math.log(rate_in / (agents * serve + j * leave))
        queue.append(weight)
        shrinking = rate_in < agents * serve + j * leave
        if shrinking and weight < max([queue[0], *below[-1:]]) - _NEGLIGIBLE:
            break
        if j > 10 * MAX_AGENTS:
            raise InvalidValueError("patience", 1 / leave, "short enough for the queue to end")
    return below, queue


def _answered_within(positions: int, target: float, serve_all: float, leave: float) -> list[float]:
    """P(answered within ``target`` seconds) for a caller with m = 0..positions-1 callers
    ahead, by uniformisation of the chain of its queue positions."""
    rates = [serve_all + (m + 1) * leave for m in range(positions)]  # leaving position m
    ahead = [serve_all + m * leave for m in range(positions)]  # ...by moving forward
    uniform = rates[-1]
    mean = uniform * target
    # Enough jumps to hold all but a negligible tail of the Poisson number of jumps.
    jumps = int(mean + 12 * math.sqrt(mean) + 30)
    done = [0.0] * positions  # P(answered within n jumps), for n = 0 so far
    total = [0.0] * positions
    log_weight = -mean  # log Poisson(n; mean) for n = 0
    for n in range(1, jumps + 1):
        previous = done
        done = [
            (ahead[m] / uniform) * (previous[m - 1] if m else 1.0)
            + (1 - rates[m] / uniform) * previous[m]
            for m in range(positions)
        ]
        log_weight += math.log(mean) - math.log(n) if mean > 0 else -math.inf
        weight = math.exp(log_weight)
        for m in range(positions):
            total[m] += weight * done[m]
    return total


def erlang_a(
    agents: int,
    arrivals_per_hour: float,
    aht_seconds: float,
    patience_seconds: float,
    target_seconds: float = 20.0,
) -> QueueFigures:
    """The figures of an M/M/N+M queue (Erlang A): callers hang up after an exponentially
    distributed wait with mean ``patience_seconds``."""
    _check(arrivals_per_hour, aht_seconds, target_seconds)
    _check_agents(agents)
    if not patience_seconds > 0 or math.isinf(patience_seconds):
        raise InvalidValueError("patience", patience_seconds, "seconds above 0")
    if arrivals_per_hour == 0:
        return _idle("erlang_a", agents, aht_seconds, target_seconds, patience_seconds)
    rate_in = arrivals_per_hour / 3600
    serve = 1 / aht_seconds
    leave = 1 / patience_seconds
    traffic = rate_in * aht_seconds
    below, queue = _queue_states(agents, traffic, rate_in, serve, leave)
    norm = _logsumexp(below + queue)
    p_below = [math.exp(w - norm) for w in below]
    p_queue = [math.exp(w - norm) for w in queue]  # index j: j callers waiting
    waiting = math.fsum(p_queue)
    queue_length = math.fsum(j * p for j, p in enumerate(p_queue))
    abandoning = leave * queue_length / rate_in
    # A caller arriving with m callers waiting ahead (m = j) is answered if each of the
    # m + 1 steps to an agent comes before its own patience runs out.
    served = []
    mean_wait = []
    chance, time = 1.0, 0.0
    for m in range(len(p_queue)):
        rate = agents * serve + (m + 1) * leave
        chance *= (agents * serve + m * leave) / rate
        time += 1 / rate
        served.append(chance)
        mean_wait.append(chance * time)
    answered = math.fsum(p_below) + math.fsum(p * s for p, s in zip(p_queue, served, strict=True))
    waited = math.fsum(p * w for p, w in zip(p_queue, mean_wait, strict=True))
    if agents == 0:
        within = [0.0] * len(p_queue)
    else:
        within = _answered_within(len(p_queue), target_seconds, agents * serve, leave)
    in_time = math.fsum(p_below) + math.fsum(p * w for p, w in zip(p_queue, within, strict=True))
    return QueueFigures(
        model="erlang_a",
        agents=agents,
        arrivals_per_hour=arrivals_per_hour,
        aht_seconds=aht_seconds,
        traffic_erlangs=traffic,
        probability_of_waiting=min(1.0, waiting),
        average_speed_of_answer=waited / answered if answered else math.inf,
        service_level=min(1.0, in_time),
        occupancy=min(1.0, traffic * (1 - abandoning) / agents) if agents else 1.0,
        probability_of_abandoning=min(1.0, abandoning),
        target_seconds=target_seconds,
        patience_seconds=patience_seconds,
    )


def figures(
    agents: int,
    arrivals_per_hour: float,
    aht_seconds: float,
    target_seconds: float = 20.0,
    patience_seconds: float | None = None,
) -> QueueFigures:
    """Erlang A when a patience is given, Erlang C otherwise."""
    if patience_seconds is None:
        return erlang_c(agents, arrivals_per_hour, aht_seconds, target_seconds)
    return erlang_a(agents, arrivals_per_hour, aht_seconds, patience_seconds, target_seconds)


def agents_needed(
    arrivals_per_hour: float,
    aht_seconds: float,
    target: ServiceTarget,
    *,
    patience_seconds: float | None = None,
    max_occupancy: float | None = None,
    max_abandonment: float | None = None,
) -> QueueFigures:
    """The fewest agents whose service level meets ``target``, whose occupancy stays at or
    below ``max_occupancy`` and whose share of callers hanging up stays at or below
    ``max_abandonment`` (each when given), with that queue's figures.

    Under Erlang A a queue can meet a service level by losing callers (those who hang up
    are not answered late): ``max_abandonment`` keeps that honest.
    """
    if max_occupancy is not None and not 0 < max_occupancy <= 1:
        raise InvalidValueError("maximum occupancy", max_occupancy, "above 0 and at most 1")
    if max_abandonment is not None and not 0 <= max_abandonment < 1:
        raise InvalidValueError("maximum abandonment", max_abandonment, "0 or more, below 1")
    _check(arrivals_per_hour, aht_seconds, target.seconds)
    if arrivals_per_hour == 0:
        return figures(0, 0.0, aht_seconds, target.seconds, patience_seconds)
    traffic = arrivals_per_hour * aht_seconds / 3600
    floor = 1 if patience_seconds is None else 0  # below this many, the target is out of reach
    if patience_seconds is None:
        floor = math.floor(traffic) + 1  # Erlang C needs more agents than the traffic
    if max_occupancy is not None:
        floor = max(floor, math.ceil(traffic / max_occupancy - 1e-9))

    def meets(agents: int) -> QueueFigures | None:
        found = figures(agents, arrivals_per_hour, aht_seconds, target.seconds, patience_seconds)
        if found.service_level < target.share - 1e-12:
            return None
        if max_abandonment is not None and found.probability_of_abandoning > max_abandonment:
            return None
        return found

    # The service level rises with every agent: double until it is met, then halve the gap.
    low, high = floor - 1, max(floor, 1)
    best = meets(high)
    while best is None:
        if high > MAX_AGENTS:
            raise InvalidValueError(
                "arrivals per hour", arrivals_per_hour, "a queue some number of agents can serve"
            )
        low, high = high, high * 2
        best = meets(high)
    while high - low > 1:
        middle = (low + high) // 2
        found = meets(middle)
        if found is None:
            low = middle
        else:
            high, best = middle, found
    return best


@attrs.frozen
class IntervalPlan:
    """One interval of a day's staffing plan."""

    start: str  # HH:MM
    hours: float  # how long the interval lasts
    figures: QueueFigures


def read_profile(source: str | Path | Iterable[str]) -> list[tuple[str, float, float | None]]:
    """An arrival profile: CSV rows ``start,arrivals_per_hour[,aht_seconds]`` with a header,
    starts as ``HH:MM`` in order. A file path, or the lines themselves.

    >>> read_profile(["start,arrivals_per_hour", "08:00,120", "09:00,200,240"])
    [('08:00', 120.0, None), ('09:00', 200.0, 240.0)]
    """
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            lines: Iterable[str] = io.StringIO(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise InvalidValueError("arrival profile", str(source), "a readable file") from error
        except UnicodeDecodeError:
            raise InvalidValueError("arrival profile", str(source), "UTF-8 text") from None
    else:
        lines = source
    rows = [row for row in csv.reader(lines) if row and any(cell.strip() for cell in row)]
    if not rows or [cell.strip() for cell in rows[0][:2]] != ["start", "arrivals_per_hour"]:
        raise InvalidValueError(
            "arrival profile header", ",".join(rows[0]) if rows else "", "start,arrivals_per_hour"
        )
    profile: list[tuple[str, float, float | None]] = []
    for number, row in enumerate(rows[1:], start=2):
        try:
            start = _minutes(row[0].strip())
            arrivals = float(row[1])
            aht = float(row[2]) if len(row) > 2 and row[2].strip() else None
        except (ValueError, IndexError):
            raise InvalidValueError(
                f"arrival profile row {number}", ",".join(row), "HH:MM,ARRIVALS[,AHT]"
            ) from None
        if profile and start <= _minutes(profile[-1][0]):
            raise InvalidValueError(
                f"arrival profile row {number}", row[0], "a start after the previous one"
            )
        profile.append((row[0].strip(), arrivals, aht))
    if not profile:
        raise InvalidValueError("arrival profile", "no rows", "at least one interval")
    return profile


def _minutes(text: str) -> int:
    hours, colon, minutes = text.partition(":")
    if not colon or len(minutes) != 2 or not hours.isdigit() or not minutes.isdigit():
        raise ValueError(text)
    value = int(hours) * 60 + int(minutes)
    if int(minutes) >= 60 or value >= 24 * 60:
        raise ValueError(text)
    return value


def staffing_plan(
    profile: Sequence[tuple[str, float, float | None]],
    aht_seconds: float,
    target: ServiceTarget,
    *,
    patience_seconds: float | None = None,
    max_occupancy: float | None = None,
    max_abandonment: float | None = None,
) -> list[IntervalPlan]:
    """Agents needed in each interval of a day's arrival profile (each interval lasts until
    the next one starts; the last until midnight). A row's own AHT wins over
    ``aht_seconds``."""
    plan = []
    for index, (start, arrivals, aht) in enumerate(profile):
        end = _minutes(profile[index + 1][0]) if index + 1 < len(profile) else 24 * 60
        found = agents_needed(
            arrivals,
            aht if aht is not None else aht_seconds,
            target,
            patience_seconds=patience_seconds,
            max_occupancy=max_occupancy,
            max_abandonment=max_abandonment,
        )
        plan.append(IntervalPlan(start, (end - _minutes(start)) / 60, found))
    return plan
