"""Scenarios of features/sla_clocks.feature; the steps are in conftest.py."""

from pytest_bdd import scenarios

scenarios("sla_clocks.feature")
