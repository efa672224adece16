"""Scenarios of features/sla_clocks.feature; steps in conftest.py and sla_steps.py."""

import pytest
from pytest_bdd import scenarios

# Assertions in the steps module show the values compared, as in conftest.py.
pytest.register_assert_rewrite("tests.features.sla_steps")

from .sla_steps import *  # noqa: E402, F403 - the SLA steps become fixtures here

scenarios("sla_clocks.feature")
