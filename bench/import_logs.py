"""Events per second for each import of a real log, and for a full rebuild of the read
models, on a SQLite file.

For each log (by default the whole BPI 2013 incidents XES and the whole UCI
ServiceNow log, under ../shared/data): the file is read (timed on its own),
then its cases are imported into an empty store, read models left behind
(``import_log(..., catch_up=False)``). Then every read model is rebuilt from
all the events both imports wrote.

Baselines, measured in the same run:

- import: the rows the import wrote to the events table, inserted again into
  an empty table of the same shape with the same journal mode and synchronous
  setting, in as many transactions as the import used (one per batch of
  cases): raw durable inserts of the same rows, batched the same way::

      ratio = imported events/s ÷ raw rows/s

- rebuild: every stored event read back and decoded once (``select_notifications``
  and the mapper), the least any rebuild has to do::

      ratio = rebuilt events/s ÷ read-and-decoded events/s

Run by ``make bench`` (IMPORT_ARGS); see bench/README.md ("Importing real logs").
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from importlib.metadata import version
from pathlib import Path
from typing import Any

import run  # bench/run.py, beside this file: the events table and its durability
from eventdesk import ServiceDesk
from eventdesk.replay.bpi2013 import read_bpi2013
from eventdesk.replay.importer import BATCH_SIZE, import_log
from eventdesk.replay.reading import SourceLog
from eventdesk.replay.servicenow import read_servicenow

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT_BPI = DATA / "bpi2013_volvo_vinst" / "BPI_Challenge_2013_incidents.xes.gz"
DEFAULT_SERVICENOW = DATA / "uci_incident_event_log" / "incident_event_log.csv.gz"
READERS: dict[str, Callable[[Path], SourceLog]] = {
    "bpi2013": read_bpi2013,
    "servicenow": read_servicenow,
}


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def raw_insert(
    path: Path, rows: Sequence[tuple[Any, ...]], transactions: int, modes: tuple[str, str]
) -> float:
    """Insert ``rows`` into a new file in ``transactions`` transactions of equal size."""
    per_transaction = max(1, math.ceil(len(rows) / max(1, transactions)))
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute(f"PRAGMA journal_mode={modes[0]}")
        conn.execute(f"PRAGMA synchronous={modes[1]}")
        conn.execute(run.SQLITE_EVENTS_TABLE)

        def insert() -> None:
            for start in range(0, len(rows), per_transaction):
                conn.execute("BEGIN")
                conn.executemany(
                    "INSERT INTO stored_events VALUES (?, ?, ?, ?)",
                    rows[start : start + per_transaction],
                )
                conn.execute("COMMIT")

        seconds, _ = timed(insert)
    return seconds


def read_and_decode(desk: ServiceDesk) -> int:
    position, count = 0, 0
    while True:
        page = desk.recorder.select_notifications(start=position + 1, limit=1000)
        for notification in page:
            desk.mapper.to_domain_event(notification)
            position = notification.id
        count += len(page)
        if len(page) < 1000:
            return count


def measure(logs: dict[str, Path], folder: Path, cases: int | None) -> dict[str, Any]:
    db = folder / "import.db"
    results: dict[str, Any] = {"imports": []}
    with ServiceDesk(db=str(db)) as desk:
        modes = run.sqlite_durability(desk)
        for source, path in logs.items():
            read_seconds, log = timed(lambda path=path, source=source: READERS[source](path))
            if cases is not None:
                log.cases = log.cases[:cases]
                log.rows_read = sum(len(case.rows) for case in log.cases)
            before = desk.projector.head()
            seconds, report = timed(lambda log=log: import_log(desk, log, catch_up=False))
            stored = desk.projector.head() - before
            with closing(sqlite3.connect(db)) as conn:
                rows = conn.execute(
                    "SELECT originator_id, originator_version, topic, state FROM stored_events "
                    "ORDER BY rowid LIMIT -1 OFFSET ?",
                    [before],
                ).fetchall()
            transactions = math.ceil(report.cases_imported / BATCH_SIZE)
            raw_seconds = raw_insert(folder / f"raw-{source}.db", rows, transactions, modes)
            results["imports"].append(
                {
                    "source": source,
                    "file": str(path),
                    "rows_read": report.rows_read,
                    "cases": report.cases_imported,
                    "rows_rejected": len(report.rejected),
                    "events": report.events_written,
                    "stored": stored,
                    "read_seconds": round(read_seconds, 3),
                    "import_seconds": round(seconds, 3),
                    "events_per_second": round(stored / seconds, 1),
                    "raw_rows_per_second": round(len(rows) / raw_seconds, 1),
                    "ratio": round((stored / seconds) / (len(rows) / raw_seconds), 4),
                }
            )
        decode_seconds, decoded = timed(lambda: read_and_decode(desk))
        rebuild_seconds, applied = timed(desk.rebuild_projections)
        results["rebuild"] = {
            "events": applied,
            "projections": len(desk.projector.projections),
            "seconds": round(rebuild_seconds, 3),
            "events_per_second": round(applied / rebuild_seconds, 1),
            "decoded_per_second": round(decoded / decode_seconds, 1),
            "ratio": round((applied / rebuild_seconds) / (decoded / decode_seconds), 4),
        }
    results["journal_mode"], results["synchronous"] = modes
    return results


def table(results: dict[str, Any]) -> str:
    lines = [
        f"Importing real logs on sqlite ({results['journal_mode']}, "
        f"synchronous={results['synchronous']}); Python {platform.python_version()}, "
        f"eventsourcing {version('eventsourcing')}",
        f"{'':<28}{'rows':>9}{'events':>9}{'read s':>9}{'events/s':>11}{'baseline/s':>12}"
        f"{'ratio':>8}",
    ]
    for each in results["imports"]:
        lines.append(
            f"{'import ' + each['source']:<28}{each['rows_read']:>9}{each['stored']:>9}"
            f"{each['read_seconds']:>9.2f}{each['events_per_second']:>11.0f}"
            f"{each['raw_rows_per_second']:>12.0f}{each['ratio']:>8.3f}"
        )
    rebuild = results["rebuild"]
    lines.append(
        f"{'rebuild ' + str(rebuild['projections']) + ' read models':<28}{'':>9}"
        f"{rebuild['events']:>9}{'':>9}{rebuild['events_per_second']:>11.0f}"
        f"{rebuild['decoded_per_second']:>12.0f}{rebuild['ratio']:>8.3f}"
    )
    lines.append(
        "baselines: raw SQLite inserts of the same rows, batched as the import; "
        "reading and decoding every event once"
    )
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bpi", type=Path, default=DEFAULT_BPI, help="BPI 2013 log (XES/CSV)")
    parser.add_argument(
        "--servicenow", type=Path, default=DEFAULT_SERVICENOW, help="ServiceNow event log (CSV)"
    )
    parser.add_argument("--cases", type=int, default=None, help="import only the first N cases")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    if args.cases is not None and args.cases < 1:
        parser.error("--cases must be at least 1")
    for path in (args.bpi, args.servicenow):
        if not path.exists():
            parser.error(f"no such log: {path}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        results = measure(
            {"bpi2013": args.bpi, "servicenow": args.servicenow}, Path(folder), args.cases
        )
    print(json.dumps(results, indent=2) if args.json else table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
