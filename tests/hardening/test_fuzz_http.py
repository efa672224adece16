"""The HTTP API fuzzed on a real server on loopback: bodies, query parameters, paths,
tokens and channel posts.

Whatever is sent, the server answers: never a 500, and every refusal is JSON
that says what was wrong (``error``, ``type``, ``details``). A request refused
before the engine runs (400, 401, 404, 405, 413) records nothing, and once the
budget is spent the read models equal a rebuild. The figures reached are in the
run's summary.
"""

from __future__ import annotations

import json
import urllib.parse

import pytest
from eventdesk import ServiceDesk
from eventdesk.http import create_app
from eventdesk.http.api import ACTIONS, LIST_PARAMETERS, OPEN_FIELDS
from hypothesis import given
from hypothesis import strategies as st

from .boundaries import CHANNELS as BOUNDARIES
from .directory import build
from .harness import assert_read_models_equal_a_rebuild, budget, figures
from .mutations import JSON_VALUES

NOTHING_RECORDED = {400, 401, 404, 405, 413}
REFS = st.sampled_from(["INC0000001", "inc1", "1", "INC9999999", "..", "%00", "é", "x" * 300])
FIELD_NAMES = st.sampled_from(sorted({*OPEN_FIELDS, "text", "internal", "expected_version"}))
BODIES = st.one_of(
    st.dictionaries(FIELD_NAMES | st.text(max_size=10), JSON_VALUES, max_size=6).map(
        lambda d: json.dumps(d).encode()
    ),
    st.fixed_dictionaries(
        {"summary": st.text(max_size=300), "impact": JSON_VALUES, "urgency": JSON_VALUES}
    ).map(lambda d: json.dumps(d).encode()),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
    st.integers(60, 5000).map(lambda n: b"[" * n + b"]" * n),
)
QUERIES = st.dictionaries(
    st.sampled_from([*LIST_PARAMETERS, "call", "digits", "hub.mode", "hub.verify_token"])
    | st.text(max_size=8),
    st.text(max_size=30)
    | st.integers(-(2**70), 2**70).map(str)
    | st.sampled_from(["c1", "1", "subscribe", "hub.challenge"]),
    max_size=4,
)
ROUTES = st.sampled_from(
    [
        ("POST", "/api/incidents"),
        ("GET", "/api/incidents"),
        ("GET", "/api/incidents/{ref}"),
        ("GET", "/api/incidents/{ref}/history"),
        ("GET", "/api/incidents/{ref}/conversation"),
        ("POST", "/api/incidents/{ref}/comments"),
        ("POST", "/api/incidents/{ref}/replies"),
        *(("POST", f"/api/incidents/{{ref}}/{action}") for action in ACTIONS),
        ("POST", "/api/incidents/{ref}/explode"),
        ("DELETE", "/api/incidents/{ref}"),
        ("POST", "/channels/{channel}/inbound"),
        ("GET", "/channels/{channel}/inbound"),
    ]
)
CHANNELS = st.sampled_from(["web", "email", "nope", "chat", "voice", "whatsapp", "%2e%2e"])


def _assert_explained(method: str, path: str, answer) -> None:
    """A refusal says what was wrong: the API as JSON (error, type); a channel's GET in
    the channel's own words (JSON, or the plain text its provider expects); a form post
    as a page for the browser."""
    kind = answer.headers.get("content-type", "")
    assert answer.body.strip(), (method, path, answer)
    if kind.startswith("application/json"):
        refusal = answer.json()
        shape = {"error"} if method == "GET" and "/channels/" in path else {"error", "type"}
        assert shape <= set(refusal) and refusal["error"], refusal
    elif method == "GET" and "/channels/" in path:
        assert kind.startswith("text/"), answer
    else:
        assert kind.startswith("text/html"), answer


@pytest.mark.fuzz
def test_the_http_api_answers_every_request_without_failing(desk: ServiceDesk, live_server) -> None:
    tokens = build(desk)
    for boundary in BOUNDARIES.values():
        boundary.configure(desk)
    desk.open_incident("Printer jam", impact=3, urgency=3, tenant="acme")
    server = live_server(create_app(desk, max_body=64 * 1024))
    counted = figures("fuzz http")

    @budget()
    @given(
        route=ROUTES,
        ref=REFS,
        channel=CHANNELS,
        body=BODIES,
        query=QUERIES,
        token=st.sampled_from([*tokens.values(), "edk_forged", "", None]),
    )
    def one(route, ref, channel, body, query, token) -> None:
        method, template = route
        path = template.format(ref=urllib.parse.quote(ref, safe=""), channel=channel)
        if query:
            path += "?" + urllib.parse.urlencode(query)
        before = desk.projector.head()
        answer = server.request(
            method,
            path,
            body=body if method == "POST" else None,
            token=token or None,
            headers={"Content-Type": "application/json"},
        )
        counted["requests tried"] += 1
        counted[f"answered {answer.status}"] += 1
        assert answer.status < 500, (method, path, answer)
        if answer.status >= 400:
            _assert_explained(method, path, answer)
        if answer.status in NOTHING_RECORDED and not path.startswith("/channels/"):
            assert desk.projector.head() == before, (method, path, answer)

    one()
    counted["events replayed by the rebuild"] = assert_read_models_equal_a_rebuild(desk)
