"""The Starlette application: health, the incident API and the channels' inbound routes.

Endpoints are ``async``; every call into the desk runs in Starlette's thread
pool through the desk's gate (``gate.py``): concurrently on PostgreSQL, one at
a time on SQLite. One ``ServiceDesk`` serves every request and the workers.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any

from eventsourcing.persistence import PersistenceError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from eventdesk.application import ServiceDesk
from eventdesk.errors import EventDeskError
from eventdesk.http import api, inbound
from eventdesk.http.bodies import MAX_BODY, JSONAnswer
from eventdesk.http.errors import HttpError, error_body, log, status_of
from eventdesk.http.gate import DeskGate, in_desk
from eventdesk.staffing import ServiceTarget
from eventdesk.wallboard.routes import routes as wallboard_routes

DeskFactory = Callable[[], ServiceDesk]
WORKER_INTERVAL = 5.0


async def health(request: Request) -> JSONAnswer:
    """Whether the server can read its store: 200 with the head of the event log, or 503."""
    desk: ServiceDesk = request.app.state.desk
    try:
        head = await in_desk(request, desk.projector.head)
    except Exception as error:  # whatever the store raised, the answer is: unavailable
        log.warning("health check failed: %s", error)
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        return JSONAnswer(
            {"status": "unavailable", "store": desk.store.kind, "error": first_line},
            status_code=503,
        )
    return JSONAnswer({"status": "ok", "store": desk.store.kind, "events": head})


# --- errors as JSON ----------------------------------------------------------------------


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HttpError)
    return JSONAnswer(
        error_body(error.error_type, error.message, error.details),
        status_code=error.status,
        headers=error.headers,
    )


async def _engine_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, EventDeskError)
    return JSONAnswer(
        error_body(type(error).__name__, error.message, error.details),
        status_code=status_of(error),
    )


_STARLETTE_TYPES = {404: "NotFound", 405: "MethodNotAllowed"}


async def _starlette_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    kind = _STARLETTE_TYPES.get(error.status_code, "HTTPError")
    message = {
        404: f"no route {request.url.path}",
        405: f"{request.method} is not allowed on {request.url.path}",
    }.get(error.status_code, str(error.detail))
    return JSONAnswer(
        error_body(kind, message, {}), status_code=error.status_code, headers=error.headers
    )


async def _unexpected(request: Request, error: Exception) -> Response:
    if isinstance(error, PersistenceError):  # the store failed: the client may try again
        log.warning("%s %s: the store failed: %s", request.method, request.url.path, error)
        return JSONAnswer(
            error_body("StoreUnavailable", "the store is unavailable: try again later", {}),
            status_code=503,
            headers={"Retry-After": "30"},
        )
    log.error("%s %s failed", request.method, request.url.path, exc_info=error)
    return JSONAnswer(
        error_body("InternalError", "internal error: the server's log has the details", {}),
        status_code=500,
    )


# --- workers -------------------------------------------------------------------------------


class Workers:
    """The background work of a desk, each in a thread of its own, on the server's desk:
    SLA timers (warnings, breaches, escalations), routing, and the deliveries of
    replies that are due. A pass that fails is logged and the worker carries on."""

    def __init__(self, gate: DeskGate, interval: float) -> None:
        desk = gate.desk
        self.gate = gate
        self.interval = interval
        self.stop = threading.Event()
        passes: dict[str, Callable[[], Any]] = {
            "sla-timers": desk.sla.tick,
            "routing": desk.tenancy.route,
            "deliveries": desk.intake.deliver_due,
        }
        self.threads = [
            threading.Thread(
                target=self._keep, args=(name, one_pass), name=f"eventdesk-{name}", daemon=True
            )
            for name, one_pass in passes.items()
        ]

    def _keep(self, name: str, one_pass: Callable[[], Any]) -> None:
        while not self.stop.is_set():
            try:
                self.gate.run(one_pass)
            except Exception:  # a worker outlives any one failed pass
                log.exception("%s worker: a pass failed; the next one in %ss", name, self.interval)
            self.stop.wait(self.interval)

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


# --- the application -----------------------------------------------------------------------


def create_app(
    desk: ServiceDesk | DeskFactory,
    *,
    max_body: int = MAX_BODY,
    workers: bool = False,
    worker_interval: float = WORKER_INTERVAL,
    service_target: str = "80/20",
) -> Starlette:
    """The HTTP application over a desk.

    ``desk`` is a ServiceDesk (the caller closes it) or a function that opens one
    when the server starts (the server closes it when it stops). ``max_body`` is
    the largest request body the API takes, in bytes (larger: 413); the channels'
    inbound routes take up to the intake's own limit. With ``workers``, the SLA
    timer, routing and delivery workers run in background threads while the
    server runs, a pass every ``worker_interval`` seconds. ``service_target`` is what the
    wallboard measures each half-hour against (``80/20``: 80 % answered within 20 s).
    """
    if isinstance(max_body, bool) or not isinstance(max_body, int) or max_body < 1:
        raise ValueError(f"max_body must be a positive number of bytes, not {max_body!r}")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        owned = not isinstance(desk, ServiceDesk)
        if owned:
            app.state.desk = await run_in_threadpool(desk)  # type: ignore[arg-type]
            app.state.gate = DeskGate(app.state.desk)
        running = Workers(app.state.gate, worker_interval) if workers else None
        if running is not None:
            running.start()
        try:
            yield
        finally:
            if running is not None:
                await run_in_threadpool(running.close)
            if owned:
                await run_in_threadpool(app.state.desk.close)

    app = Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            *api.routes,
            *inbound.routes,
            *wallboard_routes,
        ],
        exception_handlers={
            HttpError: _http_error,
            EventDeskError: _engine_error,
            HTTPException: _starlette_error,
            Exception: _unexpected,
        },
        lifespan=lifespan,
    )
    app.state.max_body = max_body
    app.state.service_target = ServiceTarget.parse(service_target)
    if isinstance(desk, ServiceDesk):  # usable before the lifespan runs (a test client)
        app.state.desk = desk
        app.state.gate = DeskGate(desk)
    return app
