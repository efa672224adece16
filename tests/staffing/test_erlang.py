"""Erlang C and Erlang A against independent oracles: the textbook formula with exact
factorials, and a discrete-event simulation of the queue itself."""

from __future__ import annotations

import collections
import heapq
import math
import random
from fractions import Fraction

import pytest
from eventdesk.errors import InvalidValueError
from eventdesk.staffing import (
    ServiceTarget,
    agents_needed,
    erlang_a,
    erlang_c,
    read_profile,
    staffing_plan,
)


def textbook_erlang_c(agents: int, traffic: Fraction) -> Fraction:
    """P(wait) = (A^N/N! · N/(N−A)) / (Σ_{k<N} A^k/k! + A^N/N! · N/(N−A)), exactly."""
    top = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
    return top / (sum(traffic**k / math.factorial(k) for k in range(agents)) + top)


@pytest.mark.parametrize(
    ("agents", "per_hour", "aht"), [(1, 10, 180), (14, 200, 180), (30, 500, 200), (55, 1200, 150)]
)
def test_erlang_c_agrees_with_the_exact_textbook_formula(agents, per_hour, aht) -> None:
    traffic = Fraction(per_hour * aht, 3600)
    exact = textbook_erlang_c(agents, traffic)
    found = erlang_c(agents, per_hour, aht, target_seconds=20)
    assert found.probability_of_waiting == pytest.approx(float(exact), rel=1e-9)
    spare = agents - float(traffic)
    assert found.average_speed_of_answer == pytest.approx(float(exact) * aht / spare, rel=1e-9)
    assert found.service_level == pytest.approx(
        1 - float(exact) * math.exp(-spare * 20 / aht), rel=1e-9
    )
    assert found.occupancy == pytest.approx(float(traffic) / agents)


def simulate(
    agents: int, per_hour: float, aht: float, patience: float | None, target: float, calls: int
) -> dict[str, float]:
    """An M/M/N(+M) queue, first come first served, played call by call."""
    chance = random.Random(20261130)
    arrivals = [0.0]
    for _ in range(calls - 1):
        arrivals.append(arrivals[-1] + chance.expovariate(per_hour / 3600))
    free_at = [0.0] * agents  # when each agent is next free: a heap
    heapq.heapify(free_at)
    outcome = collections.Counter()
    waits = []
    for arrived in arrivals:
        gives_up = arrived + (chance.expovariate(1 / patience) if patience else math.inf)
        # FCFS with abandonment: the earliest free agent takes the call unless the caller
        # has hung up by then (an agent freed meanwhile by a hang-up stays free).
        start = max(arrived, free_at[0])
        if start > arrived:
            outcome["waited"] += 1
        if start > gives_up:
            outcome["abandoned"] += 1
            continue
        heapq.heapreplace(free_at, start + chance.expovariate(1 / aht))
        waits.append(start - arrived)
        outcome["in_time"] += start - arrived <= target
    return {
        "waiting": outcome["waited"] / calls,
        "service_level": outcome["in_time"] / calls,
        "abandoning": outcome["abandoned"] / calls,
        "speed_of_answer": sum(waits) / len(waits),
    }


@pytest.mark.parametrize(
    ("agents", "per_hour", "aht", "patience"),
    [(14, 200, 180, None), (12, 200, 180, 120.0), (9, 200, 180, 60.0), (40, 900, 150, 90.0)],
    ids=["erlang-c", "erlang-a", "erlang-a-understaffed", "erlang-a-large"],
)
def test_the_formulas_agree_with_a_simulated_queue(agents, per_hour, aht, patience) -> None:
    simulated = simulate(agents, per_hour, aht, patience, target=20, calls=60_000)
    if patience is None:
        found = erlang_c(agents, per_hour, aht, target_seconds=20)
    else:
        found = erlang_a(agents, per_hour, aht, patience, target_seconds=20)
    # 60,000 calls: a share is good to about ±0.01; the mean wait to about ±8 %.
    assert found.probability_of_waiting == pytest.approx(simulated["waiting"], abs=0.015)
    assert found.service_level == pytest.approx(simulated["service_level"], abs=0.015)
    assert found.probability_of_abandoning == pytest.approx(simulated["abandoning"], abs=0.01)
    assert found.average_speed_of_answer == pytest.approx(simulated["speed_of_answer"], rel=0.1)


def test_erlang_a_becomes_erlang_c_when_nobody_hangs_up() -> None:
    patient = erlang_a(14, 200, 180, patience_seconds=1e9, target_seconds=20)
    plain = erlang_c(14, 200, 180, target_seconds=20)
    assert patient.probability_of_waiting == pytest.approx(plain.probability_of_waiting, rel=1e-4)
    assert patient.service_level == pytest.approx(plain.service_level, rel=1e-4)
    assert patient.average_speed_of_answer == pytest.approx(plain.average_speed_of_answer, rel=1e-3)
    assert patient.probability_of_abandoning < 1e-6


def test_the_agents_needed_are_the_fewest_that_meet_the_target() -> None:
    target = ServiceTarget.parse("80/20")
    found = agents_needed(200, 180, target)
    assert found.agents == 14 and found.service_level >= 0.8
    assert erlang_c(13, 200, 180, 20).service_level < 0.8


def test_erlang_c_never_staffs_at_or_below_the_traffic() -> None:
    # 10 Erlangs: 10 agents would let the queue grow for ever, however lax the target.
    assert erlang_c(10, 200, 180).stable is False
    assert agents_needed(200, 180, ServiceTarget.parse("1/3600")).agents == 11


def test_a_cap_on_abandonment_or_occupancy_adds_agents() -> None:
    target = ServiceTarget.parse("80/20")
    loose = agents_needed(20_000, 300, target, patience_seconds=60)
    assert loose.probability_of_abandoning > 0.1  # the target is met by losing callers
    capped = agents_needed(20_000, 300, target, patience_seconds=60, max_abandonment=0.05)
    assert capped.probability_of_abandoning <= 0.05 < loose.probability_of_abandoning
    assert capped.agents > loose.agents
    assert agents_needed(200, 180, target, max_occupancy=0.6).agents == 17  # ⌈10 / 0.6⌉


def test_no_arrivals_need_no_agents() -> None:
    found = agents_needed(0, 180, ServiceTarget.parse("80/20"))
    assert (found.agents, found.service_level, found.occupancy) == (0, 1.0, 0.0)


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda: erlang_c(5, -1, 180), "arrivals per hour"),
        (lambda: erlang_c(5, 10, 0), "average handling time"),
        (lambda: erlang_c(-1, 10, 180), "agents"),
        (lambda: erlang_a(5, 10, 180, 0), "patience"),
        (lambda: ServiceTarget.parse("eighty"), "service target"),
        (lambda: ServiceTarget(1.5, 20), "service target share"),
        (lambda: agents_needed(10, 180, ServiceTarget(0.8, 20), max_occupancy=0), "occupancy"),
    ],
)
def test_bad_figures_are_refused_by_name(call, named) -> None:
    with pytest.raises(InvalidValueError, match=named):
        call()


def test_a_day_profile_is_staffed_interval_by_interval() -> None:
    profile = read_profile(
        ["start,arrivals_per_hour,aht_seconds", "08:00,120", "09:30,200,240", "18:00,0"]
    )
    plan = staffing_plan(profile, 180, ServiceTarget.parse("80/20"))
    assert [(i.start, i.hours) for i in plan] == [("08:00", 1.5), ("09:30", 8.5), ("18:00", 6.0)]
    assert plan[0].figures.agents == agents_needed(120, 180, ServiceTarget(0.8, 20)).agents
    assert plan[1].figures.aht_seconds == 240  # the row's own handling time
    assert plan[2].figures.agents == 0


@pytest.mark.parametrize(
    ("lines", "named"),
    [
        (["hour,rate", "08:00,1"], "header"),
        (["start,arrivals_per_hour", "8am,1"], "row 2"),
        (["start,arrivals_per_hour", "09:00,1", "08:00,1"], "after the previous"),
        (["start,arrivals_per_hour", "24:00,1"], "row 2"),
        (["start,arrivals_per_hour"], "at least one"),
    ],
)
def test_a_bad_profile_is_refused_with_the_row(lines, named) -> None:
    with pytest.raises(InvalidValueError, match=named):
        read_profile(lines)
