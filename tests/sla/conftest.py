"""Shared by the SLA tests: calendar and policy files written to a temporary folder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from textwrap import dedent

import pytest
from eventdesk.calendars import BusinessCalendar, calendar_from_mapping
from eventdesk.sla.policy import SlaPolicy, Target

MADRID_OFFICE_TOML = """
    [calendar]
    name = "madrid-office"
    timezone = "Europe/Madrid"
    [calendar.hours]
    mon = ["09:00-13:00", "14:00-18:00"]
    tue = ["09:00-13:00", "14:00-18:00"]
    wed = ["09:00-13:00", "14:00-18:00"]
    thu = ["09:00-13:00", "14:00-18:00"]
    fri = ["09:00-13:00", "14:00-18:00"]
    [calendar.holidays]
    country = "ES"
    subdivision = "MD"
    dates = ["2026-12-24"]
"""

WriteToml = Callable[[str, str], Path]


@pytest.fixture
def write_toml(tmp_path: Path) -> WriteToml:
    """Write ``text`` (dedented) to ``tmp_path/name`` and return the path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def madrid_office_file(write_toml: WriteToml) -> Path:
    """Weekdays 09-13 and 14-18 in Madrid, less Spanish and Madrid holidays and Christmas Eve."""
    return write_toml("madrid-office.toml", MADRID_OFFICE_TOML)


@pytest.fixture
def madrid_office() -> BusinessCalendar:
    import tomllib

    return calendar_from_mapping(tomllib.loads(dedent(MADRID_OFFICE_TOML)), source="madrid")


@pytest.fixture
def office_policy() -> SlaPolicy:
    """P1 round the clock; P3 on the Madrid office's hours."""
    return SlaPolicy(
        name="office",
        targets={
            1: Target(timedelta(minutes=15), timedelta(hours=4), "24x7"),
            3: Target(timedelta(hours=1), timedelta(hours=8), "madrid-office"),
        },
    )
