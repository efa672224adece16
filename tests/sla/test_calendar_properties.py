"""Properties every business calendar must have, on random calendars and instants.

Calendars are drawn in several time zones (with and without daylight saving),
with random weekly intervals, some of them nights that run past midnight,
random explicit holidays and sometimes a country's holidays; instants are drawn
over 2025-2028, often close to a daylight-saving change or a year end. Interval
boundaries are often drawn in the small hours, where the clocks change,
including the hour they skip.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from eventdesk.calendars import BusinessCalendar, Explanation
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

ZONES = ("UTC", "Asia/Kolkata", "Europe/Madrid", "America/New_York", "Australia/Sydney")
DST_ZONES = ("Europe/Madrid", "America/New_York", "Australia/Sydney")
# In these three zones the clocks repeat 02:00-03:00 (Madrid, Sydney) or
# 01:00-02:00 (New York) when they go back.
REPEATED_HOURS = range(1 * 60, 3 * 60)
COUNTRIES = ((None, None), ("ES", "MD"), ("US", "NY"), ("AU", "NSW"), ("IN", None))
FIRST, LAST = datetime(2025, 1, 1), datetime(2028, 12, 31, 23, 59)
MICROSECOND = timedelta(microseconds=1)

PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _offset_changes(zone_name: str) -> list[datetime]:
    """The instants (UTC, to the hour) at which the zone's UTC offset changes, 2025-2028."""
    zone = ZoneInfo(zone_name)
    changes = []
    day = datetime(2024, 12, 31, tzinfo=UTC)
    while day < datetime(2029, 1, 1, tzinfo=UTC):
        following = day + timedelta(days=1)
        if day.astimezone(zone).utcoffset() != following.astimezone(zone).utcoffset():
            hour = day
            while hour.astimezone(zone).utcoffset() == day.astimezone(zone).utcoffset():
                hour += timedelta(hours=1)
            changes.append(hour)
        day = following
    return changes


CHANGES_BY_ZONE = {zone: _offset_changes(zone) for zone in DST_ZONES}
DST_CHANGES = sorted(moment for changes in CHANGES_BY_ZONE.values() for moment in changes)
YEAR_ENDS = [datetime(year, 1, 1, tzinfo=UTC) for year in range(2025, 2029)]


def test_the_daylight_saving_changes_were_found() -> None:
    # Four years, two changes a year, three zones: the strategies below lean on them.
    assert len(DST_CHANGES) == 4 * 2 * 3
    assert datetime(2026, 3, 29, 1, 0, tzinfo=UTC) in DST_CHANGES  # Madrid springs forward
    assert datetime(2026, 10, 25, 1, 0, tzinfo=UTC) in DST_CHANGES  # Madrid falls back


@st.composite
def instants(draw: st.DrawFn, zone: str | None = None) -> datetime:
    """An aware UTC instant in 2025-2028, often near a daylight-saving change or year end.

    Given the calendar's zone, the changes are that zone's own when it has any.
    """
    kind = draw(st.sampled_from(("anywhere", "dst", "dst", "year end")))
    if kind == "anywhere":
        return draw(st.datetimes(FIRST, LAST, timezones=st.just(UTC)))
    changes = CHANGES_BY_ZONE.get(zone or "", DST_CHANGES)
    anchor = draw(st.sampled_from(changes if kind == "dst" else YEAR_ENDS))
    offset = draw(st.integers(-2 * 86400, 2 * 86400))
    micros = draw(st.sampled_from((0, 0, 0, 1, 499_999, 999_999)))
    return anchor + timedelta(seconds=offset, microseconds=micros)


def _boundaries(draw: st.DrawFn, zone: str, excluded: range | None) -> list[int]:
    """Sorted distinct minutes of the day (0-1440) where a day's intervals open or close."""
    step = draw(st.sampled_from((1, 15, 60)))
    allowed = [
        m
        for m in range(0, 1441, step)
        if excluded is None or zone not in DST_ZONES or m not in excluded
    ]
    # Half the time, crowd the boundaries into the small hours, where the clocks change.
    small_hours = [m for m in allowed if m <= 8 * 60]
    pool = draw(st.sampled_from((allowed, small_hours)))
    count = 2 * draw(st.integers(1, 3))
    chosen = draw(st.lists(st.sampled_from(pool), min_size=count, max_size=count, unique=True))
    return sorted(chosen)


def _as_time(minute: int) -> time | None:
    return None if minute == 1440 else time(minute // 60, minute % 60)


def _minutes(moment: time | None) -> int:
    return 1440 if moment is None else moment.hour * 60 + moment.minute


Hours = dict[int, tuple[tuple[time, time | None], ...]]


def _add_nights(
    draw: st.DrawFn, hours: Hours, zone: str, excluded: range | None, *, at_least_one: bool
) -> None:
    """Make some days end with a night past midnight that keeps clear of the next day's hours.

    A night starts after its own day's last interval (or, on an otherwise closed
    day, after the previous night has ended) and ends by the next day's first
    interval; sometimes exactly then, where the two run on as one.
    """
    step = draw(st.sampled_from((1, 15, 60)))

    def allowed(minute: int) -> bool:
        return minute % step == 0 and (
            excluded is None or zone not in DST_ZONES or minute not in excluded
        )

    added = False
    for weekday in draw(st.permutations(range(7))):
        if not (draw(st.booleans()) or (at_least_one and not added)):
            continue
        own = hours.get(weekday, ())
        previous = hours.get((weekday - 1) % 7, ())
        following = hours.get((weekday + 1) % 7, ())
        if own and own[-1][1] is None:
            continue  # open until midnight already
        if own:
            after = _minutes(own[-1][1])
        elif previous and previous[-1][1] is not None and previous[-1][1] < previous[-1][0]:
            after = _minutes(previous[-1][1])
        else:
            after = 0
        starts = [m for m in range(after, 1440) if allowed(m)]
        if not starts:
            continue
        start = draw(st.sampled_from(starts))
        limit = _minutes(following[0][0]) if following else 1440
        ends = [m for m in range(1, min(limit + 1, start)) if allowed(m)]
        if following and 0 < limit < start and allowed(limit) and draw(st.booleans()):
            ends = [limit]  # the night runs on into the next day's first interval
        if not ends:
            continue
        end = draw(st.sampled_from(ends))
        hours[weekday] = (*own, (time(start // 60, start % 60), time(end // 60, end % 60)))
        added = True
    assume(added or not at_least_one)


@st.composite
def calendars(
    draw: st.DrawFn, *, excluded: range | None = None, nights: bool = False
) -> BusinessCalendar:
    """A calendar; with ``nights``, one that has at least one interval past midnight."""
    zone = draw(st.sampled_from(ZONES))
    shapes = ("random", "random", "round the clock", "night shift", "night across midnight")
    shape = draw(st.sampled_from(("random", "night across midnight") if nights else shapes))
    hours: Hours = {}
    for weekday in range(7):
        if shape == "round the clock":
            hours[weekday] = ((time(0), None),)
        elif shape == "night shift":
            hours[weekday] = ((time(0), time(6)), (time(22), None))
        elif shape == "night across midnight":
            hours[weekday] = ((time(22), time(6)),)
        elif draw(st.booleans()):
            edges = _boundaries(draw, zone, excluded)
            hours[weekday] = tuple(
                (_as_time(edges[i]) or time(0), _as_time(edges[i + 1]))
                for i in range(0, len(edges), 2)
            )
    if shape == "random" and (nights or draw(st.booleans())):
        _add_nights(draw, hours, zone, excluded, at_least_one=nights)
    assume(hours)
    holiday_dates = draw(st.frozensets(st.dates(date(2024, 12, 1), date(2029, 1, 31)), max_size=12))
    country, subdivision = draw(st.sampled_from(COUNTRIES))
    return BusinessCalendar(
        name="drawn",
        timezone=zone,
        hours=hours,
        holiday_dates=holiday_dates,
        country=country,
        subdivision=subdivision,
    )


def _has_a_night(calendar: BusinessCalendar) -> bool:
    return any(
        end is not None and end < start
        for intervals in calendar.hours.values()
        for start, end in intervals
    )


@st.composite
def durations(draw: st.DrawFn, calendar: BusinessCalendar) -> timedelta:
    """Up to about eight weeks of the calendar's business time, to the microsecond."""
    weekly = int(calendar.weekly_open_time.total_seconds())
    seconds = draw(st.integers(0, 8 * weekly))
    return timedelta(seconds=seconds, microseconds=draw(st.integers(0, 999_999)))


@PROPERTY_SETTINGS
@given(data=st.data(), calendar=calendars())
def test_the_time_to_a_deadline_is_exactly_the_duration(
    data: st.DataObject, calendar: BusinessCalendar
) -> None:
    start = data.draw(instants(calendar.timezone))
    duration = data.draw(durations(calendar))
    due = calendar.deadline(start, duration)
    assert due.tzinfo is not None
    assert calendar.business_time_between(start, due) == duration
    # A deadline is never before the start, and never sooner than the duration in wall time.
    assert due - start >= duration


@PROPERTY_SETTINGS
@given(data=st.data(), calendar=calendars())
def test_a_longer_duration_never_has_an_earlier_deadline(
    data: st.DataObject, calendar: BusinessCalendar
) -> None:
    start = data.draw(instants(calendar.timezone))
    shorter, longer = sorted((data.draw(durations(calendar)), data.draw(durations(calendar))))
    if shorter == longer:
        assert calendar.deadline(start, shorter) == calendar.deadline(start, longer)
    else:
        assert calendar.deadline(start, shorter) < calendar.deadline(start, longer)


@PROPERTY_SETTINGS
@given(data=st.data(), calendar=calendars())
def test_a_deadline_falls_inside_an_open_interval_or_at_its_end(
    data: st.DataObject, calendar: BusinessCalendar
) -> None:
    start = data.draw(instants(calendar.timezone))
    duration = data.draw(durations(calendar))
    assume(duration > timedelta(0))
    due = calendar.deadline(start, duration)
    # The calendar was open during the very last microsecond before the deadline...
    assert calendar.business_time_between(due - MICROSECOND, due) == MICROSECOND
    # ...so any earlier instant is short of the duration.
    assert calendar.business_time_between(start, due - MICROSECOND) < duration
    if calendar.is_open(due):
        assert calendar.next_opening(due) == due


spans = st.builds(
    timedelta, seconds=st.integers(0, 30 * 86400), microseconds=st.integers(0, 999_999)
)


@PROPERTY_SETTINGS
@given(data=st.data(), calendar=calendars(), first=spans, second=spans)
def test_business_time_adds_up_and_never_exceeds_wall_time(
    data: st.DataObject, calendar: BusinessCalendar, first: timedelta, second: timedelta
) -> None:
    a = data.draw(instants(calendar.timezone))
    b = a + first
    c = b + second
    ab, bc, ac = (
        calendar.business_time_between(a, b),
        calendar.business_time_between(b, c),
        calendar.business_time_between(a, c),
    )
    assert ab + bc == ac
    assert calendar.business_time_between(c, a) == -ac
    for span, wall in ((ab, first), (bc, second), (ac, first + second)):
        assert timedelta(0) <= span <= wall


def _open_by_the_wall_clock(calendar: BusinessCalendar, moment: datetime) -> bool:
    """Open if the local wall clock shows a time inside one of that weekday's intervals,
    or inside the part past midnight of the night before; a night belongs to the day it
    starts on, so a holiday removes its own intervals and its own night only."""
    local = moment.astimezone(ZoneInfo(calendar.timezone))
    today, yesterday = local.date(), local.date() - timedelta(days=1)
    wall = local.time().replace(tzinfo=None, fold=0)
    if not calendar.is_holiday(today):
        for start, end in calendar.hours.get(today.weekday(), ()):
            night = end is not None and end < start
            if start <= wall and (end is None or night or wall < end):
                return True
    if not calendar.is_holiday(yesterday):
        for start, end in calendar.hours.get(yesterday.weekday(), ()):
            if end is not None and end < start and wall < end:
                return True
    return False


@settings(PROPERTY_SETTINGS, max_examples=100)
@given(
    data=st.data(),
    calendar=calendars(excluded=REPEATED_HOURS),
    minutes=st.integers(0, 3 * 24 * 60),
)
def test_business_time_matches_a_minute_by_minute_count(
    data: st.DataObject, calendar: BusinessCalendar, minutes: int
) -> None:
    """An independent oracle: walk the wall clock minute by minute and count the open ones.

    Boundaries in the repeated hours are left out, where "the wall clock shows"
    is ambiguous (twice); whole days (the night shift, round the clock) still
    span the changes. A boundary in the skipped hour is passed when the clocks jump.
    """
    start = data.draw(instants(calendar.timezone)).replace(second=0, microsecond=0)
    open_minutes = sum(
        _open_by_the_wall_clock(calendar, start + timedelta(minutes=m)) for m in range(minutes)
    )
    assert calendar.business_time_between(start, start + timedelta(minutes=minutes)) == timedelta(
        minutes=open_minutes
    )


# --- nights past midnight, and the explanation of a deadline -----------------------------


@PROPERTY_SETTINGS
@given(data=st.data(), calendar=calendars(nights=True))
def test_on_a_calendar_with_nights_the_time_to_a_deadline_is_exactly_the_duration(
    data: st.DataObject, calendar: BusinessCalendar
) -> None:
    """The first property above, on calendars that always have a night past midnight."""
    assert _has_a_night(calendar)
    test_the_time_to_a_deadline_is_exactly_the_duration.hypothesis.inner_test(
        data=data, calendar=calendar
    )


def _check_explanation(
    calendar: BusinessCalendar, start: datetime, duration: timedelta, explained: Explanation
) -> None:
    """Everything an explanation promises, checked against the calendar's own arithmetic."""
    zone = ZoneInfo(calendar.timezone)
    stretches = explained.intervals
    assert explained.deadline == calendar.deadline(start, duration)
    assert explained.duration == duration
    assert sum((s.length for s in stretches), timedelta()) == duration
    # Each stretch is open time from end to end, in order, apart from the next, with a
    # running total; the last ends at the deadline.
    total = timedelta()
    for stretch in stretches:
        total += stretch.length
        assert stretch.total == total
        assert stretch.length == stretch.end - stretch.start > timedelta(0)
        assert calendar.business_time_between(stretch.start, stretch.end) == stretch.length
        # (Compared in UTC: a wall time shown twice never equals an instant of another zone.)
        assert stretch.local_start.astimezone(UTC) == stretch.start
        assert stretch.local_end.astimezone(UTC) == stretch.end
        assert stretch.local_start.tzinfo == zone and stretch.start.tzinfo == UTC
    ends = [start, *(s.end for s in stretches)]
    for begin, stretch in zip(ends, stretches, strict=False):
        assert begin <= stretch.start
        # Nothing open was passed over between stretches.
        assert calendar.business_time_between(begin, stretch.start) == timedelta(0)
    for before, after in itertools.pairwise(stretches):
        assert before.end < after.start  # touching stretches would have been one
    if stretches:
        assert stretches[-1].end == explained.deadline
        assert stretches[0].start == calendar.next_opening(start)
    else:
        assert duration == timedelta(0) and explained.deadline == start
    # The days skipped had no open time of their own and lie between the start and the deadline.
    days = [skipped.day for skipped in explained.skipped]
    assert days == sorted(set(days))
    for skipped in explained.skipped:
        assert calendar.intervals_on(skipped.day) == []
        first, last = start.astimezone(zone).date(), explained.deadline.astimezone(zone).date()
        assert first <= skipped.day <= last
        assert skipped.kind == ("holiday" if calendar.is_holiday(skipped.day) else "closed")


@PROPERTY_SETTINGS
@given(data=st.data(), calendar=calendars(nights=True))
def test_the_explained_intervals_of_a_night_calendar_add_up_to_the_deadline(
    data: st.DataObject, calendar: BusinessCalendar
) -> None:
    start = data.draw(instants(calendar.timezone))
    duration = data.draw(durations(calendar))
    _check_explanation(calendar, start, duration, calendar.explain(start, duration))


@PROPERTY_SETTINGS
@given(data=st.data(), calendar=calendars())
def test_the_explained_intervals_of_any_calendar_add_up_to_the_deadline(
    data: st.DataObject, calendar: BusinessCalendar
) -> None:
    start = data.draw(instants(calendar.timezone))
    duration = data.draw(durations(calendar))
    _check_explanation(calendar, start, duration, calendar.explain(start, duration))


@settings(PROPERTY_SETTINGS, max_examples=100)
@given(
    data=st.data(),
    calendar=calendars(excluded=REPEATED_HOURS, nights=True),
    minutes=st.integers(0, 3 * 24 * 60),
)
def test_a_night_calendar_matches_a_minute_by_minute_count(
    data: st.DataObject, calendar: BusinessCalendar, minutes: int
) -> None:
    """The oracle above, on calendars that always have a night past midnight."""
    test_business_time_matches_a_minute_by_minute_count.hypothesis.inner_test(
        data=data, calendar=calendar, minutes=minutes
    )


@PROPERTY_SETTINGS
@given(calendar=calendars(nights=True))
def test_a_calendar_with_nights_survives_its_own_mapping(calendar: BusinessCalendar) -> None:
    """Calendars are stored as events, as their mapping: nights must come back as nights."""
    from eventdesk.calendars import calendar_from_mapping

    again = calendar_from_mapping({"calendar": calendar.to_mapping()}, source="again")
    assert again == calendar
    assert again.weekly_open_time == calendar.weekly_open_time
