"""The benchmark suite: every figure of issue 9, each against its baseline, in one run.

    python -m bench                  # full sizes: a table of every figure (tens of minutes)
    python -m bench --quick --json   # tiny sizes: one JSON object, one key per figure
    python -m bench --only command_rate_sqlite,routing_decision_us

Each figure is measured by the bench script that owns it (bench/run.py,
bench/intake_concurrent.py, bench/projections.py, bench/sla_timers.py,
bench/routing.py, bench/peer_django_helpdesk.py), which also runs alone. The
JSON object's keys are the figures; each value says the figure (``value``,
in ``unit``), its ``baseline`` (measured in the same run), its ``target``,
whether it is ``met``, and ``details``; a figure that cannot be measured here
has ``value: null`` and ``skipped`` with the reason. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the scripts import each other as siblings
    sys.path.insert(0, str(HERE))

import import_logs  # noqa: E402
import intake_concurrent  # noqa: E402
import peer_django_helpdesk  # noqa: E402
import projections  # noqa: E402
import routing  # noqa: E402
import run  # noqa: E402
import sla_timers  # noqa: E402


class Skipped(Exception):
    """The figure cannot be measured here; the message says why."""


@dataclass(frozen=True)
class Figure:
    key: str
    unit: str
    baseline: str
    target: str
    met: Callable[[float], bool] | None
    measure: Callable[[argparse.Namespace], tuple[float, dict[str, Any]]]


def _command_rate_sqlite(args: argparse.Namespace) -> tuple[float, dict[str, Any]]:
    n, repeat = (30, 1) if args.quick else (2000, 3)
    result = run.measure_sqlite(n, repeat, args.dir)
    return result.ratio, vars(result)


def _command_rate_postgres(args: argparse.Namespace) -> tuple[float, dict[str, Any]]:
    n, repeat = (20, 1) if args.quick else (1000, 3)
    try:
        result = run.measure_postgres(n, repeat, args.pg_url)
    except run.Skipped as reason:
        raise Skipped(str(reason)) from None
    return result.ratio, vars(result)


def _intake_concurrent(args: argparse.Namespace) -> tuple[float, dict[str, Any]]:
    n, repeat = (40, 1) if args.quick else (1000, 3)
    result = intake_concurrent.measure(n, 8, repeat, args.dir)
    args.memory["intake_server_peak_memory_mib"] = result["server_peak_memory_mib"]
    return result["ratio"], result


def _projection_rebuild(args: argparse.Namespace) -> tuple[float, dict[str, Any]]:
    incidents = 50 if args.quick else args.rebuild_incidents
    result = projections.measure(incidents, 10, 1, args.dir)
    args.memory["rebuild"] = result
    return result["ratio"], result


def _sla_pass_scaling(args: argparse.Namespace) -> tuple[float, dict[str, Any]]:
    sizes = [100, 150] if args.quick else [1000, 100_000]
    results = sla_timers.measure_all(sizes)
    return results[-1]["ratio_to_smallest"], {"sizes": results}


def _routing(args: argparse.Namespace) -> tuple[float, dict[str, Any]]:
    agents, items, repeat = (40, 200, 1) if args.quick else (1000, 10_000, 3)
    result = routing.measure_engine(routing.make_setup(agents, items), repeat)
    full = result["full_pass"]
    return full["latency"]["all"]["median_us"], {
        "agents": agents,
        "items": items,
        "decisions_per_second": full["decisions_per_second"],
        "p99_us": full["latency"]["all"].get("p99_us"),
        "naive_median_us": full["naive_latency"]["all"]["median_us"],
        "ratio_to_naive": full["ratio"],
    }


def _postgres_workers(_args: argparse.Namespace) -> tuple[float, dict[str, Any]]:
    raise Skipped(
        "`eventdesk worker` (scale-out on PostgreSQL) is not on this branch's main: "
        "it is built on its own branch"
    )


def _import_bpi2013(args: argparse.Namespace) -> tuple[float, dict[str, Any]]:
    if not import_logs.DEFAULT_BPI.exists():
        raise Skipped(f"the BPI 2013 log is not on this machine ({import_logs.DEFAULT_BPI})")
    cases = 100 if args.quick else None  # --quick: the first 100 cases only
    with tempfile.TemporaryDirectory(prefix="eventdesk-bench-", dir=args.dir) as scratch:
        result = import_logs.measure({"bpi2013": import_logs.DEFAULT_BPI}, Path(scratch), cases)
    (bpi,) = result["imports"]
    return bpi["events_per_second"], {**bpi, "baseline_ratio": bpi["ratio"]}


def _peer(args: argparse.Namespace) -> tuple[float, dict[str, Any]]:
    n, repeat = (20, 1) if args.quick else (300, 2)
    try:
        result = peer_django_helpdesk.measure(n, repeat, setup=not args.quick)
    except peer_django_helpdesk.Skipped as reason:
        raise Skipped(str(reason)) from None
    return result["ratio"], result


def _memory(args: argparse.Namespace) -> tuple[float, dict[str, Any]]:
    rebuild = args.memory.get("rebuild")
    if rebuild is None:
        rebuild = projections.measure(50 if args.quick else args.rebuild_incidents, 10, 1, args.dir)
    small = rebuild["smaller_store"]
    return rebuild["peak_memory_mib"], {
        "events": rebuild["events"],
        "open_incidents": rebuild["incidents"],
        "smaller_store": {"events": small["events"], "peak_memory_mib": small["peak_memory_mib"]},
        "memory_growth": rebuild["memory_growth"],
        "measured": "peak RSS of a fresh process that opens the store and rebuilds every "
        "read model (the most a server holds: it reads the events page by page)",
        "intake_server_peak_memory_mib": args.memory.get("intake_server_peak_memory_mib"),
    }


RAW_SQLITE = "raw sqlite3 inserts of the same rows, one transaction each, same journal/synchronous"
FIGURES = (
    Figure(
        "command_rate_sqlite",
        "ratio",
        f"open_incident + resolve through ServiceDesk on a SQLite file ÷ {RAW_SQLITE}",
        "≥ 0.8",
        lambda v: v >= 0.8,
        _command_rate_sqlite,
    ),
    Figure(
        "intake_rate_sqlite_concurrent",
        "ratio",
        f"emails posted to `eventdesk serve` by 8 concurrent clients ÷ {RAW_SQLITE}",
        "≥ 2 (needs group commit)",
        lambda v: v >= 2,
        _intake_concurrent,
    ),
    Figure(
        "command_rate_postgres",
        "ratio",
        "the same commands on PostgreSQL ÷ raw psycopg inserts, one transaction each",
        "stated (the issue sets no ratio)",
        None,
        _command_rate_postgres,
    ),
    Figure(
        "intake_rate_postgres_2workers",
        "ratio",
        "intake with 2 `eventdesk worker` processes ÷ with 1",
        "≥ 1.6",
        lambda v: v >= 1.6,
        _postgres_workers,
    ),
    Figure(
        "projection_rebuild_rate",
        "ratio",
        "events/s rebuilding every read model ÷ rows/s of a raw SELECT of the same rows",
        "≥ 0.3 (at 1,000,000 events)",
        lambda v: v >= 0.3,
        _projection_rebuild,
    ),
    Figure(
        "sla_pass_scaling",
        "ratio",
        "one timer pass (100 due) among 100,000 open incidents ÷ among 1,000",
        "≤ 2",
        lambda v: v <= 2,
        _sla_pass_scaling,
    ),
    Figure(
        "routing_decision_us",
        "µs",
        "median µs per decision, 1,000 agents, 10,000 waiting items (naive scan in details)",
        "≤ 50",
        lambda v: v <= 50,
        _routing,
    ),
    Figure(
        "import_rate_bpi2013",
        "events/s",
        "events/s importing the BPI 2013 log",
        "stated",
        None,
        _import_bpi2013,
    ),
    Figure(
        "peer_ratio_django_helpdesk",
        "ratio",
        "EventDesk open_incident/s ÷ django-helpdesk TicketForm.save tickets/s, both SQLite",
        "≥ 50",
        lambda v: v >= 50,
        _peer,
    ),
    Figure(
        "server_peak_memory_mib",
        "MiB",
        "peak RSS with the rebuild store (1,000,000 events, 100,000 open incidents) "
        "against a store a tenth the size (memory_growth)",
        "stated; must not grow with the stored events",
        None,
        _memory,
    ),
)
KEYS = [figure.key for figure in FIGURES]


def measure(figure: Figure, args: argparse.Namespace) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "value": None,
        "unit": figure.unit,
        "baseline": figure.baseline,
        "target": figure.target,
        "met": None,
    }
    started = time.perf_counter()
    try:
        value, details = figure.measure(args)
    except Skipped as reason:
        entry["skipped"] = str(reason)
    except Exception as error:  # one broken figure must not hide the others
        entry["skipped"] = f"failed: {type(error).__name__}: {error}"
        entry["traceback"] = traceback.format_exc(limit=5)
    else:
        entry["value"] = value
        entry["met"] = figure.met(value) if figure.met else None
        entry["details"] = details
    entry["seconds"] = round(time.perf_counter() - started, 2)
    return entry


def table(report: dict[str, dict[str, Any]]) -> str:
    lines = [f"{'figure':<31} {'value':>10} {'unit':<9} {'target':<16} met", "-" * 76]
    for key, entry in report.items():
        value = entry["value"]
        shown = "—" if value is None else f"{value:,.3f}" if value < 10 else f"{value:,.1f}"
        met = {True: "yes", False: "NO", None: ""}[entry["met"]]
        target = entry["target"].split(" (")[0]
        lines.append(f"{key:<31} {shown:>10} {entry['unit']:<9} {target:<16} {met}")
        if entry.get("skipped"):
            lines.append(f"{'':<31} skipped: {entry['skipped']}")
    lines.append("")
    lines.extend(f"{key}: {entry['baseline']}" for key, entry in report.items())
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes (a smoke test)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--only", default="", help="comma-separated figures (default: all)")
    parser.add_argument("--pg-url", default=run.DEFAULT_PG_URL, help="the PostgreSQL server")
    parser.add_argument("--dir", type=Path, default=None, help="where the SQLite files go")
    parser.add_argument(
        "--rebuild-incidents",
        type=int,
        default=100_000,
        help="open incidents (10 events each) of the rebuild and memory store (default 100000)",
    )
    args = parser.parse_args(argv)
    only = [key.strip() for key in args.only.split(",") if key.strip()]
    unknown = sorted(set(only) - set(KEYS))
    if unknown:
        parser.error(f"unknown figure(s) {', '.join(unknown)}: choose from {', '.join(KEYS)}")
    args.only = only or KEYS
    args.memory = {}
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    report = {figure.key: measure(figure, args) for figure in FIGURES if figure.key in args.only}
    print(json.dumps(report, indent=2, default=str) if args.json else table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
