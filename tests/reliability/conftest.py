"""The reliability tests: several processes, kills, restarts.

Each has a short variant, run by ``make test``, and a long one marked ``long``, run
only when ``EVENTDESK_LONG_TESTS=1`` (as ``.ci/run`` sets it).
"""

from __future__ import annotations

import os

import pytest

long_variant = pytest.mark.skipif(
    not os.environ.get("EVENTDESK_LONG_TESTS"),
    reason="a long variant: set EVENTDESK_LONG_TESTS=1 (CI does)",
)
