"""bench/intake_email.py runs and prints its figures (only that it works, not how fast)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

SCRIPT = "intake_email.py"
QUICK = ["--n", "20", "--repeat", "1"]


def test_the_table_gives_emails_per_second_and_a_ratio(run_bench: Callable[..., str]) -> None:
    output = run_bench()
    row = re.search(
        r"^\s+20\s+(\d+)\s+(\d+\.\d)\s+(\d+)\s+(\d+\.\d\d)\s+(\d+)$", output, re.MULTILINE
    )
    assert row, output
    assert all(float(figure) > 0 for figure in row.groups()), row.group(0)
    assert "statuses: 10 appended, 10 opened" in output
    assert "durability, both sides: journal_mode=wal, synchronous=" in output


def test_json_gives_the_same_figures(run_bench: Callable[..., str]) -> None:
    report = json.loads(run_bench("--json"))
    assert report["emails"] == 20
    # Every first email opens an incident and every answer joins it: nothing lost.
    assert report["statuses"] == {"opened": 10, "appended": 10}
    assert report["events"] >= 20 and report["events_per_email"] >= 1
    assert report["emails_per_second"] > 0 and report["raw_rows_per_second"] > 0
    assert report["ratio"] > 0 and report["parsed_per_second"] > 0
