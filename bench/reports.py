"""How fast the metrics projection is rebuilt from the events, against baselines.

A ServiceDesk on a temporary SQLite file plays a history of N incidents on
virtual time (default 2,000; P2 to P4, five channels, an SLA policy on office
hours): each incident is opened, most are assigned to a group and answered, a
tenth escalated to specialists and a twentieth sent back (ping-pong), most
resolved, some reopened and resolved again, some cancelled. Then, in the same
run, on the same events:

1. **Rebuild.** The metrics projection alone (``eventdesk.projections.metrics``)
   emptied and rebuilt from every event, as ``eventdesk projections rebuild``
   does: events per second.
2. **Read baseline.** Every event read in the same pages and turned into a
   domain event, applying nothing: the floor any projection pays::

       read ratio = rebuild time ÷ read time  (how many times the bare read)

3. **Write baseline.** The rows the rebuild left in the metrics tables inserted
   raw into empty tables of the same shape on a new SQLite file, one
   transaction per page of 500 events' worth of rows, as the projector
   commits::

       write ratio = rebuild time ÷ raw insert time

4. **Report.** ``build_report`` over the whole history (every figure, medians
   and p90 in SQL).

Each step is repeated ``--repeat`` times (default 3) and the best time kept.
Machines are shared and noisy: compare the ratios, not the rates.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from eventdesk import ManualClock, ServiceDesk
from eventdesk.calendars.model import BusinessCalendar
from eventdesk.projections.base import PAGE_SIZE, Projector
from eventdesk.reports.report import build_report
from eventdesk.sla.policy import SlaPolicy, Target

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
CHANNELS = ("email", "web", "chat", "voice", "sms")
DEFAULT_INCIDENTS = 2000


def play(desk: ServiceDesk, clock: ManualClock, incidents: int, seed: int = 7) -> None:
    """A history of ``incidents`` incidents, a few minutes apart, on virtual time."""
    rng = random.Random(seed)
    desk.sla.import_calendar(BusinessCalendar.weekdays("office", "UTC", "08:00", "18:00"))
    hour = timedelta(hours=1)
    targets = {p: Target(p * hour, 8 * p * hour, calendar="office") for p in (2, 3, 4)}
    desk.sla.import_policy(SlaPolicy(name="bench", targets=targets), use=True)
    for team, kind in (("l1", "shared"), ("l2", "shared"), ("net", "specialist")):
        desk.tenancy.form_team(team, kind=kind, skill_area="network" if kind != "shared" else None)
    open_ones: list[str] = []
    for _ in range(incidents):
        clock.advance(timedelta(minutes=rng.randint(1, 9)))
        number = desk.open_incident(
            "Something is wrong",
            impact=rng.choice((1, 2, 3)),
            urgency=rng.choice((2, 3)),
            channel=rng.choice(CHANNELS),
            caller=f"user{rng.randint(1, 300)}",
        ).number
        open_ones.append(number)
        if rng.random() < 0.85:
            desk.assign(number, rng.choice(("l1", "l2")))
        if rng.random() < 0.1:
            desk.escalate(number, "net", reason="network")
            if rng.random() < 0.5:
                desk.assign(number, "l1")
        if rng.random() < 0.8:
            desk.comment(number, "We are on it", actor="agent")
        # Work on an incident opened a little earlier: resolve, reopen or cancel it.
        if len(open_ones) > 5:
            older = open_ones.pop(rng.randrange(len(open_ones) - 5))
            roll = rng.random()
            if roll < 0.05:
                desk.cancel(older, reason="duplicate")
            else:
                desk.resolve(older, code="fixed", actor="agent")
                if roll > 0.93:
                    desk.reopen(older, reason="back", actor="customer")
                    desk.resolve(older, code="fixed", actor="agent")


def best_of(repeat: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def read_all(desk: ServiceDesk) -> int:
    """Every event, in the projector's pages, as domain events."""
    position, count = 0, 0
    while True:
        page = desk.recorder.select_notifications(start=position + 1, limit=PAGE_SIZE)
        for notification in page:
            desk.mapper.to_domain_event(notification)
        count += len(page)
        if len(page) < PAGE_SIZE:
            return count
        position = page[-1].id


def metrics_rows(desk: ServiceDesk) -> dict[str, tuple[str, list[tuple[Any, ...]]]]:
    """Each metrics table: its CREATE statement and its rows."""
    found = {}
    with closing(sqlite3.connect(desk.store.location)) as conn:
        for table in desk.metrics_index.tables:
            create = conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
            ).fetchone()[0]
            found[table] = (create, conn.execute(f"SELECT * FROM {table}").fetchall())
    return found


def raw_insert(folder: Path, tables: dict[str, tuple[str, list[tuple[Any, ...]]]], pages: int):
    """Insert the rows into new tables on a new file, in ``pages`` transactions."""
    path = folder / f"raw-{time.perf_counter_ns()}.db"
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        for create, _ in tables.values():
            conn.execute(create)
        everything = [
            (f"INSERT INTO {t} VALUES ({', '.join('?' * len(rows[0]))})", row)
            for t, (_, rows) in tables.items()
            if rows
            for row in rows
        ]
        size = max(1, -(-len(everything) // max(1, pages)))
        for start in range(0, len(everything), size):
            conn.execute("BEGIN")
            for sql, row in everything[start : start + size]:
                conn.execute(sql, row)
            conn.execute("COMMIT")


def measure(incidents: int, repeat: int, folder: Path) -> dict[str, Any]:
    clock = ManualClock(START)
    with ServiceDesk(db=str(folder / "bench.db"), clock=clock) as desk:
        played = time.perf_counter()
        play(desk, clock, incidents)
        played = time.perf_counter() - played
        events = desk.projector.head()
        desk.catch_up()
        alone = Projector(desk, desk.store.open_sql(), [desk.metrics_index])
        rebuild = best_of(repeat, alone.rebuild)
        read = best_of(repeat, lambda: read_all(desk))
        tables = metrics_rows(desk)
        rows = sum(len(r) for _, r in tables.values())
        pages = -(-events // PAGE_SIZE)
        write = best_of(repeat, lambda: raw_insert(folder, tables, pages))
        report = best_of(repeat, lambda: build_report(desk, until=clock.now()))
        alone.db.close()
    return {
        "incidents": incidents,
        "events": events,
        "metrics_rows": rows,
        "history_seconds": round(played, 3),
        "rebuild_seconds": round(rebuild, 4),
        "rebuild_events_per_second": round(events / rebuild),
        "read_seconds": round(read, 4),
        "read_events_per_second": round(events / read),
        "read_ratio": round(rebuild / read, 2),
        "raw_insert_seconds": round(write, 4),
        "write_ratio": round(rebuild / write, 2),
        "report_seconds": round(report, 4),
        "repeat": repeat,
    }


def table(result: dict[str, Any]) -> str:
    r = result
    lines = [
        f"Metrics projection rebuild: {r['incidents']:,} incidents, {r['events']:,} events, "
        f"{r['metrics_rows']:,} rows in the metrics tables (SQLite, best of {r['repeat']})",
        f"{'step':<34}{'seconds':>10}{'events/s':>12}{'ratio':>8}",
        f"{'rebuild of the metrics projection':<34}{r['rebuild_seconds']:>10.3f}"
        f"{r['rebuild_events_per_second']:>12,}{'':>8}",
        f"{'read every event (baseline)':<34}{r['read_seconds']:>10.3f}"
        f"{r['read_events_per_second']:>12,}{r['read_ratio']:>8.2f}",
        f"{'raw insert of the rows (baseline)':<34}{r['raw_insert_seconds']:>10.3f}"
        f"{'':>12}{r['write_ratio']:>8.2f}",
        f"{'build_report over everything':<34}{r['report_seconds']:>10.3f}",
        "ratio = rebuild time ÷ baseline time",
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=DEFAULT_INCIDENTS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="Small sizes, one repeat.")
    parser.add_argument("--dir", type=Path, default=None, help="Where the files go.")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args(argv)
    if args.quick:
        args.incidents, args.repeat = min(args.incidents, 100), 1
    if args.incidents < 1 or args.repeat < 1:
        parser.error("--incidents and --repeat must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        result = measure(args.incidents, args.repeat, Path(folder))
    print(json.dumps(result, indent=2) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
