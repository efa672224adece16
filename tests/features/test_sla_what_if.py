"""Scenarios of features/sla_what_if.feature; the steps are in conftest.py."""

from pytest_bdd import scenarios

scenarios("sla_what_if.feature")
