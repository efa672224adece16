"""How the server calls into its desk: off the event loop, and on SQLite one call at a time.

Every call runs in Starlette's thread pool. On PostgreSQL (and in memory) calls
run concurrently: the engine protects what must be (optimistic concurrency per
aggregate, a lock around incident numbers, locks around the read models'
connection and the tenancy directory).

SQLite cannot take concurrent calls in one process. Its read models live in
the same file as the events, and a projector catching up holds the file's
write lock while it reads events through the event store's connection pool;
a command saving events in another thread holds that pool's one writer
connection while it waits for the file's write lock, and further writers
queue in the pool ahead of the projector's reads. Each waits on the other
until a timeout breaks the cycle (and fails a request). SQLite has one writer
anyway, so the gate lets one call in at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from eventdesk.application import ServiceDesk

T = TypeVar("T")


class DeskGate:
    """Runs calls into a desk; on SQLite, one at a time (see the module's docstring)."""

    def __init__(self, desk: ServiceDesk) -> None:
        self.desk = desk
        self.lock: AbstractContextManager[Any] | None = (
            threading.RLock() if desk.store.kind == "sqlite" else None
        )

    def run(self, call: Callable[..., T], *args: Any) -> T:
        """Run ``call`` in this thread, through the gate."""
        if self.lock is None:
            return call(*args)
        with self.lock:
            return call(*args)


async def in_desk(request: Request, call: Callable[..., T], *args: Any) -> T:
    """Run ``call(*args)`` on the request's desk, in the thread pool, through its gate."""
    gate: DeskGate = request.app.state.gate
    return await run_in_threadpool(gate.run, call, *args)
