"""Malformed calendar and policy files are refused, naming the file, the key and what was wanted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import attrs
import pytest
from eventdesk.calendars import BusinessCalendar, load_calendar
from eventdesk.domain import HoldReason
from eventdesk.errors import ConfigFileError
from eventdesk.sla.policy import HopAgreement, SlaPolicy, Target, WaitingRule, load_policy

WriteToml = Callable[[str, str], Path]

GOOD_CALENDAR = {
    "head": '[calendar]\nname = "office"\ntimezone = "Europe/Madrid"\n',
    "hours": '[calendar.hours]\nmon = ["09:00-13:00", "14:00-18:00"]\n',
}


def calendar_text(*, head: str | None = None, hours: str | None = None, extra: str = "") -> str:
    return (
        (GOOD_CALENDAR["head"] if head is None else head)
        + (GOOD_CALENDAR["hours"] if hours is None else hours)
        + extra
    )


def refused(load: Callable[[Path], object], path: Path) -> ConfigFileError:
    # Fail to load a malformed file.
    with pytest.raises(ConfigFileError) as caught:
        load(path)
    error = caught.value
    assert str(error).startswith(f"{path}: {error.details['key']}: expected ")
    assert "\n" not in str(error)
    return error


CALENDAR_MISTAKES = {
    "no [calendar] table": (
        '[calender]\nname = "office"\n',
        "calendar",
        "a [calendar] table",
    ),
    "no name": (
        calendar_text(head='[calendar]\ntimezone = "Europe/Madrid"\n'),
        "calendar.name",
        "a non-empty string",
    ),
    "unknown time zone": (
        calendar_text(head='[calendar]\nname = "office"\ntimezone = "Europe/Madird"\n'),
        "calendar.timezone",
        "an IANA time zone",
    ),
    "time zone not text": (
        calendar_text(head='[calendar]\nname = "office"\ntimezone = 1\n'),
        "calendar.timezone",
        "an IANA time zone",
    ),
    "no hours": (
        calendar_text(hours=""),
        "calendar.hours",
        "a table of weekdays",
    ),
    "interval not HH:MM-HH:MM": (
        calendar_text(hours='[calendar.hours]\nmon = ["09:00-13:00", "2pm-6pm"]\n'),
        "calendar.hours.mon[1]",
        'an interval "HH:MM-HH:MM"',
    ),
    "interval not text": (
        calendar_text(hours="[calendar.hours]\ntue = [9]\n"),
        "calendar.hours.tue[0]",
        'an interval "HH:MM-HH:MM"',
    ),
    "hours not a list": (
        calendar_text(hours='[calendar.hours]\nwed = "09:00-17:00"\n'),
        "calendar.hours.wed",
        "a list of",
    ),
    "hour out of range": (
        calendar_text(hours='[calendar.hours]\nthu = ["09:00-25:00"]\n'),
        "calendar.hours.thu[0]",
        "times from 00:00 to 24:00",
    ),
    "empty interval": (
        calendar_text(hours='[calendar.hours]\nfri = ["09:00-13:00", "14:00-14:00"]\n'),
        "calendar.hours.fri[1]",
        "a start and an end that differ (00:00-24:00 is a whole day)",
    ),
    "night into the next day's hours": (
        calendar_text(hours='[calendar.hours]\nmon = ["22:00-07:00"]\ntue = ["06:00-14:00"]\n'),
        "calendar.hours.mon[0]",
        "an interval that ends by 06:00, when tue's first interval starts",
    ),
    "Sunday night into Monday's hours": (
        calendar_text(hours='[calendar.hours]\nmon = ["08:00-16:00"]\nsun = ["20:00-09:00"]\n'),
        "calendar.hours.sun[0]",
        "an interval that ends by 08:00, when mon's first interval starts",
    ),
    "unknown weekday": (
        calendar_text(hours='[calendar.hours]\nmonday = ["09:00-17:00"]\n'),
        "calendar.hours.monday",
        "a weekday: mon … sun",
    ),
    "every day closed": (
        calendar_text(hours="[calendar.hours]\nmon = []\n"),
        "calendar.hours",
        "at least one open interval",
    ),
    "bad date": (
        calendar_text(extra='[calendar.holidays]\ndates = ["2026-12-24", "2026-02-30"]\n'),
        "calendar.holidays.dates[1]",
        "a date YYYY-MM-DD",
    ),
    "date not text": (
        calendar_text(extra="[calendar.holidays]\ndates = [20261224]\n"),
        "calendar.holidays.dates[0]",
        "a date YYYY-MM-DD",
    ),
    "unknown country": (
        calendar_text(extra='[calendar.holidays]\ncountry = "XX"\n'),
        "calendar.holidays.country",
        "an ISO 3166 country code",
    ),
    "unknown subdivision": (
        calendar_text(extra='[calendar.holidays]\ncountry = "ES"\nsubdivision = "ZZ"\n'),
        "calendar.holidays.subdivision",
        "a subdivision of ES",
    ),
    "subdivision without a country": (
        calendar_text(extra='[calendar.holidays]\nsubdivision = "MD"\n'),
        "calendar.holidays.subdivision",
        "a country beside it",
    ),
    "unknown holidays key": (
        calendar_text(extra='[calendar.holidays]\nregion = "MD"\n'),
        "calendar.holidays.region",
        "only country, subdivision and dates",
    ),
    "misspelt holidays table": (
        calendar_text(extra='[calendar.hollidays]\ndates = ["2026-12-24"]\n'),
        "calendar.hollidays",
        "only name, timezone, hours and holidays",
    ),
    "misspelt calendar key": (
        calendar_text(head='[calendar]\nname = "office"\ntimezon = "Europe/Madrid"\n'),
        "calendar.timezon",
        "only name, timezone, hours and holidays",
    ),
    "a table beside [calendar]": (
        calendar_text(extra='[holidays]\ndates = ["2026-12-24"]\n'),
        "holidays",
        "only calendar",
    ),
    "TOML syntax error": (
        '[calendar\nname = "office"\n',
        "(syntax)",
        "valid TOML",
    ),
}


@pytest.mark.parametrize(
    ("text", "key", "expected"), CALENDAR_MISTAKES.values(), ids=CALENDAR_MISTAKES.keys()
)
def test_a_malformed_calendar_is_refused(
    write_toml: WriteToml, text: str, key: str, expected: str
) -> None:
    path = write_toml("calendar.toml", text)
    error = refused(load_calendar, path)
    assert error.details["key"] == key
    assert error.details["file"] == str(path)
    assert expected in str(error)


@pytest.mark.parametrize(
    "hours",
    [
        pytest.param('thu = ["09:00-13:00", "12:00-18:00"]', id="overlapping"),
        pytest.param('thu = ["14:00-18:00", "09:00-13:00"]', id="out of order"),
        pytest.param('thu = ["09:00-24:00", "10:00-11:00"]', id="after midnight"),
        pytest.param('thu = ["22:00-02:00", "23:00-23:30"]', id="after a night"),
        pytest.param('thu = ["22:00-02:00", "09:00-17:00"]', id="a night first"),
    ],
)
def test_overlapping_intervals_are_refused_naming_the_weekday(
    write_toml: WriteToml, hours: str
) -> None:
    text = calendar_text(hours=f'[calendar.hours]\nmon = ["09:00-18:00"]\n{hours}\n')
    error = refused(load_calendar, write_toml("calendar.toml", text))
    assert error.details["key"] == "calendar.hours.thu[1]"
    assert "overlap" in str(error)


def test_a_missing_calendar_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    error = refused(load_calendar, path)
    assert error.details["key"] == "(file)"
    assert "an existing file" in str(error)


def test_a_good_calendar_file_is_accepted(madrid_office_file: Path) -> None:
    cal = load_calendar(madrid_office_file)
    assert (cal.name, cal.timezone, cal.country, cal.subdivision) == (
        "madrid-office",
        "Europe/Madrid",
        "ES",
        "MD",
    )
    assert cal.weekly_open_time == timedelta(hours=40)


# --- SLA policies ----------------------------------------------------------------

GOOD_TARGETS = """
[policy.targets.P1]
response = "15m"
resolution = "4h"
[policy.targets.P3]
response = "1h"
resolution = "8h"
calendar = "madrid-office"
"""


def policy_text(settings: str = "", targets: str = GOOD_TARGETS, extra: str = "") -> str:
    return f'[policy]\nname = "gold"\n{settings}\n{targets}\n{extra}'


POLICY_MISTAKES = {
    "no [policy] table": ('[polcy]\nname = "gold"\n', "policy", "a [policy] table"),
    "no name": (
        "[policy]\n" + GOOD_TARGETS,
        "policy.name",
        "a non-empty string",
    ),
    "no targets": (policy_text(targets=""), "policy.targets", "a table [policy.targets.P1]"),
    "unknown priority": (
        policy_text(targets='[policy.targets.P9]\nresponse = "1h"\nresolution = "4h"\n'),
        "policy.targets.P9",
        "a priority P1 … P5",
    ),
    "priority not a priority": (
        policy_text(targets='[policy.targets.urgent]\nresponse = "1h"\nresolution = "4h"\n'),
        "policy.targets.urgent",
        "a priority P1 … P5",
    ),
    "bad duration": (
        policy_text(targets='[policy.targets.P2]\nresponse = "soon"\nresolution = "4h"\n'),
        "policy.targets.P2.response",
        "a duration such as 15m",
    ),
    "a priority without any target": (
        policy_text(targets='[policy.targets.P2]\ncalendar = "24x7"\n'),
        "policy.targets.P2",
        "at least one of response, next_reply, periodic_update, requester_wait, agent_work",
    ),
    "bad duration of another metric": (
        policy_text(targets='[policy.targets.P2]\nnext_reply = "soon"\n'),
        "policy.targets.P2.next_reply",
        "a duration such as 15m",
    ),
    "zero duration": (
        policy_text(targets='[policy.targets.P2]\nresponse = "0m"\nresolution = "4h"\n'),
        "policy.targets.P2.response",
        "a duration above zero",
    ),
    "unknown target key": (
        policy_text(
            targets='[policy.targets.P2]\nresponse = "30m"\nresolution = "4h"\ncolour = "red"\n'
        ),
        "policy.targets.P2.colour",
        "only response, next_reply, periodic_update, requester_wait, agent_work, resolution"
        " and calendar",
    ),
    "days on a calendar with business hours": (
        policy_text(
            targets='[policy.targets.P4]\nresponse = "4h"\nresolution = "3d"\n'
            'calendar = "madrid-office"\n'
        ),
        "policy.targets.P4.resolution",
        "days are only accepted on 24x7, not on madrid-office",
    ),
    "days on the policy's own calendar": (
        policy_text(
            'calendar = "madrid-office"',
            targets='[policy.targets.P4]\nresponse = "1d"\nresolution = "40h"\n',
        ),
        "policy.targets.P4.response",
        "days are only accepted on 24x7, not on madrid-office",
    ),
    "misspelt policy key": (
        policy_text("warning = [50, 90]"),
        "policy.warning",
        "only name, calendar, pause_on, warnings, targets, escalation, ola, underpinning"
        " and waiting",
    ),
    "misspelt escalation table": (
        policy_text(extra='[policy.escalations]\n"75%" = "shift_manager"\n'),
        "policy.escalations",
        "only name, calendar, pause_on, warnings, targets, escalation, ola, underpinning"
        " and waiting",
    ),
    "the reserved name none": (
        '[policy]\nname = "none"\n' + GOOD_TARGETS,
        "policy.name",
        "a name other than 'none'",
    ),
    "an OLA without a target": (
        policy_text(extra='[policy.ola.network]\ncalendar = "24x7"\n'),
        "policy.ola.network.target",
        "a duration such as 30m",
    ),
    "an OLA with a misspelt key": (
        policy_text(extra='[policy.ola.network]\ntarget = "4h"\ncalender = "24x7"\n'),
        "policy.ola.network.calender",
        "only target and calendar",
    ),
    "an underpinning contract of zero": (
        policy_text(extra='[policy.underpinning.acme-telecom]\ntarget = "0m"\n'),
        "policy.underpinning.acme-telecom.target",
        "a duration above zero",
    ),
    "an OLA in days on office hours": (
        policy_text('calendar = "madrid-office"', extra='[policy.ola.network]\ntarget = "2d"\n'),
        "policy.ola.network.target",
        "days are only accepted on 24x7, not on madrid-office",
    ),
    "a waiting rule without a limit": (
        policy_text(extra='[policy.waiting]\naction = "supervisor"\n'),
        "policy.waiting.limit",
        "a duration such as 2h",
    ),
    "a waiting rule with an unknown action": (
        policy_text(extra='[policy.waiting]\nlimit = "2h"\naction = "panic"\n'),
        "policy.waiting.action",
        "one of reassign, supervisor",
    ),
    "a reassignment to no group": (
        policy_text(extra='[policy.waiting]\nlimit = "2h"\naction = "reassign"\n'),
        "policy.waiting.group",
        "the group to reassign to",
    ),
    "a supervisor of an unknown level": (
        policy_text(extra='[policy.waiting]\nlimit = "2h"\naction = "supervisor"\nlevel = "ceo"\n'),
        "policy.waiting.level",
        "one of shift_manager, team_manager, director",
    ),
    "a table beside [policy]": (
        policy_text(extra='[calendar]\nname = "office"\n'),
        "calendar",
        "only policy",
    ),
    "unknown hold reason": (
        policy_text('pause_on = ["awaiting_caller", "awaiting_godot"]'),
        "policy.pause_on[1]",
        "one of awaiting_caller",
    ),
    "pause_on not a list": (
        policy_text('pause_on = "awaiting_caller"'),
        "policy.pause_on",
        "a list of hold reasons",
    ),
    "warning above 100": (
        policy_text("warnings = [75, 120]"),
        "policy.warnings[1]",
        "a percentage between 0 and 100",
    ),
    "warning of zero": (
        policy_text("warnings = [0, 90]"),
        "policy.warnings[0]",
        "a percentage between 0 and 100",
    ),
    "warning not a number": (
        policy_text('warnings = ["75%"]'),
        "policy.warnings[0]",
        "a percentage between 0 and 100",
    ),
    "unknown escalation level": (
        policy_text(extra='[policy.escalation]\n"75%" = "shift_manager"\n"90%" = "ceo"\n'),
        "policy.escalation.90%",
        "one of shift_manager, team_manager, director",
    ),
    "escalation at a moment without a warning": (
        policy_text(extra='[policy.escalation]\n"50%" = "team_manager"\n'),
        "policy.escalation.50%",
        'a warning threshold such as "75%"',
    ),
    "TOML syntax error": ('[policy]\nname = "gold\n', "(syntax)", "valid TOML"),
}


@pytest.mark.parametrize(
    ("text", "key", "expected"), POLICY_MISTAKES.values(), ids=POLICY_MISTAKES.keys()
)
def test_a_malformed_policy_is_refused(
    write_toml: WriteToml, text: str, key: str, expected: str
) -> None:
    path = write_toml("policy.toml", text)
    error = refused(load_policy, path)
    assert error.details["key"] == key
    assert expected in str(error)


def test_a_missing_policy_file_is_refused(tmp_path: Path) -> None:
    error = refused(load_policy, tmp_path / "gold.toml")
    assert error.details["key"] == "(file)"


def test_a_good_policy_file_is_read_with_its_defaults(write_toml: WriteToml) -> None:
    policy = load_policy(write_toml("gold.toml", policy_text()))
    assert policy.name == "gold"
    assert policy.targets[1].response == timedelta(minutes=15)
    assert policy.targets[1].calendar == "24x7"
    assert policy.targets[3].resolution == timedelta(hours=8)
    assert policy.targets[3].calendar == "madrid-office"
    assert policy.pause_on == {HoldReason.AWAITING_CALLER, HoldReason.AWAITING_VENDOR}
    assert policy.warnings == (0.75, 0.90)
    assert policy.escalation == {
        "75%": "shift_manager",
        "90%": "team_manager",
        "breach": "director",
    }
    assert policy.major_level == "director"


def test_a_policy_file_sets_its_own_warnings_pauses_and_escalation(
    write_toml: WriteToml,
) -> None:
    text = policy_text(
        'calendar = "madrid-office"\nwarnings = [80, 50]\npause_on = ["awaiting_change"]',
        extra='[policy.escalation]\n"50%" = "team_manager"\nbreach = "director"\n'
        'major = "team_manager"\n',
    )
    policy = load_policy(write_toml("silver.toml", text))
    assert policy.warnings == (0.5, 0.8)
    assert policy.pause_on == {HoldReason.AWAITING_CHANGE}
    assert policy.escalation == {"50%": "team_manager", "breach": "director"}
    assert policy.major_level == "team_manager"
    # The policy's own calendar is the default of each target that names none.
    assert policy.targets[1].calendar == "madrid-office"


def test_a_policy_file_names_any_metrics_olas_underpinning_contracts_and_a_waiting_rule(
    write_toml: WriteToml,
) -> None:
    text = policy_text(
        'calendar = "madrid-office"',
        targets='[policy.targets.P2]\nnext_reply = "1h"\nagent_work = "6h"\n'
        '[policy.targets.P3]\nresponse = "1h"\nperiodic_update = "4h"\n'
        'requester_wait = "16h"\n',
        extra='[policy.ola.first-line]\ntarget = "30m"\n'
        '[policy.ola.network]\ntarget = "4h"\ncalendar = "24x7"\n'
        '[policy.underpinning.acme-telecom]\ntarget = "8h"\n'
        '[policy.waiting]\nlimit = "2h"\naction = "reassign"\ngroup = "tier2"\n',
    )
    policy = load_policy(write_toml("deep.toml", text))
    assert policy.targets[2].metrics == ("next_reply", "agent_work")
    assert policy.targets[2].response is None
    assert policy.targets[3].for_metric("periodic_update") == timedelta(hours=4)
    assert policy.metrics == (
        "response",
        "next_reply",
        "periodic_update",
        "requester_wait",
        "agent_work",
    )
    assert policy.ola["first-line"] == HopAgreement(timedelta(minutes=30), None)
    assert policy.ola["network"] == HopAgreement(timedelta(hours=4), "24x7")
    assert policy.hop_agreement("acme-telecom") == ("uc", HopAgreement(timedelta(hours=8)))
    assert policy.hop_agreement("servers") == ("ola", None)
    assert policy.waiting == WaitingRule(timedelta(hours=2), "reassign", "tier2", "team_manager")
    assert policy.calendars == {"madrid-office", "24x7"}
    # Stored as primitives and read back the same.
    assert SlaPolicy.from_stored(policy.to_mapping()) == policy


def test_a_policy_stored_before_the_newer_metrics_still_loads() -> None:
    stored = {
        "name": "gold",
        "targets": {"1": {"response": 900, "resolution": 14400, "calendar": "24x7"}},
        "pause_on": ["awaiting_caller"],
        "warnings": [0.75],
        "escalation": {"breach": "director"},
        "major_level": "director",
    }
    policy = SlaPolicy.from_stored(stored)
    assert policy.targets[1] == Target(timedelta(minutes=15), timedelta(hours=4), "24x7")
    assert (policy.ola, policy.underpinning, policy.waiting) == ({}, {}, None)
    # A policy without the newer tables is stored exactly as before.
    assert policy.to_mapping() == stored


def test_days_in_a_target_are_judged_on_the_calendar_the_lookup_finds(
    write_toml: WriteToml, madrid_office: BusinessCalendar
) -> None:
    text = policy_text(
        'calendar = "round-the-clock"',
        targets='[policy.targets.P5]\nresponse = "8h"\nresolution = "5d"\n',
    )
    path = write_toml("weekly.toml", text)
    around = BusinessCalendar.always_open("round-the-clock")
    # Without a lookup only the name is known, and only 24x7 is known to run around the clock.
    assert refused(load_policy, path).details["key"] == "policy.targets.P5.resolution"

    policy = load_policy(path, calendars={"round-the-clock": around}.__getitem__)
    assert policy.targets[5].resolution == timedelta(days=5)

    # Fail to load the same targets when the calendar of that name keeps office hours.
    office = attrs.evolve(madrid_office, name="round-the-clock")
    error = refused(
        lambda p: load_policy(p, calendars={"round-the-clock": office}.__getitem__), path
    )
    assert error.details["key"] == "policy.targets.P5.resolution"
    assert "days are only accepted on 24x7, not on round-the-clock" in str(error)
