"""The wallboard's routes: the page and its assets, its snapshot, its live stream, its actions.

``GET /wallboard`` and ``/wallboard/static/...`` are the static page (no token:
it holds no data); everything under ``/wallboard/api/`` takes the same API
tokens as the JSON API, and acts as the token's actor. The live stream is
server-sent events (``text/event-stream``): a ``board`` event with the whole
snapshot whenever it changed, a comment line as a heartbeat otherwise.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from eventdesk.application import ServiceDesk
from eventdesk.http.api import authenticated
from eventdesk.http.bodies import TEXT, JSONAnswer, parse_json_object, read_body, take_fields
from eventdesk.http.gate import in_desk
from eventdesk.tenancy.access import Actor
from eventdesk.wallboard.actions import move_agent, reassign, switch_contingency
from eventdesk.wallboard.board import DEFAULT_TARGET, snapshot, supervision

STATIC = Path(__file__).parent / "static"
STREAM_INTERVAL = 1.0  # seconds between two looks at the read models
HEARTBEAT = 15.0  # seconds between two comment lines when nothing changed
REFRESH = 5.0  # seconds of the desk's clock after which the board is read again anyway


def _look(desk: ServiceDesk) -> tuple[int, datetime]:
    return desk.projector.head(), desk.clock.now()


def _board(desk: ServiceDesk, actor: Actor, target: Any) -> dict[str, Any]:
    return snapshot(desk, supervision(desk, actor), target=target)


async def page(request: Request) -> Response:
    return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


async def board(request: Request) -> JSONAnswer:
    actor = await authenticated(request)
    desk: ServiceDesk = request.app.state.desk
    target = getattr(request.app.state, "service_target", DEFAULT_TARGET)
    return JSONAnswer(await in_desk(request, _board, desk, actor, target))


async def events(request: Request) -> Response:
    """The snapshot again whenever it changes, as server-sent events."""
    actor = await authenticated(request)
    desk: ServiceDesk = request.app.state.desk
    state = request.app.state
    target = getattr(state, "service_target", DEFAULT_TARGET)
    interval = getattr(state, "wallboard_interval", STREAM_INTERVAL)
    await in_desk(request, supervision, desk, actor)  # refused before the stream starts

    async def stream() -> AsyncIterator[str]:
        last, seen, quiet = "", None, 0.0
        yield "retry: 2000\n\n"
        while not await request.is_disconnected():
            # The board again when an event was saved, or when time has moved on enough to
            # move an SLA clock or a wait: a look at the log's head costs one small query.
            head, now = await in_desk(request, _look, desk)
            if seen is None or head != seen[0] or (now - seen[1]).total_seconds() >= REFRESH:
                seen = (head, now)
                data = json.dumps(await in_desk(request, _board, desk, actor, target))
                digest = hashlib.sha256(data.encode()).hexdigest()
                if digest != last:
                    last, quiet = digest, 0.0
                    yield f"event: board\ndata: {data}\n\n"
            if quiet >= HEARTBEAT:
                quiet = 0.0
                yield ": still here\n\n"
            await asyncio.sleep(interval)
            quiet += interval

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _act(request: Request, kinds: dict[str, str], required: tuple[str, ...]) -> Any:
    actor = await authenticated(request)
    body = parse_json_object(await read_body(request), empty_is={})
    return actor, take_fields(body, kinds, required=required)


async def do_reassign(request: Request) -> JSONAnswer:
    actor, fields = await _act(
        request, {"incident": TEXT, "group": TEXT, "assignee": TEXT}, ("incident",)
    )
    desk: ServiceDesk = request.app.state.desk
    view = await in_desk(request, reassign, desk, actor, fields)
    return JSONAnswer(view.to_dict())


async def do_move(request: Request) -> JSONAnswer:
    actor, fields = await _act(
        request, {"agent": TEXT, "from": TEXT, "to": TEXT}, ("agent", "from", "to")
    )
    desk: ServiceDesk = request.app.state.desk
    view = await in_desk(request, move_agent, desk, actor, fields)
    return JSONAnswer(view.to_dict())


async def do_contingency(request: Request) -> JSONAnswer:
    actor, fields = await _act(
        request, {"tenant": TEXT, "mode": TEXT, "reason": TEXT}, ("tenant", "mode")
    )
    desk: ServiceDesk = request.app.state.desk
    view = await in_desk(request, switch_contingency, desk, actor, fields)
    return JSONAnswer(view.to_dict())


routes = [
    Route("/wallboard", page, methods=["GET"]),
    Route("/wallboard/api/board", board, methods=["GET"]),
    Route("/wallboard/api/events", events, methods=["GET"]),
    Route("/wallboard/api/reassign", do_reassign, methods=["POST"]),
    Route("/wallboard/api/move-agent", do_move, methods=["POST"]),
    Route("/wallboard/api/contingency", do_contingency, methods=["POST"]),
    Mount("/wallboard/static", StaticFiles(directory=STATIC), name="wallboard-static"),
]
