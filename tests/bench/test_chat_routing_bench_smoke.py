"""bench/chat_routing.py runs and prints its figures (only that it works, not how fast)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "chat_routing.py"
TINY = ["--agents", "4", "--capacity", "2", "--repeat", "1"]


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


def test_the_table_gives_sessions_routed_per_second_and_a_ratio() -> None:
    output = run_bench()
    row = re.search(
        r"^\s+8\s+(\d+)\s+(\d+)\s+(\d+\.\d\d)\s+(\d+)\s+(\d+)\s+(\d+)$", output, re.MULTILINE
    )
    assert row, output
    assert all(float(figure) > 0 for figure in row.groups()), row.group(0)
    # 4 agents × 2 chats, and 10 % more sessions than that: 8 routed, none over capacity.
    assert "routed: 8, waiting for a free chat unit: 0" in output
    assert "durability, both sides: journal_mode=wal, synchronous=" in output


def test_json_gives_the_same_figures_and_the_sessions_beyond_capacity_wait() -> None:
    report = json.loads(run_bench("--sessions", "11", "--json"))
    assert (report["agents"], report["capacity"], report["sessions"]) == (4, 2, 11)
    assert (report["routed"], report["waiting"]) == (8, 3)
    assert report["statuses"] == ["opened"]
    assert report["routed_per_second"] > 0 and report["raw_rows_per_second"] > 0
    assert report["ratio"] > 0 and report["route_pass_per_second"] > 0
