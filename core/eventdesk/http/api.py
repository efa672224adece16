"""The JSON API for incidents: every request acts as its API token's actor.

The token's actor is the actor of every command and query, so an agent's token
sees and changes only what that agent may, and a tenant user's only its own
tenant's incidents; a refusal answers 403 and is recorded like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from eventdesk.application import ServiceDesk
from eventdesk.domain.incident import State
from eventdesk.domain.priority import check_priority
from eventdesk.errors import InvalidValueError
from eventdesk.http.bodies import (
    FLAG,
    TEXT,
    WHOLE_NUMBER,
    JSONAnswer,
    parse_json_object,
    read_body,
    take_fields,
)
from eventdesk.http.errors import HttpError
from eventdesk.http.gate import in_desk
from eventdesk.tenancy.access import Actor
from eventdesk.tokens.model import WRITE

BEARER = "bearer"
_CHALLENGE = 'Bearer realm="eventdesk"'


async def authenticated(request: Request, *, command: bool = False) -> Actor:
    """The actor of the request's ``Authorization: Bearer <token>``, or 401; for a
    ``command`` (a request that changes something), 403 if the token is read-only."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.strip().partition(" ")
    if not header:
        raise HttpError(
            401,
            "Unauthorized",
            "an API token is required: send Authorization: Bearer <token>",
            headers={"WWW-Authenticate": _CHALLENGE},
        )
    if scheme.lower() != BEARER or not token.strip():
        raise HttpError(
            401,
            "Unauthorized",
            "the Authorization header must be: Bearer <token>",
            headers={"WWW-Authenticate": _CHALLENGE},
        )
    desk: ServiceDesk = request.app.state.desk
    found = await in_desk(request, desk.tokens.authenticate_scoped, token.strip())
    if found is None:
        raise HttpError(
            401,
            "Unauthorized",
            "the API token is unknown or revoked",
            headers={"WWW-Authenticate": f'{_CHALLENGE}, error="invalid_token"'},
        )
    actor, scope = found
    if command and scope != WRITE:
        raise HttpError(
            403,
            "TokenScope",
            f"the API token is {scope}-only: it may not {request.method} {request.url.path}",
            headers={"WWW-Authenticate": f'{_CHALLENGE}, error="insufficient_scope"'},
            scope=scope,
        )
    return actor


async def _json_fields(
    request: Request, kinds: dict[str, str], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    body = parse_json_object(await read_body(request), empty_is={})
    return take_fields(body, kinds, required=required)


# --- listing and opening -----------------------------------------------------------------

# Query parameters of GET /api/incidents; state and priority may repeat or be comma-separated.
LIST_PARAMETERS = (
    "state",
    "priority",
    "tenant",
    "text",
    "assignment_group",
    "assignee",
    "caller",
    "offset",
    "limit",
)


def _whole_number(name: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InvalidValueError(name, text, "a whole number") from None


def _state(text: str) -> str:
    try:
        return State(text).value
    except ValueError:
        raise InvalidValueError("state", text, "one of " + ", ".join(State)) from None


def _many(request: Request, name: str) -> list[str] | None:
    values = [v.strip() for raw in request.query_params.getlist(name) for v in raw.split(",")]
    values = [v for v in values if v]
    return values or None


def list_filters(request: Request) -> dict[str, Any]:
    """The keyword arguments of ``list_incidents`` that the query string gives."""
    query = request.query_params
    unknown = sorted(set(query) - set(LIST_PARAMETERS))
    if unknown:
        raise InvalidValueError(
            "query parameter", unknown[0], "one of " + ", ".join(LIST_PARAMETERS)
        )
    for name in set(query) - {"state", "priority"}:
        if len(query.getlist(name)) > 1:
            raise InvalidValueError(name, query.getlist(name), "one value")
    filters: dict[str, Any] = {
        name: query[name]
        for name in ("tenant", "text", "assignment_group", "assignee", "caller")
        if name in query
    }
    states = _many(request, "state")
    filters["state"] = [_state(s) for s in states] if states else None
    priorities = _many(request, "priority")
    filters["priority"] = (
        [check_priority("priority", _whole_number("priority", p)) for p in priorities]
        if priorities
        else None
    )
    for name in ("offset", "limit"):
        if name in query:
            filters[name] = _whole_number(name, query[name])
    return filters


async def list_incidents(request: Request) -> JSONAnswer:
    actor = await authenticated(request)
    filters = list_filters(request)
    desk: ServiceDesk = request.app.state.desk
    page = await in_desk(request, lambda: desk.list_incidents(actor=actor, **filters))
    return JSONAnswer(page)


OPEN_FIELDS = {
    "summary": TEXT,
    "impact": WHOLE_NUMBER,
    "urgency": WHOLE_NUMBER,
    "description": TEXT,
    "category": TEXT,
    "subcategory": TEXT,
    "configuration_item": TEXT,
    "caller": TEXT,
    "assignment_group": TEXT,
    "assignee": TEXT,
    "parent": TEXT,
    "tenant": TEXT,
    "channel": TEXT,
    "skill": TEXT,
    "language": TEXT,
}


async def open_incident(request: Request) -> JSONAnswer:
    actor = await authenticated(request, command=True)
    fields = await _json_fields(request, OPEN_FIELDS, ("summary", "impact", "urgency"))
    if "channel" in fields:
        fields["channel"] = fields["channel"].strip().lower()
    desk: ServiceDesk = request.app.state.desk
    summary = fields.pop("summary")
    view = await in_desk(request, lambda: desk.open_incident(summary, actor=actor, **fields))
    return JSONAnswer(view, status_code=201, headers={"Location": f"/api/incidents/{view.number}"})


# --- one incident ------------------------------------------------------------------------


async def show_incident(request: Request) -> JSONAnswer:
    actor = await authenticated(request)
    ref = request.path_params["ref"]
    desk: ServiceDesk = request.app.state.desk

    def show() -> dict[str, Any]:
        view = desk.get_incident(ref, actor=actor)
        return {**view.to_dict(), "sla": desk.sla.status(view.id, actor=actor)}

    return JSONAnswer(await in_desk(request, show))


async def incident_history(request: Request) -> JSONAnswer:
    actor = await authenticated(request)
    ref = request.path_params["ref"]
    desk: ServiceDesk = request.app.state.desk
    return JSONAnswer(await in_desk(request, lambda: desk.history(ref, actor=actor)))


COMMENT_FIELDS = {"text": TEXT, "internal": FLAG, "expected_version": WHOLE_NUMBER}


async def add_comment(request: Request) -> JSONAnswer:
    actor = await authenticated(request, command=True)
    fields = await _json_fields(request, COMMENT_FIELDS, ("text",))
    ref = request.path_params["ref"]
    desk: ServiceDesk = request.app.state.desk
    text = fields.pop("text")
    return JSONAnswer(
        await in_desk(request, lambda: desk.comment(ref, text, actor=actor, **fields))
    )


async def incident_conversation(request: Request) -> JSONAnswer:
    actor = await authenticated(request)
    ref = request.path_params["ref"]
    desk: ServiceDesk = request.app.state.desk
    return JSONAnswer(await in_desk(request, lambda: desk.conversation(ref, actor=actor)))


REPLY_FIELDS = {"text": TEXT, "channel": TEXT, "template": TEXT, "expected_version": WHOLE_NUMBER}


async def add_reply(request: Request) -> JSONAnswer:
    """A reply to the incident's contact, sent on their channel (or ``channel``)."""
    actor = await authenticated(request, command=True)
    fields = await _json_fields(request, REPLY_FIELDS, ("text",))
    ref = request.path_params["ref"]
    desk: ServiceDesk = request.app.state.desk
    text = fields.pop("text")
    return JSONAnswer(await in_desk(request, lambda: desk.reply(ref, text, actor=actor, **fields)))


# --- the lifecycle and assignment ----------------------------------------------------------

Command = Callable[..., Any]
# Each action: the desk's command, its fields (all optional but the required ones), and
# which fields are required. Every action also takes expected_version.
ACTIONS: dict[str, tuple[Callable[[ServiceDesk], Command], dict[str, str], tuple[str, ...]]] = {
    "start": (lambda d: d.start, {}, ()),
    "hold": (lambda d: d.hold, {"reason": TEXT, "note": TEXT}, ("reason",)),
    "resume": (lambda d: d.resume, {}, ()),
    "resolve": (lambda d: d.resolve, {"code": TEXT, "notes": TEXT}, ("code",)),
    "reopen": (lambda d: d.reopen, {"reason": TEXT}, ()),
    "close": (lambda d: d.close_incident, {}, ()),
    "cancel": (lambda d: d.cancel, {"reason": TEXT}, ("reason",)),
    "assign": (lambda d: d.assign, {"group": TEXT, "assignee": TEXT}, ()),
}


async def incident_action(request: Request) -> JSONAnswer:
    action = request.path_params["action"]
    if action not in ACTIONS:
        raise HttpError(
            404,
            "NotFound",
            f"no action {action!r}: POST one of " + ", ".join(ACTIONS),
            action=action,
        )
    actor = await authenticated(request, command=True)
    command_of, kinds, required = ACTIONS[action]
    fields = await _json_fields(request, {**kinds, "expected_version": WHOLE_NUMBER}, required)
    ref = request.path_params["ref"]
    desk: ServiceDesk = request.app.state.desk
    command = command_of(desk)
    return JSONAnswer(await in_desk(request, lambda: command(ref, actor=actor, **fields)))


routes = [
    Route("/api/incidents", list_incidents, methods=["GET"]),
    Route("/api/incidents", open_incident, methods=["POST"]),
    Route("/api/incidents/{ref}", show_incident, methods=["GET"]),
    Route("/api/incidents/{ref}/history", incident_history, methods=["GET"]),
    Route("/api/incidents/{ref}/conversation", incident_conversation, methods=["GET"]),
    Route("/api/incidents/{ref}/comments", add_comment, methods=["POST"]),
    Route("/api/incidents/{ref}/replies", add_reply, methods=["POST"]),
    Route("/api/incidents/{ref}/{action}", incident_action, methods=["POST"]),
]
