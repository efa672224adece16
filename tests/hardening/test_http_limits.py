"""Limits of the HTTP server itself, on loopback: a body nested too deeply is a 400 (it
was a 500: Python's parser ran out of stack), oversized headers are refused by the
server before the application sees them, and the server keeps answering after."""

from __future__ import annotations

import http.client

import pytest
from eventdesk import ServiceDesk
from eventdesk.channels.json_body import JSON_DEPTH_MAX
from eventdesk.http import create_app

from .directory import build
from .harness import figures


@pytest.fixture(params=("sqlite",))
def store(request: pytest.FixtureRequest) -> str:
    return request.param


def test_deep_json_and_huge_headers_are_refused_and_the_server_stays_up(
    desk: ServiceDesk, live_server
):
    tokens = build(desk)
    desk.channels.configure("web", {})
    server = live_server(create_app(desk))
    counted = figures("http limits")
    deep = b"[" * 100_000 + b"]" * 100_000
    for path in ("/api/incidents", "/channels/web/inbound"):
        answer = server.request(
            "POST",
            path,
            body=deep,
            token=tokens["admin"],
            headers={"Content-Type": "application/json"},
        )
        counted["deep bodies refused"] += 1
        assert answer.status == 400, answer
        assert f"nested more than {JSON_DEPTH_MAX} levels deep" in answer.json()["error"]
    # A header far over what the server reads (h11: 16 KiB of head) is refused whole.
    connection = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        connection.request("GET", "/health", headers={"X-Huge": "h" * 200_000})
        status = connection.getresponse().status
    except (ConnectionError, http.client.HTTPException):
        status = None  # the server closed the connection: refused too
    finally:
        connection.close()
    counted["huge headers refused"] += 1
    assert status in (None, 400, 431)
    assert server.request("GET", "/health").status == 200
    assert desk.list_incidents().total == 0
