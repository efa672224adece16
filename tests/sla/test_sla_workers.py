"""Two real ``eventdesk sla run`` processes on one database raise each moment exactly once.

``sla run`` reads the system clock, so the incidents are opened on a clock set
two days back: by the time the workers start, their moments are long overdue.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from eventdesk import ManualClock, ServiceDesk

pytestmark = pytest.mark.slow

EVENTDESK = [sys.executable, "-c", "from eventdesk.cli import main; main()"]
PRIORITY = {1: (1, 1), 2: (1, 2), 3: (2, 2), 4: (2, 3), 5: (3, 3)}
ALL_MOMENTS = {
    (metric, moment) for metric in ("response", "resolution") for moment in ("75%", "90%", "breach")
}
RESPONSE_MOMENTS = {moment for moment in ALL_MOMENTS if moment[0] == "response"}
# Two days after opening, under the default 24x7 policy: P1-P3 are past every
# moment; P4 and P5 are past their response moments and at least six hours short
# of 75 % of their resolution (54 h and 90 h).
DUE_AFTER_TWO_DAYS = {1: ALL_MOMENTS, 2: ALL_MOMENTS, 3: ALL_MOMENTS} | dict.fromkeys(
    (4, 5), RESPONSE_MOMENTS
)


def open_overdue_incidents(db: str, count: int) -> dict[str, int]:
    """``count`` incidents opened two days ago, number → priority."""
    clock = ManualClock(datetime.now(tz=UTC) - timedelta(days=2))
    opened: dict[str, int] = {}
    with ServiceDesk(db=db, clock=clock) as desk:
        for index in range(count):
            priority = index % 5 + 1
            impact, urgency = PRIORITY[priority]
            view = desk.open_incident(f"overdue {index}", impact=impact, urgency=urgency)
            opened[view.number] = priority
            clock.advance(seconds=7)
    return opened


def run_workers(db: str, workers: int, passes: int) -> list[subprocess.CompletedProcess[str]]:
    command = [*EVENTDESK, "--db", db, "sla", "run", "--interval", "0.2", "--passes", str(passes)]
    env = {**os.environ, "EVENTDESK_ACTOR": "sla-worker"}
    processes = [
        subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        for _ in range(workers)
    ]
    finished = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=60)
        finished.append(subprocess.CompletedProcess(command, process.returncode, stdout, stderr))
    return finished


def raised_moments(db: str, numbers: list[str]) -> Counter[tuple[str, str, str]]:
    """(incident, metric, moment) → how many events raised it."""
    counted: Counter[tuple[str, str, str]] = Counter()
    with ServiceDesk(db=db) as desk:
        for number in numbers:
            for entry in desk.history(number):
                if entry.type == "SlaWarningRaised":
                    counted[number, entry.data["metric"], entry.data["threshold"]] += 1
                elif entry.type == "SlaBreached":
                    counted[number, entry.data["metric"], "breach"] += 1
    return counted


def check_each_moment_raised_once(db: str, opened: dict[str, int], workers: int) -> None:
    finished = run_workers(db, workers=workers, passes=6)
    for worker in finished:
        assert worker.returncode == 0, worker.stderr
        assert "Traceback" not in worker.stderr
    expected = Counter(
        {
            (number, metric, moment): 1
            for number, priority in opened.items()
            for metric, moment in DUE_AFTER_TWO_DAYS[priority]
        }
    )
    assert raised_moments(db, list(opened)) == expected
    # Between them the workers reported each raised moment once.
    reported = [line for worker in finished for line in worker.stdout.splitlines() if line]
    assert len(reported) == sum(expected.values())


def test_two_workers_on_postgres_raise_each_moment_once(postgres_url: str) -> None:
    opened = open_overdue_incidents(postgres_url, 30)
    check_each_moment_raised_once(postgres_url, opened, workers=2)


def test_two_workers_on_one_sqlite_file_raise_each_moment_once(tmp_path: Path) -> None:
    db = str(tmp_path / "desk.db")
    opened = open_overdue_incidents(db, 30)
    check_each_moment_raised_once(db, opened, workers=2)
