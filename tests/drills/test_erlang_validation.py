"""A drill of one queue (Poisson arrivals, exponential handling, N agents, nobody hangs
up) through the real desk agrees with Erlang C within statistical error.

The error is measured, not assumed: the calls are cut into consecutive batches, and the
spread of the batch means gives the standard error of the whole run's figure (batch
means absorb the correlation between neighbouring calls' waits)."""

from __future__ import annotations

import statistics

import pytest
from eventdesk.drills import Scenario
from eventdesk.drills.service import simulate
from eventdesk.staffing import erlang_c

AGENTS, PER_HOUR, AHT = 3, 60.0, 120.0  # 2 Erlangs on 3 agents
CALLS_HOURS = 120.0  # about 7,200 calls
WARM_UP = 100  # calls left out while the queue fills from empty
BATCHES = 20


def single_queue() -> Scenario:
    return Scenario.from_mapping(
        {
            "drill": {"name": "one queue", "start": "2026-03-02T00:00:00Z", "hours": CALLS_HOURS},
            "desk": {
                "tenants": [{"name": "solo", "model": "dedicated", "manager": "sofia"}],
                "teams": [{"name": "solo-desk", "kind": "dedicated", "tenant": "solo"}],
                "agents": [
                    {
                        "prefix": "agent",
                        "count": AGENTS,
                        "teams": ["solo-desk"],
                        "capacity": {"voice": 1},
                    }
                ],
            },
            "arrivals": [{"tenant": "solo", "channel": "voice", "per_hour": PER_HOUR}],
            "handling": {"voice": {"mean_seconds": AHT}},
        }
    )


def batch_mean_and_error(values: list[float]) -> tuple[float, float]:
    size = len(values) // BATCHES
    means = [statistics.fmean(values[i * size : (i + 1) * size]) for i in range(BATCHES)]
    return statistics.fmean(means), statistics.stdev(means) / BATCHES**0.5


@pytest.mark.slow
def test_a_drill_of_one_queue_agrees_with_erlang_c() -> None:
    simulation = simulate(single_queue(), seed=2026)
    try:
        calls = [c for c in simulation.contacts if c.outcome == "answered"][WARM_UP:]
        waits = [c.waited_seconds for c in calls]
        assert len(waits) > 6500
        formula = erlang_c(AGENTS, PER_HOUR, AHT)
        waiting, waiting_error = batch_mean_and_error([float(w > 0) for w in waits])
        speed, speed_error = batch_mean_and_error(waits)
        # The run is long enough for a tight test: standard errors below 0.025 and 15 %.
        assert waiting_error < 0.025 and speed_error < 0.15 * formula.average_speed_of_answer
        assert abs(waiting - formula.probability_of_waiting) < 3 * waiting_error
        assert abs(speed - formula.average_speed_of_answer) < 3 * speed_error
    finally:
        simulation.desk.close()
