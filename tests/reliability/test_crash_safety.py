"""The server and the workers are killed (SIGKILL) at random moments while messages
arrive on the web channel, routing runs and SLA timers fall due; they are started
again, and afterwards:

- every message the server acknowledged (HTTP 200) is stored exactly once;
- every read model, caught up, equals the one rebuilt from the events;
- every warning and breach due is raised exactly once.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from eventdesk import IncidentNotFoundError, ServiceDesk
from eventdesk.views import IncidentView

from .conftest import long_variant

EVENTDESK = Path(sys.executable).with_name("eventdesk")
TIMER_WORKER = Path(__file__).with_name("timer_worker.py")
SPEED = 1200.0  # virtual seconds per wall-clock second: a P3's 8-hour target in 24 s
SENDERS = 20  # at a time
WARNINGS = ("75%", "90%")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(params=["sqlite", "postgres"])
def crash_db(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "crash.db")
    return request.getfixturevalue("postgres_url")


class Site:
    """The server and the worker, each a process that can be killed and started again."""

    def __init__(self, db: str, start: datetime) -> None:
        self.db, self.start, self.wall = db, start, time.time()
        self.port = free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTDESK_")}
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.kills: Counter[str] = Counter()

    def command(self, name: str) -> list[str]:
        if name == "server":
            return [str(EVENTDESK), "--db", self.db, "serve", "--port", str(self.port)]
        clock = [self.start.isoformat(), str(self.wall), str(SPEED)]
        return [sys.executable, str(TIMER_WORKER), self.db, *clock]

    def launch(self, name: str) -> None:
        # The server runs its own workers too (on the real clock): two routers compete.
        extra = ["--worker-interval", "0.2", "--log-level", "critical"] if name == "server" else []
        self.processes[name] = subprocess.Popen(
            self.command(name) + extra,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def kill(self, name: str) -> None:
        process = self.processes[name]
        assert process.poll() is None, f"the {name} stopped by itself ({process.returncode})"
        process.send_signal(signal.SIGKILL)
        process.wait()
        self.kills[name] += 1

    def kill_all(self) -> None:
        for name in list(self.processes):
            self.kill(name)

    def wait_until_up(self) -> None:
        """Until the server answers its health check (it takes a moment to start)."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=5):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("the server did not start again")

    def post(self, message: dict[str, Any]) -> int | None:
        """The HTTP status of one POST to the web channel, or None if nobody answered."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/channels/web/inbound",
            data=json.dumps(message).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None


def send_until_acknowledged(
    site: Site, stop: threading.Event, acked: list[str], posts: Counter[str], rng
) -> None:
    """What a channel's gateway does: post each message until the server answers 200."""
    while not stop.is_set():
        text = f"message {uuid.uuid4()}"
        message = {
            # New people write as time goes on: new incidents, new SLA clocks.
            "email": f"user{rng.randrange(SENDERS)}.{int(time.monotonic()) // 10}@acme.example",
            "text": text,
            "tenant": "acme",
            "message_id": text,
        }
        while True:
            status = site.post(message)
            posts["posts"] += 1
            if status == 200:
                acked.append(text)
                break
            assert status in (None, 503), status  # down, or its store was: try again
            time.sleep(0.05)


def read_models(desk: ServiceDesk) -> dict[str, list[tuple[str, ...]]]:
    db = desk.projector.db
    return {
        table: sorted(tuple(map(str, row.values())) for row in db.execute(f"SELECT * FROM {table}"))
        for projection in desk.projector.projections
        for table in projection.tables
    }


def incidents_in_events(desk: ServiceDesk) -> Iterator[IncidentView]:
    """Every incident, read from its events (not from a read model), in number order."""
    for number in itertools.count(1):
        try:
            yield desk.get_incident(number)
        except IncidentNotFoundError:
            return


def set_up(db: str) -> None:
    with ServiceDesk(db=db) as desk:
        desk.tenancy.register_tenant("acme", model="shared", service_manager="sofia")
        desk.tenancy.form_team("pool", kind="shared")
        for agent in ("cy", "dee", "eli"):
            desk.tenancy.register_agent(agent, teams=["pool"])
            desk.tenancy.set_presence(agent, "available")


def run_crashes(db: str, seconds: float, seed: int) -> None:
    rng = random.Random(seed)
    set_up(db)
    start = datetime.now(UTC)
    site = Site(db, start)
    site.launch("server")
    site.launch("worker")
    site.wait_until_up()
    stop = threading.Event()
    acked: list[str] = []
    posts: Counter[str] = Counter()
    senders = [
        threading.Thread(
            target=send_until_acknowledged, args=(site, stop, acked, posts, random.Random(i))
        )
        for i in range(4)
    ]
    for sender in senders:
        sender.start()
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            time.sleep(rng.uniform(0.1, 1.5))
            victims = rng.choice([["worker"], ["worker"], ["server"], ["server", "worker"]])
            for victim in victims:
                site.kill(victim)
            for victim in victims:
                site.launch(victim)
            if "server" in victims:
                site.wait_until_up()
        time.sleep(3)  # the last messages in flight get their answer
    finally:
        stop.set()
        for sender in senders:
            sender.join(timeout=60)
        site.kill_all()  # the last stop is a crash too

    # Started again: the desk catches up and one more timer pass raises what is due.
    end = start + timedelta(seconds=(time.time() - site.wall) * SPEED) + timedelta(days=30)
    with ServiceDesk(db=db) as desk:
        desk.sla.tick(end)
        stored: Counter[str] = Counter()
        raised: Counter[tuple[str, str, str]] = Counter()
        incidents = list(incidents_in_events(desk))
        for incident in incidents:
            stored.update(message.text for message in incident.comments)
            for event in desk.repository.event_store.get(incident.id):
                kind = type(event).__name__
                if kind == "SlaWarningRaised":
                    raised[(incident.number, event.metric, event.threshold)] += 1
                elif kind == "SlaBreached":
                    raised[(incident.number, event.metric, "breach")] += 1
        again = desk.sla.tick(end)
        desk.catch_up()
        caught_up = read_models(desk)
        desk.rebuild_projections()
        rebuilt = read_models(desk)
        routed = sum(1 for incident in incidents if incident.assignee)

    figures = {
        "store": desk.store.kind,
        "seconds": seconds,
        "kills": dict(site.kills),
        "posts": posts["posts"],
        "messages_acknowledged": len(acked),
        "incidents": len(incidents),
        "routed": routed,
        "warnings_and_breaches": sum(raised.values()),
        "read_model_rows": sum(len(rows) for rows in rebuilt.values()),
    }
    print(f"\ncrash safety: {json.dumps(figures)}")

    assert site.kills["server"] and site.kills["worker"]
    # Every acknowledged message is stored exactly once.
    assert len(acked) == len(set(acked)) > 0
    for text in acked:
        assert stored[text] == 1, (text, stored[text])
    # Every due warning and breach is raised, once; a further pass raises nothing.
    expected = {
        (incident.number, metric, moment)
        for incident in incidents
        for metric in ("response", "resolution")
        for moment in (*WARNINGS, "breach")
    }
    assert set(raised) == expected
    assert set(raised.values()) == {1}
    assert again == []
    # Every read model, caught up after the crashes, is the one rebuilt from the events.
    for table, rows in rebuilt.items():
        assert caught_up[table] == rows, table


def test_kills_during_intake_routing_and_timers(crash_db):
    run_crashes(crash_db, seconds=15, seed=7)


@pytest.mark.long
@long_variant
def test_kills_during_a_long_run(crash_db):
    run_crashes(crash_db, seconds=60, seed=11)
