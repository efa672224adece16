"""bench/import_logs.py runs on the excerpts and prints its figures (that it works, not how
fast)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "bench" / "import_logs.py"
EXCERPTS = [
    "--bpi",
    str(REPO / "docs" / "replay" / "bpi2013-excerpt.xes"),
    "--servicenow",
    str(REPO / "docs" / "replay" / "servicenow-excerpt.csv"),
]


def run_bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_table_gives_rates_and_ratios() -> None:
    done = run_bench(*EXCERPTS)
    assert done.returncode == 0, done.stderr
    for label in ("import bpi2013", "import servicenow", r"rebuild \d+ read models"):
        row = re.search(rf"^{label}\s.*\s(\d+)\s+(\d+)\s+(\d+\.\d+)$", done.stdout, re.M)
        assert row, done.stdout
        assert all(float(figure) > 0 for figure in row.groups()), row.group(0)


def test_json_counts_every_row_and_event() -> None:
    done = run_bench(*EXCERPTS, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    bpi, servicenow = report["imports"]
    assert (bpi["source"], bpi["rows_read"], bpi["cases"]) == ("bpi2013", 43, 5)
    assert (servicenow["source"], servicenow["rows_read"], servicenow["cases"]) == (
        "servicenow",
        40,
        6,
    )
    # Each case stores its incident's events and one record that it was imported.
    assert bpi["stored"] == bpi["events"] + bpi["cases"]
    assert report["rebuild"]["events"] == bpi["stored"] + servicenow["stored"]
    assert report["rebuild"]["ratio"] > 0


def test_a_missing_log_is_refused() -> None:
    done = run_bench("--bpi", "/nonexistent.xes")
    assert done.returncode == 2
    assert "no such log: /nonexistent.xes" in done.stderr
