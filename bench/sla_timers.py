"""What one SLA timer pass costs as the number of open incidents grows.

For each size (default 1,000 and 100,000 open incidents), exactly 100 incidents
have SLA moments falling due; the rest are open but not due for weeks. Three
passes are timed — at the 75 % warning, the 90 % warning and the breach of the
100 incidents' response clocks — each raising 100 moments (with their
escalations). A pass reads the timer index by due time, so its cost should
follow the due timers, not the open incidents:

    ratio = cost of a pass among 100,000 open / cost of a pass among 1,000 open

The issue asks for a ratio under 2. Incidents are written with group commit
(many aggregates per save) to build the large store quickly; the passes run
through the normal ``desk.sla.tick``. ``make bench`` runs it after the
per-command benchmark (bench/run.py, ``--sla-sizes``); it runs alone too.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from eventdesk import ManualClock, ServiceDesk
from eventdesk.domain.incident import Incident

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
DUE = 100
DEFAULT_SIZES = "1000,100000"
BATCH = 1000
# Default policy, P4 (impact 2, urgency 3): response 4 h on 24x7.
PASSES = (timedelta(hours=3), timedelta(hours=3, minutes=36), timedelta(hours=4))


def build(db: str, open_incidents: int) -> ServiceDesk:
    clock = ManualClock(T0)
    desk = ServiceDesk(db=db, clock=clock)
    batch: list[Incident] = []
    for sequence in range(1, open_incidents + 1):
        # The first DUE incidents open at T0; the others a month later.
        at = T0 if sequence <= DUE else T0 + timedelta(days=30)
        batch.append(
            Incident.open(
                sequence=sequence,
                summary=f"Bench incident {sequence}",
                impact=2,
                urgency=3,
                priority=4,
                actor="bench",
                at=at,
            )
        )
        if len(batch) == BATCH:
            desk.save(*batch)
            batch = []
    if batch:
        desk.save(*batch)
    desk.catch_up()  # builds the incident list and the timer index
    return desk


def measure(db: str, open_incidents: int) -> dict[str, Any]:
    started = time.perf_counter()
    desk = build(db, open_incidents)
    build_seconds = time.perf_counter() - started
    timings, raised = [], []
    try:
        for offset in PASSES:
            started = time.perf_counter()
            moments = desk.sla.tick(T0 + offset)
            timings.append(time.perf_counter() - started)
            raised.append(len(moments))
    finally:
        desk.close()
    return {
        "open_incidents": open_incidents,
        "due_per_pass": raised,
        "pass_seconds": timings,
        "median_pass_seconds": statistics.median(timings),
        "build_seconds": build_seconds,
    }


def parse_sizes(text: str) -> list[int]:
    """``"1000,100000"`` → ``[1000, 100000]``; the first size is the baseline of the ratio."""
    sizes = [int(size) for size in text.split(",") if size.strip()]
    if not sizes or min(sizes) < DUE:
        raise ValueError(f"sizes must be at least {DUE} open incidents each, got {text!r}")
    return sizes


def measure_all(sizes: list[int], db: str | None = None) -> list[dict[str, Any]]:
    """Measure each size on a fresh store; ``ratio_to_smallest`` compares with the first."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            if db:
                url = f"{db}{'&' if '?' in db else '?'}schema=bench_timers_{size}"
            else:
                url = str(Path(folder) / f"timers-{size}.db")
            results.append(measure(url, size))
    base = results[0]["median_pass_seconds"]
    for result in results:
        result["ratio_to_smallest"] = result["median_pass_seconds"] / base
    return results


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        f"SLA timer pass: {DUE} incidents due per pass (75 %, 90 %, breach), median of 3",
        f"{'open incidents':>15} {'raised/pass':>12} {'pass (ms)':>10} {'ratio':>6}"
        f" {'build (s)':>10}",
    ]
    for result in results:
        lines.append(
            f"{result['open_incidents']:>15,} {max(result['due_per_pass']):>12}"
            f" {result['median_pass_seconds'] * 1000:>10.1f}"
            f" {result['ratio_to_smallest']:>6.2f} {result['build_seconds']:>10.1f}"
        )
    lines.append("ratio = a pass's median time ÷ the same at the first (smallest) size")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=DEFAULT_SIZES,
        help=f"comma-separated numbers of open incidents (default {DEFAULT_SIZES})",
    )
    parser.add_argument(
        "--db", default=None, help="a postgresql:// URL to use instead of fresh SQLite files"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    try:
        sizes = parse_sizes(args.sizes)
    except ValueError as error:
        parser.error(str(error))
    results = measure_all(sizes, args.db)
    print(json.dumps(results, indent=2) if args.json else table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
