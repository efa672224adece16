"""Runs a bench script the way `make bench` does, with sizes small enough for a smoke test.

A test module names its script in ``SCRIPT`` and the small sizes in ``QUICK``; its tests
take the ``run_bench`` fixture: ``run_bench(*args)`` runs ``bench/<SCRIPT> *QUICK *args``,
checks that it exited 0 and gives its standard output.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"

RunBench = Callable[..., str]
BenchScript = Callable[..., subprocess.CompletedProcess[str]]


def run_script(script: str, *args: str, returncode: int = 0) -> subprocess.CompletedProcess[str]:
    """Run ``bench/<script>`` with ``args``; fail unless it exits with ``returncode``."""
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == returncode, done.stderr or done.stdout
    return done


@pytest.fixture
def bench_script() -> BenchScript:
    """``bench_script(script, *args, returncode=0)``: the finished run."""
    return run_script


@pytest.fixture
def run_bench(request: pytest.FixtureRequest) -> RunBench:
    script: str = request.module.SCRIPT
    quick: list[str] = list(getattr(request.module, "QUICK", ()))

    def run(*args: str) -> str:
        return run_script(script, *quick, *args).stdout

    return run
