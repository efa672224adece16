"""Scenarios of features/model_advice.feature; steps in tenancy_steps.py and conftest.py."""

import pytest
from pytest_bdd import scenarios

# Assertions in the steps module show the values compared, as in conftest.py.
pytest.register_assert_rewrite("tests.features.tenancy_steps")

from .tenancy_steps import *  # noqa: E402, F403 - the tenancy steps become fixtures here

scenarios("model_advice.feature")
