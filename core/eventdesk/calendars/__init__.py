"""Business calendars: opening hours, time zones and holidays."""

from eventdesk.calendars.explanation import BusinessInterval, Explanation, SkippedDay
from eventdesk.calendars.loading import calendar_from_mapping, load_calendar, parse_duration
from eventdesk.calendars.model import BusinessCalendar

__all__ = [
    "BusinessCalendar",
    "BusinessInterval",
    "Explanation",
    "SkippedDay",
    "calendar_from_mapping",
    "load_calendar",
    "parse_duration",
]
