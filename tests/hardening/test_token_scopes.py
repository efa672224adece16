"""API tokens scoped to a tenant (through their actor) and to a role (read or write).

A token acts as one actor: a tenant user's token never reaches beyond its
tenant (the access matrix proves it route by route). A ``read`` token answers
its actor's queries and is refused every command with 403 ``TokenScope``,
recorded nowhere and changing nothing. Tokens from before scopes are ``write``;
a read model from before scopes is rebuilt with them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from eventdesk import InvalidValueError, ServiceDesk
from eventdesk.http import create_app
from eventdesk.tenancy.access import ActorKind

from .directory import build
from .harness import assert_read_models_equal_a_rebuild, figures


@pytest.fixture(params=("sqlite",))
def store(request: pytest.FixtureRequest) -> str:
    return request.param


def test_a_read_token_reads_and_is_refused_every_command(desk: ServiceDesk, live_server):
    tokens = build(desk)
    acme = desk.open_incident("Printer jam", impact=3, urgency=3, tenant="acme")
    server = live_server(create_app(desk))
    read = tokens["carla-read"]
    assert server.request("GET", f"/api/incidents/{acme.number}", token=read).status == 200
    before = desk.projector.head()
    for path, body in [
        ("/api/incidents", {"summary": "x", "impact": 3, "urgency": 3}),
        (f"/api/incidents/{acme.number}/comments", {"text": "hi"}),
        (f"/api/incidents/{acme.number}/cancel", {"reason": "dup"}),
    ]:
        answer = server.request("POST", path, json_body=body, token=read)
        figures("token scopes")["commands refused to a read token"] += 1
        assert answer.status == 403
        assert answer.json()["type"] == "TokenScope"
        assert answer.json()["error"] == f"the API token is read-only: it may not POST {path}"
        assert 'error="insufficient_scope"' in answer.headers["www-authenticate"]
    assert desk.projector.head() == before
    # The same actor's write token may comment.
    answer = server.request(
        "POST",
        f"/api/incidents/{acme.number}/comments",
        json_body={"text": "hi"},
        token=tokens["carla"],
    )
    assert answer.status == 200


def test_a_token_acts_as_its_actor_with_its_tenant_and_scope(desk: ServiceDesk):
    tokens = build(desk)
    actor, scope = desk.tokens.authenticate_scoped(tokens["carla-read"])
    assert (actor, actor.kind, actor.tenant, scope) == (
        "carla@acme",
        ActorKind.TENANT_USER,
        "acme",
        "read",
    )
    assert desk.tokens.authenticate_scoped(tokens["ana"])[1] == "write"
    listed = {view.name: view.scope for view in desk.tokens.list()}
    assert listed["carla-read"] == "read" and listed["admin"] == "write"
    with pytest.raises(InvalidValueError, match="token scope"):
        desk.tokens.create("x", "agent:ana", scope="admin")
    assert_read_models_equal_a_rebuild(desk)


def test_a_token_list_from_before_scopes_is_rebuilt(tmp_path: Path, clock):
    db = str(tmp_path / "old.db")
    with ServiceDesk(db=db, clock=clock) as desk:
        build(desk)
    with sqlite3.connect(db) as connection:  # the table as it was before scopes
        connection.execute("ALTER TABLE eventdesk_api_tokens DROP COLUMN scope")
    with ServiceDesk(db=db, clock=clock) as desk:
        listed = {view.name: view.scope for view in desk.tokens.list()}
    assert listed == {
        "admin": "write",
        "ana": "write",
        "cy": "write",
        "carla": "write",
        "gina": "write",
        "carla-read": "read",
    }
