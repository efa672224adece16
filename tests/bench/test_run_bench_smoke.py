"""bench/run.py still runs, SLA timer pass included (only that it works, not how fast)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

SCRIPT = "run.py"
QUICK = ["--n", "20", "--repeat", "1", "--stores", "sqlite", "--sla-sizes", "100,150"]


def test_the_table_gives_a_ratio_for_sqlite(run_bench: Callable[..., str]) -> None:
    output = run_bench()
    row = re.search(r"^sqlite\s+20\s+\d+\s+\d+\s+\d+\s+(\d+\.\d\d)$", output, re.MULTILINE)
    assert row, output
    assert float(row.group(1)) > 0
    assert "durability, both sides: journal_mode=wal, synchronous=" in output
    sla = re.findall(r"^\s+(1[05]0)\s+100\s+\d+\.\d\s+(\d+\.\d\d)\s+\d+\.\d$", output, re.M)
    assert [size for size, _ratio in sla] == ["100", "150"], output
    assert sla[0][1] == "1.00"


def test_json_gives_the_same_figures(run_bench: Callable[..., str]) -> None:
    report = json.loads(run_bench("--json"))
    (result,) = report["results"]
    assert result["store"] == "sqlite"
    assert result["n"] == 20
    assert result["events"] == 40  # two events per incident: opened, resolved
    assert result["ratio"] > 0
    smallest, largest = report["sla_timers"]
    assert (smallest["open_incidents"], largest["open_incidents"]) == (100, 150)
    # Every pass raises the 100 due moments: the 75 % and 90 % warnings, then the breach.
    assert smallest["due_per_pass"] == largest["due_per_pass"] == [100, 100, 100]
    assert smallest["ratio_to_smallest"] == 1
    assert largest["ratio_to_smallest"] > 0


def test_the_sla_timer_pass_can_be_left_out(run_bench: Callable[..., str]) -> None:
    report = json.loads(run_bench("--json", "--sla-sizes", "none"))
    assert report["sla_timers"] == []
