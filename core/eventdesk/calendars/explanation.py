"""How a deadline was reached: the business intervals that add up to a duration.

A deadline on a business calendar is the end of a sum that a person cannot see:
which stretches of open time counted, and which days were passed over. These
frozen values say it, so that the arithmetic can be followed and checked by
hand (``BusinessCalendar.explain`` builds them; ``eventdesk calendar explain``
prints them).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from eventdesk.views import to_jsonable


@attrs.frozen
class BusinessInterval:
    """One stretch of open time that counted towards the duration.

    ``start`` and ``end`` are UTC; ``local_start`` and ``local_end`` the same
    instants on the calendar's wall clock. ``total`` is the business time counted
    up to the end of this stretch.
    """

    start: datetime
    end: datetime
    local_start: datetime
    local_end: datetime
    length: timedelta
    total: timedelta

    def to_dict(self) -> dict[str, Any]:
        return {
            "start_utc": to_jsonable(self.start),
            "end_utc": to_jsonable(self.end),
            "start_local": self.local_start.isoformat(),
            "end_local": self.local_end.isoformat(),
            "seconds": self.length.total_seconds(),
            "total_seconds": self.total.total_seconds(),
        }


@attrs.frozen
class SkippedDay:
    """A day between the stretches that had no open time of its own, and why.

    ``kind`` is ``holiday`` (``why`` names it) or ``closed`` (the weekday has no
    opening hours).
    """

    day: date
    kind: str
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "kind": self.kind, "why": self.why}


@attrs.frozen
class Explanation:
    """``duration`` of business time from ``start`` on a calendar, stretch by stretch.

    The stretches are in order, do not touch one another (open time that runs
    on without a break is one stretch), add up to ``duration``, and the last one
    ends at ``deadline``. With no duration there are none, and the deadline is
    the start.
    """

    calendar: str
    timezone: str
    start: datetime
    duration: timedelta
    deadline: datetime
    intervals: tuple[BusinessInterval, ...]
    skipped: tuple[SkippedDay, ...]

    @property
    def local_deadline(self) -> datetime:
        return self.deadline.astimezone(ZoneInfo(self.timezone))

    def to_dict(self) -> dict[str, Any]:
        """Primitives for ``--json``: instants in ISO 8601, lengths in seconds."""
        return {
            "calendar": self.calendar,
            "timezone": self.timezone,
            "start": to_jsonable(self.start),
            "duration_seconds": self.duration.total_seconds(),
            "deadline_utc": to_jsonable(self.deadline),
            "deadline_local": self.local_deadline.isoformat(),
            "intervals": [interval.to_dict() for interval in self.intervals],
            "skipped": [day.to_dict() for day in self.skipped],
        }
