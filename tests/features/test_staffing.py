"""Scenarios of features/staffing.feature, run through the ``eventdesk staffing`` command.

Staffing needs no desk, so the scenarios run once, not on every store.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from eventdesk.cli import cli
from eventdesk.staffing import erlang_c
from pytest_bdd import given, parsers, scenarios, then, when

from .conftest import table

scenarios("staffing.feature")


@pytest.fixture(autouse=True)
def every_store() -> None:
    """Staffing is arithmetic on the queue: no store to run it on."""


@pytest.fixture
def queue() -> dict[str, Any]:
    return {}


@pytest.fixture
def answer() -> dict[str, Any]:
    return {}


def staffing(answer: dict[str, Any], *args: str) -> None:
    result: Result = CliRunner().invoke(cli, ["staffing", *args, "--json"])
    answer.clear()
    answer["result"] = result
    if result.exit_code == 0:
        answer.update(json.loads(result.stdout))


def percent(value: float) -> str:
    return f"{value * 100:.1f} %"


def queue_options(queue: dict[str, Any]) -> list[str]:
    options = ["--aht", str(queue["aht"])]
    if "patience" in queue:
        options += ["--patience", str(queue["patience"])]
    if "profile" in queue:
        return [*options, "--profile", str(queue["profile"])]
    return [*options, "--arrivals-per-hour", str(queue["rate"])]


@given(parsers.parse("calls arrive at {rate:d} an hour and each takes {aht:d} seconds to handle"))
def calls_arrive(queue: dict[str, Any], rate: int, aht: int) -> None:
    queue.update(rate=rate, aht=aht)


@given(parsers.parse("callers hang up after {patience:d} seconds of waiting on average"))
def callers_hang_up(queue: dict[str, Any], patience: int) -> None:
    queue["patience"] = patience


@given(parsers.parse("this arrival profile for {day}:"))
def arrival_profile(queue: dict[str, Any], tmp_path: Path, datatable, day: str) -> None:
    path = tmp_path / f"{day.lower()}.csv"
    path.write_text("\n".join(",".join(row) for row in datatable) + "\n", encoding="utf-8")
    queue["profile"] = path


@given(parsers.parse("each call takes {aht:d} seconds to handle"))
def each_call_takes(queue: dict[str, Any], aht: int) -> None:
    queue["aht"] = aht


@when(parsers.parse("the planner asks for agents to answer {share:d} % within {seconds:d} seconds"))
def ask_for_agents(queue: dict[str, Any], answer: dict[str, Any], share: int, seconds: int) -> None:
    staffing(answer, *queue_options(queue), "--target", f"{share}/{seconds}")


@when(
    parsers.parse(
        "the planner asks for agents to answer {share:d} % within {seconds:d} seconds "
        "with at most {most:d} % hanging up"
    )
)
def ask_with_a_cap(
    queue: dict[str, Any], answer: dict[str, Any], share: int, seconds: int, most: int
) -> None:
    staffing(
        answer, *queue_options(queue), "--target", f"{share}/{seconds}", "--max-abandon", str(most)
    )


@when(
    parsers.parse(
        "the planner looks at a queue with {agents:d} agents and a target of "
        "{share:d} % within {seconds:d} seconds"
    )
)
def look_at_a_queue(
    queue: dict[str, Any], answer: dict[str, Any], agents: int, share: int, seconds: int
) -> None:
    found = erlang_c(agents, queue["rate"], queue["aht"], seconds)
    answer.clear()
    answer.update(service_level=found.service_level, met=found.service_level >= share / 100)


@when(parsers.parse("the planner asks for a plan to answer {share:d} % within {seconds:d} seconds"))
def ask_for_a_plan(queue: dict[str, Any], answer: dict[str, Any], share: int, seconds: int) -> None:
    staffing(answer, *queue_options(queue), "--target", f"{share}/{seconds}")


@when(parsers.parse('the planner asks for agents with the target "{target}"'))
def ask_with_a_bad_target(queue: dict[str, Any], answer: dict[str, Any], target: str) -> None:
    staffing(answer, *queue_options(queue), "--target", target)


@then(parsers.parse("{agents:d} agents are needed"))
def agents_are_needed(answer: dict[str, Any], agents: int) -> None:
    assert answer["agents"] == agents, answer


@then(parsers.parse("{share} of calls are answered within {seconds:d} seconds"))
def answered_within(answer: dict[str, Any], share: str, seconds: int) -> None:
    assert percent(answer["service_level"]) == share, answer
    assert answer.get("target_seconds", seconds) == seconds


@then(parsers.parse("callers wait {seconds:f} seconds on average"))
def callers_wait(answer: dict[str, Any], seconds: float) -> None:
    assert round(answer["average_speed_of_answer_seconds"], 1) == seconds, answer


@then(parsers.parse("the agents are busy {share} of the time"))
def agents_busy(answer: dict[str, Any], share: str) -> None:
    assert percent(answer["occupancy"]) == share, answer


@then(parsers.parse("{share} of callers hang up"))
def callers_hang_up_share(answer: dict[str, Any], share: str) -> None:
    assert percent(answer["probability_of_abandoning"]) == share, answer


@then("the plan is:")
def the_plan_is(answer: dict[str, Any], datatable) -> None:
    shown = [
        {"start": i["start"], "agents": str(i["agents"]), "in time": percent(i["service_level"])}
        for i in answer["intervals"]
    ]
    assert shown == table(datatable), answer


@then(parsers.parse("the plan needs {hours:d} agent-hours"))
def plan_needs(answer: dict[str, Any], hours: int) -> None:
    assert answer["agent_hours"] == hours, answer


@then(parsers.parse('the planner is told "{message}"'))
def planner_is_told(answer: dict[str, Any], message: str) -> None:
    result: Result = answer["result"]
    assert result.exit_code != 0
    assert message in result.stderr, result.stderr


@then("the target is missed")
def target_missed(answer: dict[str, Any]) -> None:
    assert answer["met"] is False
