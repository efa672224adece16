"""bench/wallboard.py runs and prints its figures (only that it works, not how fast)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

SCRIPT = "wallboard.py"
QUICK = ["--quick", "--incidents", "30", "--no-browser"]
BOARD_ROW = r"^GET /wallboard/api/board, administrator\s+\d+\.\d{4}\s+(\d+\.\d\d)$"


def test_the_table_gives_the_board_time_and_its_ratio(run_bench: Callable[..., str]) -> None:
    output = run_bench()
    assert "Wallboard over 30 open incidents (30 waiting)" in output, output
    row = re.search(BOARD_ROW, output, re.M)
    assert row and float(row.group(1)) > 0, output
    assert "browser first paint skipped: --no-browser" in output


def test_json_gives_every_figure(run_bench: Callable[..., str]) -> None:
    figures = json.loads(run_bench("--json"))
    assert (figures["incidents"], figures["waiting"]) == (30, 30)
    assert figures["board_ratio"] > 0 and figures["supervisor_board_ratio"] > 0
    assert figures["http_first_paint_seconds"] > 0
