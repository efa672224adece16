"""Business calendars: when the clock of a service level runs.

A calendar is a set of weekly opening intervals in an IANA time zone, less its
holidays. Business time is measured in real elapsed seconds inside the open
intervals, so a night shift that spans a daylight-saving change really is an
hour shorter or longer, and an interval that starts in a skipped hour starts
when the wall clock says it does.

An interval that ends before it starts runs past midnight: ``22:00-06:00`` on a
Monday is Monday 22:00 to Tuesday 06:00. Such a night belongs to the day it
starts on, for holidays as for everything else: the night of a holiday is off,
the night before one is worked to its end.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from eventdesk.calendars.explanation import BusinessInterval, Explanation, SkippedDay
from eventdesk.clock import as_utc
from eventdesk.errors import InvalidValueError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# How far to look for open time before deciding a calendar is never open.
_SEARCH_DAYS = 366 * 5

# (opens, closes) on the wall clock of the day it opens. None as the end is midnight at the
# end of that day (24:00); an end before the start is on the next day (a night).
Interval = tuple[time, time | None]
DAY = timedelta(days=1)
EMPTY_INTERVAL = "a start and an end that differ (00:00-24:00 is a whole day)"
OUT_OF_ORDER = "intervals in order that do not overlap the one before"


@functools.lru_cache(maxsize=256)
def _country_holiday_names(country: str, subdivision: str | None, year: int) -> dict[date, str]:
    """A country's holidays in a year, named in English where the package can."""
    import holidays

    found = holidays.country_holidays(country, subdiv=subdivision, years=year)
    if "en_US" in found.supported_languages:
        found = holidays.country_holidays(country, subdiv=subdivision, years=year, language="en_US")
    return dict(found)


@functools.lru_cache(maxsize=256)
def _country_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    return frozenset(_country_holiday_names(country, subdivision, year))


def interval_text(interval: Interval) -> str:
    """``22:00-06:00`` as a calendar file writes it (``24:00`` for the end of the day)."""
    start, end = interval
    return f"{start:%H:%M}-{'24:00' if end is None else format(end, '%H:%M')}"


def crosses_midnight(interval: Interval) -> bool:
    start, end = interval
    return end is not None and end < start


def hours_problem(hours: Mapping[int, Sequence[Interval]]) -> tuple[int, int, str] | None:
    """The first interval that cannot stand, as (weekday, index, what was expected); else None.

    Within a day, intervals come in order without overlap; a night (an interval
    past midnight) is therefore the day's last. A night must end by the time the
    next day's first interval starts: ending exactly then is fine, and the two
    run on as one stretch of open time.

    >>> hours_problem({0: [(time(22), time(6))], 1: [(time(5), time(14))]})  # doctest: +ELLIPSIS
    (0, 0, "an interval that ends by 05:00, when tue's first interval starts ...")
    """
    for weekday in sorted(hours):
        intervals = hours[weekday]
        previous_end = time(0)
        for index, (start, end) in enumerate(intervals):
            if start == end:
                return weekday, index, EMPTY_INTERVAL
            if start < previous_end:
                return weekday, index, OUT_OF_ORDER
            previous_end = end if end is not None and end > start else time.max
        if intervals and crosses_midnight(intervals[-1]):
            following = (weekday + 1) % 7
            first = hours.get(following) or ()
            night_ends = intervals[-1][1]
            if first and night_ends is not None and first[0][0] < night_ends:
                opens = first[0][0]
                return (
                    weekday,
                    len(intervals) - 1,
                    f"an interval that ends by {opens:%H:%M}, when {WEEKDAYS[following]}'s"
                    " first interval starts (ending right then, the two run on as one)",
                )
    return None


def _normalised_hours(hours: Mapping[Any, Sequence[Interval]]) -> dict[int, tuple[Interval, ...]]:
    """Closed days left out; an end at 00:00 (after a later start) read as 24:00, the same end."""
    return {
        int(day): tuple(
            (start, None if end == time(0) and start != time(0) else end)
            for start, end in intervals
        )
        for day, intervals in dict(hours).items()
        if intervals
    }


def _check_hours(instance: BusinessCalendar, attribute: object, hours: Mapping) -> None:
    for weekday in hours:
        if weekday not in range(7):
            raise InvalidValueError("weekday", weekday, "0 (Monday) to 6 (Sunday)")
    problem = hours_problem(hours)
    if problem:
        weekday, index, expected = problem
        raise InvalidValueError(
            f"hours on {WEEKDAYS[weekday]}", interval_text(hours[weekday][index]), expected
        )


@attrs.frozen
class BusinessCalendar:
    """Opening hours per weekday, in a time zone, less holidays.

    >>> cal = BusinessCalendar.weekdays("office", "Europe/Madrid", "09:00", "17:00")
    >>> start = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)  # Friday 16:00 in Madrid
    >>> cal.deadline(start, timedelta(hours=4)).isoformat()  # 1 h on Friday, 3 h on Monday
    '2026-03-09T11:00:00+00:00'
    """

    name: str
    timezone: str = attrs.field()
    hours: Mapping[int, tuple[Interval, ...]] = attrs.field(
        converter=_normalised_hours, validator=_check_hours
    )
    holiday_dates: frozenset[date] = attrs.field(default=frozenset(), converter=frozenset)
    country: str | None = None
    subdivision: str | None = None

    @timezone.validator
    def _check_timezone(self, attribute: object, value: str) -> None:
        try:
            ZoneInfo(value)
        except Exception:
            raise InvalidValueError(
                "timezone", value, "an IANA time zone such as Europe/Madrid"
            ) from None

    @classmethod
    def always_open(cls, name: str = "24x7") -> BusinessCalendar:
        return cls(name=name, timezone="UTC", hours={d: ((time(0), None),) for d in range(7)})

    @classmethod
    def weekdays(cls, name: str, timezone: str, opens: str, closes: str) -> BusinessCalendar:
        interval = (time.fromisoformat(opens), time.fromisoformat(closes))
        return cls(name=name, timezone=timezone, hours={d: (interval,) for d in range(5)})

    def to_mapping(self) -> dict[str, Any]:
        """The ``[calendar]`` table this calendar is read from (primitives only)."""
        hours = {
            WEEKDAYS[day]: [interval_text(interval) for interval in intervals]
            for day, intervals in sorted(self.hours.items())
        }
        holidays: dict[str, Any] = {"dates": sorted(d.isoformat() for d in self.holiday_dates)}
        if self.country:
            holidays["country"] = self.country
        if self.subdivision:
            holidays["subdivision"] = self.subdivision
        return {"name": self.name, "timezone": self.timezone, "hours": hours, "holidays": holidays}

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_24x7(self) -> bool:
        return (
            not self.holiday_dates
            and self.country is None
            and all(self.hours.get(d) == ((time(0), None),) for d in range(7))
        )

    @property
    def weekly_open_time(self) -> timedelta:
        """Nominal open time in a week (wall-clock; ignores holidays and DST)."""
        total = timedelta()
        for intervals in self.hours.values():
            for start, end in intervals:
                end_delta = DAY if end is None else _as_delta(end)
                if crosses_midnight((start, end)):
                    end_delta += DAY
                total += end_delta - _as_delta(start)
        return total

    def is_holiday(self, day: date) -> bool:
        if day in self.holiday_dates:
            return True
        if self.country:
            return day in _country_holidays(self.country, self.subdivision, day.year)
        return False

    def holiday_name(self, day: date) -> str | None:
        """What the holiday is called (the country's name for it first); None on a working day."""
        if self.country:
            name = _country_holiday_names(self.country, self.subdivision, day.year).get(day)
            if name:
                return name
        return "listed in the calendar" if day in self.holiday_dates else None

    def intervals_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The open intervals that start on a local calendar day, as UTC instants.

        A night runs on into the next day; a holiday has none of its own, so the
        night of a holiday is off and the night before a holiday is worked.
        """
        if self.is_holiday(day):
            return []
        zone = self.zone
        result = []
        for start, end in self.hours.get(day.weekday(), ()):
            opens = local_instant(day, start, zone)
            if end is None:
                closes = local_instant(day + DAY, time(0), zone)
            elif end < start:
                closes = local_instant(day + DAY, end, zone)
            else:
                closes = local_instant(day, end, zone)
            if closes > opens:
                result.append((opens, closes))
        return result

    def _open_intervals(self, since: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals (UTC) that end after ``since``, in order, forever.

        The day before ``since`` is read too: a night that started then may still run.
        """
        day = since.astimezone(self.zone).date() - DAY
        barren = 0
        while True:
            intervals = self.intervals_on(day)
            barren = 0 if intervals else barren + 1
            if barren > _SEARCH_DAYS:
                raise InvalidValueError(
                    f"calendar {self.name}", "no open hours", "at least one open interval"
                )
            for opens, closes in intervals:
                if closes > since:
                    yield max(opens, since), closes
            day += DAY

    def _spend(self, start: datetime, duration: timedelta) -> Iterator[tuple[datetime, datetime]]:
        """The pieces of open time (UTC) that make up ``duration`` from ``start``, in order.

        The deadline is where the last piece ends (``start`` itself if there is none).
        """
        if duration < timedelta(0):
            raise InvalidValueError("duration", str(duration), "zero or more")
        remaining = duration
        if not remaining:
            return
        for opens, closes in self._open_intervals(start):
            if closes - opens >= remaining:
                yield opens, opens + remaining
                return
            remaining -= closes - opens
            yield opens, closes

    def is_open(self, moment: datetime) -> bool:
        moment = as_utc(moment)
        for opens, _closes in self._open_intervals(moment):
            return opens <= moment
        return False  # pragma: no cover - the generator never ends

    def deadline(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which ``duration`` of business time has passed since ``start``."""
        start = as_utc(start)
        due = start
        for _opens, closes in self._spend(start, duration):
            due = closes
        return due

    def explain(self, start: datetime, duration: timedelta) -> Explanation:
        """The stretches of open time that make up ``duration`` from ``start``, and the deadline.

        So that a person can follow the arithmetic: each stretch in UTC and on the
        calendar's wall clock, its length and the running total (the last total is
        ``duration``, the last end the deadline), and the days in between that were
        skipped, holidays by name. Open time that runs on without a break (a night
        into the next morning's shift, say) is one stretch.

        >>> night = BusinessCalendar(
        ...     "night", "Europe/Madrid", {d: ((time(22), time(6)),) for d in range(5)}
        ... )
        >>> friday_late = datetime(2026, 3, 6, 22, 0, tzinfo=UTC)  # 23:00 in Madrid
        >>> explained = night.explain(friday_late, timedelta(hours=8))
        >>> for stretch in explained.intervals:
        ...     print(f"{stretch.local_start:%a %H:%M}-{stretch.local_end:%a %H:%M}", stretch.total)
        Fri 23:00-Sat 06:00 7:00:00
        Mon 22:00-Mon 23:00 8:00:00
        >>> for skipped in explained.skipped:
        ...     print(skipped.day, skipped.kind, skipped.why)
        2026-03-07 closed no opening hours on Saturday
        2026-03-08 closed no opening hours on Sunday
        """
        start = as_utc(start)
        zone = self.zone
        stretches: list[tuple[datetime, datetime]] = []
        for opens, closes in self._spend(start, duration):
            if stretches and stretches[-1][1] == opens:
                stretches[-1] = (stretches[-1][0], closes)
            else:
                stretches.append((opens, closes))
        intervals, total = [], timedelta()
        for opens, closes in stretches:
            total += closes - opens
            intervals.append(
                BusinessInterval(
                    start=opens,
                    end=closes,
                    local_start=opens.astimezone(zone),
                    local_end=closes.astimezone(zone),
                    length=closes - opens,
                    total=total,
                )
            )
        gap_starts = [start, *(closes for _, closes in stretches)][: len(stretches)]
        gaps = zip(gap_starts, [opens for opens, _ in stretches], strict=True)
        return Explanation(
            calendar=self.name,
            timezone=self.timezone,
            start=start,
            duration=duration,
            deadline=stretches[-1][1] if stretches else start,
            intervals=tuple(intervals),
            skipped=tuple(self._skipped_days(gaps)),
        )

    def _skipped_days(self, gaps: Iterable[tuple[datetime, datetime]]) -> Iterator[SkippedDay]:
        """The days that a gap between stretches touches and that have no open time of their own."""
        zone = self.zone
        for begin, end in gaps:
            if end <= begin:
                continue
            day = begin.astimezone(zone).date()
            last = (end - timedelta(microseconds=1)).astimezone(zone).date()
            while day <= last:
                if not self.intervals_on(day):
                    yield self._why_closed(day)
                day += DAY

    def _why_closed(self, day: date) -> SkippedDay:
        holiday = self.holiday_name(day)
        if holiday:
            return SkippedDay(day=day, kind="holiday", why=holiday)
        weekday = WEEKDAY_NAMES[day.weekday()]
        if self.hours.get(day.weekday()):
            why = f"its hours fall in the hour the clocks skip on {weekday}"
            return SkippedDay(day=day, kind="closed", why=why)
        return SkippedDay(day=day, kind="closed", why=f"no opening hours on {weekday}")

    def business_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Business time from ``a`` to ``b`` (negative if ``b`` is before ``a``)."""
        a, b = as_utc(a), as_utc(b)
        if b < a:
            return -self.business_time_between(b, a)
        total = timedelta()
        for opens, closes in self._open_intervals(a):
            if opens >= b:
                break
            total += min(closes, b) - opens
        return total

    def next_opening(self, moment: datetime) -> datetime:
        """``moment`` itself if open, else when the calendar next opens."""
        for opens, _closes in self._open_intervals(as_utc(moment)):
            return opens
        raise AssertionError("unreachable")  # pragma: no cover


def local_instant(day: date, moment: time, zone: ZoneInfo) -> datetime:
    """The UTC instant at which the wall clock in ``zone`` shows ``day moment``.

    A wall time skipped by a daylight-saving change is passed at the instant of
    the change, so intervals that start or end in the gap never overlap. A wall
    time shown twice (the clocks go back) is taken at its first showing.
    """
    wall = datetime.combine(day, moment)
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # In a gap: the change happened between the two readings; find it to the second.
    low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = first
    offset_after = high.astimezone(zone).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == offset_after:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0) if high.microsecond else high


def _as_delta(moment: time) -> timedelta:
    return timedelta(hours=moment.hour, minutes=moment.minute, seconds=moment.second)
