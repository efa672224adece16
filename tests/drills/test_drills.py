"""Drills: scenario files, the baseline's common random numbers, the scratch desks, the
record, and the HTML file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from eventdesk import ManualClock, ServiceDesk
from eventdesk.drills import Scenario, ScenarioError, drill_history, record_drill, run_drill
from eventdesk.drills.html import render_drill_html
from eventdesk.drills.service import simulate

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def small(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "drill": {"name": "small", "start": "2026-03-02T09:00:00Z", "hours": 1},
        "desk": {
            "tenants": [{"name": "acme", "model": "dedicated", "manager": "sofia"}],
            "teams": [{"name": "acme-desk", "kind": "dedicated", "tenant": "acme"}],
            "agents": [{"prefix": "a", "count": 2, "teams": ["acme-desk"], "site": "paris"}],
        },
        "arrivals": [{"tenant": "acme", "channel": "voice", "per_hour": 30}],
        "handling": {"voice": {"mean_seconds": 200}},
        "patience": {"voice": 60},
    }
    return data | changes


def test_the_baseline_sees_the_same_contacts_as_the_drill() -> None:
    scenario = Scenario.from_mapping(
        small(events=[{"kind": "outage", "site": "paris", "at": "09:10", "until": "09:40"}])
    )
    drill = simulate(scenario, seed=4)
    baseline = simulate(scenario, seed=4, with_events=False)
    try:
        same = [(c.arrived, c.handle_seconds, c.patience_seconds) for c in drill.contacts]
        assert same == [
            (c.arrived, c.handle_seconds, c.patience_seconds) for c in baseline.contacts
        ]
        assert len(same) > 5
        # Nobody answers during the outage (both agents are in Paris).
        assert not [
            c
            for c in drill.contacts
            if c.answered_at and scenario.events[0].active(c.answered_at) and c.waited_seconds
        ]
        assert sum(c.outcome == "abandoned" for c in drill.contacts) > sum(
            c.outcome == "abandoned" for c in baseline.contacts
        )
    finally:
        drill.desk.close()
        baseline.desk.close()


def test_another_seed_gives_another_day() -> None:
    scenario = Scenario.from_mapping(small())
    first, second = simulate(scenario, seed=1), simulate(scenario, seed=2)
    try:
        assert [c.arrived for c in first.contacts] != [c.arrived for c in second.contacts]
    finally:
        first.desk.close()
        second.desk.close()


def test_working_remotely_switches_contingency_on_for_the_sites_tenant() -> None:
    scenario = Scenario.from_mapping(
        small(events=[{"kind": "outage", "site": "paris", "mode": "remote", "at": "09:00"}])
    )
    drill = simulate(scenario, seed=1)
    try:
        status = drill.desk.contingency.status("acme")
        assert status.on and status.capacity_factor == 0.5
        assert drill.desk.tenancy.agent("a-1").location == "remote"
    finally:
        drill.desk.close()


def test_a_drill_is_recorded_on_the_live_desk_and_listed(tmp_path: Path) -> None:
    scenario = Scenario.load(EXAMPLES / "drill-storm-surge.toml")
    clock = ManualClock(datetime(2026, 9, 1, 10, 0, tzinfo=UTC))
    with ServiceDesk(str(tmp_path / "live.db"), clock=clock) as live:
        result = run_drill(scenario, seed=2, live=live)
        record_drill(live, result, scenario, actor="sofia")
        [recorded] = drill_history(live)
        assert live.list_incidents().total == 0  # the drill ran elsewhere
    assert (recorded.name, recorded.seed, recorded.actor) == ("Storm surge on voice", 2, "sofia")
    assert recorded.recorded_at == clock.now()
    assert list(recorded.results) == result.to_dict()["results"]
    html = render_drill_html(result)
    assert 'id="chart-comparison"' in html and 'id="chart-volume"' in html


def test_a_copy_of_the_live_desk_is_drilled_and_the_live_desk_is_only_read(tmp_path: Path) -> None:
    with ServiceDesk(str(tmp_path / "live.db")) as live:
        live.tenancy.register_tenant("acme", model="dedicated", service_manager="sofia")
        live.tenancy.form_team("acme-desk", kind="dedicated", tenant="acme")
        live.tenancy.register_agent("lea", teams=["acme-desk"])
        head = live.recorder.max_notification_id()
        data = small()
        data["desk"] = {"copy": "live"}
        result = run_drill(Scenario.from_mapping(data), seed=1, live=live)
        assert live.recorder.max_notification_id() == head
    [row] = result.rows
    assert row["offered"] > 0 and row["answered"] > 0


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"drill": {"start": "soon"}}, "drill.start"),
        ({"arrivals": []}, "arrivals"),
        ({"handling": {}}, "handling.voice"),
        ({"events": [{"kind": "flood", "at": "10:00"}]}, "events[0].kind"),
        ({"events": [{"kind": "surge", "at": "10:00"}]}, "events[0].channel"),
        (
            {"events": [{"kind": "outage", "site": "x", "at": "11:00", "until": "10:00"}]},
            "events[0].until",
        ),
        ({"targets": {"voice": "fast"}}, "targets.voice"),
        ({"events": [{"kind": "contingency", "factor": 2, "at": "10:00"}]}, "events[0].factor"),
        ({"patience": {"voice": -1}}, "patience.voice"),
    ],
)
def test_a_bad_scenario_is_refused_by_the_key_at_fault(change: dict, named: str) -> None:
    # Fail to read a scenario with a bad value
    with pytest.raises(ScenarioError) as caught:
        Scenario.from_mapping(small(**change), source="bad.toml")
    assert f"invalid scenario bad.toml: {named}" in str(caught.value)


def test_an_outage_of_an_unknown_site_is_refused() -> None:
    scenario = Scenario.from_mapping(
        small(events=[{"kind": "outage", "site": "rome", "at": "09:00"}])
    )
    # Fail to drill an outage of a site nobody works at
    with pytest.raises(ScenarioError, match="no site 'rome'"):
        simulate(scenario, seed=1)


def test_the_report_of_the_drilled_day_counts_the_ivr_deflections() -> None:
    result = run_drill(Scenario.load(EXAMPLES / "drill-storm-surge.toml"), seed=3)
    [row] = result.rows
    assert result.report is not None
    assert result.report.deflection["deflections"] == row["deflected"] > 0
