"""Incident numbers (INC0000042) and the aggregate ids derived from them."""

from __future__ import annotations

import uuid

import pytest
from eventdesk.domain import format_number, incident_id, parse_number
from eventdesk.domain.numbering import NAMESPACE
from hypothesis import given
from hypothesis import strategies as st


@pytest.mark.parametrize(
    ("sequence", "number"),
    [(1, "INC0000001"), (42, "INC0000042"), (9_999_999, "INC9999999"), (12_345_678, "INC12345678")],
)
def test_numbers_are_inc_and_seven_digits_growing_when_needed(sequence, number):
    assert format_number(sequence) == number
    assert parse_number(number) == sequence


@pytest.mark.parametrize(
    ("text", "sequence"),
    [("INC0000042", 42), ("inc0000042", 42), ("inc42", 42), ("  INC0000007 ", 7), ("INC0", 0)],
)
def test_numbers_are_read_in_any_case_with_or_without_padding(text, sequence):
    assert parse_number(text) == sequence


@pytest.mark.parametrize(
    "text", ["", "42", "INC", "INC-42", "INC 42", "INC42a", "PRB0000042", "xINC42", "INC4.2"]
)
def test_anything_else_is_not_a_number(text):
    assert parse_number(text) is None


@given(st.integers(min_value=1, max_value=10**12))
def test_formatting_then_parsing_gives_the_sequence_back(sequence):
    assert parse_number(format_number(sequence)) == sequence


def test_the_id_of_a_number_is_a_stable_name_based_uuid():
    assert incident_id(42) == incident_id(42)
    assert incident_id(42).version == 5
    assert incident_id(42) == uuid.uuid5(NAMESPACE, "INC0000042")
    assert len({incident_id(n) for n in range(1, 1001)}) == 1000
