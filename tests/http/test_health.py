"""GET /health: whether the server can read its store."""

from __future__ import annotations

import sqlite3


def test_health_answers_the_store_and_the_head_of_the_event_log(desk, server):
    assert server.request("GET", "/health").json() == {
        "status": "ok",
        "store": desk.store.kind,
        "events": 0,
    }
    desk.open_incident("Printer jam", impact=3, urgency=3)
    answer = server.request("GET", "/health")
    assert (answer.status, answer.json()["events"]) == (200, 1)


def test_health_answers_503_when_the_store_fails(desk, server, store):
    desk.open_incident("Printer jam", impact=3, urgency=3)
    # Break the store under the running server: its events table disappears.
    if store == "sqlite":
        with sqlite3.connect(desk.store.sqlite_path) as connection:
            connection.execute("DROP TABLE stored_events")
    else:
        with desk.store.connect_postgres() as connection:
            connection.execute(f'DROP TABLE "{desk.store.pg_schema}".servicedesk_events CASCADE')

    answer = server.request("GET", "/health")

    assert answer.status == 503
    body = answer.json()
    assert (body["status"], body["store"]) == ("unavailable", store)
    assert body["error"]


def test_health_takes_no_token_and_only_get(server):
    assert server.request("GET", "/health", token="edk_nonsense").status == 200
    answer = server.request("POST", "/health")
    assert answer.status == 405
    assert answer.json()["type"] == "MethodNotAllowed"
