"""Incidents opened per second: EventDesk's public API against django-helpdesk's staff form.

Both on SQLite, in the same run. The peer is the harness in
``/work/shared/peers/django_helpdesk/`` (``$EVENTDESK_PEER_HARNESS`` elsewhere):
its ``setup.sh`` installs django-helpdesk 2.6.1 into a venv of its own under
the bench's cache folder (``$EVENTDESK_BENCH_CACHE``, default ``.bench-cache/``
in the checkout), never into the project's dependencies, and migrates a
template database. Each run copies that database and runs the harness's
``crud`` phase in the peer's venv: N tickets through ``TicketForm.save``
(validation, the ticket, its "Ticket Opened" follow-up, the notification
e-mails rendered to memory). EventDesk opens N incidents with
``ServiceDesk.open_incident`` on a new SQLite file, each its own durable
command::

    ratio = EventDesk incidents/s ÷ django-helpdesk tickets/s

When the peer cannot be installed (offline, no harness) the figure is skipped
and says why. ``--no-setup`` never installs it (the quick suite uses that).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import run  # bench/run.py, beside this file
from eventdesk import ServiceDesk

ROOT = Path(__file__).resolve().parents[1]
HARNESS = Path(os.environ.get("EVENTDESK_PEER_HARNESS", "/work/shared/peers/django_helpdesk"))
CACHE = Path(os.environ.get("EVENTDESK_BENCH_CACHE", ROOT / ".bench-cache"))


class Skipped(Exception):
    """The peer cannot be measured here; the message says why."""


def peer_dir() -> Path:
    return CACHE / "django_helpdesk"


def ensure_peer(setup: bool) -> Path:
    """The built peer's folder: its ``venv/``, ``project/`` and template ``db.sqlite3``."""
    folder = peer_dir()
    ready = all(
        path.exists()
        for path in (folder / "venv/bin/python", folder / "project/bench.py", folder / "db.sqlite3")
    )
    if ready:
        return folder
    if not (HARNESS / "setup.sh").exists():
        raise Skipped(f"no peer harness at {HARNESS}")
    if not setup:
        raise Skipped(f"peer not installed in {folder} (run `python -m bench` once to install it)")
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["bash", str(HARNESS / "setup.sh")],
        env={**os.environ, "PEER_DIR": str(folder), "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise Skipped(f"peer setup failed (offline?): {last[0][:200]}")
    return folder


def peer_rate(folder: Path, n: int, scratch: Path) -> float:
    """Tickets per second through the peer's staff form, on a fresh copy of its database."""
    db = scratch / "peer.sqlite3"
    shutil.copyfile(folder / "db.sqlite3", db)
    done = subprocess.run(
        [str(folder / "venv/bin/python"), "bench.py", "--worker", "crud", str(n)],
        cwd=folder / "project",
        env={**os.environ, "PEER_DB": str(db), "DJANGO_SETTINGS_MODULE": "peerproj.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise Skipped(f"peer run failed: {(done.stderr or done.stdout).strip()[-200:]}")
    return float(json.loads(done.stdout.strip().splitlines()[-1])["a_form_create_per_s"])


def eventdesk_rate(path: Path, n: int) -> float:
    """Incidents per second through ``ServiceDesk.open_incident`` on a new SQLite file."""
    with ServiceDesk(db=str(path)) as desk:

        def open_all() -> None:
            for i in range(n):
                desk.open_incident(
                    f"Service {i % 50} degraded",
                    impact=i % 3 + 1,
                    urgency=2,
                    description=f"Customer reports errors on node {i}. Please check.",
                    caller=f"customer{i % 200}@example.com",
                    actor="bench",
                )

        return n / run.timed(open_all)


def measure(n: int, repeat: int, setup: bool = True) -> dict[str, Any]:
    folder = ensure_peer(setup)
    peer: list[float] = []
    ours: list[float] = []
    with tempfile.TemporaryDirectory(prefix="eventdesk-peer-bench-") as scratch:
        for attempt in range(repeat):
            peer.append(peer_rate(folder, n, Path(scratch)))
            ours.append(eventdesk_rate(Path(scratch, f"desk-{attempt}.db"), n))
    return {
        "n": n,
        "eventdesk_incidents_per_second": max(ours),
        "peer_tickets_per_second": max(peer),
        "ratio": max(ours) / max(peer),
        "eventdesk_runs": ours,
        "peer_runs": peer,
        "peer": "django-helpdesk 2.6.1, TicketForm.save, SQLite",
    }


def table(result: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"incidents opened per second, N={result['n']}, best of {len(result['peer_runs'])}",
            f"{'EventDesk open_incident':<34} {result['eventdesk_incidents_per_second']:>8,.0f}",
            f"{'django-helpdesk TicketForm.save':<34} {result['peer_tickets_per_second']:>8,.0f}",
            f"ratio {result['ratio']:.1f} (EventDesk ÷ django-helpdesk, both SQLite)",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="incidents/tickets per run")
    parser.add_argument("--repeat", type=int, default=3, help="runs (best kept)")
    parser.add_argument("--no-setup", action="store_true", help="never install the peer")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    try:
        result = measure(args.n, args.repeat, setup=not args.no_setup)
    except Skipped as reason:
        print(json.dumps({"skipped": str(reason)}) if args.json else f"skipped: {reason}")
        return 0
    print(json.dumps(result, indent=2) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
