"""Properties of the Erlang figures that hold for every queue."""

from __future__ import annotations

import math

from eventdesk.staffing import ServiceTarget, agents_needed, erlang_a, erlang_c
from hypothesis import example, given, settings
from hypothesis import strategies as st

RATES = st.floats(min_value=1, max_value=3000)
AHTS = st.floats(min_value=10, max_value=1200)
PATIENCE = st.floats(min_value=5, max_value=1800)
TARGET_SECONDS = st.floats(min_value=0, max_value=120)
SHARES = st.floats(min_value=0.5, max_value=0.95)
SETTINGS = settings(max_examples=60, deadline=None)


def traffic(rate: float, aht: float) -> float:
    return rate * aht / 3600


@SETTINGS
@given(rate=RATES, aht=AHTS, seconds=TARGET_SECONDS, extra=st.integers(1, 20))
def test_erlang_c_gets_better_with_every_agent(rate, aht, seconds, extra) -> None:
    agents = math.floor(traffic(rate, aht)) + extra
    fewer, more = erlang_c(agents, rate, aht, seconds), erlang_c(agents + 1, rate, aht, seconds)
    assert 0 <= more.probability_of_waiting <= fewer.probability_of_waiting <= 1
    assert fewer.service_level <= more.service_level + 1e-12 <= 1 + 1e-12
    assert more.average_speed_of_answer <= fewer.average_speed_of_answer
    assert more.occupancy < fewer.occupancy < 1


@SETTINGS
@given(rate=RATES, aht=AHTS, patience=PATIENCE, seconds=TARGET_SECONDS, agents=st.integers(1, 80))
def test_erlang_a_gets_better_with_every_agent(rate, aht, patience, seconds, agents) -> None:
    fewer = erlang_a(agents, rate, aht, patience, seconds)
    more = erlang_a(agents + 1, rate, aht, patience, seconds)
    for figures in (fewer, more):
        assert 0 <= figures.probability_of_abandoning <= figures.probability_of_waiting <= 1
        assert 0 <= figures.service_level <= 1 and 0 <= figures.occupancy <= 1
    assert more.probability_of_abandoning <= fewer.probability_of_abandoning + 1e-9
    assert more.probability_of_waiting <= fewer.probability_of_waiting + 1e-9
    assert more.service_level >= fewer.service_level - 1e-9


@SETTINGS
@given(rate=RATES, aht=AHTS, patience=PATIENCE, agents=st.integers(1, 80))
def test_a_caller_who_can_hang_up_never_waits_longer_than_under_erlang_c(
    rate, aht, patience, agents
) -> None:
    plain = erlang_c(agents, rate, aht, 20)
    impatient = erlang_a(agents, rate, aht, patience, 20)
    assert impatient.probability_of_waiting <= plain.probability_of_waiting + 1e-9
    assert impatient.average_speed_of_answer <= plain.average_speed_of_answer * (1 + 1e-9)


@SETTINGS
@given(
    rate=RATES,
    aht=AHTS,
    share=SHARES,
    seconds=TARGET_SECONDS,
    patience=st.none() | PATIENCE,
)
@example(rate=1.0, aht=10.0, share=0.5, seconds=0.0, patience=5.0)  # the search tries 0 agents
def test_the_agents_needed_meet_the_target_and_one_fewer_would_not(
    rate, aht, share, seconds, patience
) -> None:
    target = ServiceTarget(share, seconds)
    found = agents_needed(rate, aht, target, patience_seconds=patience)
    assert found.service_level >= share - 1e-12
    fewer = found.agents - 1
    if fewer < 1 or (patience is None and fewer <= traffic(rate, aht)):
        return
    if patience is None:
        assert erlang_c(fewer, rate, aht, seconds).service_level < share
    else:
        assert erlang_a(fewer, rate, aht, patience, seconds).service_level < share
