"""``eventdesk staffing``: figures as JSON, and errors in one line."""

from __future__ import annotations

from pathlib import Path

from .conftest import failed_in_one_line, json_of, succeeded


def test_the_json_answer_names_the_model_and_the_agents(eventdesk) -> None:
    plain = json_of(eventdesk("staffing", "--arrivals-per-hour", "200", "--aht", "180", "--json"))
    assert (plain["model"], plain["agents"], plain["target"]) == ("erlang_c", 14, "80/20")
    patient = json_of(
        eventdesk(
            "staffing", "--arrivals-per-hour", "200", "--aht", "180", "--patience", "120",
            "--max-occupancy", "75", "--json",
        )
    )  # fmt: skip
    assert patient["model"] == "erlang_a"
    assert patient["occupancy"] <= 0.75 and patient["agents"] == 14


def test_a_plan_adds_up_its_agent_hours(eventdesk, tmp_path: Path) -> None:
    profile = tmp_path / "day.csv"
    profile.write_text("start,arrivals_per_hour\n00:00,200\n12:00,0\n", encoding="utf-8")
    plan = json_of(eventdesk("staffing", "--profile", str(profile), "--aht", "180", "--json"))
    assert [i["agents"] for i in plan["intervals"]] == [14, 0]
    assert plan["agent_hours"] == 14 * 12


def test_a_bad_profile_is_one_line(eventdesk, tmp_path: Path) -> None:
    profile = tmp_path / "day.csv"
    profile.write_text("start,arrivals_per_hour\n09:00,lots\n", encoding="utf-8")
    line = failed_in_one_line(eventdesk("staffing", "--profile", str(profile), "--aht", "180"))
    assert (
        line == "Error: invalid arrival profile row 2 '09:00,lots': expected HH:MM,ARRIVALS[,AHT]"
    )
    missing = failed_in_one_line(
        eventdesk("staffing", "--profile", str(tmp_path / "nope.csv"), "--aht", "180")
    )
    assert "arrival profile" in missing and "readable file" in missing


def test_rate_and_profile_are_one_or_the_other(eventdesk) -> None:
    neither = eventdesk("staffing", "--aht", "180")
    assert neither.exit_code == 2 and "one of --arrivals-per-hour and --profile" in neither.stderr
    succeeded(eventdesk("staffing", "--arrivals-per-hour", "0", "--aht", "180"))
