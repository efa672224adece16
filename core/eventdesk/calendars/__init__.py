"""Business calendars: opening hours, time zones and holidays."""

from eventdesk.calendars.loading import calendar_from_mapping, load_calendar, parse_duration
from eventdesk.calendars.model import BusinessCalendar

__all__ = ["BusinessCalendar", "calendar_from_mapping", "load_calendar", "parse_duration"]
