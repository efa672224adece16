"""The SLA timer and routing worker of the crash test, on a fast clock.

Run as ``python timer_worker.py DB START WALL SPEED``: virtual time is ``START`` plus
``SPEED`` times the wall-clock seconds since ``WALL``, so that a worker killed and
started again carries on from where the clock is, not from where it stopped.
"""

from __future__ import annotations

import contextlib
import sys
import time
from datetime import datetime, timedelta

from eventdesk import ConcurrencyConflictError, ServiceDesk


def main(db: str, start: datetime, wall: float, speed: float) -> None:
    with ServiceDesk(db=db) as desk:
        while True:
            now = start + timedelta(seconds=(time.time() - wall) * speed)
            desk.sla.tick(now)
            # Another router (the server's) may win every retry of a pass: the next one goes on.
            with contextlib.suppress(ConcurrencyConflictError):
                desk.tenancy.route(now=now)
            time.sleep(0.05)


if __name__ == "__main__":
    main(sys.argv[1], datetime.fromisoformat(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]))
