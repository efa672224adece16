"""``eventdesk calendar ...``, ``eventdesk sla ...`` and the SLA in ``incident show/sla``."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from eventdesk import ManualClock, ServiceDesk
from eventdesk.cli import cli
from eventdesk.clock import SystemClock

WriteToml = Callable[[str, str], Path]
MONDAY_8 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
STRICT_POLICY = """
    [policy]
    name = "strict"
    [policy.targets.P1]
    response = "5m"
    resolution = "2h"
    [policy.targets.P3]
    response = "20m"
    resolution = "8h"
"""
OFFICE_POLICY = """
    [policy]
    name = "office"
    calendar = "madrid-office"
    [policy.targets.P3]
    response = "1h"
    resolution = "8h"
"""


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.db")


def run(*args: str, db: str | None = None) -> Result:
    prefix = ["--db", db] if db else []
    return CliRunner().invoke(cli, [*prefix, *args], catch_exceptions=False)


def run_json(*args: str, db: str | None = None) -> Any:
    result = run(*args, "--json", db=db)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def assert_one_line_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    for fragment in fragments:
        assert fragment in lines[0]


# --- calendar deadline and check ----------------------------------------------


def test_calendar_deadline_gives_the_deadline_in_utc_and_local_time(
    madrid_office_file: Path,
) -> None:
    answer = run_json(
        "calendar",
        "deadline",
        "--calendar",
        str(madrid_office_file),
        "--start",
        "2026-03-06T15:00:00Z",  # Friday 16:00 in Madrid
        "--duration",
        "4h",
    )
    assert answer["deadline_utc"] == "2026-03-09T10:00:00Z"
    assert answer["deadline_local"] == "2026-03-09T11:00:00+01:00"
    assert answer["calendar"] == "madrid-office"


def test_calendar_deadline_across_a_daylight_saving_change(madrid_office_file: Path) -> None:
    answer = run_json(
        "calendar",
        "deadline",
        "--calendar",
        str(madrid_office_file),
        "--start",
        "2026-03-27T16:00:00+01:00",
        "--duration",
        "90m",
    )
    # 16:00-17:30 on Friday; Monday is in summer time.
    assert answer["deadline_utc"] == "2026-03-27T16:30:00Z"
    answer = run_json(
        "calendar",
        "deadline",
        "--calendar",
        str(madrid_office_file),
        "--start",
        "2026-03-27T16:00:00+01:00",
        "--duration",
        "3h",
    )
    assert answer["deadline_local"] == "2026-03-30T10:00:00+02:00"
    assert answer["deadline_utc"] == "2026-03-30T08:00:00Z"


def test_calendar_deadline_in_plain_text(madrid_office_file: Path) -> None:
    result = run(
        "calendar",
        "deadline",
        "--calendar",
        str(madrid_office_file),
        "--start",
        "2026-03-06T15:00",
        "--duration",
        "1h30m",
    )
    assert result.exit_code == 0
    assert result.output.strip() == (
        "2026-03-06T16:30:00Z  (2026-03-06T17:30:00+01:00 Europe/Madrid)"
    )


def test_days_are_accepted_on_24x7_and_refused_on_a_business_calendar(
    madrid_office_file: Path,
) -> None:
    start = ("--start", "2026-03-06T15:00Z")
    answer = run_json("calendar", "deadline", "--calendar", "24x7", *start, "--duration", "3d")
    assert answer["deadline_utc"] == "2026-03-09T15:00:00Z"

    # Fail to take "3d" on office hours.
    office = ("--calendar", str(madrid_office_file))
    result = run("calendar", "deadline", *office, *start, "--duration", "3d")
    assert_one_line_error(result, "3d", "madrid-office")


def test_calendar_deadline_refuses_bad_input(madrid_office_file: Path, tmp_path: Path) -> None:
    office = ("--calendar", str(madrid_office_file))
    start = ("--start", "2026-03-06T15:00Z")
    # Fail to read a start that is not ISO 8601: misuse.
    result = run("calendar", "deadline", *office, "--start", "Friday", "--duration", "4h")
    assert result.exit_code == 2
    # Fail to read a duration, or a calendar that is not there: one-line errors.
    result = run("calendar", "deadline", *office, *start, "--duration", "soon")
    assert_one_line_error(result, "duration", "soon")
    missing = str(tmp_path / "missing.toml")
    result = run("calendar", "deadline", "--calendar", missing, *start, "--duration", "4h")
    assert_one_line_error(result, missing)


def test_calendar_check_accepts_a_good_file(madrid_office_file: Path) -> None:
    result = run("calendar", "check", str(madrid_office_file))
    assert result.exit_code == 0
    assert "'madrid-office' is valid" in result.output
    assert "40 h a week" in result.output
    answer = run_json("calendar", "check", str(madrid_office_file))
    assert answer["valid"] is True
    assert answer["hours"]["mon"] == ["09:00-13:00", "14:00-18:00"]
    assert answer["holidays"] == {"country": "ES", "subdivision": "MD", "dates": ["2026-12-24"]}


def test_calendar_check_refuses_a_bad_file_naming_the_key(write_toml: WriteToml) -> None:
    path = write_toml(
        "bad.toml",
        """
        [calendar]
        name = "office"
        timezone = "Europe/Madrid"
        [calendar.hours]
        mon = ["09:00-13:00", "22:00-10:00"]
        tue = ["09:00-13:00"]
        """,
    )
    assert_one_line_error(
        run("calendar", "check", str(path)),
        str(path),
        "calendar.hours.mon[1]",
        "an interval that ends by 09:00, when tue's first interval starts",
    )


# --- calendar explain ---------------------------------------------------------

NIGHT_SHIFT = """
    [calendar]
    name = "night-shift"
    timezone = "Europe/Madrid"
    [calendar.hours]
    mon = ["22:00-06:00"]
    tue = ["22:00-06:00"]
    wed = ["22:00-06:00"]
    thu = ["22:00-06:00"]
    fri = ["22:00-06:00"]
    [calendar.holidays]
    country = "ES"
    subdivision = "MD"
    dates = ["2026-12-24"]
"""


@pytest.fixture
def night_shift_file(write_toml: WriteToml) -> Path:
    """22:00-06:00, Monday night to Friday night, in Madrid; Christmas Eve listed as a holiday."""
    return write_toml("night-shift.toml", NIGHT_SHIFT)


def explain_args(source: object, start: str, duration: str) -> tuple[str, ...]:
    return ("calendar", "explain", str(source), "--start", start, "--duration", duration)


def test_calendar_explain_prints_the_intervals_a_person_can_add_up(
    night_shift_file: Path, db: str
) -> None:
    # Wednesday 23 December 2026, 23:00 in Madrid.
    result = run(*explain_args(night_shift_file, "2026-12-23T22:00Z", "10h"), db=db)
    assert result.exit_code == 0, result.output
    lines = [line.rstrip() for line in result.output.splitlines()]
    assert lines[0] == "10h of business time on night-shift from Wed 2026-12-23 23:00 Europe/Madrid"
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in lines if "│" in line]
    assert rows == [
        [
            "1",
            "Wed 2026-12-23 23:00",
            "Thu 2026-12-24 06:00",
            "2026-12-23 22:00",
            "2026-12-24 05:00",
            "7h00m",
            "7h00m",
        ],
        [
            "2",
            "Mon 2026-12-28 22:00",
            "Tue 2026-12-29 01:00",
            "2026-12-28 21:00",
            "2026-12-29 00:00",
            "3h00m",
            "10h00m",
        ],
    ]
    assert lines[-5:] == [
        "skipped Thu 2026-12-24: holiday (listed in the calendar)",
        "skipped Fri 2026-12-25: holiday (Christmas Day)",
        "skipped Sat 2026-12-26: closed (no opening hours on Saturday)",
        "skipped Sun 2026-12-27: closed (no opening hours on Sunday)",
        "deadline 2026-12-29T00:00:00Z  (2026-12-29T01:00:00+01:00 Europe/Madrid)",
    ]
    # A calendar file needs no database.
    assert not Path(db).exists()


def test_calendar_explain_json_agrees_with_calendar_deadline(night_shift_file: Path) -> None:
    args = explain_args(night_shift_file, "2026-03-27T20:00Z", "9h")  # Friday 21:00 in Madrid
    answer = run_json(*args)
    # Friday's night runs into Saturday morning; no nights at the weekend.
    assert [
        (i["start_local"], i["end_local"], i["seconds"], i["total_seconds"])
        for i in answer["intervals"]
    ] == [
        ("2026-03-27T22:00:00+01:00", "2026-03-28T06:00:00+01:00", 8 * 3600.0, 8 * 3600.0),
        ("2026-03-30T22:00:00+02:00", "2026-03-30T23:00:00+02:00", 3600.0, 9 * 3600.0),
    ]
    assert answer["intervals"][1]["start_utc"] == "2026-03-30T20:00:00Z"
    assert [(day["date"], day["kind"]) for day in answer["skipped"]] == [
        ("2026-03-28", "closed"),
        ("2026-03-29", "closed"),
    ]
    assert (answer["duration"], answer["duration_seconds"]) == ("9h", 9 * 3600.0)
    deadline = run_json(
        "calendar",
        "deadline",
        "--calendar",
        str(night_shift_file),
        "--start",
        "2026-03-27T20:00Z",
        "--duration",
        "9h",
    )
    assert (answer["deadline_utc"], answer["deadline_local"]) == (
        deadline["deadline_utc"],
        deadline["deadline_local"],
    )
    assert answer["deadline_utc"] == answer["intervals"][-1]["end_utc"] == "2026-03-30T21:00:00Z"


def test_calendar_explain_and_deadline_read_a_stored_calendar_by_name(
    db: str, night_shift_file: Path
) -> None:
    assert run("calendar", "import", str(night_shift_file), db=db).exit_code == 0
    by_name = run_json(*explain_args("night-shift", "2026-12-31T22:00Z", "8h"), db=db)
    by_file = run_json(*explain_args(night_shift_file, "2026-12-31T22:00Z", "8h"))
    assert by_name == by_file
    # The night of New Year's Eve is worked; New Year's Day's is off; the weekend has none.
    assert by_name["deadline_local"] == "2027-01-04T23:00:00+01:00"
    assert [(day["date"], day["why"]) for day in by_name["skipped"]] == [
        ("2027-01-01", "New Year's Day"),
        ("2027-01-02", "no opening hours on Saturday"),
        ("2027-01-03", "no opening hours on Sunday"),
    ]
    deadline = run_json(
        "calendar",
        "deadline",
        "--calendar",
        "night-shift",
        "--start",
        "2026-12-31T22:00Z",
        "--duration",
        "8h",
        db=db,
    )
    assert deadline["deadline_local"] == by_name["deadline_local"]
    on_24x7 = run_json(*explain_args("24x7", "2026-12-31T22:00Z", "3d"), db=db)
    assert len(on_24x7["intervals"]) == 1 and on_24x7["deadline_utc"] == "2027-01-03T22:00:00Z"


def test_calendar_explain_refuses_bad_input_in_one_line(
    db: str, night_shift_file: Path, write_toml: WriteToml, tmp_path: Path
) -> None:
    start = "2026-03-02T09:00Z"
    # Fail to read a start that is not a time, or a duration that is not one.
    assert_one_line_error(
        run(*explain_args(night_shift_file, "next monday", "4h"), db=db),
        "invalid start 'next monday'",
        "ISO 8601",
    )
    assert_one_line_error(
        run(*explain_args(night_shift_file, start, "soon"), db=db), "duration", "soon"
    )
    assert_one_line_error(
        run(*explain_args(night_shift_file, start, "2d"), db=db),
        "days are only accepted on 24x7, not on night-shift",
    )
    # Fail to read a file that is not there, or is malformed.
    missing = tmp_path / "missing.toml"
    assert_one_line_error(run(*explain_args(missing, start, "4h"), db=db), str(missing), "(file)")
    clash = write_toml(
        "clash.toml", NIGHT_SHIFT.replace('tue = ["22:00-06:00"]', 'tue = ["05:00-09:00"]')
    )
    assert_one_line_error(
        run(*explain_args(clash, start, "4h"), db=db),
        "calendar.hours.mon[0]",
        "ends by 05:00, when tue's first interval starts",
    )
    # Fail to find a calendar by a name the desk does not know.
    assert_one_line_error(
        run(*explain_args("day-shift", start, "4h"), db=db),
        "day-shift",
        "the name of a calendar in the desk",
    )


# --- policies -----------------------------------------------------------------


def test_a_policy_is_imported_and_put_in_use(
    db: str, madrid_office_file: Path, write_toml: WriteToml
) -> None:
    policy = str(write_toml("office.toml", OFFICE_POLICY))
    # Fail to import a policy before its calendar.
    assert_one_line_error(run("sla", "policy", "import", policy, db=db), "madrid-office")

    assert run("calendar", "import", str(madrid_office_file), db=db).exit_code == 0
    assert run_json("calendar", "list", db=db) == ["24x7", "madrid-office"]
    stored = run_json("sla", "policy", "import", policy, db=db)
    assert stored["targets"]["3"] == {
        "response": 3600,
        "resolution": 8 * 3600,
        "calendar": "madrid-office",
    }
    assert run_json("sla", "policy", "list", db=db) == [
        {"name": "default", "in_use": True},
        {"name": "office", "in_use": False},
    ]
    result = run("sla", "policy", "use", "office", db=db)
    assert result.exit_code == 0
    assert "'office' in use" in result.output
    assert run_json("sla", "policy", "show", db=db)["name"] == "office"
    # Fail to use a policy the desk does not have.
    assert_one_line_error(run("sla", "policy", "use", "platinum", db=db), "platinum")


def test_a_policy_imported_with_use_applies_to_the_clocks(
    db: str, madrid_office_file: Path, write_toml: WriteToml, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The command line reads the system clock: here it is the morning before the incident,
    # because a policy applies to the incidents opened once it is in use.
    monkeypatch.setattr(SystemClock, "now", lambda self: datetime(2026, 3, 6, 8, tzinfo=UTC))
    run("calendar", "import", str(madrid_office_file), db=db)
    policy = str(write_toml("office.toml", OFFICE_POLICY))
    assert "stored and in use" in run("sla", "policy", "import", policy, "--use", db=db).output
    with ServiceDesk(db=db, clock=ManualClock(datetime(2026, 3, 6, 15, tzinfo=UTC))) as desk:
        number = desk.open_incident("Printer", impact=2, urgency=2).number

    clocks = run_json("incident", "sla", number, "--at", "2026-03-06T15:30:00Z", db=db)
    assert [(c["metric"], c["calendar"], c["deadline"]) for c in clocks] == [
        ("response", "madrid-office", "2026-03-06T16:00:00Z"),
        ("resolution", "madrid-office", "2026-03-09T15:00:00Z"),
    ]


# --- clocks and timers --------------------------------------------------------


def test_incident_show_json_has_the_sla_clocks(db: str) -> None:
    opened = run_json("incident", "open", "-s", "Mail down", "-i", "1", "-u", "1", db=db)
    shown = run_json("incident", "show", opened["number"], db=db)
    assert [clock["metric"] for clock in shown["sla"]] == ["response", "resolution"]
    opened_at = datetime.fromisoformat(shown["opened_at"])
    for clock, target in zip(shown["sla"], (15 * 60, 4 * 3600), strict=True):
        assert {"metric", "state", "deadline", "elapsed_seconds", "remaining_seconds"} <= set(clock)
        assert clock["state"] == "running"
        assert datetime.fromisoformat(clock["deadline"]) == opened_at + timedelta(seconds=target)
        assert clock["deadline"].endswith("Z")
        assert clock["elapsed_seconds"] + clock["remaining_seconds"] == pytest.approx(target)


@pytest.fixture
def story_db(db: str) -> str:
    """INC0000001 (P1) opened Monday 08:00, put on hold for the caller 08:05-09:05."""
    clock = ManualClock(MONDAY_8)
    with ServiceDesk(db=db, clock=clock) as desk:
        number = desk.open_incident("VPN down", impact=1, urgency=1, caller="carla").number
        desk.start(number)
        clock.advance(minutes=5)
        desk.hold(number, "awaiting_caller")
        clock.advance(hours=1)
        desk.resume(number)
    return db


def test_incident_sla_at_a_past_instant(story_db: str) -> None:
    at = {
        "08:04": ("running", "2026-03-02T08:15:00Z", 240, 660),
        "08:30": ("paused", None, 300, 600),
        "09:10": ("running", "2026-03-02T09:15:00Z", 600, 300),
        "09:20": ("breached", "2026-03-02T09:15:00Z", 1200, 0),
    }
    for moment, expected in at.items():
        instant = f"2026-03-02T{moment}:00Z"
        response = run_json("incident", "sla", "INC0000001", "--at", instant, db=story_db)[0]
        got = tuple(response[k] for k in ("state", "deadline", "elapsed_seconds"))
        assert (*got, max(response["remaining_seconds"], 0)) == expected, moment


def test_sla_tick_raises_each_moment_once(story_db: str) -> None:
    # Fail to find anything due before 75 % of the response (08:11:15 plus the hour on hold).
    assert run_json("sla", "tick", "--now", "2026-03-02T09:11:14Z", db=story_db) == []
    raised = run_json("sla", "tick", "--now", "2026-03-02T09:14:00Z", db=story_db)
    assert raised == [
        {
            "incident": "INC0000001",
            "metric": "response",
            "moment": "75%",
            "due_at": "2026-03-02T09:11:15Z",
            "escalated_to": "shift_manager",
            "supervisor": None,
            "reason": None,
            "reassigned_to": None,
        },
        {
            "incident": "INC0000001",
            "metric": "response",
            "moment": "90%",
            "due_at": "2026-03-02T09:13:30Z",
            "escalated_to": "team_manager",
            "supervisor": None,
            "reason": None,
            "reassigned_to": None,
        },
    ]
    assert run_json("sla", "tick", "--now", "2026-03-02T09:14:00Z", db=story_db) == []
    result = run("sla", "tick", "--now", "2026-03-02T09:15:00Z", db=story_db)
    assert result.output.splitlines() == [
        "INC0000001 response breach (due 2026-03-02T09:15:00Z), escalated to director",
        "1 raised.",
    ]


def test_sla_replay_compares_attainment_under_another_policy(
    db: str, write_toml: WriteToml
) -> None:
    clock = ManualClock(MONDAY_8)
    with ServiceDesk(db=db, clock=clock) as desk:
        # summary: (impact, urgency), answered after minutes, resolved after hours
        stories = {"fast P1": ((1, 1), 10, 3), "slow P1": ((1, 1), 20, 5), "P3": ((2, 2), 30, 10)}
        for summary, ((impact, urgency), answered, resolved) in stories.items():
            clock.set(MONDAY_8)
            number = desk.open_incident(summary, impact=impact, urgency=urgency).number
            clock.advance(minutes=answered)
            desk.comment(number, "On it", actor="ana")
            clock.set(MONDAY_8 + timedelta(hours=resolved))
            desk.resolve(number, "fixed", actor="ana")
        head = desk.projector.head()
    other = str(write_toml("strict.toml", STRICT_POLICY))

    report = run_json("sla", "replay", "--policy", other, db=db)
    assert set(report) == {"default", "strict"}
    default = {row["priority"]: row for row in report["default"]}
    strict = {row["priority"]: row for row in report["strict"]}
    assert default[1]["incidents"] == strict[1]["incidents"] == 2
    assert (default[1]["response_percent"], default[1]["resolution_percent"]) == (50.0, 50.0)
    assert (default[3]["response_percent"], default[3]["resolution_percent"]) == (100.0, 100.0)
    assert (strict[1]["response_percent"], strict[1]["resolution_percent"]) == (0.0, 0.0)
    assert (strict[3]["response_met"], strict[3]["resolution_breached"]) == (0, 1)

    text = run("sla", "replay", "--policy", other, db=db)
    assert text.exit_code == 0
    assert "response strict" in text.output
    assert "50.0 %" in text.output
    # Read-only: nothing was written.
    with ServiceDesk(db=db) as desk:
        assert desk.projector.head() == head


def test_sla_replay_since_an_instant(db: str, write_toml: WriteToml) -> None:
    clock = ManualClock(MONDAY_8)
    with ServiceDesk(db=db, clock=clock) as desk:
        for day in range(3):
            clock.set(MONDAY_8 + timedelta(days=day))
            number = desk.open_incident(f"day {day}", impact=1, urgency=1).number
            clock.advance(minutes=1)
            desk.resolve(number, "fixed")
    other = str(write_toml("strict.toml", STRICT_POLICY))
    report = run_json("sla", "replay", "--policy", other, "--since", "2026-03-03T00:00Z", db=db)
    assert [row["incidents"] for row in report["default"]] == [2]
    assert [row["resolution_met"] for row in report["strict"]] == [2]


def test_sla_replay_against_a_policy_of_the_same_name(db: str, write_toml: WriteToml) -> None:
    with ServiceDesk(db=db, clock=ManualClock(MONDAY_8)) as desk:
        desk.resolve(desk.open_incident("Mail", impact=1, urgency=1).number, "fixed")
    other = str(write_toml("default.toml", STRICT_POLICY.replace('"strict"', '"default"')))
    report = run_json("sla", "replay", "--policy", other, db=db)
    assert list(report) == ["default", "default (other)"]
    assert report["default (other)"][0]["incidents"] == 1


# --- metrics, hops, policy changes ---------------------------------------------

DEEP_POLICY = """
    [policy]
    name = "deep"
    [policy.targets.P3]
    response = "1h"
    next_reply = "30m"
    resolution = "8h"
    [policy.ola.first-line]
    target = "30m"
    [policy.underpinning.telco]
    target = "8h"
    [policy.waiting]
    limit = "2h"
    action = "supervisor"
    level = "team_manager"
"""


@pytest.fixture
def virtual_time(monkeypatch: pytest.MonkeyPatch) -> ManualClock:
    """The command line reads the system clock: here a virtual one, from Monday 08:00."""
    clock = ManualClock(MONDAY_8)
    monkeypatch.setattr(SystemClock, "now", lambda self: clock.now())
    return clock


def test_every_metric_a_policy_names_shows_on_the_command_line(
    db: str, write_toml: WriteToml, virtual_time: ManualClock
) -> None:
    run("sla", "policy", "import", str(write_toml("deep.toml", DEEP_POLICY)), "--use", db=db)
    shown = run("sla", "policy", "show", db=db).output
    assert "next_reply" in shown and "0:30:00" in shown
    assert "OLA first-line: 0:30:00 on the incident's calendar" in shown
    assert "UC telco: 8:00:00" in shown
    assert "waiting conversations: after 2h: bring in team_manager" in shown

    number = run_json(
        "incident",
        "open",
        "-s",
        "VPN",
        "-i",
        "2",
        "-u",
        "2",
        "--caller",
        "carla",
        "--group",
        "first-line",
        db=db,
    )["number"]
    virtual_time.advance(minutes=10)
    assert (
        run(
            "--actor",
            "helpbot",
            "incident",
            "comment",
            number,
            "Try again",
            "--author-kind",
            "bot",
            db=db,
        ).exit_code
        == 0
    )
    virtual_time.advance(minutes=5)
    run("--actor", "bo", "incident", "comment", number, "On it", db=db)
    virtual_time.advance(minutes=5)
    run("--actor", "carla", "incident", "comment", number, "Still down", db=db)
    virtual_time.advance(minutes=5)
    clocks = run_json("incident", "sla", number, db=db)
    assert [(c["clock"], c["state"], c["elapsed_seconds"]) for c in clocks] == [
        ("response", "met", 15 * 60.0),
        ("next_reply#1", "running", 5 * 60.0),
        ("resolution", "running", 25 * 60.0),
    ]
    table = run("incident", "sla", number, db=db).output
    assert "next_reply#1" in table and "cycles met/breached" in table

    run("incident", "escalate", number, "--group", "telco", db=db)
    virtual_time.advance(minutes=20)
    hops = run_json("sla", "hops", number, db=db)
    assert [(h["clock"], h["kind"], h["state"], h["business_seconds"]) for h in hops] == [
        ("ola:first-line#1", "ola", "met", 25 * 60.0),
        ("uc:telco#2", "uc", "running", 20 * 60.0),
    ]
    assert run_json("incident", "sla", number, "--hops", db=db) == hops
    table = run("sla", "hops", number, db=db).output.splitlines()
    cells = [[c.strip() for c in line.split("│")[1:5]] for line in table if "telco" in line]
    assert cells == [["2", "telco", "uc", "running"]]
    # Fail to name an author kind the desk does not know.
    bad = run("incident", "comment", number, "x", "--author-kind", "robot", db=db)
    assert bad.exit_code == 2


def test_policy_changes_on_the_command_line_say_where_they_apply_from(
    db: str, write_toml: WriteToml, virtual_time: ManualClock
) -> None:
    run("sla", "policy", "import", str(write_toml("office.toml", STRICT_POLICY)), db=db)
    number = run_json("incident", "open", "-s", "VPN", "-i", "2", "-u", "2", db=db)["number"]
    virtual_time.advance(minutes=30)
    used = run("sla", "policy", "use", "strict", "--retroactive", db=db)
    assert used.output.strip() == "SLA policy 'strict' in use from the opening of open incidents."
    [response, _] = run_json("incident", "sla", number, db=db)
    assert (response["state"], response["target_seconds"]) == ("breached", 20 * 60.0)

    run("tenant", "add", "acme", "--model", "shared", "--manager", "sofia", db=db)
    tenant_incident = run_json(
        "incident", "open", "-s", "Tills", "-i", "2", "-u", "2", "--tenant", "acme", db=db
    )["number"]
    virtual_time.advance(minutes=10)
    changed = run(
        "tenant", "update", "acme", "--policy", "default", "--sla-from", "opening", "--json", db=db
    )
    assert changed.exit_code == 0, changed.output
    [response, _] = run_json("incident", "sla", tenant_incident, db=db)
    assert (response["state"], response["target_seconds"]) == ("running", 3600.0)
    run("tenant", "update", "acme", "--policy", "none", db=db)
    assert run_json("incident", "sla", tenant_incident, db=db) == []
    # Fail to say where a change applies from in words the desk does not know.
    bad = run("tenant", "update", "acme", "--policy", "strict", "--sla-from", "later", db=db)
    assert bad.exit_code == 2


def test_sla_replay_shows_the_other_metrics_either_policy_measures(
    db: str, write_toml: WriteToml
) -> None:
    with ServiceDesk(db=db, clock=ManualClock(MONDAY_8)) as desk:
        number = desk.open_incident("VPN", impact=2, urgency=2, caller="carla").number
        desk.comment(number, "On it", actor="bo")
    other = str(write_toml("deep.toml", DEEP_POLICY))
    table = run("sla", "replay", "--policy", other, db=db).output
    assert "next_reply default" in table and "next_reply deep" in table
    rows = run_json("sla", "replay", "--policy", other, db=db)
    assert "next_reply_percent" in rows["deep"][0]
    # Each side reports what its policy measures: the default has no next replies.
    assert "next_reply_percent" not in rows["default"][0]
