"""Clocks: the engine's only source of "now", always aware and in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from eventdesk import ManualClock, SystemClock
from eventdesk.clock import as_utc

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MADRID_WINTER = timezone(timedelta(hours=1))


def test_a_manual_clock_stands_still_until_moved():
    clock = ManualClock(START)
    assert clock.now() == START
    assert clock.now() == START

    assert clock.advance(minutes=90) == START + timedelta(minutes=90)
    assert clock.advance(timedelta(days=1)) == START + timedelta(days=1, minutes=90)
    assert clock.advance(seconds=0.25) == START + timedelta(days=1, minutes=90, seconds=0.25)
    assert clock.now() == START + timedelta(days=1, minutes=90, seconds=0.25)

    assert clock.set(START) == START
    assert clock.now() == START


def test_a_manual_clock_keeps_time_in_utc_whatever_zone_it_is_given():
    clock = ManualClock(datetime(2026, 3, 2, 10, 0, tzinfo=MADRID_WINTER))
    assert clock.now() == START
    assert clock.now().tzinfo is UTC

    clock.set(datetime(2026, 3, 2, 11, 0, tzinfo=MADRID_WINTER))
    assert clock.now().isoformat() == "2026-03-02T10:00:00+00:00"


def test_a_naive_time_is_refused_never_guessed():
    # Fail to start a clock on a time without a zone.
    with pytest.raises(ValueError, match="naive datetime"):
        ManualClock(datetime(2026, 3, 2, 9, 0))
    clock = ManualClock(START)
    # Fail to set a clock to a time without a zone.
    with pytest.raises(ValueError, match="naive datetime"):
        clock.set(datetime(2026, 3, 2, 9, 0))
    assert clock.now() == START


def test_as_utc_converts_aware_times():
    assert as_utc(datetime(2026, 7, 1, 2, 0, tzinfo=timezone(timedelta(hours=2)))) == datetime(
        2026, 7, 1, 0, 0, tzinfo=UTC
    )
    assert as_utc(START).tzinfo is UTC


def test_the_system_clock_tells_the_real_time_in_utc():
    before = datetime.now(tz=UTC)
    now = SystemClock().now()
    after = datetime.now(tz=UTC)
    assert now.tzinfo is UTC
    assert before <= now <= after
