"""Human-friendly numbers (``INC0000001``, ``KB0000001``) and the ids behind them.

An incident's aggregate id is derived from its number (a UUIDv5), so the event
store itself guarantees that a number is never issued twice: two writers that
claim the same number both try to write version 1 of the same aggregate, and
the store lets only one of them commit. Knowledge articles are numbered the
same way, in a series of their own.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable

import attrs

PREFIX = "INC"
WIDTH = 7
NAMESPACE = uuid.UUID("6f1c7a2e-3b7d-5c1e-9a59-2f0e8d4b7c11")


@attrs.frozen
class NumberSeries:
    """A series of numbers with a prefix, each the id of one aggregate.

    >>> series = NumberSeries("KB", uuid.UUID("5b0c9e5e-8d5a-5c55-a0a8-1f3e4e1d2c3b"))
    >>> series.format(12), series.parse("kb12"), series.parse("INC0000012")
    ('KB0000012', 12, None)
    """

    prefix: str
    namespace: uuid.UUID
    width: int = WIDTH
    _pattern: re.Pattern[str] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        pattern = re.compile(rf"^{self.prefix}(\d+)$", re.IGNORECASE)
        object.__setattr__(self, "_pattern", pattern)

    def format(self, sequence: int) -> str:
        return f"{self.prefix}{sequence:0{self.width}d}"

    def parse(self, text: str) -> int | None:
        """The sequence of a number of this series, or None if it is not one."""
        match = self._pattern.match(text.strip())
        return int(match.group(1)) if match else None

    def aggregate_id(self, sequence: int) -> uuid.UUID:
        """The aggregate id of number ``sequence``."""
        return _uuid5(self.namespace, self.format(sequence))


@functools.lru_cache(maxsize=1 << 16)
def _uuid5(namespace: uuid.UUID, name: str) -> uuid.UUID:
    """``uuid.uuid5``, remembered: every command on an incident derives its id again."""
    return uuid.uuid5(namespace, name)


INCIDENTS = NumberSeries(PREFIX, NAMESPACE)


def format_number(sequence: int) -> str:
    """
    >>> format_number(42)
    'INC0000042'
    """
    return INCIDENTS.format(sequence)


def parse_number(text: str) -> int | None:
    """The sequence of ``INC0000042`` (or ``inc42``), or None if it is not a number.

    >>> parse_number("INC0000042"), parse_number("inc42"), parse_number("x")
    (42, 42, None)
    """
    return INCIDENTS.parse(text)


def incident_id(sequence: int) -> uuid.UUID:
    """The aggregate id of incident number ``sequence``."""
    return INCIDENTS.aggregate_id(sequence)


def find_last_number(taken: Callable[[int], bool], known: int) -> int:
    """The highest number issued, searching up from ``known`` (issued, or 0).

    Numbers are issued densely, so an exponential then binary search finds
    the end in O(log n) look-ups of ``taken``.

    >>> find_last_number(lambda n: n <= 1234, 0)
    1234
    """
    low, step = known, 1
    while taken(low + step):
        low, step = low + step, step * 2
    high = low + step  # not taken
    while high - low > 1:
        middle = (low + high) // 2
        if taken(middle):
            low = middle
        else:
            high = middle
    return low
