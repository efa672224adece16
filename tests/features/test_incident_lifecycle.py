"""Scenarios of features/incident_lifecycle.feature; the steps are in conftest.py."""

from pytest_bdd import scenarios

scenarios("incident_lifecycle.feature")
