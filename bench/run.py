"""What the engine costs per command, against raw inserts of the same rows.

For each store, N incidents are opened and resolved through ``ServiceDesk``,
each step its own command as a user would issue it (``open_incident``, then
``resolve``): two commands, two events, two transactions per incident. Then the
very rows the engine wrote are inserted again into an empty table of the same
shape, one transaction per row, with the same durability settings. The ratio
of the two rates is what the engine keeps of what the database can do:

    ratio = engine commands per second / raw single-row inserts per second

Every measurement is the best of ``--repeat`` runs (default 3), each on a fresh
database. Then, unless ``--sla-sizes none``, the SLA timer benchmark
(bench/sla_timers.py): what one timer pass costs among 1,000 and among 100,000
open incidents. Run by ``make bench``; see bench/README.md for how to read it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import sla_timers  # bench/sla_timers.py, beside this file
from eventdesk import ServiceDesk
from eventdesk.errors import StorageConfigError
from eventdesk.storage import StoreConfig

DEFAULT_N = {"sqlite": 2000, "postgres": 1000}
DEFAULT_PG_URL = "postgresql://127.0.0.1:5432/test"
STORES = ("sqlite", "postgres")
EVENTS_PER_INCIDENT = 2

# The application recorder's events tables as eventsourcing 9.5 creates them.
SQLITE_EVENTS_TABLE = (
    "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, "
    "topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
)
PG_EVENTS_TABLE = (
    "CREATE TABLE {schema}.servicedesk_events (originator_id uuid NOT NULL, "
    "originator_version bigint NOT NULL, topic text, state bytea, "
    "notification_id bigserial, PRIMARY KEY (originator_id, originator_version))"
)
PG_EVENTS_INDEX = (
    "CREATE UNIQUE INDEX servicedesk_events_notification_id_idx "
    "ON {schema}.servicedesk_events (notification_id)"
)

Row = tuple[Any, int, str, bytes]  # originator_id, originator_version, topic, state


@dataclass
class Result:
    """One store's figures. Rates come from the best (shortest) of the runs."""

    store: str
    n: int
    events: int
    engine_seconds: list[float]
    raw_seconds: list[float]
    durability: str
    engine_incidents_per_second: float = field(init=False)
    engine_ops_per_second: float = field(init=False)
    raw_rows_per_second: float = field(init=False)
    ratio: float = field(init=False)

    def __post_init__(self) -> None:
        engine, raw = min(self.engine_seconds), min(self.raw_seconds)
        self.engine_incidents_per_second = self.n / engine
        self.engine_ops_per_second = self.events / engine
        self.raw_rows_per_second = self.events / raw
        self.ratio = self.engine_ops_per_second / self.raw_rows_per_second


class Skipped(Exception):
    """A store cannot be measured here; the message says why."""


def play(desk: ServiceDesk, n: int) -> None:
    """The workload: open an incident, then resolve it, each its own command."""
    for i in range(n):
        incident = desk.open_incident(f"Benchmark incident {i}", impact=2, urgency=2, actor="bench")
        desk.resolve(incident.number, "fixed", "Benchmark", actor="bench")


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


# --- SQLite ----------------------------------------------------------------------


def sqlite_durability(desk: ServiceDesk) -> tuple[str, str]:
    """The ``journal_mode`` and ``synchronous`` of the desk's own SQLite connection."""
    with desk.recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = str(cursor.fetchone()[0])
        cursor.execute("PRAGMA synchronous")
        synchronous = str(cursor.fetchone()[0])
    return journal_mode, synchronous


def sqlite_engine(path: Path, n: int) -> tuple[float, list[Row], str, str]:
    """Time the workload on a new file; return the time, the rows, and the durability."""
    with ServiceDesk(db=str(path)) as desk:
        journal_mode, synchronous = sqlite_durability(desk)
        seconds = timed(lambda: play(desk, n))
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(
            "SELECT originator_id, originator_version, topic, state "
            "FROM stored_events ORDER BY rowid"
        ).fetchall()
    return seconds, rows, journal_mode, synchronous


def last_rowid(path: Path) -> int:
    """The events table's highest rowid: what was there before a measurement."""
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT coalesce(max(rowid), 0) FROM stored_events").fetchone()[0])


def rows_after(path: Path, rowid: int) -> list[Row]:
    """The rows written after ``rowid``, in order: what a measurement wrote."""
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events "
            "WHERE rowid > ? ORDER BY rowid",
            (rowid,),
        ).fetchall()


def sqlite_raw(path: Path, rows: Sequence[Row], journal_mode: str, synchronous: str) -> float:
    """Insert the rows into a new file, one transaction per row, as durably as the engine."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(f"PRAGMA journal_mode={journal_mode}")
        conn.execute(f"PRAGMA synchronous={synchronous}")
        conn.execute(SQLITE_EVENTS_TABLE)
        insert = "INSERT INTO stored_events VALUES (?, ?, ?, ?)"

        def insert_each() -> None:
            for row in rows:
                conn.execute("BEGIN")
                conn.execute(insert, row)
                conn.execute("COMMIT")

        return timed(insert_each)
    finally:
        conn.close()


SYNCHRONOUS = {"0": "OFF", "1": "NORMAL", "2": "FULL", "3": "EXTRA"}


def measure_sqlite(n: int, repeat: int, folder: Path | None) -> Result:
    engine_runs: list[float] = []
    raw_runs: list[float] = []
    durability = ""
    with tempfile.TemporaryDirectory(prefix="eventdesk-bench-", dir=folder) as scratch:
        for run in range(repeat):
            seconds, rows, journal_mode, synchronous = sqlite_engine(
                Path(scratch, f"engine-{run}.db"), n
            )
            engine_runs.append(seconds)
            raw_runs.append(
                sqlite_raw(Path(scratch, f"raw-{run}.db"), rows, journal_mode, synchronous)
            )
            durability = (
                f"journal_mode={journal_mode}, "
                f"synchronous={SYNCHRONOUS.get(synchronous, synchronous)}"
            )
    return Result("sqlite", n, len(rows), engine_runs, raw_runs, durability)


# --- PostgreSQL ------------------------------------------------------------------


def _pg_config(url: str) -> StoreConfig:
    config = StoreConfig.parse(url)
    if config.kind != "postgres":
        raise Skipped(f"--pg-url {url!r} is not a postgresql:// URL")
    return config


def with_schema(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}schema={schema}"


def _drop_schema(config: StoreConfig, schema: str) -> None:
    with config.connect_postgres() as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def pg_engine(url: str, schema: str, n: int) -> tuple[float, list[Row]]:
    """Time the workload in a new schema; return the time and the rows it wrote."""
    config = _pg_config(with_schema(url, schema))
    try:
        with ServiceDesk(db=with_schema(url, schema)) as desk:
            seconds = timed(lambda: play(desk, n))
        with config.connect_postgres() as conn:
            rows = conn.execute(
                f'SELECT originator_id, originator_version, topic, state FROM "{schema}".'
                "servicedesk_events ORDER BY notification_id"
            ).fetchall()
        return seconds, rows
    finally:
        _drop_schema(config, schema)


def pg_raw(url: str, schema: str, rows: Sequence[Row]) -> float:
    """Plain INSERTs in autocommit: one transaction, one round trip per row."""
    config = _pg_config(url)
    quoted = f'"{schema}"'
    try:
        with config.connect_postgres() as conn:
            conn.execute(f"CREATE SCHEMA {quoted}")
            conn.execute(PG_EVENTS_TABLE.format(schema=quoted))
            conn.execute(PG_EVENTS_INDEX.format(schema=quoted))
            insert = (
                f"INSERT INTO {quoted}.servicedesk_events "
                "(originator_id, originator_version, topic, state) VALUES (%s, %s, %s, %s)"
            )

            def insert_each() -> None:
                for row in rows:
                    conn.execute(insert, row, prepare=True)

            return timed(insert_each)
    finally:
        _drop_schema(config, schema)


def measure_postgres(n: int, repeat: int, url: str) -> Result:
    config = _pg_config(url)
    try:
        with config.connect_postgres() as conn:
            settings = {
                name: conn.execute(f"SHOW {name}").fetchone()[0]
                for name in ("synchronous_commit", "fsync")
            }
    except StorageConfigError as error:
        raise Skipped(str(error)) from None
    tag = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
    engine_runs: list[float] = []
    raw_runs: list[float] = []
    for run in range(repeat):
        seconds, rows = pg_engine(url, f"bench_engine_{tag}_{run}", n)
        engine_runs.append(seconds)
        raw_runs.append(pg_raw(url, f"bench_raw_{tag}_{run}", rows))
    durability = ", ".join(f"{name}={value}" for name, value in settings.items())
    return Result("postgres", n, len(rows), engine_runs, raw_runs, durability)


# --- report ----------------------------------------------------------------------


def table(results: Sequence[Result], skipped: dict[str, str], repeat: int) -> str:
    lines = [
        "EventDesk: open_incident + resolve, one command each (2 events per incident),"
        f" best of {repeat}",
        "",
        f"{'store':<9} {'N':>6} {'incidents/s':>12} {'engine ops/s':>13} "
        f"{'raw rows/s':>11} {'ratio':>6}",
    ]
    for r in results:
        lines.append(
            f"{r.store:<9} {r.n:>6} {r.engine_incidents_per_second:>12.0f} "
            f"{r.engine_ops_per_second:>13.0f} {r.raw_rows_per_second:>11.0f} {r.ratio:>6.2f}"
        )
    for store, reason in skipped.items():
        lines.append(f"{store:<9} skipped: {reason}")
    lines.append("")
    lines.append("ratio = engine ops/s ÷ raw rows/s (1.00: the engine costs nothing beyond")
    lines.append("the insert itself). One op = one command = one event = one transaction.")
    for r in results:
        lines.append(f"{r.store} durability, both sides: {r.durability}")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--n",
        type=int,
        default=None,
        help="incidents per run on every store (default: 2000 on SQLite, 1000 on PostgreSQL)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    parser.add_argument(
        "--stores",
        default=",".join(STORES),
        help="comma-separated stores to measure (default: sqlite,postgres)",
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("EVENTDESK_BENCH_POSTGRES", DEFAULT_PG_URL),
        help="PostgreSQL server; each run gets a fresh schema, dropped afterwards "
        f"(default: $EVENTDESK_BENCH_POSTGRES or {DEFAULT_PG_URL})",
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="where the SQLite files go (default: the system's temporary folder); "
        "use a real disk, not tmpfs, or fsync costs nothing",
    )
    parser.add_argument(
        "--sla-sizes",
        default=sla_timers.DEFAULT_SIZES,
        help="open incidents among which an SLA timer pass is timed, on SQLite "
        f"(default: {sla_timers.DEFAULT_SIZES}; 'none' skips it); see bench/sla_timers.py",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    if args.sla_sizes.strip().lower() == "none":
        args.sla_sizes = []
    else:
        try:
            args.sla_sizes = sla_timers.parse_sizes(args.sla_sizes)
        except ValueError as error:
            parser.error(f"--sla-sizes: {error}")
    args.stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    unknown = sorted(set(args.stores) - set(STORES))
    if unknown:
        parser.error(f"unknown store(s) {', '.join(unknown)}: choose from {', '.join(STORES)}")
    if args.n is not None and args.n < 1:
        parser.error("--n must be at least 1")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    results: list[Result] = []
    skipped: dict[str, str] = {}
    for store in args.stores:
        n = args.n or DEFAULT_N[store]
        try:
            if store == "sqlite":
                results.append(measure_sqlite(n, args.repeat, args.dir))
            else:
                results.append(measure_postgres(n, args.repeat, args.pg_url))
        except Skipped as reason:
            skipped[store] = str(reason)
    sla_results = sla_timers.measure_all(args.sla_sizes) if args.sla_sizes else []
    if args.json:
        report = {
            "workload": "open_incident + resolve, one command each",
            "repeat": args.repeat,
            "python": platform.python_version(),
            "eventsourcing": version("eventsourcing"),
            "results": [asdict(result) for result in results],
            "skipped": skipped,
            "sla_timers": sla_results,
        }
        print(json.dumps(report, indent=2))
    else:
        print(table(results, skipped, args.repeat))
        if sla_results:
            print()
            print(sla_timers.table(sla_results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
