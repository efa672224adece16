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
through the normal ``desk.sla.tick``. Run by ``make bench``.
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="1000,100000",
        help="comma-separated numbers of open incidents (default 1000,100000)",
    )
    parser.add_argument(
        "--db", default=None, help="a postgresql:// URL to use instead of fresh SQLite files"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            db = args.db or str(Path(folder) / f"timers-{size}.db")
            if args.db:
                db = f"{args.db}{'&' if '?' in args.db else '?'}schema=bench_timers_{size}"
            results.append(measure(db, size))
    base = results[0]["median_pass_seconds"]
    for result in results:
        result["ratio_to_smallest"] = result["median_pass_seconds"] / base
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"SLA timer pass: {DUE} incidents due per pass (75 %, 90 %, breach), median of 3")
    print(
        f"{'open incidents':>15} {'raised/pass':>12} {'pass (ms)':>10} {'ratio':>6}"
        f" {'build (s)':>10}"
    )
    for result in results:
        print(
            f"{result['open_incidents']:>15,} {max(result['due_per_pass']):>12}"
            f" {result['median_pass_seconds'] * 1000:>10.1f}"
            f" {result['ratio_to_smallest']:>6.2f} {result['build_seconds']:>10.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
