"""Business calendars on worked examples: daylight saving, holidays, year ends, durations."""

from __future__ import annotations

import doctest
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import pytest
from eventdesk.calendars import (
    BusinessCalendar,
    calendar_from_mapping,
    load_calendar,
    loading,
    model,
    parse_duration,
)
from eventdesk.errors import InvalidValueError

WriteToml = Callable[[str, str], Path]
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


def madrid(*args: int) -> datetime:
    """A wall-clock time in Madrid, as an aware datetime."""
    return datetime(*args, tzinfo=ZoneInfo("Europe/Madrid"))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def every_day(*intervals: str) -> str:
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    listed = ", ".join(f'"{interval}"' for interval in intervals)
    return "\n".join(f"{day} = [{listed}]" for day in days)


@pytest.fixture
def night_shift(write_toml: WriteToml) -> BusinessCalendar:
    """Open from 22:00 to 06:00 every night, in Madrid."""
    path = write_toml(
        "night.toml",
        f"""
        [calendar]
        name = "night-shift"
        timezone = "Europe/Madrid"
        [calendar.hours]
        {every_day("00:00-06:00", "22:00-24:00")}
        """,
    )
    return load_calendar(path)


@pytest.fixture
def madrid_round_the_clock(write_toml: WriteToml) -> BusinessCalendar:
    path = write_toml(
        "always.toml",
        '[calendar]\nname = "always"\ntimezone = "Europe/Madrid"\n[calendar.hours]\n'
        + every_day("00:00-24:00"),
    )
    return load_calendar(path)


# --- daylight saving ---------------------------------------------------------


def test_the_night_of_spring_forward_is_an_hour_shorter(night_shift: BusinessCalendar) -> None:
    ordinary = night_shift.business_time_between(madrid(2026, 3, 21, 12), madrid(2026, 3, 22, 12))
    assert ordinary == 8 * HOUR
    # 22:00-24:00 on Saturday, then 00:00-06:00 on Sunday with 02:00-03:00 skipped.
    shorter = night_shift.business_time_between(madrid(2026, 3, 28, 12), madrid(2026, 3, 29, 12))
    assert shorter == 7 * HOUR


def test_the_night_of_fall_back_is_an_hour_longer(night_shift: BusinessCalendar) -> None:
    longer = night_shift.business_time_between(madrid(2026, 10, 24, 12), madrid(2026, 10, 25, 12))
    assert longer == 9 * HOUR


def test_a_deadline_across_spring_forward_reads_an_hour_later_on_the_wall_clock(
    night_shift: BusinessCalendar,
) -> None:
    start = madrid(2026, 3, 28, 22)  # 21:00 UTC
    due = night_shift.deadline(start, 4 * HOUR)
    assert due == utc(2026, 3, 29, 1)
    assert due.astimezone(night_shift.zone).isoformat() == "2026-03-29T03:00:00+02:00"


def test_a_deadline_across_fall_back_reads_an_hour_earlier_on_the_wall_clock(
    night_shift: BusinessCalendar,
) -> None:
    start = madrid(2026, 10, 24, 22)  # 20:00 UTC, summer time
    due = night_shift.deadline(start, 6 * HOUR)
    assert due == utc(2026, 10, 25, 2)
    assert due.astimezone(night_shift.zone).isoformat() == "2026-10-25T03:00:00+01:00"


def test_the_night_shift_closes_at_six_and_opens_at_ten(night_shift: BusinessCalendar) -> None:
    assert night_shift.is_open(madrid(2026, 3, 29, 5, 59))
    assert not night_shift.is_open(madrid(2026, 3, 29, 6))
    assert night_shift.next_opening(madrid(2026, 3, 29, 6)) == madrid(2026, 3, 29, 22)
    # A deadline that needs the whole night ends exactly at its close.
    assert night_shift.deadline(madrid(2026, 3, 30, 22), 8 * HOUR) == madrid(2026, 3, 31, 6)


def test_round_the_clock_in_madrid_counts_the_real_length_of_each_day(
    madrid_round_the_clock: BusinessCalendar,
) -> None:
    cal = madrid_round_the_clock
    assert cal.is_24x7
    assert cal.business_time_between(madrid(2026, 3, 29), madrid(2026, 3, 30)) == 23 * HOUR
    assert cal.business_time_between(madrid(2026, 10, 25), madrid(2026, 10, 26)) == 25 * HOUR
    assert cal.business_time_between(madrid(2026, 3, 30), madrid(2026, 3, 31)) == 24 * HOUR
    # 24 business hours from Saturday noon end at 13:00 on Sunday's wall clock.
    due = cal.deadline(madrid(2026, 3, 28, 12), 24 * HOUR)
    assert due.astimezone(cal.zone).isoformat() == "2026-03-29T13:00:00+02:00"
    assert cal.deadline(utc(2026, 3, 28, 11), parse_duration("3d", cal)) == utc(2026, 3, 31, 11)


def _skipping_calendar(zone: str) -> BusinessCalendar:
    """Sundays 01:00-02:30 and 03:00-04:00: the first interval ends in the skipped hour."""
    return calendar_from_mapping(
        {
            "calendar": {
                "name": "small-hours",
                "timezone": zone,
                "hours": {"sun": ["01:00-02:30", "03:00-04:00"]},
            }
        },
        source="small-hours.toml",
    )


@pytest.mark.parametrize(
    ("zone", "sunday", "one_am"),
    [
        ("Europe/Madrid", date(2026, 3, 29), utc(2026, 3, 29, 0)),
        ("America/New_York", date(2026, 3, 8), utc(2026, 3, 8, 6)),
    ],
)
def test_an_interval_ending_in_the_skipped_hour_ends_when_the_clocks_jump(
    zone: str, sunday: date, one_am: datetime
) -> None:
    cal = _skipping_calendar(zone)
    # The wall clock runs 01:00 → 02:00 → (jumps to) 03:00 → 04:00: two hours of real
    # time, with the first interval ending at the jump and the second starting there.
    assert cal.intervals_on(sunday) == [
        (one_am, one_am + HOUR),
        (one_am + HOUR, one_am + 2 * HOUR),
    ]
    assert cal.business_time_between(one_am - HOUR, one_am + 3 * HOUR) == 2 * HOUR


def test_an_interval_ending_in_the_skipped_hour_keeps_deadlines_in_order() -> None:
    cal = _skipping_calendar("Europe/Madrid")
    start = madrid(2026, 3, 29, 0)
    shorter, longer = cal.deadline(start, 50 * MINUTE), cal.deadline(start, 70 * MINUTE)
    assert (shorter, longer) == (utc(2026, 3, 29, 0, 50), utc(2026, 3, 29, 1, 10))
    assert cal.business_time_between(start, longer) == 70 * MINUTE


def test_an_interval_starting_in_the_skipped_hour_starts_when_the_clocks_jump() -> None:
    cal = calendar_from_mapping(
        {
            "calendar": {
                "name": "early",
                "timezone": "Europe/Madrid",
                "hours": {"sun": ["02:30-05:00"]},
            }
        },
        source="early.toml",
    )
    # 02:30 is never shown on 29 March: the interval opens at the jump, 01:00 UTC.
    assert cal.intervals_on(date(2026, 3, 29)) == [(utc(2026, 3, 29, 1), utc(2026, 3, 29, 3))]
    assert cal.intervals_on(date(2026, 3, 22)) == [(utc(2026, 3, 22, 1, 30), utc(2026, 3, 22, 4))]


# --- holidays and year ends --------------------------------------------------


def test_madrid_and_spanish_holidays_close_the_office(madrid_office: BusinessCalendar) -> None:
    # Wednesday 1 April 2026, 17:00: Maundy Thursday (Madrid) and Good Friday are holidays.
    due = madrid_office.deadline(madrid(2026, 4, 1, 17), 2 * HOUR)
    assert due == madrid(2026, 4, 6, 10)
    assert madrid_office.is_holiday(date(2026, 4, 2))
    assert not madrid_office.is_open(madrid(2026, 4, 2, 11))


def test_a_subdivision_has_its_own_holidays(madrid_office: BusinessCalendar) -> None:
    barcelona = attrs.evolve(
        madrid_office, name="barcelona", timezone="Europe/Madrid", subdivision="CT"
    )
    # Maundy Thursday is not a holiday in Catalonia; Easter Monday is.
    assert barcelona.deadline(madrid(2026, 4, 1, 17), 2 * HOUR) == madrid(2026, 4, 2, 10)
    assert barcelona.is_holiday(date(2026, 4, 6))
    assert not madrid_office.is_holiday(date(2026, 4, 6))


def test_madrid_day_closes_a_saturday_office(write_toml: WriteToml) -> None:
    text = """
        [calendar]
        name = "shop"
        timezone = "Europe/Madrid"
        [calendar.hours]
        thu = ["09:00-18:00"]
        fri = ["09:00-18:00"]
        sat = ["10:00-14:00"]
        [calendar.holidays]
        country = "ES"
        {subdivision}
        """
    shop_madrid = load_calendar(write_toml("md.toml", text.format(subdivision='subdivision="MD"')))
    shop_spain = load_calendar(write_toml("es.toml", text.format(subdivision="")))
    start = madrid(2026, 4, 30, 17)  # Thursday; Friday 1 May is Labour Day everywhere
    # Saturday 2 May is Madrid Day, a holiday in Madrid only.
    assert shop_madrid.is_holiday(date(2026, 5, 2))
    assert shop_madrid.deadline(start, 2 * HOUR) == madrid(2026, 5, 7, 10)
    assert shop_spain.deadline(start, 2 * HOUR) == madrid(2026, 5, 2, 11)


def test_an_explicit_date_is_a_holiday_beside_the_countrys(
    madrid_office: BusinessCalendar,
) -> None:
    # Christmas Eve (listed in the file), then Christmas Day (Spain), then the weekend.
    due = madrid_office.deadline(madrid(2026, 12, 23, 17), 2 * HOUR)
    assert due == madrid(2026, 12, 28, 10)
    assert due == utc(2026, 12, 28, 9)


def test_the_year_end_skips_new_years_day(madrid_office: BusinessCalendar) -> None:
    assert madrid_office.deadline(madrid(2025, 12, 31, 17), 2 * HOUR) == utc(2026, 1, 2, 9)
    between = madrid_office.business_time_between(madrid(2025, 12, 31, 9), madrid(2026, 1, 2, 18))
    assert between == 16 * HOUR


def test_a_calendar_survives_its_own_mapping(madrid_office: BusinessCalendar) -> None:
    again = calendar_from_mapping({"calendar": madrid_office.to_mapping()}, source="again")
    assert again == madrid_office
    assert again.weekly_open_time == 40 * HOUR


def test_the_built_in_24x7_is_always_open() -> None:
    always = load_calendar("24x7")
    assert always.is_24x7
    start = utc(2026, 12, 31, 23, 30)
    assert always.deadline(start, 90 * MINUTE) == utc(2027, 1, 1, 1)
    assert always.business_time_between(start, utc(2027, 1, 1, 1)) == 90 * MINUTE


def test_a_deadline_with_no_duration_is_the_start_and_a_negative_one_is_refused(
    madrid_office: BusinessCalendar,
) -> None:
    sunday = madrid(2026, 3, 8, 12)
    assert madrid_office.deadline(sunday, timedelta(0)) == sunday
    # Fail to compute a deadline before the start.
    with pytest.raises(InvalidValueError):
        madrid_office.deadline(sunday, -HOUR)


def test_a_naive_start_is_refused(madrid_office: BusinessCalendar) -> None:
    # Fail to guess the zone of a naive time.
    with pytest.raises(ValueError, match="naive"):
        madrid_office.deadline(datetime(2026, 3, 2, 9), HOUR)


@pytest.mark.parametrize("module", [model, loading], ids=["model", "loading"])
def test_the_documented_examples_hold(module: object) -> None:
    failed, attempted = doctest.testmod(module, verbose=False)  # type: ignore[arg-type]
    assert attempted > 0
    assert failed == 0


def test_the_office_example_of_the_docstring() -> None:
    office = BusinessCalendar.weekdays("office", "Europe/Madrid", "09:00", "17:00")
    friday_four_pm = utc(2026, 3, 6, 15)
    assert office.deadline(friday_four_pm, 4 * HOUR) == utc(2026, 3, 9, 11)
    assert office.business_time_between(friday_four_pm, utc(2026, 3, 9, 11)) == 4 * HOUR


# --- durations ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90m", timedelta(minutes=90)),
        ("4h", timedelta(hours=4)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1h 30m", timedelta(hours=1, minutes=30)),
        (" 2H ", timedelta(hours=2)),
        ("45s", timedelta(seconds=45)),
        ("3d", timedelta(hours=72)),
    ],
)
def test_durations_are_read_from_text(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected
    assert parse_duration(text, BusinessCalendar.always_open()) == expected


def test_days_are_refused_on_a_business_calendar(madrid_office: BusinessCalendar) -> None:
    assert parse_duration("36h", madrid_office) == timedelta(hours=36)
    # Fail to take a day of the office for 24 hours.
    with pytest.raises(InvalidValueError, match="madrid-office") as refused:
        parse_duration("3d", madrid_office)
    assert "hours" in str(refused.value)


@pytest.mark.parametrize("text", ["", "   ", "abc", "4", "1.5h", "-1h", "h", "30m1h", "4x", 4])
def test_malformed_durations_are_refused(text: object) -> None:
    # Fail to read a duration from text that is not one.
    with pytest.raises(InvalidValueError, match="duration"):
        parse_duration(text)  # type: ignore[arg-type]


# --- nights past midnight ----------------------------------------------------


@pytest.fixture
def night_across_midnight(write_toml: WriteToml) -> BusinessCalendar:
    """Open from 22:00 to 06:00 the next morning, every night, in Madrid, on Spain's holidays."""
    path = write_toml(
        "nights.toml",
        f"""
        [calendar]
        name = "nights"
        timezone = "Europe/Madrid"
        [calendar.hours]
        {every_day("22:00-06:00")}
        [calendar.holidays]
        country = "ES"
        subdivision = "MD"
        dates = ["2026-12-24"]
        """,
    )
    return load_calendar(path)


def test_a_night_runs_from_its_evening_to_the_next_morning(
    night_across_midnight: BusinessCalendar,
) -> None:
    cal = night_across_midnight
    assert cal.hours[0] == ((model.time(22), model.time(6)),)
    assert cal.weekly_open_time == 7 * 8 * HOUR
    monday = date(2026, 3, 2)
    assert cal.intervals_on(monday) == [(madrid(2026, 3, 2, 22), madrid(2026, 3, 3, 6))]
    assert cal.is_open(madrid(2026, 3, 3, 5, 59))
    assert not cal.is_open(madrid(2026, 3, 3, 6))
    assert cal.next_opening(madrid(2026, 3, 3, 12)) == madrid(2026, 3, 3, 22)
    # 2 h from 23:00 end at 01:00 the next day; 10 h take two nights.
    assert cal.deadline(madrid(2026, 3, 2, 23), 2 * HOUR) == madrid(2026, 3, 3, 1)
    assert cal.deadline(madrid(2026, 3, 2, 23), 10 * HOUR) == madrid(2026, 3, 4, 1)


def test_the_night_across_midnight_and_the_night_in_two_halves_count_alike(
    night_across_midnight: BusinessCalendar, night_shift: BusinessCalendar
) -> None:
    """On ordinary days, 22:00-06:00 is 22:00-24:00 plus the next day's 00:00-06:00."""
    plain = attrs.evolve(night_across_midnight, country=None, subdivision=None, holiday_dates=[])
    for start in (madrid(2026, 3, 2, 21), madrid(2026, 3, 28, 23), madrid(2026, 10, 24, 3)):
        for hours in (1, 7, 9, 30):
            assert plain.deadline(start, hours * HOUR) == night_shift.deadline(start, hours * HOUR)
        week_later = start + timedelta(days=7)
        assert plain.business_time_between(start, week_later) == night_shift.business_time_between(
            start, week_later
        )


def test_a_night_across_spring_forward_is_an_hour_shorter(
    night_across_midnight: BusinessCalendar,
) -> None:
    cal = night_across_midnight
    # Saturday 28 March 2026, 22:00 CET, to Sunday 06:00 CEST: the clocks skip 02:00-03:00.
    assert cal.intervals_on(date(2026, 3, 28)) == [(utc(2026, 3, 28, 21), utc(2026, 3, 29, 4))]
    assert cal.business_time_between(madrid(2026, 3, 28, 12), madrid(2026, 3, 29, 12)) == 7 * HOUR
    # 8 business hours from Saturday 22:00: the short night's 7, then an hour on Sunday night.
    assert cal.deadline(madrid(2026, 3, 28, 22), 8 * HOUR) == madrid(2026, 3, 29, 23)
    assert cal.deadline(madrid(2026, 3, 28, 22), 4 * HOUR) == madrid(2026, 3, 29, 3)


def test_a_night_across_fall_back_is_an_hour_longer(
    night_across_midnight: BusinessCalendar,
) -> None:
    cal = night_across_midnight
    # Saturday 24 October 2026, 22:00 CEST, to Sunday 06:00 CET: 02:00-03:00 is lived twice.
    assert cal.intervals_on(date(2026, 10, 24)) == [(utc(2026, 10, 24, 20), utc(2026, 10, 25, 5))]
    longer = cal.business_time_between(madrid(2026, 10, 24, 12), madrid(2026, 10, 25, 12))
    assert longer == 9 * HOUR
    due = cal.deadline(madrid(2026, 10, 24, 22), 8 * HOUR)
    assert due == utc(2026, 10, 25, 4)
    assert due.astimezone(cal.zone).isoformat() == "2026-10-25T05:00:00+01:00"


def test_a_night_belongs_to_the_day_it_starts_on(night_across_midnight: BusinessCalendar) -> None:
    """The night before a holiday is worked to its end; the night of a holiday is off."""
    cal = night_across_midnight
    # New Year's Eve is an ordinary day in Spain; New Year's Day is a holiday.
    assert not cal.is_holiday(date(2026, 12, 31)) and cal.is_holiday(date(2027, 1, 1))
    assert cal.intervals_on(date(2026, 12, 31)) == [
        (madrid(2026, 12, 31, 22), madrid(2027, 1, 1, 6))
    ]
    assert cal.intervals_on(date(2027, 1, 1)) == []
    # From 23:00 on New Year's Eve: 7 h until 06:00, then the night of the 1st is off,
    # so the eighth hour is the first of the night of Saturday the 2nd.
    assert cal.deadline(madrid(2026, 12, 31, 23), 8 * HOUR) == madrid(2027, 1, 2, 23)
    new_year = cal.business_time_between(madrid(2026, 12, 31, 12), madrid(2027, 1, 2, 12))
    assert new_year == 8 * HOUR
    # A holiday listed in the file works the same way: Christmas Eve's night is off, and so
    # is Christmas Day's; the night of the 23rd runs into the morning of the 24th.
    assert cal.deadline(madrid(2026, 12, 23, 23), 10 * HOUR) == madrid(2026, 12, 27, 1)


def test_a_night_ending_at_midnight_is_written_either_way() -> None:
    def evenings(interval: str) -> BusinessCalendar:
        section = {"name": "late", "timezone": "UTC", "hours": {"fri": [interval]}}
        return calendar_from_mapping({"calendar": section}, source="late.toml")

    assert evenings("22:00-00:00") == evenings("22:00-24:00")
    assert evenings("22:00-00:00").to_mapping()["hours"] == {"fri": ["22:00-24:00"]}
    assert evenings("22:00-00:00").weekly_open_time == 2 * HOUR


def test_a_night_survives_its_own_mapping(night_across_midnight: BusinessCalendar) -> None:
    mapping = night_across_midnight.to_mapping()
    assert mapping["hours"]["sun"] == ["22:00-06:00"]
    again = calendar_from_mapping({"calendar": mapping}, source="again")
    assert again == night_across_midnight


def test_a_night_that_runs_into_the_next_days_hours_is_refused_naming_both_days() -> None:
    hours = {0: ((model.time(22), model.time(7)),), 1: ((model.time(6), model.time(14)),)}
    # Fail to count the hour from 06:00 to 07:00 on Tuesday twice.
    with pytest.raises(InvalidValueError) as refused:
        BusinessCalendar(name="clash", timezone="Europe/Madrid", hours=hours)
    message = str(refused.value)
    assert message.startswith("invalid hours on mon '22:00-07:00': expected an interval")
    assert "ends by 06:00, when tue's first interval starts" in message
    # Ending right when Tuesday opens is fine: the night and the day run on as one.
    hours[0] = ((model.time(22), model.time(6)),)
    assert BusinessCalendar(name="relay", timezone="Europe/Madrid", hours=hours).weekly_open_time
    # Fail to build an interval that is no time at all.
    with pytest.raises(InvalidValueError, match="a start and an end that differ"):
        BusinessCalendar(name="x", timezone="UTC", hours={2: ((model.time(9), model.time(9)),)})


# --- explaining a deadline ---------------------------------------------------


def test_the_explanation_names_each_stretch_and_each_day_skipped(
    madrid_office: BusinessCalendar,
) -> None:
    start = madrid(2026, 12, 23, 17)
    explained = madrid_office.explain(start, 4 * HOUR)
    assert explained.deadline == madrid_office.deadline(start, 4 * HOUR) == madrid(2026, 12, 28, 12)
    assert [
        (s.local_start.isoformat(), s.local_end.isoformat(), s.length, s.total)
        for s in explained.intervals
    ] == [
        ("2026-12-23T17:00:00+01:00", "2026-12-23T18:00:00+01:00", HOUR, HOUR),
        ("2026-12-28T09:00:00+01:00", "2026-12-28T12:00:00+01:00", 3 * HOUR, 4 * HOUR),
    ]
    assert [(str(s.day), s.kind, s.why) for s in explained.skipped] == [
        ("2026-12-24", "holiday", "listed in the calendar"),
        ("2026-12-25", "holiday", "Christmas Day"),
        ("2026-12-26", "closed", "no opening hours on Saturday"),
        ("2026-12-27", "closed", "no opening hours on Sunday"),
    ]


def test_open_time_without_a_break_is_one_stretch(night_shift: BusinessCalendar) -> None:
    """Lunch splits a day in two stretches; a night split at midnight in the file does not."""
    explained = night_shift.explain(madrid(2026, 3, 2, 23), 10 * HOUR)
    assert [(s.local_start, s.local_end) for s in explained.intervals] == [
        (madrid(2026, 3, 2, 23), madrid(2026, 3, 3, 6)),
        (madrid(2026, 3, 3, 22), madrid(2026, 3, 4, 1)),
    ]
    relay = calendar_from_mapping(
        {
            "calendar": {
                "name": "relay",
                "timezone": "Europe/Madrid",
                "hours": {"mon": ["22:00-06:00"], "tue": ["06:00-14:00"]},
            }
        },
        source="relay.toml",
    )
    explained = relay.explain(madrid(2026, 3, 2, 20), 12 * HOUR)
    assert [(s.local_start, s.local_end, s.length) for s in explained.intervals] == [
        (madrid(2026, 3, 2, 22), madrid(2026, 3, 3, 10), 12 * HOUR)
    ]


def test_an_explanation_across_a_night_with_a_holiday(
    night_across_midnight: BusinessCalendar,
) -> None:
    explained = night_across_midnight.explain(madrid(2026, 12, 31, 23), 8 * HOUR)
    assert [(s.local_start, s.local_end, s.total) for s in explained.intervals] == [
        (madrid(2026, 12, 31, 23), madrid(2027, 1, 1, 6), 7 * HOUR),
        (madrid(2027, 1, 2, 22), madrid(2027, 1, 2, 23), 8 * HOUR),
    ]
    assert [(str(s.day), s.why) for s in explained.skipped] == [("2027-01-01", "New Year's Day")]


def test_an_explanation_for_machines(madrid_office: BusinessCalendar) -> None:
    explained = madrid_office.explain(utc(2026, 3, 6, 16), 2 * HOUR)  # Friday 17:00 in Madrid
    assert explained.to_dict() == {
        "calendar": "madrid-office",
        "timezone": "Europe/Madrid",
        "start": "2026-03-06T16:00:00Z",
        "duration_seconds": 7200.0,
        "deadline_utc": "2026-03-09T09:00:00Z",
        "deadline_local": "2026-03-09T10:00:00+01:00",
        "intervals": [
            {
                "start_utc": "2026-03-06T16:00:00Z",
                "end_utc": "2026-03-06T17:00:00Z",
                "start_local": "2026-03-06T17:00:00+01:00",
                "end_local": "2026-03-06T18:00:00+01:00",
                "seconds": 3600.0,
                "total_seconds": 3600.0,
            },
            {
                "start_utc": "2026-03-09T08:00:00Z",
                "end_utc": "2026-03-09T09:00:00Z",
                "start_local": "2026-03-09T09:00:00+01:00",
                "end_local": "2026-03-09T10:00:00+01:00",
                "seconds": 3600.0,
                "total_seconds": 7200.0,
            },
        ],
        "skipped": [
            {"date": "2026-03-07", "kind": "closed", "why": "no opening hours on Saturday"},
            {"date": "2026-03-08", "kind": "closed", "why": "no opening hours on Sunday"},
        ],
    }


def test_an_explanation_of_no_time_is_the_start_itself(madrid_office: BusinessCalendar) -> None:
    sunday = madrid(2026, 3, 8, 12)
    explained = madrid_office.explain(sunday, timedelta(0))
    assert (explained.deadline, explained.intervals, explained.skipped) == (sunday, (), ())
    assert explained.local_deadline.isoformat() == "2026-03-08T12:00:00+01:00"
    # Fail to explain a negative duration, or a start without a zone.
    with pytest.raises(InvalidValueError, match="duration"):
        madrid_office.explain(sunday, -HOUR)
    with pytest.raises(ValueError, match="naive"):
        madrid_office.explain(datetime(2026, 3, 8, 12), HOUR)
