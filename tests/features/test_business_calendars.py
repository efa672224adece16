"""Scenarios of features/business_calendars.feature; the steps are in conftest.py."""

from pytest_bdd import scenarios

scenarios("business_calendars.feature")
