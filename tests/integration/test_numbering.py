"""Incident numbers: dense, in order, never issued twice, across desks and processes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from eventdesk import ServiceDesk

PROCESSES = 2
OPENS_PER_PROCESS = 100

# One worker process: open the desk, say it is ready, wait for the start signal,
# then open incidents (as agents would: one after another, with a breath between)
# and print when it started and finished and the numbers it was given.
WORKER = """
import json, os, sys, time
from eventdesk import ServiceDesk

db, name, ready, go, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
desk = ServiceDesk(db=db)
open(ready, "w").close()
deadline = time.monotonic() + 60
while not os.path.exists(go):
    if time.monotonic() > deadline:
        sys.exit("no start signal")
    time.sleep(0.001)
started = time.time()
numbers = []
for n in range(count):
    numbers.append(desk.open_incident(f"{name} load {n}", impact=3, urgency=3, actor=name).number)
    time.sleep(0.001)
finished = time.time()
desk.close()
print(json.dumps({"started": started, "finished": finished, "numbers": numbers}))
"""


def test_numbers_continue_after_the_desk_is_reopened(desk, another_desk):
    for n in range(3):
        desk.open_incident(f"Issue {n}", impact=2, urgency=2)
    desk.close()

    reopened = another_desk()

    assert reopened.open_incident("After restart", impact=2, urgency=2).number == "INC0000004"


def test_numbers_continue_after_a_long_history(db, clock):
    with ServiceDesk(db=db, clock=clock) as desk:
        for n in range(70):
            desk.open_incident(f"Issue {n}", impact=3, urgency=3)
    if db == ":memory:":
        return
    with ServiceDesk(db=db, clock=clock) as desk:
        assert desk.open_incident("Issue 71", impact=3, urgency=3).number == "INC0000071"


def test_two_desks_taking_turns_never_issue_the_same_number(desk, another_desk):
    other = another_desk()
    issued = []
    for n in range(6):
        opener = desk if n % 2 == 0 else other
        issued.append(opener.open_incident(f"Issue {n}", impact=2, urgency=2).number)
    # Desk A still thinks the last number is its own; it must find out it is not.
    issued.append(desk.open_incident("Issue 6", impact=2, urgency=2).number)
    issued.append(desk.open_incident("Issue 7", impact=2, urgency=2).number)

    assert issued == [f"INC{n:07d}" for n in range(1, 9)]
    assert [item.summary for item in other.list_incidents().items] == [
        f"Issue {n}" for n in range(8)
    ]


def test_a_child_opened_while_another_desk_takes_the_next_number(desk, another_desk):
    parent = desk.open_incident("Site outage", impact=1, urgency=1).number
    other = another_desk()
    taken = other.open_incident("Unrelated", impact=3, urgency=3).number

    # Desk A's next number is taken; it retries with the next one.
    child = desk.open_incident("CRM down", impact=2, urgency=2, parent=parent)

    assert (taken, child.number, child.parent) == ("INC0000002", "INC0000003", parent)
    assert desk.get_incident(parent).children == ("INC0000003",)
    assert other.get_incident(parent).version == 2


def start_worker(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until_ready(worker: subprocess.Popen, ready: Path) -> None:
    deadline = time.monotonic() + 60
    while not ready.exists():
        if worker.poll() is not None:
            pytest.fail(f"a worker died before it was ready: {worker.communicate()[1]}")
        if time.monotonic() > deadline:
            pytest.fail("a worker did not get ready within a minute")
        time.sleep(0.01)


def run_workers(db: str, folder: Path) -> list[dict]:
    """Start the workers one by one, then let them all open incidents at the same moment."""
    go = folder / "go"
    workers: list[subprocess.Popen] = []
    try:
        for index in range(PROCESSES):
            ready = folder / f"ready-{index}"
            workers.append(
                start_worker(
                    WORKER, db, f"worker{index}", str(ready), str(go), str(OPENS_PER_PROCESS)
                )
            )
            wait_until_ready(workers[-1], ready)
        go.touch()
        results = []
        for worker in workers:
            out, err = worker.communicate(timeout=120)
            assert worker.returncode == 0, err
            results.append(json.loads(out))
        return results
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.communicate()


@pytest.mark.parametrize("store", ["sqlite", "postgres"], indirect=True)
def test_two_processes_opening_at_once_get_distinct_numbers_and_lose_nothing(db, clock, tmp_path):
    with ServiceDesk(db=db, clock=clock):
        pass  # an administrator's `eventdesk init`: the tables exist before the rush

    reports = run_workers(db, tmp_path)

    # They really worked at the same time.
    assert max(r["started"] for r in reports) < min(r["finished"] for r in reports)
    issued = [report["numbers"] for report in reports]
    everything = [number for numbers in issued for number in numbers]
    expected = [f"INC{n:07d}" for n in range(1, PROCESSES * OPENS_PER_PROCESS + 1)]
    assert [len(numbers) for numbers in issued] == [OPENS_PER_PROCESS] * PROCESSES
    assert sorted(everything) == expected
    assert all(numbers == sorted(numbers) for numbers in issued)
    with ServiceDesk(db=db, clock=clock) as desk:
        page = desk.list_incidents(limit=1000)
        assert page.total == PROCESSES * OPENS_PER_PROCESS
        assert [item.number for item in page.items] == expected
        for index, numbers in enumerate(issued):
            mine = {
                item.number for item in page.items if item.summary.startswith(f"worker{index} ")
            }
            assert mine == set(numbers)
            for number in numbers[:: OPENS_PER_PROCESS // 10]:
                assert desk.history(number)[0].actor == f"worker{index}"


# Each worker opens and closes a desk on an existing database, again and again,
# all starting at the same moment: several EventDesk processes deployed at once.
STARTUP_WORKER = """
import os, sys, time
from eventdesk import ServiceDesk

db, go, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
deadline = time.monotonic() + 60
while not os.path.exists(go):
    if time.monotonic() > deadline:
        sys.exit("no start signal")
    time.sleep(0.0005)
for _ in range(rounds):
    ServiceDesk(db=db).close()
"""


def start_together(db: str, folder: Path, processes: int, rounds: int) -> list[tuple[int, str]]:
    go = folder / "go-startup"
    workers = [start_worker(STARTUP_WORKER, db, str(go), str(rounds)) for _ in range(processes)]
    try:
        time.sleep(1.0)  # let every interpreter get to the start line
        go.touch()
        outcomes = []
        for worker in workers:
            _, err = worker.communicate(timeout=120)
            outcomes.append((worker.returncode, err.strip().splitlines()[-1:]))
        return outcomes
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.communicate()


def test_desks_started_at_once_on_sqlite_all_start(tmp_path, clock):
    db = str(tmp_path / "eventdesk.db")
    with ServiceDesk(db=db, clock=clock):
        pass

    assert start_together(db, tmp_path, processes=3, rounds=15) == [(0, [])] * 3


def test_desks_started_at_once_on_postgresql_all_start(postgres_url, tmp_path, clock):
    with ServiceDesk(db=postgres_url, clock=clock):
        pass

    assert start_together(postgres_url, tmp_path, processes=3, rounds=20) == [(0, [])] * 3
