"""The HTTP server, really served on loopback, over a desk on SQLite and on PostgreSQL.

The directory: acme (dedicated: ana's team), globex (shared: the pool, cy), and
a token for each kind of actor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from eventdesk import ServiceDesk
from eventdesk.http import create_app


@pytest.fixture(params=("sqlite", "postgres"))
def store(request: pytest.FixtureRequest) -> str:
    """HTTP tests run on the stores a server is deployed on (not in memory)."""
    return request.param


@pytest.fixture
def server(desk: ServiceDesk, live_server: Callable[[Any], Any]) -> Any:
    """The HTTP application over the desk, served on loopback (``server.request(...)``)."""
    return live_server(create_app(desk))


@dataclass(frozen=True)
class Tokens:
    admin: str  # admin:root
    ana: str  # agent of acme's dedicated team
    cy: str  # agent of the shared pool (globex)
    carla: str  # tenant user of acme
    gina: str  # tenant user of globex


@pytest.fixture
def tokens(desk: ServiceDesk) -> Tokens:
    """The directory above, and a token for each of its actors."""
    tenancy = desk.tenancy
    tenancy.register_tenant("acme", model="dedicated", service_manager="sofia")
    tenancy.register_tenant("globex", model="shared", service_manager="sofia")
    tenancy.form_team("acme-team", kind="dedicated", tenant="acme")
    tenancy.form_team("pool", kind="shared")
    tenancy.register_agent("ana", teams=["acme-team"])
    tenancy.register_agent("cy", teams=["pool"])
    made = {
        name: desk.tokens.create(name, spec)[0]
        for name, spec in {
            "admin": "admin:root",
            "ana": "agent:ana",
            "cy": "agent:cy",
            "carla": "user:carla@acme/acme",
            "gina": "user:gina@globex/globex",
        }.items()
    }
    return Tokens(**made)
