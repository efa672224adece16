"""The suite's own scripts run alone too: bench/intake_concurrent.py and bench/projections.py."""

from __future__ import annotations

import json
from collections.abc import Callable

BenchScript = Callable[..., object]


def test_concurrent_intake_through_the_server(bench_script) -> None:
    done = bench_script("intake_concurrent.py", "--n", "16", "--clients", "4", "--repeat", "1",
                        "--json")  # fmt: skip
    result = json.loads(done.stdout)
    assert result["messages"] == 16 and result["clients"] == 4
    assert result["events"] >= 16
    assert result["messages_per_second"] > 0 and result["ratio"] > 0
    assert "journal_mode=wal" in result["durability"]


def test_rebuild_rate_and_memory_at_two_sizes(bench_script) -> None:
    done = bench_script("projections.py", "--incidents", "20", "--events-per-incident", "4",
                        "--json")  # fmt: skip
    result = json.loads(done.stdout)
    assert (result["incidents"], result["events"]) == (20, 80)
    assert result["smaller_store"]["events"] == 8
    assert result["ratio"] > 0 and result["peak_memory_mib"] > 0
    assert result["memory_growth"] > 0
