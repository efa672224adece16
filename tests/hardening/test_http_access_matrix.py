"""The HTTP access matrix: every route × every kind of actor × own and foreign tenant.

Each actor (an administrator, an agent of a dedicated team, a shared-pool
agent, a tenant user of each tenant, a read-only token, a revoked, a forged and
no token) calls every route of the API on an incident of its own tenant and on
one of the other tenant. What it may do is the engine's rule, restated here:

- no valid token: 401, everywhere;
- an administrator: anything, anywhere;
- an agent: anything on the incidents of the tenants its teams serve; 403
  elsewhere;
- a tenant user: read, open, comment, reopen and cancel its own tenant's
  incidents; 403 for anything else, and for every other tenant;
- a read-only token: its actor's queries; 403 ``TokenScope`` for every command.

An access that is allowed is never answered 401 or 403 (it may still be refused
by a business rule: 409 or 422); one that is refused is answered 401 or 403 and
leaves the incident as it was (its version). The list of incidents never shows
another tenant's. The figures (accesses tried, allowed, refused) are in the run's
summary.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from eventdesk import ServiceDesk
from eventdesk.http import create_app
from eventdesk.http.api import ACTIONS
from eventdesk.tenancy.access import TENANT_USER_COMMANDS

from .directory import build
from .harness import figures

TENANT_OF = {"admin": None, "ana": "acme", "cy": "globex", "carla": "acme", "gina": "globex"}
OTHER = {"acme": "globex", "globex": "acme"}


@pytest.fixture(params=("sqlite",))
def store(request: pytest.FixtureRequest) -> str:
    return request.param


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # {ref}: the incident's number
    body: dict | None = None
    command: str | None = None  # the engine's name for it (None: a query)


ROUTES = [
    Route("GET", "/api/incidents/{ref}"),
    Route("GET", "/api/incidents/{ref}/history"),
    Route("GET", "/api/incidents/{ref}/conversation"),
    Route("POST", "/api/incidents/{ref}/comments", {"text": "Any news?"}, "comment"),
    Route("POST", "/api/incidents/{ref}/replies", {"text": "Looking"}, "reply"),
    *(
        Route("POST", f"/api/incidents/{{ref}}/{action}", body, action)
        for action, body in {
            "assign": {"assignee": "ana"},
            "start": {},
            "hold": {"reason": "awaiting_caller"},
            "resume": {},
            "resolve": {"code": "fixed", "notes": "done"},
            "reopen": {"reason": "back again"},
            "close": {},
            "cancel": {"reason": "duplicate"},
        }.items()
    ),
]
assert {r.command for r in ROUTES} >= set(ACTIONS), "a new action is missing from the matrix"
ACTOR_KINDS = ["admin", "ana", "cy", "carla", "gina", "carla-read", "revoked", "forged", "none"]


def _may(actor: str, route: Route, tenant: str) -> bool:
    """The rule the engine enforces, restated."""
    if actor in ("revoked", "forged", "none"):
        return False
    if actor == "carla-read":
        return route.command is None and tenant == "acme"
    if actor == "admin":
        return True
    if actor in ("carla", "gina"):
        may_do = route.command is None or route.command in TENANT_USER_COMMANDS
        return may_do and TENANT_OF[actor] == tenant
    return TENANT_OF[actor] == tenant  # agents: the tenants their teams serve


@pytest.mark.parametrize("actor", ACTOR_KINDS)
def test_every_route_for_every_actor_on_own_and_foreign_tenant(
    desk: ServiceDesk, live_server, actor: str
) -> None:
    tokens = build(desk)
    revoked = desk.tokens.create("gone", "agent:ana")[0]
    desk.tokens.revoke("gone")
    tokens |= {"revoked": revoked, "forged": "edk_" + "x" * 43, "none": None}
    server = live_server(create_app(desk))
    counted = figures("http access matrix")
    wrong: list[str] = []
    for route in ROUTES:
        for tenant in ("acme", "globex"):
            incident = desk.open_incident(
                f"{route.path} {tenant}", impact=3, urgency=3, tenant=tenant
            )
            version = desk.get_incident(incident.number).version
            answer = server.request(
                route.method,
                route.path.format(ref=incident.number),
                json_body=route.body,
                token=tokens[actor],
            )
            counted["accesses tried"] += 1
            allowed = _may(actor, route, tenant)
            refused = answer.status in (401, 403)
            counted["allowed" if not refused else "refused"] += 1
            if allowed == refused or answer.status >= 500:
                wrong.append(
                    f"{actor} {route.method} {route.path} on {tenant}: "
                    f"{answer.status} {answer.body[:200]!r}"
                )
            if refused and desk.get_incident(incident.number).version != version:
                wrong.append(
                    f"{actor} {route.method} {route.path} on {tenant}: refused, yet changed"
                )
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("actor", ACTOR_KINDS)
def test_opening_and_listing_for_every_actor_on_own_and_foreign_tenant(
    desk: ServiceDesk, live_server, actor: str
) -> None:
    tokens = build(desk)
    tokens |= {"revoked": None, "forged": "edk_" + "y" * 43, "none": None}
    for tenant in ("acme", "globex"):
        desk.open_incident(f"Seen by {tenant}", impact=3, urgency=3, tenant=tenant)
    server = live_server(create_app(desk))
    counted = figures("http access matrix")
    open_route = Route("POST", "/api/incidents", None, "open")
    for tenant in ("acme", "globex"):
        answer = server.request(
            "POST",
            "/api/incidents",
            json_body={"summary": "New", "impact": 3, "urgency": 3, "tenant": tenant},
            token=tokens[actor],
        )
        counted["accesses tried"] += 1
        allowed = _may(actor, open_route, tenant)
        assert (answer.status == 201) == allowed, (actor, tenant, answer)
        counted["allowed" if allowed else "refused"] += 1
        listed = server.request("GET", f"/api/incidents?tenant={tenant}", token=tokens[actor])
        counted["accesses tried"] += 1
        if actor in ("revoked", "forged", "none"):
            assert listed.status == 401
            counted["refused"] += 1
            continue
        if listed.status == 403:
            assert not _may(actor, Route("GET", ""), tenant), (actor, tenant)
            counted["refused"] += 1
            continue
        assert listed.status == 200, listed
        counted["allowed"] += 1
        seen = {item["tenant"] for item in listed.json()["items"]}
        if not _may(actor, Route("GET", ""), tenant):
            assert seen == set(), (actor, tenant, seen)
