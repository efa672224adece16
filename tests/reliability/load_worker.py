"""One of the processes of the concurrency test: mixed commands on shared incidents.

Run as ``python load_worker.py DB PROCESS COMMANDS SEED``. Every command has an actor of
its own (``p<PROCESS>c<N>``), so that the test can find, from the events, what each one
did. Prints one JSON object: each command's outcome (``ok`` or the error's type) and the
desk's conflict counts.
"""

from __future__ import annotations

import json
import random
import sys

from eventdesk import ServiceDesk
from eventdesk.errors import EventDeskError

INCIDENTS = 100
HOT = 10  # most commands go to a few busy incidents, where writers collide
HOT_SHARE = 0.7


COMMANDS = (  # name, share of the commands
    ("comment", 0.30),
    ("log_work", 0.15),
    ("assign", 0.15),
    ("reprioritise", 0.10),
    ("categorise", 0.10),
    ("hold_or_resume", 0.20),
)


def issue(desk: ServiceDesk, rng: random.Random, name: str, number: int, actor: str) -> None:
    """Issue one command; its effect names the actor, so the test can find it."""
    if name == "comment":
        desk.comment(number, f"update from {actor}", actor=actor)
    elif name == "log_work":
        desk.log_work(number, rng.randint(1, 60), actor=actor)
    elif name == "assign":
        desk.assign(number, "network", actor, actor=actor)
    elif name == "reprioritise":
        desk.reprioritise(number, impact=rng.randint(1, 3), urgency=rng.randint(1, 3), actor=actor)
    elif name == "categorise":
        desk.categorise(number, category=actor, actor=actor)
    elif desk.get_incident(number).state == "on_hold":
        # A transition decided on what was read: not retried, it may lose the race.
        desk.resume(number, actor=actor)
    else:
        desk.hold(number, "awaiting_caller", note=actor, actor=actor)


def main(db: str, process: int, commands: int, seed: int) -> None:
    rng = random.Random(seed)
    outcomes = []
    with ServiceDesk(db=db) as desk:
        for n in range(commands):
            hot = rng.random() < HOT_SHARE
            number = rng.randint(1, HOT) if hot else rng.randint(1, INCIDENTS)
            actor = f"p{process}c{n}"
            name = rng.choices([c for c, _ in COMMANDS], [w for _, w in COMMANDS])[0]
            try:
                issue(desk, rng, name, number, actor)
                outcome = "ok"
            except EventDeskError as error:
                outcome = type(error).__name__
            outcomes.append([actor, number, name, outcome])
        counts = desk.conflicts.to_dict()
    print(json.dumps({"outcomes": outcomes, **counts}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
