"""Human-friendly incident numbers (``INC0000001``) and the ids behind them.

An incident's aggregate id is derived from its number (a UUIDv5), so the event
store itself guarantees that a number is never issued twice: two writers that
claim the same number both try to write version 1 of the same aggregate, and
the store lets only one of them commit.
"""

from __future__ import annotations

import re
import uuid

PREFIX = "INC"
WIDTH = 7
NAMESPACE = uuid.UUID("6f1c7a2e-3b7d-5c1e-9a59-2f0e8d4b7c11")
_NUMBER = re.compile(rf"^{PREFIX}(\d+)$", re.IGNORECASE)


def format_number(sequence: int) -> str:
    """
    >>> format_number(42)
    'INC0000042'
    """
    return f"{PREFIX}{sequence:0{WIDTH}d}"


def parse_number(text: str) -> int | None:
    """The sequence of ``INC0000042`` (or ``inc42``), or None if it is not a number.

    >>> parse_number("INC0000042"), parse_number("inc42"), parse_number("x")
    (42, 42, None)
    """
    match = _NUMBER.match(text.strip())
    return int(match.group(1)) if match else None


def incident_id(sequence: int) -> uuid.UUID:
    """The aggregate id of incident number ``sequence``."""
    return uuid.uuid5(NAMESPACE, format_number(sequence))
