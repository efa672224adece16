"""Calendars from TOML files, and durations from text such as ``90m`` or ``4h``."""

from __future__ import annotations

import re
import tomllib
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from eventdesk.calendars.model import WEEKDAYS, BusinessCalendar, Interval, hours_problem
from eventdesk.errors import ConfigFileError, InvalidValueError

BUILT_IN = {"24x7": BusinessCalendar.always_open}
CALENDAR_KEYS = ("name", "timezone", "hours", "holidays")
HOLIDAY_KEYS = ("country", "subdivision", "dates")
_INTERVAL = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
_DURATION = re.compile(r"^(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?$")


def read_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file; any failure is a ConfigFileError naming the file."""
    path = Path(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigFileError(str(path), "(file)", "an existing file") from None
    except UnicodeDecodeError:
        raise ConfigFileError(str(path), "(file)", "UTF-8 text") from None
    except OSError as error:  # a folder, a file it may not read
        raise ConfigFileError(str(path), "(file)", f"a readable file ({error.strerror})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigFileError(str(path), "(syntax)", f"valid TOML ({error})") from None


def refuse_unknown_keys(
    source: str, table: Any, allowed: tuple[str, ...], *, prefix: str = ""
) -> None:
    """Refuse a key a file's table does not know, naming it: a misspelt key is not skipped.

    >>> refuse_unknown_keys("a.toml", {"hollidays": {}}, ("name", "holidays"), prefix="cal.")
    Traceback (most recent call last):
    ...
    eventdesk.errors.ConfigFileError: a.toml: cal.hollidays: expected only name and holidays
    """
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        names = ", ".join(allowed[:-1]) + f" and {allowed[-1]}" if len(allowed) > 1 else allowed[0]
        raise ConfigFileError(source, prefix + unknown[0], f"only {names}")


def load_calendar(path: str | Path) -> BusinessCalendar:
    """Load a ``[calendar]`` TOML file, or a built-in calendar by name (``24x7``)."""
    if str(path) in BUILT_IN:
        return BUILT_IN[str(path)]()
    return calendar_from_mapping(read_toml(path), source=str(path))


def calendar_from_mapping(document: dict[str, Any], *, source: str) -> BusinessCalendar:
    section = document.get("calendar")
    if not isinstance(section, dict):
        raise ConfigFileError(source, "calendar", "a [calendar] table")
    refuse_unknown_keys(source, document, ("calendar",))
    refuse_unknown_keys(source, section, CALENDAR_KEYS, prefix="calendar.")
    name = section.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigFileError(source, "calendar.name", "a non-empty string", name)
    timezone = section.get("timezone")
    if not isinstance(timezone, str):
        raise ConfigFileError(source, "calendar.timezone", "an IANA time zone name", timezone)
    hours = _hours(section.get("hours"), source)
    holidays = section.get("holidays", {})
    if not isinstance(holidays, dict):
        raise ConfigFileError(source, "calendar.holidays", "a table", holidays)
    refuse_unknown_keys(source, holidays, HOLIDAY_KEYS, prefix="calendar.holidays.")
    country = holidays.get("country")
    subdivision = holidays.get("subdivision")
    if country is not None:
        country = _check_country(source, country, subdivision)
    elif subdivision is not None:
        raise ConfigFileError(source, "calendar.holidays.subdivision", "a country beside it")
    dates = holidays.get("dates", [])
    if not isinstance(dates, list):
        raise ConfigFileError(source, "calendar.holidays.dates", "a list of dates", dates)
    holiday_dates = {_date(source, index, value) for index, value in enumerate(dates)}
    try:
        return BusinessCalendar(
            name=name.strip(),
            timezone=timezone,
            hours=hours,
            holiday_dates=holiday_dates,
            country=country,
            subdivision=subdivision,
        )
    except InvalidValueError as error:
        key = "calendar.timezone" if error.field == "timezone" else "calendar.hours"
        raise ConfigFileError(
            source, key, error.details["expected"], error.details["value"]
        ) from None


def _hours(table: Any, source: str) -> dict[int, tuple[Interval, ...]]:
    """The ``[calendar.hours]`` table; a bad interval is named by its key (``...hours.mon[1]``).

    An interval that ends before it starts runs past midnight (``"22:00-06:00"``).
    """
    if not isinstance(table, dict):
        raise ConfigFileError(source, "calendar.hours", "a table of weekdays (mon … sun)")
    hours: dict[int, tuple[Interval, ...]] = {}
    for key, value in table.items():
        if key not in WEEKDAYS:
            raise ConfigFileError(source, f"calendar.hours.{key}", "a weekday: mon … sun")
        if not isinstance(value, list):
            raise ConfigFileError(
                source, f"calendar.hours.{key}", 'a list of "HH:MM-HH:MM" intervals', value
            )
        hours[WEEKDAYS.index(key)] = tuple(
            _interval(source, f"calendar.hours.{key}[{i}]", text) for i, text in enumerate(value)
        )
    problem = hours_problem(hours)
    if problem:
        weekday, index, expected = problem
        key = WEEKDAYS[weekday]
        raise ConfigFileError(source, f"calendar.hours.{key}[{index}]", expected, table[key][index])
    if not any(hours.values()):
        raise ConfigFileError(source, "calendar.hours", "at least one open interval")
    return hours


def _interval(source: str, key: str, text: Any) -> Interval:
    match = _INTERVAL.match(text) if isinstance(text, str) else None
    if not match:
        raise ConfigFileError(source, key, 'an interval "HH:MM-HH:MM"', text)
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
        raise ConfigFileError(source, key, "times from 00:00 to 24:00", text)
    return time(h1, m1), None if h2 == 24 else time(h2, m2)


def _date(source: str, index: int, value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ConfigFileError(
            source, f"calendar.holidays.dates[{index}]", "a date YYYY-MM-DD", value
        ) from None


def _check_country(source: str, country: Any, subdivision: Any) -> str:
    import holidays

    supported = holidays.list_supported_countries()
    if not isinstance(country, str) or country.upper() not in supported:
        raise ConfigFileError(
            source,
            "calendar.holidays.country",
            "an ISO 3166 country code known to the holidays package",
            country,
        )
    if subdivision is not None and subdivision not in supported[country.upper()]:
        raise ConfigFileError(
            source,
            "calendar.holidays.subdivision",
            f"a subdivision of {country.upper()}",
            subdivision,
        )
    return country.upper()


def parse_duration(text: str, calendar: BusinessCalendar | str | None = None) -> timedelta:
    """``90m``, ``4h``, ``1h30m``, ``3d`` → a timedelta.

    Days are 24 business hours, so they are accepted only on a calendar that is
    open around the clock: elsewhere a "business day" would be a guess.
    ``calendar`` is the calendar the duration is counted on, or only its name
    when the calendar itself is not at hand (a policy file read without a desk);
    of a bare name, only the built-in ``24x7`` is known to be open around the
    clock. Without a calendar, days are 24 hours.

    >>> parse_duration("1h30m")
    datetime.timedelta(seconds=5400)
    >>> parse_duration("2d", "24x7")
    datetime.timedelta(days=2)
    >>> parse_duration("2d", "madrid-office")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    eventdesk.errors.InvalidValueError: invalid duration '2d': ... not on madrid-office
    """
    match = _DURATION.match(text.strip().lower()) if isinstance(text, str) else None
    if not match or not text.strip() or not any(match.groups()):
        raise InvalidValueError("duration", text, "a duration such as 90m, 4h, 1h30m or 3d")
    days, hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    if days and calendar is not None and not _around_the_clock(calendar):
        name = calendar if isinstance(calendar, str) else calendar.name
        raise InvalidValueError(
            "duration",
            text,
            f"hours or minutes: days are only accepted on 24x7, not on {name}",
        )
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def _around_the_clock(calendar: BusinessCalendar | str) -> bool:
    if isinstance(calendar, str):
        return calendar in BUILT_IN and BUILT_IN[calendar]().is_24x7
    return calendar.is_24x7
