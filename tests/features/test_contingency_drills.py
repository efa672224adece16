"""Scenarios of features/contingency_drills.feature, through ``eventdesk drill``.

A drill runs on scratch desks of its own, so the scenarios run once, not on every
store; the live desk is a SQLite file that the drill only records on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from eventdesk.application import ServiceDesk
from eventdesk.cli import cli
from pytest_bdd import given, parsers, scenarios, then, when

scenarios("contingency_drills.feature")

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


@pytest.fixture(autouse=True)
def every_store() -> None:
    """A drill builds its own scratch desks: no store to run it on."""


@pytest.fixture
def live_db(tmp_path: Path) -> Path:
    return tmp_path / "live.db"


@pytest.fixture
def runs() -> list[Result]:
    return []


def drill(live_db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(live_db), "drill", *args])


def last(runs: list[Result]) -> dict[str, Any]:
    assert runs[-1].exit_code == 0, runs[-1].output
    return json.loads(runs[-1].stdout)


def queue(runs: list[Result], tenant: str, channel: str) -> dict[str, Any]:
    rows = last(runs)["results"]
    return next(r for r in rows if r["tenant"] == tenant and r["channel"] == channel)


@given(parsers.parse('this drill scenario "{name}":'))
def scenario_file(tmp_path: Path, name: str, docstring: str) -> None:
    (tmp_path / name).write_text(docstring + "\n", encoding="utf-8")


@when(parsers.re(r'the lead runs the drill "(?P<name>[^"]+)" with seed (?P<seed>\d+)(?: again)?'))
def run_drill(tmp_path: Path, live_db: Path, runs: list[Result], name: str, seed: str) -> None:
    path = tmp_path / name if (tmp_path / name).exists() else EXAMPLES / name
    runs.append(drill(live_db, "run", str(path), "--seed", seed, "--json"))


@then(
    parsers.parse(
        "the drill and its baseline were offered the same {count:d} {channel} calls of {tenant}"
    )
)
def same_offer(runs: list[Result], count: int, channel: str, tenant: str) -> None:
    row = queue(runs, tenant, channel)
    assert row["offered"] == row["baseline"]["offered"] == count


def compared(runs: list[Result], tenant: str, channel: str, figure: str) -> tuple[float, float]:
    row = queue(runs, tenant, channel)
    return row[figure], row["baseline"][figure]


@then(
    parsers.parse("{tenant}'s {channel} service level is lower in the drill than in the baseline")
)
def lower_service(runs: list[Result], tenant: str, channel: str) -> None:
    drill_level, baseline_level = compared(runs, tenant, channel, "service_level")
    assert drill_level < baseline_level


@then(parsers.parse("more of {tenant}'s callers hang up in the drill than in the baseline"))
def more_hang_up(runs: list[Result], tenant: str) -> None:
    drill_share, baseline_share = compared(runs, tenant, "voice", "abandonment")
    assert drill_share > baseline_share


@then(parsers.parse("{tenant}'s {channel} occupancy is higher in the drill than in the baseline"))
def busier(runs: list[Result], tenant: str, channel: str) -> None:
    drill_share, baseline_share = compared(runs, tenant, channel, "occupancy")
    assert drill_share > baseline_share


@then(parsers.parse("{tenant} was offered more {channel} calls in the drill than in the baseline"))
def more_calls(runs: list[Result], tenant: str, channel: str) -> None:
    offered, baseline_offered = compared(runs, tenant, channel, "offered")
    assert offered > baseline_offered


@then(
    parsers.re(
        r"the (?P<who>IVR|shared pool) (?:resolved|answered) part of (?P<tenant>\w+)'s "
        r"(?P<channel>\w+) calls in the drill and none in the baseline"
    )
)
def part_of_calls(runs: list[Result], who: str, tenant: str, channel: str) -> None:
    figure = {"IVR": "deflected_share", "shared pool": "diverted_share"}[who]
    share, baseline_share = compared(runs, tenant, channel, figure)
    assert share > 0 and baseline_share == 0


@then("the live desk has no incidents")
def live_untouched(live_db: Path) -> None:
    with ServiceDesk(str(live_db)) as desk:
        assert desk.list_incidents().total == 0
        assert desk.tenancy.tenants() == []


@then("the live desk's contingency mode is still off")
def live_contingency_off(live_db: Path) -> None:
    with ServiceDesk(str(live_db)) as desk:
        assert not desk.contingency.status().on


@then("both runs give the same figures")
def same_figures(runs: list[Result]) -> None:
    first, second = (json.loads(r.stdout) for r in runs[-2:])
    assert first["results"] == second["results"] and first["contacts"] == second["contacts"]


@then(parsers.parse('the drill history lists "{name}" with seed {seed:d} and its results'))
def listed(live_db: Path, runs: list[Result], name: str, seed: int) -> None:
    result = drill(live_db, "history", "--json")
    assert result.exit_code == 0, result.output
    [recorded] = json.loads(result.stdout)
    assert (recorded["name"], recorded["seed"]) == (name, seed)
    assert recorded["results"] == last(runs)["results"]


@then(parsers.parse('the drill is refused with "{first}" and "{second}"'))
def refused(runs: list[Result], first: str, second: str) -> None:
    result = runs[-1]
    assert result.exit_code == 1
    assert first in result.output and second in result.output
    assert len(result.output.strip().splitlines()) == 1
