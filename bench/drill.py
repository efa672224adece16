"""How many contacts a contingency drill simulates per second of wall time.

A drill of one Monday (24 virtual hours) with about ``--contacts`` contacts (default
20,000) for two tenants — acme (hybrid: its own team, the shared pool on overflow)
and globex (shared) — on voice, chat and email, with an hourly profile that peaks
mid-morning, exponential handling times, callers who hang up, and a site outage
from 10:00 to 12:00. Teams are sized with Erlang C (``eventdesk.staffing``) for the
peak hour. The drill runs through the real ``ServiceDesk`` on a scratch SQLite
store — in memory, as ``eventdesk drill run`` does by default, or on a file with
``--store file`` (``--scratch``) — every contact opens an incident, waits for the
router, is answered or hangs up, and is resolved.

Baseline, in the same run: the same number of rows as the drill stored events,
inserted raw into an SQLite table of the same shape on the same kind of store (a
file: WAL, synchronous=FULL), one transaction per contact — the floor of storing
what a contact does::

    ratio = drill time ÷ raw insert time  (how many times the bare writes)

Machines are shared and noisy: compare the ratio, not the rates.
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from eventdesk import ServiceDesk
from eventdesk.drills import Scenario
from eventdesk.drills.service import simulate
from eventdesk.staffing import ServiceTarget, agents_needed

# Share of the day's contacts in each hour (UTC): a Monday that peaks mid-morning.
PROFILE = (0, 0, 0, 0, 0, 0, 1, 3, 8, 10, 11, 10, 7, 8, 9, 8, 6, 4, 3, 2, 1, 0, 0, 0)
CHANNELS = {  # channel: (share of contacts, AHT seconds, capacity per agent, patience)
    "voice": (0.5, 240, 1, 120),
    "chat": (0.3, 480, 3, 600),
    "email": (0.2, 900, 8, None),
}
TENANTS = {"acme": 0.6, "globex": 0.4}


def scenario(contacts: int) -> Scenario:
    total = sum(PROFILE)
    arrivals, agents = [], []
    for tenant, tenant_share in TENANTS.items():
        for channel, (share, aht, capacity, _) in CHANNELS.items():
            day = contacts * tenant_share * share
            rates = [day * p / total for p in PROFILE]
            arrivals.append({"tenant": tenant, "channel": channel, "weekdays": {"mon": rates}})
            needed = agents_needed(max(rates), aht, ServiceTarget.parse("80/60")).agents
            team = "acme-desk" if tenant == "acme" else "pool"
            agents.append(
                {
                    "prefix": f"{tenant}-{channel}",
                    "count": max(1, math.ceil(needed / capacity)),
                    "teams": [team],
                    "site": "madrid" if tenant == "acme" else "lisbon",
                    "capacity": {channel: capacity},
                }
            )
    return Scenario.from_mapping(
        {
            "drill": {"name": "bench day", "start": "2026-03-02T00:00:00Z", "hours": 24},
            "desk": {
                "tenants": [
                    {
                        "name": "acme",
                        "model": "hybrid",
                        "manager": "sofia",
                        "overflow_wait_minutes": 2,
                    },
                    {"name": "globex", "model": "shared", "manager": "sofia"},
                ],
                "teams": [
                    {"name": "acme-desk", "kind": "dedicated", "tenant": "acme"},
                    {"name": "pool", "kind": "shared"},
                ],
                "agents": agents,
            },
            "arrivals": arrivals,
            "handling": {ch: {"mean_seconds": aht} for ch, (_, aht, _, _) in CHANNELS.items()},
            "patience": {ch: p for ch, (_, _, _, p) in CHANNELS.items() if p},
            "events": [{"kind": "outage", "site": "madrid", "at": "10:00", "until": "12:00"}],
        }
    )


def raw_insert(path: Path | str, rows: int, transactions: int) -> float:
    """Insert ``rows`` event-like rows in ``transactions`` commits; the seconds taken."""
    payload = b"x" * 300  # about an incident event's JSON
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(
            "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, "
            "topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
        )
        per = max(1, -(-rows // max(1, transactions)))
        started = time.perf_counter()
        for start in range(0, rows, per):
            conn.execute("BEGIN")
            for n in range(start, min(rows, start + per)):
                conn.execute(
                    "INSERT INTO stored_events VALUES (?, ?, ?, ?)",
                    (f"id-{n // 4}", n % 4, "eventdesk.domain:Incident.Opened", payload),
                )
            conn.execute("COMMIT")
        return time.perf_counter() - started


def measure(contacts: int, folder: Path, seed: int, store: str = "memory") -> dict[str, Any]:
    on_file = store == "file"
    ServiceDesk(":memory:").close()  # plugins loaded and modules imported before the clock
    started = time.perf_counter()
    scratch = str(folder / "drill.db") if on_file else ":memory:"
    simulation = simulate(scenario(contacts), seed=seed, scratch=scratch)
    drill_seconds = time.perf_counter() - started
    try:
        events = int(simulation.desk.recorder.max_notification_id() or 0)
    finally:
        simulation.desk.close()
    simulated = len(simulation.contacts)
    raw_seconds = raw_insert(folder / "raw.db" if on_file else ":memory:", events, simulated)
    return {
        "store": store,
        "contacts": simulated,
        "events": events,
        "drill_seconds": round(drill_seconds, 3),
        "contacts_per_second": round(simulated / drill_seconds, 1),
        "virtual_seconds_per_wall_second": round(24 * 3600 / drill_seconds, 1),
        "raw_insert_seconds": round(raw_seconds, 3),
        "ratio": round(drill_seconds / raw_seconds, 2) if raw_seconds else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=20_000, help="about this many contacts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--store", choices=("memory", "file"), default="memory")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.contacts < 1:
        parser.error("--contacts must be at least 1")
    with tempfile.TemporaryDirectory() as folder:
        figures = measure(args.contacts, Path(folder), args.seed, args.store)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(
        f"drill of one day: {figures['contacts']:,} contacts, {figures['events']:,} events "
        f"stored, seed {args.seed}, SQLite {args.store}"
    )
    print(f"{'':38}{'seconds':>10}{'contacts/s':>12}{'ratio':>8}")
    print(
        f"{'drill through the real desk':38}{figures['drill_seconds']:>10.3f}"
        f"{figures['contacts_per_second']:>12,.1f}{figures['ratio'] or 0:>8.2f}"
    )
    raw_rate = figures["contacts"] / figures["raw_insert_seconds"]
    print(
        f"{'raw insert of the rows (baseline)':38}{figures['raw_insert_seconds']:>10.3f}"
        f"{raw_rate:>12,.1f}{1:>8.2f}"
    )
    speed = figures["virtual_seconds_per_wall_second"]
    print(f"virtual time runs {speed:,.0f}× faster than real time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
