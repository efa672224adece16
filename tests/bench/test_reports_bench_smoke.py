"""bench/reports.py runs and prints its figures (only that it works, not how fast)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

SCRIPT = "reports.py"
QUICK = ["--quick", "--incidents", "40"]


def test_the_table_gives_the_rebuild_rate_and_both_ratios(run_bench: Callable[..., str]) -> None:
    output = run_bench()
    assert "40 incidents" in output, output
    rebuild = re.search(r"^rebuild of the metrics projection\s+\d+\.\d{3}\s+([\d,]+)", output, re.M)
    assert rebuild and int(rebuild.group(1).replace(",", "")) > 0, output
    for baseline in ("read every event", "raw insert of the rows"):
        row = re.search(rf"^{baseline} \(baseline\)\s+\d+\.\d{{3}}.*?(\d+\.\d\d)$", output, re.M)
        assert row and float(row.group(1)) > 0, output


def test_json_counts_the_events_and_rows(run_bench: Callable[..., str]) -> None:
    figures = json.loads(run_bench("--json"))
    assert figures["incidents"] == 40
    # Every incident is opened (one event) and most do more.
    assert figures["events"] > 40
    # One row per incident, and one open span each at least.
    assert figures["metrics_rows"] >= 80
    assert figures["rebuild_events_per_second"] > 0
    assert figures["read_ratio"] > 0 and figures["write_ratio"] > 0
