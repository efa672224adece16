"""Impact × urgency → priority: the default ITIL matrix and a tenant's own."""

from __future__ import annotations

import attrs
import pytest
from eventdesk.domain import PriorityMatrix
from eventdesk.domain.priority import check_level
from eventdesk.errors import InvalidValueError

# The default matrix exactly as DESIGN.md lists it (1 = highest).
DESIGN_TABLE = {
    (1, 1): 1,
    (1, 2): 2,
    (1, 3): 3,
    (2, 1): 2,
    (2, 2): 3,
    (2, 3): 4,
    (3, 1): 3,
    (3, 2): 4,
    (3, 3): 5,
}

STRICT = {
    "1": {"1": 1, "2": 1, "3": 2},
    "2": {"1": 1, "2": 2, "3": 3},
    "3": {"1": 2, "2": 3, "3": 4},
}


@pytest.mark.parametrize(("cell", "priority"), sorted(DESIGN_TABLE.items()))
def test_the_default_matrix_is_the_design_table(cell, priority):
    matrix = PriorityMatrix.default()
    assert matrix.priority(*cell) == priority
    assert matrix.cells[cell] == priority


def test_the_default_matrix_has_exactly_nine_cells():
    assert dict(PriorityMatrix.default().cells) == DESIGN_TABLE


def test_a_matrix_from_a_mapping_with_text_keys_as_parsed_from_toml():
    matrix = PriorityMatrix.from_mapping(STRICT)

    assert matrix.priority(1, 2) == 1
    assert matrix.priority(2, 3) == 3
    assert matrix.priority(3, 3) == 4
    assert matrix != PriorityMatrix.default()
    assert (
        PriorityMatrix.from_mapping(
            {int(i): {int(u): p for u, p in r.items()} for i, r in STRICT.items()}
        )
        == matrix
    )


def test_a_matrix_is_a_frozen_value():
    matrix = PriorityMatrix.default()
    # Fail to replace the cells of a frozen matrix.
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        matrix.cells = {}  # type: ignore[misc]


def test_a_matrix_needs_all_nine_cells():
    rows = {key: dict(row) for key, row in STRICT.items()}
    del rows["3"]["3"]
    # Fail to build a matrix with a cell missing.
    with pytest.raises(InvalidValueError) as caught:
        PriorityMatrix.from_mapping(rows)
    assert caught.value.details["value"] == [(3, 3)]


@pytest.mark.parametrize("priority", [0, 6, -1])
def test_priorities_run_from_one_to_five(priority):
    rows = {key: dict(row) for key, row in STRICT.items()}
    rows["2"]["2"] = priority
    # Fail to build a matrix with a priority outside 1–5.
    with pytest.raises(InvalidValueError) as caught:
        PriorityMatrix.from_mapping(rows)
    assert "impact 2 × urgency 2" in caught.value.details["field"]


@pytest.mark.parametrize(("impact", "urgency"), [("4", "1"), ("1", "0"), ("high", "1")])
def test_rows_and_columns_are_levels_one_to_three(impact, urgency):
    rows = {key: dict(row) for key, row in STRICT.items()}
    rows[impact] = {urgency: 1}
    # Fail to build a matrix with an impact or urgency that is not a level.
    with pytest.raises(InvalidValueError):
        PriorityMatrix.from_mapping(rows)


def test_a_priority_that_is_not_a_number_is_an_invalid_value():
    rows = {key: dict(row) for key, row in STRICT.items()}
    rows["1"]["1"] = "urgent"
    # Fail to build a matrix whose priority is a word.
    with pytest.raises(InvalidValueError):
        PriorityMatrix.from_mapping(rows)


@pytest.mark.parametrize("level", [1, 2, 3, "2", " 3 "])
def test_levels_are_one_to_three_given_as_numbers_or_text(level):
    assert check_level("impact", level) == int(level)


@pytest.mark.parametrize("level", [0, 4, -1, "high", "", 2.0, True, None])
def test_anything_else_is_not_a_level(level):
    # Fail to read a level from a value that is not 1, 2 or 3.
    with pytest.raises(InvalidValueError) as caught:
        check_level("urgency", level)
    assert caught.value.details["field"] == "urgency"
    assert caught.value.details["expected"] == "1, 2 or 3"


def test_asking_the_matrix_about_an_invalid_level_is_an_error():
    # Fail to look up impact 4.
    with pytest.raises(InvalidValueError):
        PriorityMatrix.default().priority(4, 1)
