"""Scenarios of features/audit_history.feature; the steps are in conftest.py."""

from pytest_bdd import scenarios

scenarios("audit_history.feature")
