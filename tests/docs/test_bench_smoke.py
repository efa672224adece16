"""bench/run.py still runs (its speed is not tested here, only that it works)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "run.py"
TINY = ["--n", "20", "--repeat", "1", "--stores", "sqlite"]


def run_bench(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCH), *TINY, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_table_gives_a_ratio_for_sqlite() -> None:
    output = run_bench()
    row = re.search(r"^sqlite\s+20\s+\d+\s+\d+\s+\d+\s+(\d+\.\d\d)$", output, re.MULTILINE)
    assert row, output
    assert float(row.group(1)) > 0
    assert "durability, both sides: journal_mode=wal, synchronous=" in output


def test_json_gives_the_same_figures() -> None:
    report = json.loads(run_bench("--json"))
    (result,) = report["results"]
    assert result["store"] == "sqlite"
    assert result["n"] == 20
    assert result["events"] == 40  # two events per incident: opened, resolved
    assert result["ratio"] > 0
