"""Concurrent requests on one server (Starlette serves them from a thread pool, all on one
ServiceDesk): nothing is lost, nothing is issued twice, and a lost race is a 409."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

THREADS = 16


def test_concurrent_openings_each_get_a_number_of_their_own(desk, server, tokens):
    def open_one(i: int):
        return server.request(
            "POST",
            "/api/incidents",
            json_body={"summary": f"Outage {i}", "impact": 2, "urgency": 2, "tenant": "acme"},
            token=tokens.admin,
        )

    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(open_one, range(4 * THREADS)))

    assert Counter(a.status for a in answers) == {201: 4 * THREADS}
    numbers = sorted(a.json()["number"] for a in answers)
    assert numbers == [f"INC{n:07d}" for n in range(1, 4 * THREADS + 1)]
    assert desk.list_incidents(limit=1000).total == 4 * THREADS
    assert len(desk.tenancy.queue()) == 4 * THREADS


def test_concurrent_changes_to_one_incident_are_saved_or_answered_409(desk, server, tokens):
    number = desk.open_incident("Mail down", impact=1, urgency=1).number

    def comment(i: int):
        return server.request(
            "POST",
            f"/api/incidents/{number}/comments",
            json_body={"text": f"update {i}"},
            token=tokens.admin,
        )

    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(comment, range(4 * THREADS)))

    statuses = Counter(a.status for a in answers)
    assert set(statuses) <= {200, 409}, statuses
    saved = {a.json()["comments"][-1]["text"] for a in answers if a.status == 200}
    stored = [c.text for c in desk.get_incident(number).comments]
    assert len(stored) == statuses[200] >= 1
    assert set(stored) == saved
    for answer in answers:
        if answer.status == 409:
            assert answer.json()["type"] == "ConcurrencyConflictError"


def test_reads_by_every_kind_of_actor_while_others_write(desk, server, tokens):
    readers = [tokens.ana, tokens.cy, tokens.carla, tokens.gina]

    def work(i: int):
        if i % 2:
            tenant = "acme" if i % 4 == 1 else "globex"
            return server.request(
                "POST",
                "/api/incidents",
                json_body={"summary": f"Outage {i}", "impact": 3, "urgency": 3, "tenant": tenant},
                token=tokens.admin,
            )
        return server.request("GET", "/api/incidents?limit=1000", token=readers[i // 2 % 4])

    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(work, range(8 * THREADS)))

    assert {a.status for a in answers[1::2]} == {201}
    assert {a.status for a in answers[0::2]} == {200}
    final = {
        name: {
            i["tenant"]
            for i in server.request("GET", "/api/incidents?limit=1000", token=t).json()["items"]
        }
        for name, t in [("ana", tokens.ana), ("cy", tokens.cy), ("carla", tokens.carla)]
    }
    assert final == {"ana": {"acme"}, "cy": {"globex"}, "carla": {"acme"}}
