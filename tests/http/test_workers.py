"""With workers, the server also runs the SLA timer and routing workers in threads: an
incident opened over HTTP is routed to an agent, and its breached target is raised."""

from __future__ import annotations

import time
from datetime import timedelta

from eventdesk.http import create_app

TIMEOUT = 20.0


def eventually(condition, what: str):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


def test_the_workers_route_and_raise_while_the_server_runs(desk, clock, tokens, live_server):
    desk.tenancy.set_presence("ana", "available")
    server = live_server(create_app(desk, workers=True, worker_interval=0.05))
    opened = server.request(
        "POST",
        "/api/incidents",
        json_body={"summary": "Mail down", "impact": 1, "urgency": 1, "tenant": "acme"},
        token=tokens.carla,
    ).json()
    number = opened["number"]
    assert opened["assignee"] is None

    def shown():
        return server.request("GET", f"/api/incidents/{number}", token=tokens.admin).json()

    routed = eventually(lambda: shown()["assignee"] == "ana" and shown(), "routed to ana")
    assert routed["assignment_group"] == "acme-team"

    clock.advance(timedelta(days=1))

    def history_types():
        answer = server.request("GET", f"/api/incidents/{number}/history", token=tokens.admin)
        return [entry["type"] for entry in answer.json()]

    eventually(lambda: "SlaBreached" in history_types(), "the response target breached")
    assert history_types().count("SlaBreached") >= 1


def test_without_workers_nothing_is_routed(desk, tokens, live_server):
    desk.tenancy.set_presence("ana", "available")
    server = live_server(create_app(desk, worker_interval=0.05))
    number = desk.open_incident("Mail down", impact=1, urgency=1, tenant="acme").number
    time.sleep(0.5)
    shown = server.request("GET", f"/api/incidents/{number}", token=tokens.admin).json()
    assert shown["assignee"] is None
