"""Helpers for tests that run a ServiceDesk on every store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from eventdesk import ManualClock, ServiceDesk


class InterleavingClock:
    """Virtual time that lets a colleague act at the instant a command reads the clock.

    Every command reads the clock after it has loaded the incident and before it
    saves, so an action queued with ``meanwhile`` lands between the two: a real,
    reproducible concurrent change, with no mock in sight.
    """

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self._pending: list[Callable[[], object]] = []

    def meanwhile(self, action: Callable[[], object]) -> None:
        self._pending.append(action)

    def now(self) -> datetime:
        while self._pending:
            self._pending.pop(0)()
        return self.clock.now()


@pytest.fixture
def interleaving(desk: ServiceDesk, clock: ManualClock) -> InterleavingClock:
    """Put the desk on a clock that lets colleagues act in the middle of a command."""
    interleaving_clock = InterleavingClock(clock)
    desk.clock = interleaving_clock
    return interleaving_clock
