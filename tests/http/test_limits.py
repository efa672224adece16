"""The body size limit: a body larger than the server takes is answered 413, whether its
length is declared or it arrives in chunks, and nothing is done with it."""

from __future__ import annotations

import http.client
import json

import pytest
from eventdesk.http import MAX_BODY, create_app

LIMIT = 2000


@pytest.fixture
def small_server(desk, live_server):
    return live_server(create_app(desk, max_body=LIMIT))


def body_of_size(size: int) -> bytes:
    """A valid incident, padded with spaces to exactly ``size`` bytes."""
    body = json.dumps({"summary": "Printer jam", "impact": 3, "urgency": 3}).encode()
    return body + b" " * (size - len(body))


def test_the_default_limit_is_one_mebibyte():
    assert MAX_BODY == 1024 * 1024


def test_a_body_at_the_limit_is_taken(desk, small_server, tokens):
    answer = small_server.request(
        "POST", "/api/incidents", body=body_of_size(LIMIT), token=tokens.admin
    )
    assert answer.status == 201


def test_a_declared_body_over_the_limit_is_413(desk, small_server, tokens):
    answer = small_server.request(
        "POST", "/api/incidents", body=body_of_size(LIMIT + 1), token=tokens.admin
    )
    assert answer.status == 413
    assert answer.json() == {
        "error": f"the request body is larger than the server's limit of {LIMIT} bytes",
        "type": "BodyTooLarge",
        "details": {"limit": LIMIT, "size": LIMIT + 1},
    }
    assert desk.list_incidents().total == 0


def test_a_chunked_body_over_the_limit_is_413(desk, small_server, tokens):
    connection = http.client.HTTPConnection(small_server.host, small_server.port, timeout=30)
    body = body_of_size(3 * LIMIT)
    chunks = (body[i : i + 500] for i in range(0, len(body), 500))
    connection.request(
        "POST",
        "/api/incidents",
        body=chunks,
        headers={"Authorization": f"Bearer {tokens.admin}", "Transfer-Encoding": "chunked"},
        encode_chunked=True,
    )
    response = connection.getresponse()
    error = json.loads(response.read())
    connection.close()
    assert response.status == 413
    assert error["type"] == "BodyTooLarge"
    assert error["details"]["size"] > LIMIT
    assert desk.list_incidents().total == 0


def test_a_bad_content_length_is_400(small_server, tokens):
    connection = http.client.HTTPConnection(small_server.host, small_server.port, timeout=30)
    connection.putrequest("POST", "/api/incidents")
    connection.putheader("Authorization", f"Bearer {tokens.admin}")
    connection.putheader("Content-Length", "-5")
    connection.endheaders()
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 400


@pytest.mark.parametrize("max_body", [0, -1, 1.5, True, "1MB"])
def test_the_limit_must_be_a_positive_number_of_bytes(desk, max_body):
    with pytest.raises(ValueError, match="max_body must be a positive number of bytes"):
        create_app(desk, max_body=max_body)
