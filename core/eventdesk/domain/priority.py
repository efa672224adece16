"""Impact × urgency → priority, through a priority matrix."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from eventdesk.errors import InvalidValueError

LEVELS = (1, 2, 3)
PRIORITIES = (1, 2, 3, 4, 5)

# ITIL's usual matrix, 1 = highest: the sum of impact and urgency, less one.
DEFAULT_CELLS: dict[tuple[int, int], int] = {
    (impact, urgency): impact + urgency - 1 for impact in LEVELS for urgency in LEVELS
}


def _one_of(field: str, value: object, allowed: tuple[int, ...], expected: str) -> int:
    """``value`` (a whole number, or its text) if it is one of ``allowed``."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidValueError(field, value, expected)
    try:
        number = int(value)
    except ValueError:
        raise InvalidValueError(field, value, expected) from None
    if number not in allowed:
        raise InvalidValueError(field, value, expected)
    return number


def check_level(field: str, value: object) -> int:
    """Return ``value`` as an impact or urgency level (1–3), or raise InvalidValueError."""
    return _one_of(field, value, LEVELS, "1, 2 or 3")


def check_priority(field: str, value: object) -> int:
    """Return ``value`` as a priority (1–5), or raise InvalidValueError."""
    return _one_of(field, value, PRIORITIES, "1 to 5")


def _check_cells(instance: PriorityMatrix, attribute: object, cells: Mapping) -> None:
    missing = [cell for cell in DEFAULT_CELLS if cell not in cells]
    if missing:
        raise InvalidValueError("priority matrix", sorted(missing), "a priority for all 9 cells")
    for cell, priority in cells.items():
        if priority not in PRIORITIES:
            raise InvalidValueError(
                f"priority for impact {cell[0]} × urgency {cell[1]}", priority, "1 to 5"
            )


@attrs.frozen
class PriorityMatrix:
    """Maps (impact, urgency) to a priority from 1 (highest) to 5.

    >>> PriorityMatrix.default().priority(1, 2)
    2
    >>> PriorityMatrix.default().priority(3, 3)
    5
    """

    cells: Mapping[tuple[int, int], int] = attrs.field(
        converter=lambda cells: dict(cells), validator=_check_cells
    )

    @classmethod
    def default(cls) -> PriorityMatrix:
        return cls(DEFAULT_CELLS)

    @classmethod
    def from_mapping(cls, rows: Mapping[str | int, Mapping[str | int, int]]) -> PriorityMatrix:
        """Build from ``{impact: {urgency: priority}}``, e.g. parsed from TOML."""
        expected = "a map of impact to a map of urgency to priority"
        if not isinstance(rows, Mapping) or not all(isinstance(r, Mapping) for r in rows.values()):
            raise InvalidValueError("priority matrix", rows, expected)
        cells = {
            (check_level("impact", impact), check_level("urgency", urgency)): check_priority(
                f"priority for impact {impact} × urgency {urgency}", priority
            )
            for impact, row in rows.items()
            for urgency, priority in row.items()
        }
        return cls(cells)

    def priority(self, impact: int, urgency: int) -> int:
        return self.cells[(check_level("impact", impact), check_level("urgency", urgency))]
