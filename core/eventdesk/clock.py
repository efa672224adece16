"""Clocks: the only source of "now" for the engine.

The domain never reads the wall clock itself; the application is given a clock,
so tests and drills can run on virtual time.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol

from eventdesk.errors import InvalidValueError


class Clock(Protocol):
    """Something that tells the time, always as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(tz=UTC)


class ManualClock:
    """A clock that only moves when told to: for tests, drills and replays.

    >>> clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    >>> clock.advance(minutes=90).isoformat()
    '2026-03-02T10:30:00+00:00'
    """

    def __init__(self, start: datetime) -> None:
        self._now = as_utc(start)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, moment: datetime) -> datetime:
        with self._lock:
            self._now = as_utc(moment)
            return self._now

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        step = delta if delta is not None else timedelta(**kwargs)
        with self._lock:
            self._now = self._now + step
            return self._now


def as_utc(moment: datetime) -> datetime:
    """Return ``moment`` in UTC; a naive datetime is refused, never guessed."""
    if not isinstance(moment, datetime):
        raise NaiveTimeError("time", moment, "a datetime with a time zone (UTC)")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise NaiveTimeError(
            "time", moment.isoformat(), "a time zone: a naive datetime is never guessed; use UTC"
        )
    return moment.astimezone(UTC)


class NaiveTimeError(InvalidValueError, ValueError):
    """A time without a time zone (or not a time at all)."""
