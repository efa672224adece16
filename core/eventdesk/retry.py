"""Retrying a command that lost an optimistic-concurrency race.

Two writers that read the same version of an incident cannot both save: the
second gets a conflict. Whether the desk may simply read the incident again
and redo the command depends on the command:

- *safe to retry* — its effect does not depend on the state the caller saw:
  adding a comment or a work note, logging work, and the "set" operations
  (assign, reprioritise, categorise, link a problem or a known error), where
  the last writer wins exactly as if the two had come one after the other. The
  desk reloads the incident, checks the rules again against what it finds, and
  saves, up to ``RetryPolicy.attempts`` times with jittered backoff.
- *not safe* — the lifecycle transitions (start, hold, resume, resolve,
  reopen, close, cancel), escalation and declaring a major incident: each is a
  decision taken on the state the caller saw, which has changed. They fail
  with :class:`~eventdesk.errors.ConcurrencyConflictError` for the caller to
  look again.

A command given ``expected_version`` is never retried: the caller asked for
the check.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from eventdesk.errors import ConcurrencyConflictError

T = TypeVar("T")

RETRYABLE_COMMANDS = frozenset(
    {
        "comment",
        "log work",
        "assign",
        "reprioritise",
        "categorise",
        "link problem",
        "link a known error to",
    }
)
"""The commands the desk retries after a conflict (by the names ``_change`` gives them)."""


class ConflictRetriesExhaustedError(ConcurrencyConflictError):
    """A command safe to retry still met a conflict on every attempt the policy allows."""

    def __init__(self, conflict: ConcurrencyConflictError, attempts: int) -> None:
        details = conflict.details
        super().__init__(
            details["incident"], details["expected_version"], details["actual_version"]
        )
        self.message = f"{self.message} (gave up after {attempts} attempts)"
        self.details = {**details, "attempts": attempts}
        self.args = (self.message,)


@attrs.define
class ConflictCounts:
    """What the desk met since it started: conflicts, retries, and commands given up."""

    conflicts: int = 0
    retries: int = 0
    exhausted: int = 0
    _lock: threading.Lock = attrs.field(factory=threading.Lock, repr=False, eq=False)

    def add(self, *, conflicts: int = 0, retries: int = 0, exhausted: int = 0) -> None:
        with self._lock:
            self.conflicts += conflicts
            self.retries += retries
            self.exhausted += exhausted

    def to_dict(self) -> dict[str, int]:
        return {"conflicts": self.conflicts, "retries": self.retries, "exhausted": self.exhausted}


@attrs.frozen
class RetryPolicy:
    """Up to ``attempts`` tries; before try *n* (from 1) a random pause of up to
    ``min(max_delay, base_delay * 2**n)`` seconds ("full jitter"), so that the
    writers who collided do not collide again.

    >>> policy = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.03)
    >>> [policy.longest_pause(n) for n in (1, 2, 3)]
    [0.02, 0.03, 0.03]
    """

    attempts: int = attrs.field(default=8, validator=attrs.validators.ge(1))
    base_delay: float = attrs.field(default=0.002, validator=attrs.validators.ge(0))
    max_delay: float = attrs.field(default=0.1, validator=attrs.validators.ge(0))

    def longest_pause(self, attempt: int) -> float:
        return min(self.max_delay, self.base_delay * 2**attempt)

    def run(
        self,
        command: Callable[[], T],
        counts: ConflictCounts,
        *,
        sleep: Callable[[float], Any] = time.sleep,
        rng: random.Random | None = None,
    ) -> T:
        """``command()``, run again (it reloads what it changes) after each conflict."""
        rng = rng or random.Random()
        for attempt in range(1, self.attempts + 1):
            try:
                return command()
            except ConcurrencyConflictError as conflict:
                counts.add(conflicts=1)
                if attempt == self.attempts:
                    counts.add(exhausted=1)
                    raise ConflictRetriesExhaustedError(conflict, self.attempts) from None
            counts.add(retries=1)
            sleep(rng.uniform(0, self.longest_pause(attempt)))
        raise AssertionError("unreachable: the last attempt returns or raises")
