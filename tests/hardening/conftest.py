"""The hardening tests run on an in-memory store (fast), unless a test asks for more."""

from __future__ import annotations

from typing import Any

import pytest

from .harness import report


@pytest.fixture(params=("memory",))
def store(request: pytest.FixtureRequest) -> str:
    return request.param


def pytest_terminal_summary(terminalreporter: Any) -> None:
    report(terminalreporter)
