"""The JSON API for incidents, through a real server: every request acts as its token's
actor, and every failure is answered with its status and a JSON body that says why."""

from __future__ import annotations

import pytest


def open_incident(server, token, **fields):
    body = {"summary": "Printer jam", "impact": 3, "urgency": 3, **fields}
    answer = server.request("POST", "/api/incidents", json_body=body, token=token)
    assert answer.status == 201, answer
    return answer.json()


# --- tokens --------------------------------------------------------------------------------


def test_a_request_without_a_token_is_refused_401(server, tokens):
    answer = server.request("GET", "/api/incidents")
    assert answer.status == 401
    assert answer.headers["www-authenticate"] == 'Bearer realm="eventdesk"'
    assert answer.json() == {
        "error": "an API token is required: send Authorization: Bearer <token>",
        "type": "Unauthorized",
        "details": {},
    }


@pytest.mark.parametrize(
    "authorization",
    ["Basic YW5hOnNlY3JldA==", "Bearer", "Bearer ", "Token edk_x"],
)
def test_a_malformed_authorization_header_is_refused_401(server, tokens, authorization):
    answer = server.request("GET", "/api/incidents", headers={"Authorization": authorization})
    assert answer.status == 401
    assert answer.json()["error"] == "the Authorization header must be: Bearer <token>"


def test_an_unknown_or_changed_token_is_refused_401(server, tokens):
    for token in ("edk_" + "x" * 43, tokens.ana[:-1], tokens.ana + "x", "nonsense"):
        answer = server.request("GET", "/api/incidents", token=token)
        assert answer.status == 401, token
        assert answer.json()["error"] == "the API token is unknown or revoked"
        assert 'error="invalid_token"' in answer.headers["www-authenticate"]


def test_a_token_works_until_it_is_revoked(desk, server, tokens):
    assert server.request("GET", "/api/incidents", token=tokens.ana).status == 200

    desk.tokens.revoke("ana")

    answer = server.request("GET", "/api/incidents", token=tokens.ana)
    assert answer.status == 401
    assert answer.json()["type"] == "Unauthorized"
    # The other tokens still work.
    assert server.request("GET", "/api/incidents", token=tokens.cy).status == 200


def test_a_revoked_token_is_refused_by_a_server_of_another_process(
    desk, tokens, another_desk, live_server
):
    from eventdesk.http import create_app

    other = live_server(create_app(another_desk()))
    assert other.request("GET", "/api/incidents", token=tokens.admin).status == 200
    desk.tokens.revoke("admin")
    assert other.request("GET", "/api/incidents", token=tokens.admin).status == 401


def test_the_store_holds_only_digests_of_the_tokens_used(desk, server, tokens):
    open_incident(server, tokens.admin)
    server.request("GET", "/api/incidents", token=tokens.carla)
    notifications = desk.recorder.select_notifications(start=1, limit=100_000)
    raw = b"".join(n.state for n in notifications)
    for token in vars(tokens).values():
        assert token.encode() not in raw
        assert token[12:].encode() not in raw


# --- the token's actor is the actor ------------------------------------------------------


def test_every_command_is_recorded_as_the_tokens_actor(desk, server, tokens):
    opened = open_incident(server, tokens.ana, tenant="acme")
    number = opened["number"]
    assert (opened["opened_by"], opened["tenant"]) == ("ana", "acme")

    started = server.request("POST", f"/api/incidents/{number}/start", token=tokens.ana)
    assert started.status == 200
    assert started.json()["state"] == "in_progress"
    history = server.request("GET", f"/api/incidents/{number}/history", token=tokens.admin)
    assert [(e["type"], e["actor"]) for e in history.json()] == [
        ("Opened", "ana"),
        ("Started", "ana"),
    ]


def test_a_tenant_users_token_sees_only_its_tenant(desk, server, tokens):
    acme = open_incident(server, tokens.carla, summary="Acme printer")
    globex = open_incident(server, tokens.gina, summary="Globex VPN")
    assert (acme["tenant"], globex["tenant"]) == ("acme", "globex")

    listed = server.request("GET", "/api/incidents", token=tokens.carla).json()
    assert [i["summary"] for i in listed["items"]] == ["Acme printer"]
    assert listed["total"] == 1
    everything = server.request("GET", "/api/incidents", token=tokens.admin).json()
    assert everything["total"] == 2

    # Fail to read another tenant's incident: refused, and the refusal recorded.
    refused = server.request("GET", f"/api/incidents/{globex['number']}", token=tokens.carla)
    assert refused.status == 403
    body = refused.json()
    assert body["type"] == "AccessDeniedError"
    assert body["details"]["reason"] == "the incident belongs to another tenant (globex)"
    assert desk.tenancy.refusals()[-1].actor == "carla@acme"

    # Fail to list another tenant's incidents by asking for them.
    asked = server.request("GET", "/api/incidents?tenant=globex", token=tokens.carla)
    assert asked.status == 403


def test_an_agents_token_sees_the_tenants_its_teams_serve(server, tokens):
    open_incident(server, tokens.admin, summary="Acme printer", tenant="acme")
    globex = open_incident(server, tokens.admin, summary="Globex VPN", tenant="globex")

    seen = server.request("GET", "/api/incidents", token=tokens.ana).json()
    assert [i["summary"] for i in seen["items"]] == ["Acme printer"]
    refused = server.request("POST", f"/api/incidents/{globex['number']}/start", token=tokens.ana)
    assert refused.status == 403
    assert refused.json()["details"]["reason"] == "ana's teams do not serve tenant globex"


def test_a_tenant_user_sees_no_internal_work_note(server, tokens):
    number = open_incident(server, tokens.carla)["number"]
    note = server.request(
        "POST",
        f"/api/incidents/{number}/comments",
        json_body={"text": "Caller is difficult", "internal": True},
        token=tokens.ana,
    )
    assert note.status == 200
    server.request(
        "POST", f"/api/incidents/{number}/comments", json_body={"text": "On it"}, token=tokens.ana
    )

    as_carla = server.request("GET", f"/api/incidents/{number}", token=tokens.carla).json()
    as_ana = server.request("GET", f"/api/incidents/{number}", token=tokens.ana).json()
    assert [c["text"] for c in as_carla["comments"]] == ["On it"]
    assert [c["text"] for c in as_ana["comments"]] == ["Caller is difficult", "On it"]


# --- the incident routes -------------------------------------------------------------------


def test_opening_answers_201_with_the_incident_and_where_it_lives(server, tokens):
    answer = server.request(
        "POST",
        "/api/incidents",
        json_body={
            "summary": "Mail server down",
            "impact": 1,
            "urgency": 1,
            "description": "Nobody can send",
            "category": "email",
            "configuration_item": "mx-01",
            "caller": "marta",
            "assignment_group": "acme-team",
            "assignee": "ana",
            "tenant": "acme",
            "channel": "Voice",
        },
        token=tokens.admin,
    )
    assert answer.status == 201
    view = answer.json()
    assert answer.headers["location"] == f"/api/incidents/{view['number']}"
    assert (view["number"], view["priority"], view["state"]) == ("INC0000001", 1, "new")
    assert (view["assignee"], view["configuration_item"]) == ("ana", "mx-01")
    assert view["opened_at"].endswith("Z")


def test_show_answers_the_incident_with_its_sla_clocks(server, tokens):
    number = open_incident(server, tokens.admin, impact=1, urgency=1)["number"]
    for ref in (number, "1", number.lower()):
        answer = server.request("GET", f"/api/incidents/{ref}", token=tokens.admin)
        assert answer.status == 200, ref
        shown = answer.json()
        assert shown["number"] == number
        assert {clock["metric"] for clock in shown["sla"]} == {"response", "resolution"}


def test_the_list_is_filtered_and_paged(desk, server, tokens):
    for summary, impact in [("Mail down", 1), ("VPN slow", 2), ("Printer jam", 3)]:
        open_incident(server, tokens.admin, summary=summary, impact=impact, urgency=impact)
    desk.start("INC0000002")

    def listed(query: str) -> list[str]:
        answer = server.request("GET", f"/api/incidents?{query}", token=tokens.admin)
        assert answer.status == 200, answer
        return [item["number"] for item in answer.json()["items"]]

    assert listed("") == ["INC0000001", "INC0000002", "INC0000003"]
    assert listed("state=new") == ["INC0000001", "INC0000003"]
    assert listed("state=new,in_progress&priority=3") == ["INC0000002"]
    assert listed("priority=1&priority=5") == ["INC0000001", "INC0000003"]
    assert listed("text=vpn") == ["INC0000002"]
    assert listed("offset=1&limit=1") == ["INC0000002"]
    page = server.request("GET", "/api/incidents?limit=2", token=tokens.admin).json()
    assert (page["total"], page["offset"], page["limit"]) == (3, 0, 2)


def test_every_lifecycle_action_and_assignment(server, tokens):
    number = open_incident(server, tokens.admin, tenant="acme")["number"]

    def act(action: str, **fields):
        answer = server.request(
            "POST", f"/api/incidents/{number}/{action}", json_body=fields, token=tokens.ana
        )
        assert answer.status == 200, (action, answer)
        return answer.json()

    assert act("assign", group="acme-team", assignee="ana")["assignee"] == "ana"
    assert act("start")["state"] == "in_progress"
    held = act("hold", reason="awaiting_caller", note="Asked for a screenshot")
    assert (held["state"], held["hold_reason"]) == ("on_hold", "awaiting_caller")
    assert act("resume")["state"] == "in_progress"
    resolved = act("resolve", code="fixed", notes="Replaced the toner")
    assert (resolved["state"], resolved["resolution_code"]) == ("resolved", "fixed")
    reopened = act("reopen", reason="Jams again")
    assert (reopened["state"], reopened["reopen_count"]) == ("in_progress", 1)
    act("resolve", code="fixed")
    assert act("close")["state"] == "closed"

    other = open_incident(server, tokens.admin, tenant="acme")["number"]
    cancelled = server.request(
        "POST",
        f"/api/incidents/{other}/cancel",
        json_body={"reason": "Duplicate"},
        token=tokens.carla,
    )
    assert (cancelled.status, cancelled.json()["state"]) == (200, "cancelled")


def test_an_action_without_a_body_is_an_empty_one(server, tokens):
    number = open_incident(server, tokens.admin)["number"]
    answer = server.request("POST", f"/api/incidents/{number}/start", token=tokens.admin)
    assert (answer.status, answer.json()["state"]) == (200, "in_progress")


def test_comments_are_public_unless_internal(server, tokens):
    number = open_incident(server, tokens.admin)["number"]
    server.request(
        "POST", f"/api/incidents/{number}/comments", json_body={"text": "Hi"}, token=tokens.admin
    )
    answer = server.request(
        "POST",
        f"/api/incidents/{number}/comments",
        json_body={"text": "Note", "internal": True},
        token=tokens.admin,
    )
    assert [(c["text"], c["public"]) for c in answer.json()["comments"]] == [
        ("Hi", True),
        ("Note", False),
    ]


# --- errors ----------------------------------------------------------------------------------


def test_an_unknown_incident_is_404(server, tokens):
    for method, path in [
        ("GET", "/api/incidents/INC0000099"),
        ("GET", "/api/incidents/nonsense/history"),
        ("POST", "/api/incidents/INC0000099/start"),
        ("POST", "/api/incidents/99/comments"),
    ]:
        body = {"text": "x"} if path.endswith("comments") else None
        answer = server.request(method, path, json_body=body, token=tokens.admin)
        assert answer.status == 404, path
        assert answer.json()["type"] == "IncidentNotFoundError"


def test_an_unknown_action_or_route_is_404_and_a_wrong_method_405(server, tokens):
    number = open_incident(server, tokens.admin)["number"]
    answer = server.request("POST", f"/api/incidents/{number}/explode", token=tokens.admin)
    assert answer.status == 404
    assert answer.json()["error"].startswith("no action 'explode': POST one of start, hold")
    assert server.request("GET", "/api/nothing", token=tokens.admin).status == 404
    wrong = server.request("GET", f"/api/incidents/{number}/start", token=tokens.admin)
    assert (wrong.status, wrong.json()["type"]) == (405, "MethodNotAllowed")
    assert server.request("DELETE", f"/api/incidents/{number}", token=tokens.admin).status == 405


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"summary": "x", "impact": 7, "urgency": 1}, "impact"),
        ({"summary": "x", "impact": "high", "urgency": 1}, "impact"),
        ({"summary": "x", "impact": True, "urgency": 1}, "impact"),
        ({"summary": "x", "impact": 1.5, "urgency": 1}, "impact"),
        ({"summary": "", "impact": 1, "urgency": 1}, "summary"),
        ({"summary": "x" * 201, "impact": 1, "urgency": 1}, "summary"),
        ({"summary": ["x"], "impact": 1, "urgency": 1}, "summary"),
        ({"impact": 1, "urgency": 1}, "summary"),
        ({"summary": "x", "impact": 1}, "urgency"),
        ({"summary": "x", "impact": 1, "urgency": 1, "colour": "red"}, "field"),
        ({"summary": "x", "impact": 1, "urgency": 1, "caller": 42}, "caller"),
    ],
)
def test_a_bad_value_is_422_and_names_the_field(desk, server, tokens, body, field):
    answer = server.request("POST", "/api/incidents", json_body=body, token=tokens.admin)
    assert answer.status == 422, answer
    error = answer.json()
    assert error["type"] == "InvalidValueError"
    assert error["details"]["field"] == field
    assert error["error"].startswith(f"invalid {field} ")
    assert desk.list_incidents().total == 0


def test_a_business_rule_refusal_is_422(server, tokens):
    number = open_incident(server, tokens.admin)["number"]
    answer = server.request("POST", f"/api/incidents/{number}/resume", token=tokens.admin)
    assert answer.status == 422
    assert answer.json() == {
        "error": f"{number}: cannot resume an incident that is new",
        "type": "IllegalTransitionError",
        "details": {"incident": number, "transition": "resume", "from_state": "new"},
    }
    bad_reason = server.request(
        "POST",
        f"/api/incidents/{number}/hold",
        json_body={"reason": "lunch"},
        token=tokens.admin,
    )
    assert bad_reason.status == 422


def test_a_stale_expected_version_is_409(server, tokens):
    opened = open_incident(server, tokens.admin)
    number, seen = opened["number"], opened["version"]
    server.request(
        "POST", f"/api/incidents/{number}/comments", json_body={"text": "x"}, token=tokens.admin
    )
    answer = server.request(
        "POST",
        f"/api/incidents/{number}/start",
        json_body={"expected_version": seen},
        token=tokens.admin,
    )
    assert answer.status == 409
    assert answer.json()["type"] == "ConcurrencyConflictError"
    assert answer.json()["details"] == {
        "incident": number,
        "expected_version": 1,
        "actual_version": 2,
    }
    fresh = server.request(
        "POST",
        f"/api/incidents/{number}/start",
        json_body={"expected_version": 2},
        token=tokens.admin,
    )
    assert fresh.status == 200


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"{", "the body is not valid JSON: Expecting property name"),
        (b'{"summary": "x",}', "the body is not valid JSON"),
        (b"\xff\xfe\xfa", "the body is not"),
        (b'{"impact": NaN}', "the body is not valid JSON: NaN is not a JSON number"),
        (b"[1, 2]", "the body must be a JSON object, not an array"),
        (b'"summary"', "the body must be a JSON object, not a string"),
        (b"null", "the body must be a JSON object, not null"),
        (b"42", "the body must be a JSON object, not a number"),
    ],
)
def test_a_malformed_json_body_is_400(desk, server, tokens, body, says):
    answer = server.request(
        "POST",
        "/api/incidents",
        body=body,
        token=tokens.admin,
        headers={"Content-Type": "application/json"},
    )
    assert answer.status == 400
    error = answer.json()
    assert error["type"] == "MalformedJSON"
    assert error["error"].startswith(says)
    assert desk.list_incidents().total == 0


def test_a_query_parameter_that_is_not_one_is_422(server, tokens):
    for query, field in [
        ("colour=red", "query parameter"),
        ("priority=high", "priority"),
        ("limit=0", "limit"),
        ("offset=-1", "offset"),
        ("state=sleeping", "state"),
        ("state=new,sleeping", "state"),
        ("priority=9", "priority"),
        ("tenant=acme&tenant=globex", "tenant"),
    ]:
        answer = server.request("GET", f"/api/incidents?{query}", token=tokens.admin)
        assert answer.status == 422, (query, answer)
        assert answer.json()["details"]["field"] == field, query
