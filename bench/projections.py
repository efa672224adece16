"""Rebuilding every read model from the stored events, and the memory it takes.

A SQLite store of ``--incidents`` open incidents with ``--events-per-incident``
events each (opened, started, then work notes) is built in batches (many
aggregates per save, untimed). Then a fresh process opens the desk on it and
rebuilds every read model (``desk.rebuild_projections()``, what ``eventdesk
rebuild`` does): the events per second of that rebuild, and the process's peak
resident memory (``ru_maxrss``) at the end. The baseline, in the same run: a
raw ``SELECT`` of the same rows from the same file with ``sqlite3``::

    ratio = events/s rebuilding ÷ rows/s selecting

Memory is measured at two store sizes (the second a tenth of the first): it
must not grow with the number of stored events. Defaults: 100,000 open
incidents and 1,000,000 events (the issue's size; building it takes minutes).
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from eventdesk import ManualClock, ServiceDesk
from eventdesk.domain.incident import Incident

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BATCH = 500


def build(db: str, incidents: int, events_per_incident: int) -> int:
    """Write the store (untimed); returns the number of stored events."""
    desk = ServiceDesk(db=db, clock=ManualClock(T0))
    try:
        batch: list[Incident] = []
        for sequence in range(1, incidents + 1):
            at = T0 + timedelta(seconds=sequence)
            incident = Incident.open(
                sequence=sequence,
                summary=f"Bench incident {sequence}",
                impact=2,
                urgency=3,
                priority=4,
                actor="bench",
                at=at,
            )
            if events_per_incident > 1:
                incident.start(actor="agent", at=at)
            for note in range(events_per_incident - 2):
                incident.add_comment(f"Work note {note}", public=False, actor="agent", at=at)
            batch.append(incident)
            if len(batch) == BATCH:
                desk.save(*batch)
                batch = []
        if batch:
            desk.save(*batch)
    finally:
        desk.close()
    with closing(sqlite3.connect(db)) as conn:
        return int(conn.execute("SELECT count(*) FROM stored_events").fetchone()[0])


def raw_select(db: str) -> float:
    """Seconds to read every stored event's row, in order, with plain sqlite3."""
    with closing(sqlite3.connect(db)) as conn:
        started = time.perf_counter()
        conn.execute(
            "SELECT rowid, originator_id, originator_version, topic, state "
            "FROM stored_events ORDER BY rowid"
        ).fetchall()
        return time.perf_counter() - started


def child(db: str) -> None:
    """In a fresh process: rebuild every read model; print the time and the peak memory."""
    with ServiceDesk(db=db) as desk:
        started = time.perf_counter()
        applied = desk.rebuild_projections()
        seconds = time.perf_counter() - started
        open_incidents = desk.list_incidents(state="new", limit=1).total
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "applied": applied, "peak_kib": peak_kib,
                      "open_listed": open_incidents}))  # fmt: skip


def rebuild(db: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", db], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"rebuild failed: {done.stderr[-500:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def measure_size(folder: Path, incidents: int, per_incident: int, repeat: int) -> dict[str, Any]:
    db = str(folder / f"store-{incidents}.db")
    started = time.perf_counter()
    events = build(db, incidents, per_incident)
    build_seconds = time.perf_counter() - started
    runs = [rebuild(db) for _ in range(repeat)]
    raw = [raw_select(db) for _ in range(repeat)]
    best = min(run["seconds"] for run in runs)
    return {
        "incidents": incidents,
        "events": events,
        "build_seconds": build_seconds,
        "rebuild_seconds": [run["seconds"] for run in runs],
        "events_per_second": events / best,
        "raw_select_seconds": raw,
        "raw_rows_per_second": events / min(raw),
        "ratio": (events / best) / (events / min(raw)),
        "peak_memory_mib": max(run["peak_kib"] for run in runs) / 1024,
    }


def measure(incidents: int, per_incident: int, repeat: int, folder: Path | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="eventdesk-rebuild-bench-", dir=folder) as scratch:
        small = measure_size(Path(scratch), max(1, incidents // 10), per_incident, repeat)
        large = measure_size(Path(scratch), incidents, per_incident, repeat)
    return {
        **large,
        "smaller_store": small,
        "memory_growth": large["peak_memory_mib"] / small["peak_memory_mib"],
    }


def table(result: dict[str, Any]) -> str:
    lines = [
        "Rebuilding every read model (fresh process, SQLite), best of "
        f"{len(result['rebuild_seconds'])}",
        f"{'incidents':>10} {'events':>10} {'events/s':>9} {'raw rows/s':>11} {'ratio':>6}"
        f" {'peak MiB':>9} {'build (s)':>10}",
    ]
    for size in (result["smaller_store"], result):
        lines.append(
            f"{size['incidents']:>10,} {size['events']:>10,} {size['events_per_second']:>9,.0f}"
            f" {size['raw_rows_per_second']:>11,.0f} {size['ratio']:>6.3f}"
            f" {size['peak_memory_mib']:>9.0f} {size['build_seconds']:>10.1f}"
        )
    lines.append("ratio = events/s rebuilding ÷ rows/s of a raw SELECT of the same rows")
    lines.append(
        f"peak memory, larger ÷ smaller store: {result['memory_growth']:.2f}"
        " (1.00: memory does not grow with the stored events)"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000, help="open incidents")
    parser.add_argument("--events-per-incident", type=int, default=10, help="events each")
    parser.add_argument("--repeat", type=int, default=1, help="rebuilds per size (best kept)")
    parser.add_argument("--dir", type=Path, default=None, help="where the SQLite files go")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return 0
    if min(args.incidents, args.events_per_incident, args.repeat) < 1:
        parser.error("--incidents, --events-per-incident and --repeat must be at least 1")
    result = measure(args.incidents, args.events_per_incident, args.repeat, args.dir)
    print(json.dumps(result, indent=2) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
