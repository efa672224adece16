"""bench/knowledge.py runs and prints its figures (only that it works, not how fast)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

SCRIPT = "knowledge.py"
QUICK = ["--articles", "120", "--questions", "6"]


def test_the_table_gives_latencies_and_ratios(run_bench: Callable[..., str]) -> None:
    output = run_bench()
    assert "on sqlite: 120 articles" in output and "6 questions" in output, output
    number = r"\d+\.\d\d"
    for label in ("desk.knowledge.search()", "naive scan, same scoring (baseline)"):
        row = re.search(
            rf"^{re.escape(label)}\s+({number})\s+({number})\s+({number})$", output, re.M
        )
        assert row, output
        assert all(float(figure) > 0 for figure in row.groups()), row.group(0)
    assert re.search(r"^desk\.knowledge\.search\(\)\s+\S+\s+\S+\s+1\.00$", output, re.M)
    assert "same top 10 and scores as the naive scan: 6 of 6 questions" in output


def test_json_gives_the_same_figures_and_the_index_agrees_with_the_naive_scan(
    run_bench: Callable[..., str],
) -> None:
    report = json.loads(run_bench("--json"))
    assert report["skipped"] == {}
    (sqlite,) = report["reports"]
    assert (sqlite["store"], sqlite["articles"], sqlite["questions"]) == ("sqlite", 120, 6)
    assert 0 < sqlite["published"] < 120
    assert sqlite["postings"] > sqlite["published"]
    assert sqlite["engine"]["n"] == sqlite["naive"]["n"] == 6
    assert sqlite["engine"]["median_ms"] > 0 and sqlite["naive"]["times_search"] > 0
    # Same index, same scoring: the search and the scan over every article agree.
    assert sqlite["same_results_as_naive"] == 6
    assert sqlite["hits_per_question"] > 0
    if sqlite["fts5"] is not None:
        assert sqlite["fts5"]["n"] == 6


def test_bad_sizes_are_refused(bench_script: Callable[..., Any]) -> None:
    done = bench_script(SCRIPT, "--articles", "0", returncode=2)
    assert "--articles and --questions must be at least 1" in done.stderr
