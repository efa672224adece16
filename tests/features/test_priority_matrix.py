"""Scenarios of features/priority_matrix.feature; the steps are in conftest.py."""

from pytest_bdd import scenarios

scenarios("priority_matrix.feature")
