"""Four processes issue mixed commands on 100 shared incidents: from the events, no
acknowledged change is lost and none is applied twice; a conflict on a command safe to
retry is retried, the others fail with a named error."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from eventdesk import ServiceDesk

from .conftest import long_variant

WORKER = Path(__file__).with_name("load_worker.py")
PROCESSES = 4
INCIDENTS = 100
SETUP_ACTOR = "setup"
NAMED_FAILURES = {
    "ConcurrencyConflictError",  # a transition that lost the race
    "ConflictRetriesExhaustedError",  # a command safe to retry that lost every attempt
    "IllegalTransitionError",  # a hold or resume decided on a state that changed
}


@pytest.fixture(params=["sqlite", "postgres"])
def shared_db(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "shared.db")
    return request.getfixturevalue("postgres_url")


def run_load(db: str, commands_each: int) -> dict:
    with ServiceDesk(db=db) as desk:
        for n in range(INCIDENTS):
            number = desk.open_incident(f"Outage {n}", impact=2, urgency=2, actor=SETUP_ACTOR)
            desk.start(number.number, actor=SETUP_ACTOR)
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), db, str(p), str(commands_each), str(1000 + p)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for p in range(PROCESSES)
    ]
    reports = []
    for worker in workers:
        out, _ = worker.communicate(timeout=1800)
        assert worker.returncode == 0
        reports.append(json.loads(out))
    return {
        "outcomes": [o for r in reports for o in r["outcomes"]],
        **{k: sum(r[k] for r in reports) for k in ("conflicts", "retries", "exhausted")},
    }


def check_nothing_lost_nothing_doubled(db: str, commands_each: int) -> None:
    load = run_load(db, commands_each)
    outcomes = load["outcomes"]
    with ServiceDesk(db=db) as desk:
        events_by_actor: Counter[str] = Counter()
        comments: Counter[str] = Counter()
        for n in range(1, INCIDENTS + 1):
            incident_id = desk.resolve_id(n)
            for event in desk.repository.event_store.get(incident_id):
                if event.actor != SETUP_ACTOR:
                    events_by_actor[event.actor] += 1
            comments.update(c.text for c in desk.get_incident(n).comments)
    acked = [o for o in outcomes if o[3] == "ok"]
    failed = [o for o in outcomes if o[3] != "ok"]
    failures = Counter(o[3] for o in failed)
    figures = {
        "processes": PROCESSES,
        "incidents": INCIDENTS,
        "commands": len(outcomes),
        "acknowledged": len(acked),
        "conflicts": load["conflicts"],
        "retries": load["retries"],
        "retries_exhausted": load["exhausted"],
        "refused": dict(failures),
        "events": sum(events_by_actor.values()),
    }
    print(f"\nconcurrency on {desk.store.kind}: {json.dumps(figures)}")

    assert len(outcomes) == PROCESSES * commands_each
    assert set(failures) <= NAMED_FAILURES, failures
    # Every acknowledged command left exactly one event; a refused one left none.
    for actor, number, name, _ in acked:
        assert events_by_actor[actor] == 1, (actor, number, name, events_by_actor[actor])
        if name == "comment":
            assert comments[f"update from {actor}"] == 1
    for actor, number, name, outcome in failed:
        assert events_by_actor[actor] == 0, (actor, number, name, outcome)
    assert sum(events_by_actor.values()) == len(acked)
    # The hot incidents did collide, and the desk retried what is safe to retry.
    assert load["conflicts"] > 0 and load["retries"] > 0


def test_four_processes_500_commands_each(shared_db):
    check_nothing_lost_nothing_doubled(shared_db, 500)


@pytest.mark.long
@long_variant
def test_four_processes_10000_commands(shared_db):
    check_nothing_lost_nothing_doubled(shared_db, 2500)
