"""Business calendars: when the clock of a service level runs.

A calendar is a set of weekly opening intervals in an IANA time zone, less its
holidays. Business time is measured in real elapsed seconds inside the open
intervals, so a night shift that spans a daylight-saving change really is an
hour shorter or longer, and an interval that starts in a skipped hour starts
when the wall clock says it does.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from eventdesk.clock import as_utc
from eventdesk.errors import InvalidValueError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How far to look for open time before deciding a calendar is never open.
_SEARCH_DAYS = 366 * 5

Interval = tuple[time, time | None]  # None as the end means midnight at the end of the day


@functools.lru_cache(maxsize=256)
def _country_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


def _check_hours(instance: BusinessCalendar, attribute: object, hours: Mapping) -> None:
    for weekday, intervals in hours.items():
        if weekday not in range(7):
            raise InvalidValueError("weekday", weekday, "0 (Monday) to 6 (Sunday)")
        previous_end = time(0)
        for start, end in intervals:
            end_key = end or time.max
            if start < previous_end or end_key <= start:
                raise InvalidValueError(
                    f"hours on {WEEKDAYS[weekday]}",
                    f"{start:%H:%M}-{'24:00' if end is None else f'{end:%H:%M}'}",
                    "intervals that start before they end, in order, without overlap",
                )
            previous_end = end_key


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
        converter=lambda h: {int(k): tuple(v) for k, v in dict(h).items() if v},
        validator=_check_hours,
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
            WEEKDAYS[day]: [
                f"{start:%H:%M}-{'24:00' if end is None else format(end, '%H:%M')}"
                for start, end in intervals
            ]
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
                end_delta = timedelta(hours=24) if end is None else _as_delta(end)
                total += end_delta - _as_delta(start)
        return total

    def is_holiday(self, day: date) -> bool:
        if day in self.holiday_dates:
            return True
        if self.country:
            return day in _country_holidays(self.country, self.subdivision, day.year)
        return False

    def intervals_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The open intervals of a local calendar day, as UTC instants."""
        if self.is_holiday(day):
            return []
        zone = self.zone
        result = []
        for start, end in self.hours.get(day.weekday(), ()):
            opens = local_instant(day, start, zone)
            if end is None:
                closes = local_instant(day + timedelta(days=1), time(0), zone)
            else:
                closes = local_instant(day, end, zone)
            if closes > opens:
                result.append((opens, closes))
        return result

    def _open_intervals(self, since: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals (UTC) that end after ``since``, in order, forever."""
        day = since.astimezone(self.zone).date() - timedelta(days=1)
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
            day += timedelta(days=1)

    def is_open(self, moment: datetime) -> bool:
        moment = as_utc(moment)
        for opens, _closes in self._open_intervals(moment):
            return opens <= moment
        return False  # pragma: no cover - the generator never ends

    def deadline(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which ``duration`` of business time has passed since ``start``."""
        start = as_utc(start)
        if duration < timedelta(0):
            raise InvalidValueError("duration", str(duration), "zero or more")
        if duration == timedelta(0):
            return start
        remaining = duration
        for opens, closes in self._open_intervals(start):
            span = closes - opens
            if span >= remaining:
                return opens + remaining
            remaining -= span
        raise AssertionError("unreachable")  # pragma: no cover

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
