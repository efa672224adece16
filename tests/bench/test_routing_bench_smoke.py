"""bench/routing.py runs and prints its figures (only that it works, not how fast)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

SCRIPT = "routing.py"
QUICK = [
    "--quick",
    "--agents",
    "40",
    "--items",
    "200",
    "--store-agents",
    "25",
    "--store-items",
    "30",
]


def test_the_table_gives_rates_latencies_and_ratios(run_bench: Callable[..., str]) -> None:
    output = run_bench()
    assert "40 agents" in output and "200 waiting items" in output, output
    number = r"[\d,]+(?:\.\d)?"
    for label in ("full pass", "plentiful capacity"):
        row = re.search(
            rf"^{label}, all\s+200\s+({number})\s+({number})\s+({number})\s+({number})"
            rf"\s+({number})\s+(\d+\.\d\d)$",
            output,
            re.MULTILINE,
        )
        assert row, output
        assert all(float(figure.replace(",", "")) > 0 for figure in row.groups()), row.group(0)
    routed = re.findall(rf"^  routed to an agent\s+(\d+)\s+{number}\s+{number}", output, re.M)
    waiting = re.findall(r"^  left waiting\s+(\d+)", output, re.M)
    assert len(routed) == len(waiting) == 2, output
    assert [int(r) + int(w) for r, w in zip(routed, waiting, strict=True)] == [200, 200]
    store = re.search(
        r"^desk\.tenancy\.route\(\)\s+30\s+([\d,]+)\s+([\d,]+)\s+[\d,]+\s+(\d+\.\d{3})"
        r"\s+[\d,]+\s+(\d+\.\d\d)$",
        output,
        re.MULTILINE,
    )
    assert store, output
    assert float(store.group(3)) > 0 and float(store.group(4)) > 0
    assert "durability, both sides: journal_mode=wal, synchronous=" in output


def test_json_gives_the_same_figures_and_the_engine_agrees_with_the_naive_scan(
    run_bench: Callable[..., str],
) -> None:
    report = json.loads(run_bench("--json"))
    memory, store = report["memory"], report["store"]
    assert (memory["agents"], memory["items"]) == (40, 200)
    for figures in (memory["full_pass"], memory["plentiful"]):
        assert figures["routed"] + figures["waiting"] == 200
        assert figures["routed"] > 0
        assert figures["decisions_per_second"] > 0 and figures["ratio"] > 0
        assert figures["latency"]["all"]["n"] == 200
        assert figures["latency"]["all"]["median_us"] > 0
        # Same data, same rules: the engine and the scan over every agent choose alike.
        assert figures["same_choice_as_naive"] == 200
        assert figures["naive_routed"] == figures["routed"]
    assert (store["agents"], store["items"]) == (25, 30)
    assert store["routed"] + store["waiting"] == 30
    assert store["events"] >= store["items"]  # each decision writes at least one event
    assert store["decisions_per_second"] > 0
    assert store["ratio_one_transaction"] > 0 and store["ratio_per_row"] > 0
